"""The rules every time entry obeys, checked in bulk: one entry, a week's grid or a CSV file.

``check_entries`` takes candidate entries (already resolved to a project and one of its
tasks) and answers every broken rule as ``(index, field, message)`` with a constant number of
queries, so the page, the API and the 100,000-line import share one definition:

- hours more than 0 and at most 24, to the hundredth;
- at most 24 hours in a day for a person, across every task and project;
- a leaf task (not a summary), assigned to the person unless the project allows un-assigned
  logging (``TimesheetSettings.allow_unassigned``);
- a project that is not closed (``portfolio.access.is_closed``); a day not before its start,
  not after today;
- a week that is neither submitted nor approved (locked);
- one entry per person, task and day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from decimal import Decimal
from functools import lru_cache
from typing import NamedTuple

from django.db.models import Sum

from keystage.accounts.models import User
from keystage.execution.models import (
    LOCKED_STATUSES,
    TimeEntry,
    Timesheet,
    TimesheetSettings,
)
from keystage.execution.models.timesheets import MAX_DAY_HOURS
from keystage.planning.models import Assignment, Task
from keystage.portfolio.access import closed_message, is_closed
from keystage.portfolio.models import Project

HUNDREDTH = Decimal("0.01")


class Candidate(NamedTuple):
    """A time entry to be written: who, where, which day and how long (a tuple: the import
    makes 100,000 of them)."""

    person_id: int
    project: Project
    task: Task
    day: dt.date
    hours: Decimal


Problem = tuple[int, str, str]


def lock_people(person_ids: Iterable[int]) -> None:
    """Hold the people's rows until the transaction ends, in id order (no deadlock).

    Every write of a person's time takes this first, so two requests at once (two tabs,
    the API and the CSV import) check the 24-hour day and the week's lock one after the
    other instead of both passing on the same committed hours.
    """
    ids = sorted(set(person_ids))
    if ids:
        list(User.objects.select_for_update().filter(pk__in=ids).order_by("pk").values("pk"))


@lru_cache(maxsize=8192)
def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s ISO week."""
    return day - dt.timedelta(days=day.weekday())


def label(day: dt.date) -> str:
    """A day as pages show it: 'Tue 5 Jan 2027'."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _hours_problem(hours: Decimal) -> str | None:
    if hours < 0:
        return "Hours cannot be negative."
    if hours == 0:
        return "Hours are more than 0 (leave the cell empty for none)."
    if hours > MAX_DAY_HOURS:
        return "A day has 24 hours."
    if hours != hours.quantize(HUNDREDTH):
        return "Enter hours to the hundredth, e.g. 1.25."
    return None


def _single_problems(c: Candidate, today: dt.date) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    problem = _hours_problem(c.hours)
    if problem:
        found.append(("hours", problem))
    if is_closed(c.project):
        found.append(("project", closed_message(c.project)))
    if c.task.project_id != c.project.pk:
        found.append(("task", f"Choose a task of {c.project.code}."))
    elif c.task.is_summary:
        found.append(("task", f"'{c.task.name}' is a summary task; log time on its sub-tasks."))
    if c.day < c.project.start_date:
        found.append(
            (
                "day",
                f"{label(c.day)} is before {c.project.code} starts "
                f"({label(c.project.start_date)}).",
            )
        )
    if c.day > today:
        found.append(("day", f"{label(c.day)} is in the future; log time once it is worked."))
    return found


def check_entries(
    candidates: Sequence[Candidate],
    *,
    replaced: Iterable[int] = (),
    today: dt.date,
) -> list[Problem]:
    """Every broken rule of ``candidates`` as (index, field, message), in index order.

    ``replaced`` are the ids of stored entries the write removes or rewrites (the entry
    being edited, a week's grid): they count neither for the daily total nor as duplicates.
    """
    if not candidates:
        return []
    replaced_ids = set(replaced)
    problems: list[Problem] = []
    for index, c in enumerate(candidates):
        problems += [(index, f, m) for f, m in _single_problems(c, today)]

    person_ids = {c.person_id for c in candidates}
    project_ids = {c.project.id for c in candidates}
    first = min(c.day for c in candidates)
    last = max(c.day for c in candidates)
    assigned = set(
        Assignment.objects.filter(project_id__in=project_ids, person_id__in=person_ids).values_list(
            "task_id", "person_id"
        )
    )
    open_projects = set(
        TimesheetSettings.objects.filter(
            project_id__in=project_ids, allow_unassigned=True
        ).values_list("project_id", flat=True)
    )
    locked = {
        (project_id, person_id, week): status
        for project_id, person_id, week, status in Timesheet.objects.filter(
            project_id__in=project_ids,
            person_id__in=person_ids,
            week_start__gte=week_start(first),
            week_start__lte=last,
            status__in=LOCKED_STATUSES,
        ).values_list("project_id", "person_id", "week_start", "status")
    }
    stored = TimeEntry.objects.filter(person_id__in=person_ids, day__gte=first, day__lte=last)
    if replaced_ids:
        stored = stored.exclude(pk__in=replaced_ids)
    day_total: dict[tuple[int, dt.date], Decimal] = defaultdict(Decimal)
    for person_id, day, hours in (
        stored.values("person_id", "day")
        .annotate(h=Sum("hours"))
        .values_list("person_id", "day", "h")
    ):
        day_total[(person_id, day)] += hours
    existing = set(
        stored.filter(task_id__in={c.task.id for c in candidates}).values_list(
            "person_id", "task_id", "day"
        )
    )

    seen: set[tuple[int, int, dt.date]] = set()
    for index, c in enumerate(candidates):
        task_id, project_id = c.task.id, c.project.id
        key = (c.person_id, task_id, c.day)
        if key in existing or key in seen:
            problems.append(
                (index, "day", f"There is already time on '{c.task.name}' on {label(c.day)}.")
            )
        seen.add(key)
        if (
            c.task.project_id == project_id
            and not c.task.is_summary
            and (task_id, c.person_id) not in assigned
            and project_id not in open_projects
        ):
            problems.append(
                (
                    index,
                    "task",
                    f"'{c.task.name}' is not assigned to this person; "
                    f"{c.project.code} allows time only on assigned tasks.",
                )
            )
        if locked:
            status = locked.get((project_id, c.person_id, week_start(c.day)))
            if status is not None:
                problems.append(
                    (
                        index,
                        "day",
                        f"The week of {label(week_start(c.day))} is {status}: its time is locked.",
                    )
                )
        if c.hours > 0:
            day_total[(c.person_id, c.day)] += c.hours

    over = {key for key, total in day_total.items() if total > MAX_DAY_HOURS}
    for index, c in enumerate(candidates):
        if (c.person_id, c.day) in over:
            total = day_total[(c.person_id, c.day)]
            problems.append(
                (
                    index,
                    "hours",
                    f"{label(c.day)} would have {total.normalize():f} h in all; "
                    "a day has at most 24 hours across every task and project.",
                )
            )
    problems.sort(key=lambda p: p[0])
    return problems
