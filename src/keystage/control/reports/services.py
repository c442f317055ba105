"""Issuing a status report: the next number of the project, the content, page body and PDF
frozen at issue time, journaled. Project editors (the PM) issue; members read."""

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
from keystage.control.models import StatusReport
from keystage.control.reports.content import parse_period, status_report_content
from keystage.control.reports.selectors import data_date_of
from keystage.core import documents
from keystage.core.audit import audit_record
from keystage.core.documents import for_display
from keystage.core.errors import Conflict
from keystage.core.models import AuditAction
from keystage.notifications.models import NotificationKind
from keystage.notifications.services import notify
from keystage.portfolio.access import access_project
from keystage.portfolio.models import Project, ProjectMembership

STATIC = Path(__file__).resolve().parents[1] / "static" / "control"
STYLESHEETS = ("status-report.css", "status-report-print.css")


def document_context(content: dict[str, Any], meta: dict[str, Any] | None) -> dict[str, Any]:
    """What the report templates need: the snapshot for display and the issue facts."""
    return {"r": for_display(content), "meta": meta}


def render_report_pdf(content: dict[str, Any], meta: dict[str, Any] | None) -> bytes:
    """A4 PDF of a status report (issued or preview), from the page's template and SVG."""
    return documents.render_pdf(
        "control/reports/print.html",
        document_context(content, meta),
        (STATIC / name for name in STYLESHEETS),
    )


@transaction.atomic
def report_issue(
    *,
    who: User,
    project_id: Any,
    period_start: str | None = None,
    period_end: str | None = None,
    notify_members: bool = False,
) -> StatusReport:
    """Issue the project's next status report for the period (default: the week up to the
    data date): frozen content, body and PDF; journaled. Editors of the project only.

    With ``notify_members`` every member of the project (the only people who may read it)
    is told in-app and, unless they turned it off, by e-mail after the commit."""
    project = access_project(who=who, project_id=project_id, perm=Perm.EDIT)
    start, end = parse_period(period_start, period_end, data_date=data_date_of(project))
    Project.objects.select_for_update().filter(pk=project.pk).first()  # serialise numbering
    last = StatusReport.objects.filter(project=project).aggregate(m=Max("number"))["m"]
    number = (last or 0) + 1
    content = status_report_content(project=project, period_start=start, period_end=end)
    now = timezone.now()
    meta = {"number": number, "issued_at": now, "issued_by": who.display_name}
    html = render_to_string("control/reports/_body.html", document_context(content, meta))
    report = StatusReport(
        project=project,
        number=number,
        period_start=start,
        period_end=end,
        issued_at=now,
        issued_by=who,
        issued_by_label=who.display_name,
        content=content,
        html=html,
        pdf=render_report_pdf(content, meta),
    )
    try:
        with transaction.atomic():
            report.save()
    except IntegrityError:
        raise Conflict(
            current=None,
            message="Someone issued a status report at the same moment; reload to see it.",
        ) from None
    audit_record(
        who=who,
        obj=report,
        action=AuditAction.CREATE,
        project=project,
        changes={"number": [None, number], "period": [None, f"{start} – {end}"]},
        summary=f"Issued status report {number} ({start:%d %b %Y} – {end:%d %b %Y})",
    )
    if notify_members:
        members = ProjectMembership.objects.filter(project=project).select_related("user")
        notify(
            [m.user for m in members],
            kind=NotificationKind.STATUS_REPORT,
            project=project,
            text=f"{project.code}: status report {number} issued "
            f"({start:%d %b %Y} – {end:%d %b %Y}) by {who.display_name}",
            url=reverse("control:status-report-issued", args=[project.public_id, number]),
            actor=who,
        )
    return report


def live_report_pdf_as_system(
    *, project: Project, period_start: str | None = None, period_end: str | None = None
) -> tuple[dict[str, Any], bytes]:
    """The live report of ``project`` for the period and its PDF, for the command line
    (which holds the database and acts as the system). Nothing is issued or written."""
    start, end = parse_period(period_start, period_end, data_date=data_date_of(project))
    content = status_report_content(project=project, period_start=start, period_end=end)
    return content, render_report_pdf(content, None)
