"""Reads of change requests: the project's list, one request, what it would do now."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from keystage.control.changes import edits as plan_edits
from keystage.control.models import ChangeRequest
from keystage.control.models.changes import ChangeStatus
from keystage.core.errors import NotFound
from keystage.portfolio.access import access_project
from keystage.portfolio.models import Project


def change_list(*, who: Any, project: Project) -> QuerySet[ChangeRequest]:
    """The project's change requests, newest first (everyone on the project reads them)."""
    access_project(who=who, project_id=project.public_id)
    return ChangeRequest.objects.filter(project=project).select_related(
        "project", "requester", "decided_by", "baseline"
    )


def change_get(*, who: Any, project_id: Any, number: Any) -> ChangeRequest:
    """One request by its number in a project the user sees (NotFound otherwise)."""
    project = access_project(who=who, project_id=project_id)
    try:
        wanted = int(number)
    except (TypeError, ValueError):
        raise NotFound() from None
    found = (
        ChangeRequest.objects.filter(project=project, number=wanted)
        .select_related("project", "requester", "decided_by", "applied_by", "baseline")
        .first()
    )
    if found is None:
        raise NotFound()
    return found


def impact_is_current(change: ChangeRequest) -> bool:
    """Whether the stored impact was computed against the plan as it stands."""
    if change.impact is None:
        return False
    return plan_edits.fingerprint(change.project) == change.impact_fingerprint


@dataclass(frozen=True)
class ChangeFigures:
    """Scope-change figures of a project for its KPIs."""

    total: int
    approved: int
    pending: int
    approved_cost: Decimal


def change_figures(project: Project) -> ChangeFigures:
    """How many changes were raised, approved (or applied) and await a decision, and the
    cost of those approved (one query)."""
    done = Q(status__in=[ChangeStatus.APPROVED, ChangeStatus.APPLIED])
    row = ChangeRequest.objects.filter(project=project).aggregate(
        total=Count("id"),
        approved=Count("id", filter=done),
        pending=Count("id", filter=Q(status=ChangeStatus.SUBMITTED)),
        cost=Sum("cost_delta", filter=done),
    )
    return ChangeFigures(
        total=row["total"],
        approved=row["approved"],
        pending=row["pending"],
        approved_cost=row["cost"] or Decimal("0"),
    )
