"""Reading the final report through the project chokepoint: the live preview and the issued."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from keystage.accounts.roles import Perm
from keystage.closing.final_report.content import final_report_content
from keystage.closing.models import FinalReport
from keystage.core.errors import NotFound
from keystage.portfolio.access import access_project, project_perms
from keystage.portfolio.lifecycle import Stage
from keystage.portfolio.models import Project


@dataclass(frozen=True)
class FinalReportPreview:
    """The report as it would be issued now, and what the reader may do with it."""

    project: Project
    content: dict[str, Any]
    can_issue: bool
    issued: list[FinalReport] = field(default_factory=list)

    @property
    def latest_number(self) -> int:
        """The number of the latest issued report (0 when none): what re-issuing supersedes."""
        return self.issued[0].number if self.issued else 0


def issued_final_reports(project: Project) -> list[FinalReport]:
    """The project's issued final reports, newest first (``project`` already checked)."""
    return list(
        FinalReport.objects.filter(project=project)
        .select_related("project")
        .defer("pdf", "html", "content")
        .order_by("-number")
    )


def final_report_preview(*, who: Any, project_id: Any) -> FinalReportPreview:
    """The live final report of a project the reader may see."""
    project = access_project(who=who, project_id=project_id, perm=Perm.VIEW)
    return FinalReportPreview(
        project=project,
        content=final_report_content(project=project),
        can_issue=Perm.EDIT in project_perms(who, project) and project.stage == Stage.CLOSING,
        issued=issued_final_reports(project),
    )


def final_reports(*, who: Any, project_id: Any) -> list[FinalReport]:
    """The issued final reports of a project the reader may see, newest first."""
    project = access_project(who=who, project_id=project_id, perm=Perm.VIEW)
    return issued_final_reports(project)


def final_report(*, who: Any, project_id: Any, number: int) -> FinalReport:
    """One issued final report of a project the reader may see (404 otherwise)."""
    project = access_project(who=who, project_id=project_id, perm=Perm.VIEW)
    report = FinalReport.objects.filter(project=project, number=number).first()
    if report is None:
        raise NotFound("No such final report.")
    return report
