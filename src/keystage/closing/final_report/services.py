"""Issuing the final report: the next number, the content, page body and PDF frozen at issue
time, journaled, and the project's members told. The project manager issues, in Closing."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.closing.final_budget.services import require_closing
from keystage.closing.final_report.content import final_report_content
from keystage.closing.models import FinalReport
from keystage.control.reports.services import STATIC as STATUS_REPORT_STATIC
from keystage.core import documents
from keystage.core.audit import audit_record
from keystage.core.documents import for_display
from keystage.core.errors import Conflict, InvalidInput
from keystage.core.models import AuditAction
from keystage.notifications.models import NotificationKind
from keystage.notifications.services import notify
from keystage.portfolio.access import access_project
from keystage.portfolio.models import Project, ProjectMembership

STATIC = Path(__file__).resolve().parents[1] / "static" / "closing"
STYLESHEETS = (
    STATUS_REPORT_STATIC / "status-report-print.css",  # the page, running title, tables
    STATIC / "final-report.css",
    STATIC / "final-report-print.css",
)


def document_context(content: dict[str, Any], meta: dict[str, Any] | None) -> dict[str, Any]:
    """What the report templates need: the snapshot for display and the issue facts."""
    return {"r": for_display(content), "meta": meta}


def render_final_report_pdf(content: dict[str, Any], meta: dict[str, Any] | None) -> bytes:
    """A4 PDF of a final report (issued or live), from the page's template and SVG."""
    return documents.render_pdf(
        "closing/final_report/print.html",
        document_context(content, meta),
        STYLESHEETS,
    )


def parse_latest(raw: Any) -> int:
    """The number of the latest issued report the caller has seen (absent: none)."""
    if raw is None or raw == "":
        return 0
    if isinstance(raw, bool):
        raise InvalidInput({"latest": ["Give the number of the latest issued report, or 0."]})
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise InvalidInput(
            {"latest": ["Give the number of the latest issued report, or 0."]}
        ) from None
    if not 0 <= value <= 100_000:
        raise InvalidInput({"latest": ["Give the number of the latest issued report, or 0."]})
    return value


@transaction.atomic
def final_report_issue(*, who: User, project_id: Any, latest: int = 0) -> FinalReport:
    """Issue the project's final report: frozen content, body and PDF; journaled; members told.

    ``latest`` is the number of the latest issued report the caller has seen (0: none): when
    another was issued since, the request is a repeat or a race and gets 409 — issuing again
    on purpose names the report it supersedes."""
    project = access_project(who=who, project_id=project_id, perm=Perm.EDIT)
    require_closing(project, "the final report is issued")
    Project.objects.select_for_update().filter(pk=project.pk).first()  # serialise numbering
    last = FinalReport.objects.filter(project=project).aggregate(m=Max("number"))["m"] or 0
    if last != latest:
        raise Conflict(
            current=None,
            message=f"Final report {last} is already issued"
            + ("" if latest == 0 else f" (you saw {latest})")
            + f"; to issue a new one that supersedes it, reload and confirm with latest={last}.",
        )
    number = last + 1
    content = final_report_content(project=project)
    now = timezone.now()
    meta = {"number": number, "issued_at": now, "issued_by": who.display_name}
    html = render_to_string("closing/final_report/_body.html", document_context(content, meta))
    report = FinalReport(
        project=project,
        number=number,
        issued_at=now,
        issued_by=who,
        issued_by_label=who.display_name,
        content=content,
        html=html,
        pdf=render_final_report_pdf(content, meta),
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise Conflict(
            current=None, message="Someone issued the final report at the same moment; reload."
        ) from None
    audit_record(
        who=who,
        obj=report,
        action=AuditAction.CREATE,
        project=project,
        changes={"number": [None, number]},
        summary=f"Issued final report {number}",
    )
    members = ProjectMembership.objects.filter(project=project).select_related("user")
    notify(
        [m.user for m in members],
        kind=NotificationKind.FINAL_REPORT,
        project=project,
        text=f"{project.code}: final report {number} issued by {who.display_name}",
        url=reverse("closing:final-report-issued", args=[project.public_id, number]),
        actor=who,
    )
    return report


def live_final_report_pdf_as_system(*, project: Project) -> tuple[dict[str, Any], bytes]:
    """The live final report of ``project`` and its PDF, for the command line (which holds the
    database and acts as the system). Nothing is issued or written."""
    content = final_report_content(project=project)
    return content, render_final_report_pdf(content, None)
