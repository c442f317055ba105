"""Reads of timesheets: one's week as a grid, the approval queue, totals, and labour actuals.

Everything a user reads goes through ``portfolio.access``: a person sees their own weeks and
entries; the project's manager (``Perm.APPROVE_TIME``) everyone's in the project.
``approved_labour`` and ``labour_by_month`` are for the cost actuals (``keystage.costs``): the
approved time of a project, priced when it was approved, aggregated in SQL.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core.lookup import get_by_public_id
from keystage.execution.models import TimeEntry, Timesheet, TimesheetSettings, TimesheetStatus
from keystage.execution.services.timesheet_rules import week_start
from keystage.planning.models import Assignment, Task
from keystage.portfolio.access import is_closed, project_perms, projects_visible_to
from keystage.portfolio.models import Project

ZERO = Decimal("0")
MAX_ROWS = 500  # rows a week's grid holds (and posts)


def _may_approve(who: Any, project: Project) -> bool:
    return Perm.APPROVE_TIME in project_perms(who, project)


def entries_visible_to(who: Any, project: Project) -> QuerySet[TimeEntry]:
    """The project's entries ``who`` may read: all for its manager, else their own."""
    found = TimeEntry.objects.filter(project=project, project__in=projects_visible_to(who))
    if not _may_approve(who, project):
        found = found.filter(person_id=who.pk)
    return found.select_related("task", "person", "timesheet")


def timesheets_visible_to(who: Any, project: Project) -> QuerySet[Timesheet]:
    """The project's weeks ``who`` may read: all for its manager, else their own."""
    found = Timesheet.objects.filter(project=project, project__in=projects_visible_to(who))
    if not _may_approve(who, project):
        found = found.filter(person_id=who.pk)
    return found.select_related("person", "decided_by").annotate(
        total_hours=Sum("entries__hours"), entry_count=Count("entries")
    )


def entry_list(
    *,
    who: Any,
    project: Project,
    start: dt.date | None = None,
    end: dt.date | None = None,
    person: str | None = None,
) -> QuerySet[TimeEntry]:
    """Entries between two days (both included), optionally of one person (username)."""
    found = entries_visible_to(who, project)
    if start is not None:
        found = found.filter(day__gte=start)
    if end is not None:
        found = found.filter(day__lte=end)
    if person:
        found = found.filter(person__username=person)
    return found.order_by("day", "task__row", "person_id")


def entry_get(*, who: Any, project: Project, entry_id: Any) -> TimeEntry:
    """One entry (404 when it is someone else's and ``who`` does not approve time)."""
    return get_by_public_id(entries_visible_to(who, project), entry_id)


def timesheet_list(*, who: Any, project: Project, status: str | None = None) -> QuerySet[Timesheet]:
    """Weeks of the project, newest first; ``status`` filters (e.g. the submitted queue)."""
    found = timesheets_visible_to(who, project)
    if status:
        found = found.filter(status=status)
    return found.order_by("-week_start", "person__last_name", "person__username")


def timesheet_get(*, who: Any, project: Project, timesheet_id: Any) -> Timesheet:
    """One week by its id (404 when not visible)."""
    return get_by_public_id(timesheets_visible_to(who, project), timesheet_id)


def project_settings(project: Project) -> TimesheetSettings | None:
    """The project's timesheet settings row (None: the defaults)."""
    return TimesheetSettings.objects.filter(project=project).first()


# --------------------------------------------------------------------- week


@dataclass
class WeekRow:
    """One task of a person's week: hours per day (None where empty), note, total."""

    task: Task
    cells: list[Decimal | None]
    note: str = ""
    assigned: bool = True

    @property
    def total(self) -> Decimal:
        """Hours of the row."""
        return sum((c for c in self.cells if c is not None), ZERO)


