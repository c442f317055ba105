"""Work and labour cost of a project's assignments (read by the budget, baselines, pages)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils import timezone

from keystage.engine.money import CENT, round_to, to_cents
from keystage.planning.models import Assignment, Task
from keystage.portfolio.models import Project
from keystage.resources.models import ResourceProfile

ZERO = Decimal("0")


@dataclass(frozen=True, slots=True)
class AssignmentWork:
    """One assignment with its planned hours, the person's rate and the labour cost."""

    assignment_id: int
    task_id: int
    person_id: int
    person_name: str
    units_percent: int
    hours: Decimal
    cost_rate: Decimal
    cost: Decimal
    start: dt.date | None
    finish: dt.date | None


def local_date(value: dt.datetime | None) -> dt.date | None:
    """The calendar day of a stored instant in the site's time zone."""
    return timezone.localtime(value).date() if value is not None else None


def assignment_hours(assignment: Assignment, task: Task | None = None) -> Decimal:
    """Planned hours: the explicit work, else the task's working duration × units.

    ``task`` saves a query where the caller already holds the assignment's task.
    """
    return planned_hours(
        assignment.work_hours,
        (task or assignment.task).duration_minutes,
        assignment.units_percent,
    )


def planned_hours(work_hours: Any, duration_minutes: int, units_percent: int) -> Decimal:
    """:func:`assignment_hours` from the plain values (for reads that fetch no models)."""
    if work_hours is not None:
        return Decimal(work_hours)
    minutes = Decimal(duration_minutes) * units_percent / 100
    return round_to(minutes / 60, CENT)


def assignment_work(*, project: Project) -> list[AssignmentWork]:
    """Every assignment of the project in WBS order, with hours and cost (two queries).

    The caller has already checked that the project is visible.
    """
    rows = list(
        Assignment.objects.filter(project=project)
        .select_related("task", "person")
        .order_by("task__row", "person__username", "id")
    )
    rates = dict(
        ResourceProfile.objects.filter(user_id__in={a.person_id for a in rows}).values_list(
            "user_id", "cost_rate"
        )
    )
    result = []
    for a in rows:
        hours = assignment_hours(a)
        rate = Decimal(rates.get(a.person_id) or ZERO)
        result.append(
            AssignmentWork(
                assignment_id=a.pk,
                task_id=a.task_id,
                person_id=a.person_id,
                person_name=a.person.display_name,
                units_percent=a.units_percent,
                hours=hours,
                cost_rate=rate,
                cost=to_cents(hours * rate),
                start=local_date(a.task.start_at),
                finish=local_date(a.task.finish_at),
            )
        )
    return result
