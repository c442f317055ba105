"""Import a plan into a NEW project: the project is opened from the file and the plan
written into it, in one transaction.

Whoever may open projects (``portfolio.access.can_create_projects``: administrators,
portfolio owners and, when the organisation allows it, project managers; everyone else
proposes projects through the intake queue) uploads a plan. The new project takes its
name from the form or the file's project title, its code from the form or that name,
its start from the file and its target date from the plan's scheduled finish; it is
opened through the portfolio's own ``project_create`` (Initiation, gates, journal) with
the importer as its project manager, then the plan goes in through
:func:`keystage.interop.services.plan_import`. A refusal anywhere leaves no project
behind. The page's preview is kept as a report without a project until it is confirmed.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from pathlib import PurePath
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from keystage.accounts.models import User
from keystage.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from keystage.core.lookup import get_by_public_id
from keystage.engine import daterange
from keystage.engine.interchange import PlanDocument
from keystage.interop import services
from keystage.interop.models import ImportReport, ImportStatus
from keystage.portfolio import services as portfolio
from keystage.portfolio.access import can_create_projects
from keystage.portfolio.lifecycle import ProjectKind
from keystage.portfolio.models import Project, project_code_validator

CODE_TAKEN = "Another project already uses this code."


def require_may_open(who: Any) -> User:
    """``who`` if they may open projects; 403 otherwise (members propose through intake)."""
    if not isinstance(who, User) or not can_create_projects(who):
        raise Forbidden(portfolio.CREATE_REFUSED)
    return who


def code_from(name: str) -> str:
    """A project code made of a name's words: capitals and digits joined by hyphens."""
    plain = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
    words = re.findall(r"[A-Z0-9]+", plain.upper())
    code = ""
    for word in words:
        joined = f"{code}-{word}" if code else word
        if len(joined) > 20:
            break
        code = joined
    if not code and words:
        code = words[0][:20]
    return code if len(code) >= 2 else "PLAN"


def _refusals(who: User, name: str, code: str) -> dict[str, Any]:
    """Why a project could not take this name or code (nothing when both are empty)."""
    if who.organisation_id is None:
        return {"organisation": "Your account belongs to no organisation."}
    errors: dict[str, Any] = {}
    if len(name) > 200:
        errors["name"] = "Use at most 200 characters."
    if code:
        try:
            project_code_validator(code)
        except ValidationError as exc:
            errors["code"] = list(exc.messages)
        else:
            taken = Project.objects.filter(organisation_id=who.organisation_id, code__iexact=code)
            if taken.exists():
                errors["code"] = CODE_TAKEN
    return errors


def check_name_and_code(*, who: User, name: str, code: str) -> None:
    """400 on ``name`` or ``code`` given with an upload that the new project could never
    take (the code already used in the organisation): checked before the file is read."""
    errors = _refusals(who, " ".join((name or "").split()), (code or "").strip().upper())
    if errors:
        raise InvalidInput(errors)


def name_and_code(
    *, who: User, name: str, code: str, document: PlanDocument, file_name: str
) -> tuple[str, str]:
    """The new project's name and code: as given, else from the file; 400 on ``name`` or
    ``code`` when they cannot be used (the code already taken in the organisation)."""
    name = " ".join((name or "").split()) or " ".join(document.title.split())
    name = name or PurePath(file_name).stem or "Imported plan"
    code = (code or "").strip().upper() or code_from(name)
    errors = _refusals(who, name, code)
    if errors:
        raise InvalidInput(errors)
    return name, code