@dataclass
class Week:
    """One person's week in one project, as the grid shows it."""

    project: Project
    person: User
    monday: dt.date
    timesheet: Timesheet | None
    rows: list[WeekRow]
    editable: bool = True  # also: other tasks may be added (``task_search``)
    assigned_ids: frozenset[int] = frozenset()  # of the rows' tasks

    @property
    def days(self) -> list[dt.date]:
        """Monday to Sunday."""
        return [self.monday + dt.timedelta(days=i) for i in range(7)]

    @property
    def day_totals(self) -> list[Decimal]:
        """Hours per day over every row."""
        return [sum((r.cells[i] or ZERO for r in self.rows), ZERO) for i in range(7)]

    @property
    def total(self) -> Decimal:
        """Hours of the week."""
        return sum((r.total for r in self.rows), ZERO)

    @property
    def status(self) -> str:
        """The week's status (draft until first saved)."""
        return self.timesheet.status if self.timesheet else TimesheetStatus.DRAFT

    @property
    def version(self) -> int | None:
        """The week's version (None until first saved)."""
        return self.timesheet.version if self.timesheet else None


def _midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time()))


def in_week_q(monday: dt.date) -> Q:
    """Which tasks belong on the week's grid, in SQL: planned to start before the week ends
    and not finished before it began (unscheduled tasks while not finished)."""
    return Q(start_at__isnull=True, actual_finish__isnull=True) | (
        Q(start_at__lt=_midnight(monday + dt.timedelta(days=7)))
        & (Q(actual_finish__isnull=True) | Q(actual_finish__gte=monday))
    )


def loggable_tasks(*, who: Any, project: Project, person: User | None = None) -> QuerySet[Task]:
    """The leaf tasks of a project ``who`` can see that ``person`` (``who``) may log time on:
    those assigned to them, or every leaf when the project allows un-assigned logging. Each
    carries ``is_assigned``."""
    person = person or who
    found = Task.objects.filter(
        project=project, project__in=projects_visible_to(who), is_summary=False
    )
    if not TimesheetSettings.objects.filter(project=project, allow_unassigned=True).exists():
        found = found.filter(assignments__person=person)
    mine = Assignment.objects.filter(task=OuterRef("pk"), person=person)
    return found.annotate(is_assigned=Exists(mine)).order_by("row", "id")


SEARCH_LIMIT = 20


def task_search(
    *,
    who: Any,
    project: Project,
    query: str = "",
    exclude: Iterable[int] = (),
    limit: int = SEARCH_LIMIT,
) -> list[Task]:
    """Up to ``limit`` tasks ``who`` may log time on whose name contains ``query`` or whose
    WBS code starts with it, in WBS order (for *Add a task*); ``exclude`` are task ids."""
    found = loggable_tasks(who=who, project=project)
    query = (query or "").strip()
    if query:
        found = found.filter(Q(name__icontains=query) | Q(wbs_code__istartswith=query))
    ids = list(exclude)
    if ids:
        found = found.exclude(pk__in=ids)
    return list(found[:limit])


def week_view(*, who: User, project: Project, day: dt.date, person: User | None = None) -> Week:
    """A person's week (``who`` by default) in the project: a row per assigned leaf task of the
    week (``in_week_q``, at most ``MAX_ROWS``) and per task with time. Other tasks are found
    with ``task_search``. A constant number of queries, whatever the size of the project."""
    person = person or who
    monday = week_start(day)
    sheet = timesheets_visible_to(who, project).filter(person=person, week_start=monday).first()
    entries = list(
        TimeEntry.objects.filter(
            project=project, person=person, day__gte=monday, day__lte=monday + dt.timedelta(6)
        ).select_related("task")
    )
    planned = Task.objects.filter(
        in_week_q(monday), project=project, is_summary=False, assignments__person=person
    ).order_by("row", "id")[:MAX_ROWS]
    rows: dict[int, WeekRow] = {t.pk: WeekRow(t, [None] * 7) for t in planned}
    assigned_ids = set(rows)
    unplanned = {e.task_id for e in entries} - assigned_ids
    if unplanned:
        assigned_ids |= set(
            Assignment.objects.filter(person=person, task_id__in=unplanned).values_list(
                "task_id", flat=True
            )
        )
    for entry in entries:
        row = rows.get(entry.task_id)
        if row is None:
            row = rows[entry.task_id] = WeekRow(
                entry.task, [None] * 7, assigned=entry.task_id in assigned_ids
            )
        row.cells[(entry.day - monday).days] = entry.hours
        row.note = row.note or entry.note
    ordered = sorted(rows.values(), key=lambda r: (r.task.row, r.task.pk))
    editable = (
        person.pk == who.pk
        and Perm.RECORD_WORK in project_perms(who, project)
        and not is_closed(project)
        and not (sheet and sheet.locked)
    )
    return Week(project, person, monday, sheet, ordered, editable, frozenset(assigned_ids))


