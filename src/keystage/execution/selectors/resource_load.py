"""Cross-project resource load: people × weeks, planned hours (assignments spread over the
task's working days) and recorded hours (time entries) against each person's capacity.

Who sees what: the hours of the projects ``who`` may see (``projects_visible_to``) and no
others — the PMO and administrators every project of the organisation, everyone else the
projects they are a member of. A person's load from a project the reader cannot see is
left out, project names and all, so a member's view may show less load than there is.
Four queries whatever the number of people, projects and weeks; rows are read as values,
not models (2,000 assignments would otherwise build 6,000 model instances).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Sum
from django.utils import timezone

from keystage.accounts.models import User
from keystage.core.dates import parse_day
from keystage.core.limits import bounded_int
from keystage.execution.models import TimeEntry
from keystage.planning.models import Assignment
from keystage.planning.selectors.assignments import planned_hours
from keystage.planning.selectors.portfolio_figures import finish_day
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project
from keystage.resources.models.people import DEFAULT_CAPACITY, DEFAULT_HOURS, DEFAULT_WEEKDAYS

MAX_WEEKS = 26
DEFAULT_WEEKS = 12
ZERO = Decimal("0")


@dataclass
class LoadCell:
    """One person's week: planned and recorded hours, capacity, and the split by project."""

    week: dt.date
    capacity: Decimal
    planned: Decimal = ZERO
    actual: Decimal = ZERO
    by_project: dict[str, dict[str, Decimal]] = field(default_factory=dict)

    @property
    def over(self) -> bool:
        """Whether planned or recorded hours exceed the capacity."""
        return max(self.planned, self.actual) > self.capacity

    def add(self, code: str, kind: str, hours: Decimal) -> None:
        """Count ``hours`` (``planned`` or ``actual``) of project ``code``."""
        setattr(self, kind, getattr(self, kind) + hours)
        split = self.by_project.setdefault(code, {"planned": ZERO, "actual": ZERO})
        split[kind] += hours


@dataclass
class PersonLoad:
    """One person and their weeks."""

    person: User
    weekly_capacity: Decimal
    cells: list[LoadCell]

    @property
    def over_weeks(self) -> list[LoadCell]:
        """The weeks above capacity."""
        return [c for c in self.cells if c.over]


@dataclass(frozen=True)
class ResourceLoad:
    """The weeks shown and a row per person with hours in them."""

    start: dt.date
    weeks: list[dt.date]
    people: list[PersonLoad]


def parse_window(
    raw_from: str | None, raw_weeks: str | None, today: dt.date
) -> tuple[dt.date, int]:
    """``from`` (any day; its week's Monday is used, this week by default) and ``weeks``
    (1–26, 12 by default), or field errors."""
    day = parse_day(raw_from, "from") if raw_from else today
    weeks = bounded_int(raw_weeks, field="weeks", low=1, high=MAX_WEEKS, default=DEFAULT_WEEKS)
    return day - dt.timedelta(days=day.weekday()), weeks


def _weekly_capacity(user: User) -> tuple[Decimal, str]:
    profile = getattr(user, "resource_profile", None)
    percent = profile.capacity_percent if profile else DEFAULT_CAPACITY
    hours = Decimal(profile.hours_per_day) if profile else Decimal(DEFAULT_HOURS)
    weekdays = profile.working_weekdays if profile else DEFAULT_WEEKDAYS
    return (hours * len(weekdays) * percent / 100).quantize(Decimal("0.01")), weekdays