def new_project_import(
    *,
    who: Any,
    document: PlanDocument,
    source: dict[str, Any],
    name: str = "",
    code: str = "",
    kind: str = ProjectKind.OTHER,
    dry_run: bool = False,
    file_dates: dict[str, tuple[dt.datetime, dt.datetime]] | None = None,
    report: ImportReport | None = None,
    description: str | None = None,
) -> tuple[Project | None, ImportReport, services.Preview]:
    """Open a project from ``document`` and import its plan (``dry_run``: only preview).

    Returns the new project (None on a dry run), the report (saved unless ``dry_run``)
    and the preview. One transaction: any error leaves neither project nor plan. The
    plan is scheduled once: its rows, before the project is opened with their finish as
    its target date, and written with those dates.
    """
    user = require_may_open(who)
    name, code = name_and_code(
        who=user, name=name, code=code, document=document, file_name=str(source.get("name", ""))
    )
    preview = services.plan_preview(project=None, document=document, who=user, schedule=dry_run)
    report = services.report_of(None, source, document, preview, report)
    report.new_project = {"name": name, "code": code}
    if dry_run:
        return None, report, preview
    services.schedule_preview(preview)
    if preview.finish is not None and not daterange.plausible(preview.finish):
        raise InvalidInput(
            {"file": f"The plan would finish on {preview.finish}. {daterange.MESSAGE}"}
        )
    if description is None:
        description = f"Imported from the plan {report.file_name}."
    with transaction.atomic():
        project = portfolio.project_create(
            who=user,
            name=name,
            code=code,
            kind=kind,
            start_date=preview.start,
            target_date=max(preview.finish or preview.start, preview.start),
            description=description[:5000],
            project_manager=user,
        )
        report, preview = services.plan_import(
            who=user,
            project=project,
            document=document,
            source=source,
            file_dates=file_dates,
            report=report,
            preview=preview,
        )
    return project, report, preview


def new_project_upload(
    *, who: Any, name: str, code: str, file_name: str, data: bytes
) -> tuple[ImportReport, services.Preview]:
    """Read an upload for a new project and keep its preview (the uploader's own)."""
    user = require_may_open(who)
    check_name_and_code(who=user, name=name, code=code)
    document, _ = services.read_upload(file_name, data)
    _, report, preview = new_project_import(
        who=user,
        document=document,
        source=services.source_of(file_name, data, document),
        name=name,
        code=code,
        dry_run=True,
    )
    if preview.error:
        raise InvalidInput({"file": preview.error})
    report.data = data
    report.imported_by = user
    stale = timezone.now() - dt.timedelta(days=services.PREVIEW_DAYS)
    ImportReport.objects.filter(
        project__isnull=True, status=ImportStatus.PREVIEW, created_at__lt=stale
    ).delete()  # abandoned previews do not keep their uploads for ever
    report.save()
    return report, preview


def new_project_preview(*, who: Any, report_id: Any, lock: bool = False) -> ImportReport:
    """The uploader's own stored preview of an import into a new project (``lock``: held
    until the end of the caller's transaction, so a second confirm waits, then sees it
    imported)."""
    user = require_may_open(who)
    reports = ImportReport.objects.filter(imported_by=user)
    report = get_by_public_id(reports.select_for_update() if lock else reports, report_id)
    if report.status == ImportStatus.IMPORTED:
        raise Conflict(current=None, message="This file was already imported.")
    if report.project_id is not None or report.data is None:
        raise NotFound("No such import.")
    return report


@transaction.atomic
def new_project_confirm(*, who: Any, report_id: Any) -> tuple[Project, ImportReport]:
    """Open the project of a previewed upload and import its plan; the preview's own
    bytes are read again. Two confirms of one preview: the second gets 409."""
    report = new_project_preview(who=who, report_id=report_id, lock=True)
    data = bytes(report.data or b"")
    document, file_dates = services.read_upload(report.file_name, data)
    project, report, _ = new_project_import(
        who=who,
        document=document,
        source={"name": report.file_name},
        name=str(report.new_project.get("name", "")),
        code=str(report.new_project.get("code", "")),
        file_dates=file_dates,
        report=report,
    )
    if project is None:  # only a dry run answers no project
        raise NotFound("No such import.")
    return project, report
