"""Generating the project charter: a new, immutable version each time, with the content as a
JSON snapshot and the PDF rendered (WeasyPrint) from the same template as the page."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import documents
from keystage.core.audit import audit_record
from keystage.core.documents import for_display
from keystage.core.errors import Conflict
from keystage.core.models import AuditAction
from keystage.initiation.charter.models import CharterVersion
from keystage.initiation.charter.selectors import charter_content
from keystage.portfolio.access import require_open, require_perm
from keystage.portfolio.models import Project

STATIC = Path(__file__).resolve().parents[1] / "static" / "initiation"
STYLESHEETS = ("charter.css", "charter-print.css")
SYSTEM_LABEL = "Keystage system (command line)"


def document_context(version: CharterVersion | dict[str, Any]) -> dict[str, Any]:
    """What the charter template needs: the snapshot and the version's facts."""
    if isinstance(version, CharterVersion):
        meta = {
            "number": version.number,
            "generated_at": version.generated_at,
            "generated_by": version.generated_by_label,
        }
        content = version.content
    else:
        meta, content = version["meta"], version["content"]
    return {"c": for_display(content), "v": meta}


def render_pdf(context: dict[str, Any]) -> bytes:
    """A4 PDF of the charter, from the same template as the page, with the print stylesheet."""
    return documents.render_pdf(
        "initiation/charter/print.html", context, (STATIC / name for name in STYLESHEETS)
    )


def _generate(*, project: Project, user: User | None, label: str, summary: str) -> CharterVersion:
    Project.objects.select_for_update().filter(pk=project.pk).first()  # serialise numbering
    last = CharterVersion.objects.filter(project=project).aggregate(m=Max("number"))["m"]
    number = (last or 0) + 1
    content = charter_content(project)
    now = timezone.now()
    pdf = render_pdf(
        document_context(
            {
                "meta": {"number": number, "generated_at": now, "generated_by": label},
                "content": content,
            }
        )
    )
    version = CharterVersion(
        project=project,
        number=number,
        generated_by=user,
        generated_by_label=label,
        content=content,
        pdf=pdf,
        generated_at=now,
    )
    try:
        with transaction.atomic():
            version.save()
    except IntegrityError:
        raise Conflict(
            current=None,
            message="Someone regenerated the charter at the same moment; reload to see it.",
        ) from None
    audit_record(
        who=user,
        obj=version,
        action=AuditAction.CREATE,
        project=project,
        changes={"number": [None, number]},
        summary=summary.format(number=number),
    )
    return version


@transaction.atomic
def charter_regenerate(*, who: User, project: Project) -> CharterVersion:
    """Generate the next charter version from the project's current data (project editors)."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    return _generate(
        project=project,
        user=who,
        label=who.display_name,
        summary="Generated project charter version {number}",
    )


@transaction.atomic
def charter_regenerate_as_system(*, project: Project, via: str = "keystage CLI") -> CharterVersion:
    """Generate the next version as the system actor (the command line has no signed-in user).

    Whoever runs the command line already holds the database; the journal records the
    version with no user and says it came from the system. Refused on a closed or
    cancelled project like every write.
    """
    require_open(project)
    return _generate(
        project=project,
        user=None,
        label=SYSTEM_LABEL,
        summary=f"Generated project charter version {{number}} as the system ({via})",
    )
