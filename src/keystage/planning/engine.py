"""The planning app's one adapter to the engine: rows in, engine inputs out, results back.

Tasks become :class:`keystage.engine.network.Activity` (ids are the tasks' primary keys as
text), dependencies become links in working minutes, and the project calendar with its
holidays becomes an engine :class:`~keystage.engine.calendars.Calendar`. Scheduling errors
come back as :class:`~keystage.core.errors.InvalidInput` naming the tasks involved.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.utils import timezone

from keystage.core.errors import InvalidInput
from keystage.engine import cpm
from keystage.engine.calendars import Calendar, CalendarClock, CalendarException, Shift
from keystage.engine.errors import (
    CalendarError,
    CycleError,
    ImpossibleConstraintError,
    InvalidActivityError,
    MaxLagConflictError,
    MaxLagUnsupportedError,
    PositiveCycleError,
    ScheduleError,
    TooLongError,
)
from keystage.engine.network import Activity, ConstraintType, Kind, Link, LinkType, Project
from keystage.planning.models import Dependency, Holiday, ProjectCalendar, Task

START_CONSTRAINTS = frozenset({"SNET", "SNLT", "MSO"})


def parse_shifts(text: str) -> tuple[Shift, ...]:
    """Shifts from ``"09:00-13:00,14:00-18:00"``; ValueError with the reason if malformed."""
    parts = [p.strip() for p in text.replace(";", ",").split(",") if p.strip()]
    if not parts:
        raise ValueError("give at least one working period, e.g. 09:00-17:00")
    shifts = tuple(sorted(Shift.parse(p) for p in parts))
    for before, after in itertools.pairwise(shifts):
        if after.start < before.end:
            raise ValueError("working periods overlap")
    return shifts


def minutes_per_day(calendar: ProjectCalendar | None) -> int:
    """Working minutes in one working day of the calendar (480 by default)."""
    if calendar is None:
        return 480
    try:
        return sum(s.minutes for s in parse_shifts(calendar.shifts)) or 480
    except ValueError:
        return 480


def engine_calendar(calendar: ProjectCalendar | None, holidays: Iterable[Holiday]) -> Calendar:
    """The project calendar as the engine's, holidays as non-working exceptions."""
    weekdays = calendar.working_weekdays if calendar else "12345"
    shifts = parse_shifts(calendar.shifts) if calendar else parse_shifts("09:00-13:00,14:00-18:00")
    week = tuple(shifts if str(day) in weekdays else () for day in range(1, 8))
    days: dict[dt.date, CalendarException] = {}
    for holiday in holidays:
        day = holiday.start_date
        while day <= holiday.end_date:
            days[day] = CalendarException(day)
            day += dt.timedelta(days=1)
    return Calendar("project", week=week, exceptions=tuple(days.values()), name="Project")


