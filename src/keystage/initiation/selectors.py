"""Reads of initiation records — every queryset starts from the project chokepoint."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from keystage.core.lookup import get_by_public_id
from keystage.initiation import engine
from keystage.initiation.models import (
    BusinessCase,
    CashFlowLine,
    FeasibilityStudy,
    Proposal,
    ResearchAttachment,
    ResearchNote,
    Stakeholder,
)
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project


def proposals_visible_to(who: Any) -> QuerySet[Proposal]:
    """Proposals of projects the user may see."""
    return Proposal.objects.filter(project__in=projects_visible_to(who))


def business_cases_visible_to(who: Any) -> QuerySet[BusinessCase]:
    """Business cases of projects the user may see."""
    return BusinessCase.objects.filter(project__in=projects_visible_to(who))


def lines_visible_to(who: Any) -> QuerySet[CashFlowLine]:
    """Cash-flow lines of projects the user may see."""
    return CashFlowLine.objects.filter(case__project__in=projects_visible_to(who))


def notes_visible_to(who: Any) -> QuerySet[ResearchNote]:
    """Research notes of projects the user may see."""
    return ResearchNote.objects.filter(project__in=projects_visible_to(who))


def feasibility_visible_to(who: Any) -> QuerySet[FeasibilityStudy]:
    """Feasibility studies of projects the user may see."""
    return FeasibilityStudy.objects.filter(project__in=projects_visible_to(who))


def stakeholders_visible_to(who: Any) -> QuerySet[Stakeholder]:
    """Stakeholder entries of projects the user may see."""
    return Stakeholder.objects.filter(project__in=projects_visible_to(who))


def proposal_get(*, who: Any, project: Project) -> Proposal | None:
    """The project's proposal, if written."""
    return proposals_visible_to(who).filter(project=project).select_related("project").first()


def business_case_get(*, who: Any, project: Project) -> BusinessCase | None:
    """The project's business case settings, if set."""
    return business_cases_visible_to(who).filter(project=project).select_related("project").first()


def line_list(*, who: Any, project: Project) -> QuerySet[CashFlowLine]:
    """The cash-flow lines of the project's business case."""
    return lines_visible_to(who).filter(case__project=project).select_related("case__project")


def line_get(*, who: Any, project: Project, line_id: Any) -> CashFlowLine:
    """One line of this project's business case (404 for another project's)."""
    return get_by_public_id(line_list(who=who, project=project), line_id)


def business_case_figures(
    *, who: Any, project: Project
) -> tuple[BusinessCase | None, list[CashFlowLine], engine.CaseFigures | None]:
    """The case, its lines and the computed figures (None before the case is set)."""
    case = business_case_get(who=who, project=project)
    if case is None:
        return None, [], None
    lines = list(line_list(who=who, project=project))
    return case, lines, engine.case_figures(case, lines)


def note_list(*, who: Any, project: Project) -> QuerySet[ResearchNote]:
    """Research notes of the project, newest first, with their attachments."""
    return (
        notes_visible_to(who)
        .filter(project=project)
        .select_related("author", "project")
        .prefetch_related("attachments")
    )


def note_get(*, who: Any, project: Project, note_id: Any) -> ResearchNote:
    """One research note of this project."""
    return get_by_public_id(note_list(who=who, project=project), note_id)


def attachments_visible_to(who: Any) -> QuerySet[ResearchAttachment]:
    """Research-note attachments of projects the user may see."""
    return ResearchAttachment.objects.filter(note__project__in=projects_visible_to(who))


def attachment_list(*, who: Any, note: ResearchNote) -> QuerySet[ResearchAttachment]:
    """The files of one research note, oldest first."""
    return (
        attachments_visible_to(who).filter(note=note).select_related("note__project", "uploaded_by")
    )


def attachment_get(*, who: Any, note: ResearchNote, attachment_id: Any) -> ResearchAttachment:
    """One file of this note (404 for another note's or project's)."""
    return get_by_public_id(attachment_list(who=who, note=note), attachment_id)


def feasibility_get(*, who: Any, project: Project) -> FeasibilityStudy | None:
    """The project's feasibility study, if written."""
    return feasibility_visible_to(who).filter(project=project).select_related("project").first()


def stakeholder_list(*, who: Any, project: Project) -> QuerySet[Stakeholder]:
    """The stakeholder register of the project, key stakeholders first."""
    return stakeholders_visible_to(who).filter(project=project).select_related("signed_off_by")


def stakeholder_get(*, who: Any, project: Project, stakeholder_id: Any) -> Stakeholder:
    """One stakeholder entry of this project."""
    return get_by_public_id(stakeholder_list(who=who, project=project), stakeholder_id)