# ------------------------------------------------------------------- totals


@dataclass(frozen=True)
class TotalRow:
    """Hours of one task, person or week: all logged, approved, and the approved amount."""

    key: str
    label: str
    hours: Decimal
    approved_hours: Decimal
    amount: Decimal


@dataclass(frozen=True)
class Totals:
    """Hours (and approved amounts) of a project by task, by person and by week."""

    by_task: list[TotalRow]
    by_person: list[TotalRow]
    by_week: list[TotalRow]
    hours: Decimal
    approved_hours: Decimal
    approved_amount: Decimal


def _sums(entries: QuerySet[TimeEntry], keys: tuple[str, ...], name: Any) -> list[TotalRow]:
    approved = Q(timesheet__status=TimesheetStatus.APPROVED)
    rows = (
        entries.values(*keys)
        .annotate(
            h=Sum("hours"),
            ah=Sum("hours", filter=approved),
            am=Sum("amount", filter=approved),
        )
        .order_by(*keys)
    )
    found = []
    for r in rows:
        key, text = name(r)
        found.append(TotalRow(key, text, r["h"] or ZERO, r["ah"] or ZERO, r["am"] or ZERO))
    return found


def totals(*, who: Any, project: Project) -> Totals:
    """Hours logged in the project by task, person and week (what ``who`` may read)."""
    entries = entries_visible_to(who, project).order_by()
    by_person = _sums(
        entries,
        ("person__last_name", "person__first_name", "person__username"),
        lambda r: (
            r["person__username"],
            f"{r['person__first_name']} {r['person__last_name']}".strip() or r["person__username"],
        ),
    )
    return Totals(
        by_task=_sums(
            entries,
            ("task__row", "task__wbs_code", "task__name", "task__public_id"),
            lambda r: (str(r["task__public_id"]), f"{r['task__wbs_code']} {r['task__name']}"),
        ),
        by_person=by_person,
        by_week=_sums(
            entries,
            ("timesheet__week_start",),
            lambda r: (
                r["timesheet__week_start"].isoformat(),
                f"Week of {r['timesheet__week_start']:%d %b %Y}",
            ),
        ),
        hours=sum((r.hours for r in by_person), ZERO),
        approved_hours=sum((r.approved_hours for r in by_person), ZERO),
        approved_amount=sum((r.amount for r in by_person), ZERO),
    )


# ------------------------------------------------------------ cost actuals


@dataclass(frozen=True)
class LabourCost:
    """Approved hours of one person on one task on one day, priced at that day's rate."""

    day: dt.date
    task_id: int
    person_id: int
    hours: Decimal
    amount: Decimal


def _approved(project_id: int) -> QuerySet[TimeEntry]:
    return TimeEntry.objects.filter(
        project_id=project_id, timesheet__status=TimesheetStatus.APPROVED
    ).order_by()


def approved_labour(project_id: int) -> list[LabourCost]:
    """The project's approved time, one row per day, task and person (for cost actuals)."""
    rows = (
        _approved(project_id)
        .values("day", "task_id", "person_id")
        .annotate(h=Sum("hours"), a=Sum("amount"))
        .order_by("day", "task_id", "person_id")
    )
    return [
        LabourCost(r["day"], r["task_id"], r["person_id"], r["h"], r["a"] or ZERO) for r in rows
    ]


def labour_by_month(project_id: int) -> dict[dt.date, Decimal]:
    """Approved labour cost of the project per month (first day of the month → amount)."""
    rows = (
        _approved(project_id)
        .annotate(month=TruncMonth("day"))
        .values("month")
        .annotate(a=Sum("amount"))
        .order_by("month")
    )
    result: dict[dt.date, Decimal] = {}
    for r in rows:
        month = r["month"]
        if isinstance(month, dt.datetime):
            month = month.date()
        result[month] = r["a"] or ZERO
    return result