def _working_days(first: dt.date, last: dt.date, weekdays: str) -> list[dt.date]:
    days = []
    day = first
    while day <= last:
        if str(day.isoweekday()) in weekdays:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def resource_load(*, who: Any, start: dt.date, weeks: int) -> ResourceLoad:
    """Planned and recorded hours per person and week over the projects ``who`` may see."""
    mondays = [start + dt.timedelta(weeks=i) for i in range(weeks)]
    end = start + dt.timedelta(weeks=weeks)
    visible = projects_visible_to(who)
    zone = timezone.get_current_timezone()
    window_start = dt.datetime.combine(start, dt.time(0), zone)
    window_end = dt.datetime.combine(end, dt.time(0), zone)
    assignments = list(
        Assignment.objects.filter(
            project__in=visible,
            task__start_at__lt=window_end,
            task__finish_at__gt=window_start,
        )
        .values_list(
            "person_id",
            "project_id",
            "project__code",
            "work_hours",
            "units_percent",
            "task__duration_minutes",
            "task__start_at",
            "task__finish_at",
        )
        .order_by()
    )
    entries = list(
        TimeEntry.objects.filter(project__in=visible, day__gte=start, day__lt=end)
        .values("person_id", "project_id", "day")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    person_ids = {a[0] for a in assignments} | {e["person_id"] for e in entries}
    people = {
        u.pk: u for u in User.objects.filter(pk__in=person_ids).select_related("resource_profile")
    }
    codes = {a[1]: a[2] for a in assignments}
    missing = {e["project_id"] for e in entries} - set(codes)
    if missing:
        codes.update(Project.objects.filter(pk__in=missing).values_list("pk", "code"))
    rows: dict[int, PersonLoad] = {}
    calendars: dict[int, str] = {}
    for pk in person_ids:
        capacity, weekdays = _weekly_capacity(people[pk])
        calendars[pk] = weekdays
        rows[pk] = PersonLoad(people[pk], capacity, [LoadCell(m, capacity) for m in mondays])
    index = {m: i for i, m in enumerate(mondays)}

    def cell(pk: int, day: dt.date) -> LoadCell | None:
        i = index.get(day - dt.timedelta(days=day.weekday()))
        return rows[pk].cells[i] if i is not None else None

    for person_id, _, code, work, units, minutes, start_at, finish_at in assignments:
        first = timezone.localtime(start_at).date()
        last = finish_day(finish_at) or first
        days = _working_days(first, max(first, last), calendars[person_id]) or [first]
        per_day = planned_hours(work, minutes, units) / len(days)
        for day in days:
            target = cell(person_id, day)
            if target is not None:
                target.add(code, "planned", per_day)
    for e in entries:
        target = cell(e["person_id"], e["day"])
        if target is not None:
            target.add(codes[e["project_id"]], "actual", Decimal(e["hours"]))
    for row in rows.values():
        for c in row.cells:
            c.planned = c.planned.quantize(Decimal("0.01"))
            c.actual = c.actual.quantize(Decimal("0.01"))
            for split in c.by_project.values():
                split["planned"] = split["planned"].quantize(Decimal("0.01"))
    # Over-allocated people first, then by name.
    ordered = sorted(
        rows.values(),
        key=lambda r: (not r.over_weeks, r.person.display_name.lower(), r.person.username),
    )
    return ResourceLoad(start=start, weeks=mondays, people=ordered)


def _hours(value: Decimal) -> str:
    return str(value.quantize(Decimal("0.01")))


def load_payload(load: ResourceLoad) -> dict[str, Any]:
    """The API's representation, built directly (nested serializers per cell cost a second
    for 100 people × 12 weeks); ``ResourceLoadSerializer`` documents the same shape."""
    return {
        "start": load.start.isoformat(),
        "weeks": [m.isoformat() for m in load.weeks],
        "people": [
            {
                "id": str(p.person.public_id),
                "username": p.person.username,
                "name": p.person.display_name,
                "weekly_capacity": _hours(p.weekly_capacity),
                "cells": [
                    {
                        "week": c.week.isoformat(),
                        "planned": _hours(c.planned),
                        "actual": _hours(c.actual),
                        "capacity": _hours(c.capacity),
                        "over": c.over,
                        "projects": [
                            {
                                "project": code,
                                "planned": _hours(split["planned"]),
                                "actual": _hours(split["actual"]),
                            }
                            for code, split in sorted(c.by_project.items())
                        ],
                    }
                    for c in p.cells
                ],
            }
            for p in load.people
        ],
    }