def working_spans(
    calendar: Calendar, spans: Sequence[tuple[dt.datetime, dt.datetime]]
) -> list[int]:
    """Working minutes between each (start, finish) pair on the calendar (a summary's duration)."""
    if not spans:
        return []
    naive = [(_naive(a), _naive(b)) for a, b in spans]
    origin = min(a for a, _ in naive).date()
    clock = CalendarClock(calendar, origin)
    base = _midnight(origin)

    def instant(value: dt.datetime) -> int:
        return int((value - base).total_seconds() // 60)

    return [max(0, clock.working_between(instant(a), instant(b))) for a, b in naive]


def allowed_windows(
    calendar: Calendar, gaps: Sequence[tuple[dt.datetime, int, int, bool]]
) -> list[tuple[dt.datetime, dt.datetime] | None]:
    """When a link's successor may start or finish, for each ``(anchor, lag, max lag, at
    finish)``: from the anchor (the predecessor's finish or start) plus the lag to the
    anchor plus the maximum, in working minutes of ``calendar``, as the scheduler counts.

    A start (``at_finish`` false) lands where work begins, a finish where it ends (the
    end of a working period on a boundary). Datetimes keep the anchors' time zone. A
    window the calendar cannot date (a lead reaching back more than about ten years, or a
    maximum beyond the calendar's horizon) is None: the link is still drawn, without it.
    """
    if not gaps:
        return []
    week = calendar.weekly_minutes or 1
    lead = max(0, -min(lag for _, lag, _, _ in gaps))
    # far enough back that a lead stays within the index (holidays each take a day more)
    back = min(7 * (-(-lead // week) + 1) + len(calendar.exceptions), 3700)
    naive = [_naive(anchor) for anchor, *_ in gaps]
    origin = min(naive).date() - dt.timedelta(days=back)
    clock = CalendarClock(calendar, origin)
    base = _midnight(origin)

    def instant(position: int, at_finish: bool) -> dt.datetime:
        minutes = clock.finish(position) if at_finish else clock.start(position)
        return base + dt.timedelta(minutes=minutes)

    out: list[tuple[dt.datetime, dt.datetime] | None] = []
    for (anchor, lag, most, at_finish), local in zip(gaps, naive, strict=True):
        at = clock.position(int((local - base).total_seconds() // 60))
        if at + lag < 0:  # before the index: it would pin to its first day
            out.append(None)
            continue
        try:
            first, last = instant(at + lag, at_finish), instant(at + most, at_finish)
        except CalendarError:  # a maximum past the calendar's horizon
            out.append(None)
            continue
        if timezone.is_aware(anchor):
            first = _aware(first).astimezone(anchor.tzinfo)
            last = _aware(last).astimezone(anchor.tzinfo)
        out.append((first, last))
    return out


def _naive(value: dt.datetime) -> dt.datetime:
    """A stored (aware) date as the engine's naive local time."""
    return timezone.make_naive(value) if timezone.is_aware(value) else value


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time())


def _constraint_instant(task: Task) -> dt.datetime | None:
    """Start-type constraints at the start of their day, finish-type at its end."""
    if task.constraint_date is None or task.constraint_type in ("ASAP", "ALAP"):
        return None
    if task.constraint_type in START_CONSTRAINTS:
        return _midnight(task.constraint_date)
    return _midnight(task.constraint_date + dt.timedelta(days=1))


def _constraint(task: Task, when: dt.datetime | None) -> ConstraintType:
    if when is not None:
        return ConstraintType(task.constraint_type)
    return ConstraintType.ALAP if task.constraint_type == "ALAP" else ConstraintType.ASAP


def effective_data_date(tasks: Sequence[Task], data_date: dt.date | None) -> dt.date | None:
    """The status date the schedule uses: the stored one, else the latest actual date.

    Without a status date set by the project manager, remaining work is scheduled after
    the last day any progress was recorded, so an actual date never lies in the future
    of the schedule.
    """
    if data_date is not None:
        return data_date
    actual = [d for t in tasks for d in (t.actual_start, t.actual_finish) if d is not None]
    return max(actual, default=None)


def _end_of(day: dt.date) -> dt.datetime:
    """The end of a day: a date recorded as a finish (or a status date) includes its day."""
    return _midnight(day + dt.timedelta(days=1))


def _actuals(task: Task, kind: Kind) -> dict[str, object]:
    """The engine's progress fields of a task (summaries roll up and carry none).

    An actual start is the start of its day, an actual finish the end of its day; a
    milestone's actual date is one instant, the end of its day.
    """
    if kind is Kind.SUMMARY or task.actual_start is None:
        return {}
    if kind is Kind.MILESTONE:
        when = _end_of(task.actual_finish or task.actual_start)
        done = task.actual_finish is not None
        return {
            "actual_start": when,
            "actual_finish": when if done else None,
            "percent_complete": 100.0 if done else 0.0,
        }
    done = task.actual_finish is not None
    return {
        "actual_start": _midnight(task.actual_start),
        "actual_finish": _end_of(task.actual_finish) if task.actual_finish else None,
        "percent_complete": 100.0 if done else float(task.percent_complete),
        "remaining": None if done else task.remaining_minutes,
    }


def engine_project(
    project_start: dt.date,
    tasks: Sequence[Task],
    dependencies: Iterable[Dependency],
    calendar: Calendar,
    data_date: dt.date | None = None,
) -> Project:
    """The engine's project for these rows (summaries keep their children's dates).

    Tasks' actual dates, percent complete and remaining duration go in as the engine's
    progress; with them, or with a ``data_date`` (status date), remaining work is
    scheduled after the end of the status date with retained logic.
    """
    activities = []
    for task in tasks:
        if task.is_summary:
            kind = Kind.SUMMARY
        elif task.kind == "milestone":
            kind = Kind.MILESTONE
        else:
            kind = Kind.TASK
        when = _constraint_instant(task)
        activities.append(
            Activity(
                id=str(task.pk),
                name=task.name,
                duration=0 if kind is not Kind.TASK else task.duration_minutes,
                kind=kind,
                parent=str(task.parent_id) if task.parent_id else None,
                constraint=_constraint(task, when),
                constraint_date=when,
                deadline=_midnight(task.deadline + dt.timedelta(days=1)) if task.deadline else None,
                cost=float(task.fixed_cost),
                **_actuals(task, kind),  # type: ignore[arg-type]
            )
        )
    status = effective_data_date(tasks, data_date)
    links = tuple(
        Link(
            str(d.predecessor_id),
            str(d.successor_id),
            LinkType(d.type),
            d.lag_minutes,
            max_lag=d.max_lag_minutes,
        )
        for d in dependencies
    )
    return Project(
        start=_midnight(project_start),
        activities=tuple(activities),
        links=links,
        calendars=(calendar,),
        calendar="project",
        data_date=_end_of(status) if status is not None else None,
    )


@dataclass(frozen=True)
class TaskDates:
    """Scheduled dates of one task, timezone-aware, and its float in working minutes."""

    task_id: int
    start_at: dt.datetime
    finish_at: dt.datetime
    early_start_at: dt.datetime
    early_finish_at: dt.datetime
    late_start_at: dt.datetime
    late_finish_at: dt.datetime
    total_float_minutes: int
    free_float_minutes: int
    is_critical: bool


@dataclass(frozen=True)
class CpmResult:
    """The schedule of every task and the project's finish."""

    dates: tuple[TaskDates, ...]
    finish_at: dt.datetime
    critical_count: int


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def run_cpm(project: Project) -> CpmResult:
    """Critical-path dates of every task (raises InvalidInput naming the culprit)."""
    try:
        result = cpm.schedule(project)
    except ScheduleError as exc:
        raise InvalidInput({"schedule": _explain(exc, project)}) from None
    dates = tuple(
        TaskDates(
            task_id=int(a.id),
            start_at=_aware(a.start),
            finish_at=_aware(a.finish),
            early_start_at=_aware(a.early_start),
            early_finish_at=_aware(a.early_finish),
            late_start_at=_aware(a.late_start),
            late_finish_at=_aware(a.late_finish),
            total_float_minutes=int(a.total_float),
            free_float_minutes=int(a.free_float),
            is_critical=bool(a.critical),
        )
        for a in result.activities
    )
    return CpmResult(dates, _aware(result.finish), sum(1 for d in dates if d.is_critical))


def _name(project: Project, activity_id: str) -> str:
    index = project.index.get(activity_id)
    return f"'{project.activities[index].name}'" if index is not None else activity_id


def _link_ends(project: Project, label: str) -> tuple[str, str]:
    """The task names of a link label such as ``12→15 FS max+1440``."""
    pred, _, rest = label.partition("→")
    return _name(project, pred), _name(project, rest.split(" ", 1)[0])


def _explain(exc: ScheduleError, project: Project) -> str:
    """The engine's message with task names in place of internal ids."""
    if isinstance(exc, PositiveCycleError):
        path = " → ".join(_name(project, a) for a in (*exc.cycle, exc.cycle[0]))
        return (
            f"The maximum lags cannot all hold: around {path} the lags add up to "
            f"{exc.gain:,} working minutes more than the maximum lags allow. "
            "Raise a maximum lag or lower a lag on this loop."
        )
    if isinstance(exc, MaxLagConflictError):
        pred, succ = _link_ends(project, exc.link)
        return (
            f"The maximum lag of the link {pred} → {succ} cannot hold: it would move "
            f"{_name(project, exc.activity_id)} {exc.excess:,} working minutes past its "
            "constraint date. Raise the maximum lag or change the constraint."
        )
    if isinstance(exc, MaxLagUnsupportedError):
        return f"Task {_name(project, exc.activity_id)}: maximum lags cannot be scheduled here."
    if isinstance(exc, CycleError):
        path = " → ".join(_name(project, a) for a in (*exc.cycle, exc.cycle[0]))
        return f"The dependencies form a cycle: {path}."
    if isinstance(exc, ImpossibleConstraintError):
        return (
            f"Task {_name(project, exc.activity_id)}: its constraint date "
            f"{exc.when:%Y-%m-%d} cannot be met — it is before the project can start."
        )
    if isinstance(exc, InvalidActivityError | TooLongError):
        text = str(exc).split(": ", 1)[-1]
        return f"Task {_name(project, exc.activity_id)}: {text}."
    return str(exc)


def solver_warm_up() -> None:
    """Load (or compile and cache) the optimiser's compiled core; failures only logged.

    Called in a background thread when the worker starts, so that a project manager's
    first optimisation does not pay the compile."""
    import logging

    try:
        from keystage.engine.rcpsp.ga import warm_up

        warm_up()
    except Exception:  # a missing or broken compiler must not stop the worker
        logging.getLogger(__name__).exception("the optimiser's compiled core did not load")
