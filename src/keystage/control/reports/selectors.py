"""Reading status reports through the project chokepoint: the live preview and the issued ones."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone

from keystage.accounts.roles import Perm
from keystage.control.models import StatusReport
from keystage.control.reports.content import parse_period, status_report_content
from keystage.core.errors import NotFound
from keystage.planning.models import ProjectCalendar
from keystage.portfolio.access import access_project, project_perms
from keystage.portfolio.models import Project


@dataclass(frozen=True)
class ReportPreview:
    """The report as it would be issued now, and what the reader may do with it."""

    project: Project
    content: dict[str, Any]
    can_issue: bool
    issued: list[Any] = field(default_factory=list)


def data_date_of(project: Project) -> dt.date:
    """The project's status date (its data date, else today): where the default period ends."""
    calendar = ProjectCalendar.objects.filter(project=project).first()
    return (calendar.data_date if calendar else None) or timezone.localdate()


def status_report_preview(
    *,
    who: Any,
    project_id: Any,
    period_start: str | None = None,
    period_end: str | None = None,
) -> ReportPreview:
    """The live status report of a project the reader may see, for the period given as
    ``YYYY-MM-DD`` text (default: the week up to the data date)."""
    project = access_project(who=who, project_id=project_id, perm=Perm.VIEW)
    start, end = parse_period(period_start, period_end, data_date=data_date_of(project))
    content = status_report_content(project=project, period_start=start, period_end=end)
    return ReportPreview(
        project=project,
        content=content,
        can_issue=Perm.EDIT in project_perms(who, project),
        issued=issued_reports(who=who, project=project),
    )


def issued_reports(*, who: Any, project: Project) -> list[StatusReport]:
    """The project's issued reports, newest first (``project`` read through the chokepoint)."""
    access_project(who=who, project_id=project.public_id, perm=Perm.VIEW)
    return list(
        StatusReport.objects.filter(project=project)
        .select_related("project")
        .defer("pdf", "html", "content")
        .order_by("-number")
    )


def issued_report(*, who: Any, project_id: Any, number: int) -> StatusReport:
    """One issued report of a project the reader may see (404 otherwise)."""
    project = access_project(who=who, project_id=project_id, perm=Perm.VIEW)
    report = StatusReport.objects.filter(project=project, number=number).first()
    if report is None:
        raise NotFound("No such status report.")
    return report
