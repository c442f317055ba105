"""The planning app's adapter to the resource-constrained scheduler (``keystage.engine.rcpsp``).

:mod:`keystage.planning.engine` turns the plan into the CPM engine's project; this module
turns that same project (plus a mode per task and the people) into a resource-constrained
scheduling problem, and the engine's answer back into dates:

* time is counted in **working days** of the project calendar from the project start
  (period ``p`` = the ``p``-th working day); a task lasts ``ceil(minutes / minutes per day)``
  periods, a lag ``ceil(lag / minutes per day)`` (a part-day lead is dropped, never
  lengthened), a milestone 0;
* each leaf task is an activity; each person assigned to one is a renewable resource
  (capacity = their capacity %, an absence takes it all for its working days) and the
  assignment's units % is the demand;
* the starting point is the critical-path schedule (constraints and *as late as
  possible* included), rounded to periods and made precedence-feasible;
* a task whose period does not change keeps its critical-path dates; a moved task starts
  at the beginning of its new working day and lasts its working minutes on the calendar.

Nothing here touches the database: the service reads the rows, calls :func:`build`, one of
:func:`level` / :func:`optimise`, and writes what :func:`dates` returns.

About 700 lines, on purpose: one adapter, both directions (the plan to the problem, the
schedule back to dates, checked against every maximum lag to the minute), sharing the
working-day arithmetic of ``WorkDays``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from bisect import bisect_left
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

from django.utils import timezone

from keystage.core.errors import InvalidInput
from keystage.engine.calendars import Calendar, CalendarClock
from keystage.engine.network import Activity, ConstraintType, Kind, Link, LinkType, Project
from keystage.engine.rcpsp import leveling
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.compiled import link_delta
from keystage.engine.rcpsp.cpsat import solve as cpsat
from keystage.engine.rcpsp.errors import (
    DeadlineError,
    InfeasibleDemandError,
    PrecedenceCycleError,
    ProblemDefinitionError,
    TimeLagCycleError,
)
from keystage.engine.rcpsp.problem import (
    Load,
    MaxLag,
    Mode,
    PeriodSchedule,
    Problem,
    Renewable,
    periods,
)
from keystage.engine.rcpsp.sgs import left_justified
from keystage.engine.rcpsp.utilisation import Overload, over_allocations
from keystage.planning.engine import CpmResult, run_cpm
from keystage.planning.models import Assignment, Task, TaskKind

ANCHOR = "project-start"
DATED_LOWER_BOUNDS = frozenset({"SNET", "MSO", "FNET", "MFO"})
MAX_DAYS = 366 * 200


class ScheduleFailure(Exception):
    """A plan the scheduler cannot handle, with one readable line naming the culprit."""


@dataclass(frozen=True)
class PersonResource:
    """A person as a renewable resource of the schedule: capacity % and absences (first, last day).

    Only what resource levelling needs; the person as a staffing candidate (skills,
    rate, commitments) is :class:`keystage.engine.assignment.Person`.
    """

    user_id: int
    name: str
    capacity_percent: int = 100
    absences: tuple[tuple[dt.date, dt.date], ...] = ()

    @property
    def key(self) -> str:
        """The resource id in the engine's problem."""
        return f"person-{self.user_id}"


class WorkDays:
    """The working days of a calendar from an origin: period ``p`` is the ``p``-th one."""

    def __init__(self, calendar: Calendar, origin: dt.date) -> None:
        self.calendar = calendar
        self.origin = origin
        self.clock = CalendarClock(calendar, origin)
        self._days: list[dt.date] = []
        self._next = origin

    def _grow(self) -> None:
        while True:
            day = self._next
            if (day - self.origin).days > MAX_DAYS:
                raise ScheduleFailure("The project calendar has no working days.")
            self._next = day + dt.timedelta(days=1)
            if self.calendar.shifts_on(day):
                self._days.append(day)
                return

    def day(self, period: int) -> dt.date:
        """The date of working day ``period`` (0 = the first working day from the origin)."""
        while len(self._days) <= period:
            self._grow()
        return self._days[period]

    def period_of(self, day: dt.date) -> int:
        """The first working day on or after ``day``, as a period."""
        while not self._days or self._days[-1] < day:
            self._grow()
        return bisect_left(self._days, day)

    def _instant(self, when: dt.datetime) -> int:
        return int((when - dt.datetime.combine(self.origin, dt.time())).total_seconds() // 60)

    def _datetime(self, instant: int) -> dt.datetime:
        return dt.datetime.combine(self.origin, dt.time()) + dt.timedelta(minutes=instant)

    def start_of(self, period: int) -> dt.datetime:
        """When work begins on working day ``period`` (naive, in the project's time zone)."""
        day = self.day(period)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(
            minutes=self.calendar.shifts_on(day)[0].start
        )

    def end_of(self, period: int) -> dt.datetime:
        """When work ends on working day ``period``."""
        day = self.day(period)
        return dt.datetime.combine(day, dt.time()) + dt.timedelta(
            minutes=self.calendar.shifts_on(day)[-1].end
        )

    def after(self, start: dt.datetime, minutes: int) -> dt.datetime:
        """The instant after ``minutes`` of work from ``start`` on the calendar."""
        if minutes <= 0:
            return start
        return self._datetime(self.clock.add(self._instant(start), minutes))


@dataclass(frozen=True)
class Model:
    """A plan as the engine's problem, with what is needed to read the answer back."""

    problem: Problem
    baseline: PeriodSchedule  # the critical-path schedule in periods
    tasks: tuple[Task, ...]  # the leaf tasks, in activity order (the anchor is last, if any)
    people: dict[str, PersonResource]  # resource id -> person
    assigned: dict[int, tuple[str, ...]]  # task id -> resource ids
    cpm: dict[int, tuple[dt.datetime, dt.datetime]]  # task id -> critical-path start, finish
    workdays: WorkDays
    max_links: tuple[Link, ...] = ()  # the plan's links with a maximum lag (working minutes)
    network: Project | None = None  # the CPM project of the plan (to repair maximum lags)


@dataclass(frozen=True)
class Moved:
    """A task that the run moved: from / to (aware datetimes), the delay and the reason."""

    task: Task
    old_start: dt.datetime
    new_start: dt.datetime
    delay_days: int
    reason: str
    person: str | None = None


@dataclass(frozen=True)
class Outcome:
    """What a levelling or optimising run found."""

    schedule: PeriodSchedule
    makespan: int
    makespan_before: int
    status: str  # levelled, conflicts_left, optimal, feasible
    solved_by: str
    lower_bound: int | None = None
    gap: float | None = None
    heuristic_makespan: int | None = None
    moves: tuple[Moved, ...] = ()
    unresolved: tuple[Overload, ...] = field(default_factory=tuple)


def _naive(value: dt.datetime) -> dt.datetime:
    return timezone.make_naive(value) if timezone.is_aware(value) else value


def build(
    *,
    tasks: Sequence[Task],
    project: Project,
    assignments: Iterable[Assignment],
    people: dict[int, PersonResource],
    cpm: CpmResult,
    calendar: Calendar,
    origin: dt.date,
    per_day: int,
    anchored: bool = False,
) -> Model:
    """The engine's problem for a plan and its critical-path schedule in periods.

    ``project`` is the CPM project of these ``tasks`` (:func:`planning.engine.engine_project`):
    the problem schedules its activities and links, with one mode per task.

    ``people`` maps user ids to resources (a person assigned but missing there gets the
    defaults). With ``anchored`` a zero-length project-start activity carries the tasks'
    dated start constraints as start-to-start lags, so an optimiser that re-sequences
    from scratch still honours them (levelling never moves a task earlier, so it needs none).
    Raises :class:`ScheduleFailure` with a readable line when a task can never be staffed.
    """
    network = project
    leaves = [t for t in tasks if not t.is_summary]
    index = {t.pk: i for i, t in enumerate(leaves)}
    workdays = WorkDays(calendar, origin)
    cpm_dates = {d.task_id: (d.start_at, d.finish_at) for d in cpm.dates}
    by_task: dict[int, list[Assignment]] = {}
    for a in assignments:
        if a.task_id in index:
            by_task.setdefault(a.task_id, []).append(a)
    resources: dict[str, PersonResource] = {}
    durations: list[int] = []
    modes: dict[str, tuple[Mode, ...]] = {}
    assigned: dict[int, tuple[str, ...]] = {}
    for task in leaves:
        activity = project.activities[project.index[str(task.pk)]]
        days = periods(activity.duration, per_day)
        demands: dict[str, int] = {}
        if days > 0:
            for a in by_task.get(task.pk, []):
                person = people.get(a.person_id) or PersonResource(
                    a.person_id, a.person.display_name
                )
                resources[person.key] = person
                demands[person.key] = demands.get(person.key, 0) + a.units_percent
        assigned[task.pk] = tuple(demands)
        durations.append(days)
        modes[activity.id] = (Mode(days, demands),)
    # Where the critical path put each task, in whole working days.
    starts = [workdays.period_of(_naive(cpm_dates[t.pk][0]).date()) for t in leaves]
    if anchored:
        anchor_links = tuple(
            Link(ANCHOR, str(t.pk), LinkType.SS, starts[i] * per_day)
            for i, t in enumerate(leaves)
            if t.constraint_type in DATED_LOWER_BOUNDS and starts[i] > 0
        )
        if anchor_links:
            anchor = Activity(ANCHOR, "Project start", kind=Kind.MILESTONE)
            project = dataclasses.replace(
                project,
                activities=(*project.activities, anchor),
                links=project.links + anchor_links,
            )
            modes[ANCHOR] = (Mode(0),)
            durations.append(0)
            starts.append(0)
    renewables = [
        Renewable(key, p.capacity_percent, _absences(p, workdays), kind="person")
        for key, p in sorted(resources.items())
    ]
    max_links = tuple(k for k in project.links if k.max_lag is not None)
    try:
        problem = Problem.from_project(
            project, modes, minutes_per_period=per_day, renewables=renewables
        )
        if max_links:
            problem = dataclasses.replace(problem, max_lags=_max_lags(max_links, per_day))
    except TimeLagCycleError as exc:
        names = {str(t.pk): t.name for t in leaves}
        path = " → ".join(f"'{names.get(a, a)}'" for a in (*exc.activities, exc.activities[0]))
        raise ScheduleFailure(
            f"In whole working days the maximum lags cannot all hold around {path}; "
            "raise a maximum lag on this loop or schedule by critical path."
        ) from None
    except InfeasibleDemandError as exc:
        raise ScheduleFailure(_unstaffable(exc, leaves, index, resources, by_task)) from None
    except PrecedenceCycleError as exc:  # pragma: no cover - the CPM refuses cycles first
        names = {str(t.pk): t.name for t in leaves}
        path = " → ".join(f"'{names.get(a, a)}'" for a in exc.activities)
        raise ScheduleFailure(f"The dependencies form a cycle: {path}.") from None
    except ProblemDefinitionError as exc:  # a plan beyond what the scheduler can hold
        raise ScheduleFailure(
            f"The plan cannot be scheduled (periods are working days): {exc}."
        ) from None
    # Rounding part-days up can make a critical-path start too early by a period.
    incoming: dict[int, list[tuple[int, Link]]] = {}
    for i, j, link in problem.link_pairs:
        incoming.setdefault(j, []).append((i, link))
    for j in problem.topological_order:
        for i, link in incoming.get(j, []):
            starts[j] = max(starts[j], starts[i] + link_delta(link, durations[i], durations[j]))
    baseline = PeriodSchedule(tuple(starts), tuple(0 for _ in starts))
    return Model(
        problem=problem,
        baseline=baseline,
        tasks=tuple(leaves),
        people=resources,
        assigned=assigned,
        cpm={pk: cpm_dates[pk] for pk in index},
        workdays=workdays,
        max_links=max_links,
        network=network,
    )


def _max_lags(links: Iterable[Link], per_day: int) -> tuple[MaxLag, ...]:
    """The maximum lags in whole working days: rounded down (stricter), never below the
    lag's own rounded-up days (which would make the link impossible in whole days)."""
    return tuple(
        MaxLag(
            k.pred,
            k.succ,
            max(int((k.max_lag or 0) // per_day), periods(k.lag, per_day)),
            k.type,
        )
        for k in links
    )


def _absences(person: PersonResource, workdays: WorkDays) -> tuple[Load, ...]:
    loads = []
    for first, last in person.absences:
        start = workdays.period_of(max(first, workdays.origin))
        end = workdays.period_of(last + dt.timedelta(days=1))
        if end > start:
            loads.append(Load(start, end, person.capacity_percent, "absence"))
    return tuple(loads)


def _unstaffable(
    exc: InfeasibleDemandError,
    leaves: list[Task],
    index: dict[int, int],
    people: dict[str, PersonResource],
    by_task: dict[int, list[Assignment]],
) -> str:
    task = leaves[index[int(exc.activity)]] if exc.activity.isdigit() else None
    person = people.get(exc.resource)
    if task is None or person is None:  # pragma: no cover - every resource is a person
        return f"No schedule is possible: {exc}."
    units = sum(
        a.units_percent for a in by_task.get(task.pk, []) if f"person-{a.person_id}" == person.key
    )
    if person.capacity_percent == 0:
        return (
            f"Task '{task.name}' needs {person.name} at {units} %, but {person.name} has no "
            "capacity (0 %); change the assignment or the capacity."
        )
    return (
        f"Task '{task.name}' needs {person.name} at {units} %, but {person.name}'s capacity "
        f"is {person.capacity_percent} %; lower the units or share the work."
    )


# ----------------------------------------------------------------- solving


def level(
    model: Model, *, within_float: bool, time_limit: float = 60.0, num_workers: int = 2
) -> Outcome:
    """Remove over-allocations by delaying tasks (within their float, or as far as needed).

    The levelling heuristic delays one task at a time and knows no maximum lag; a plan with
    maximum lags is levelled by the exact solver instead (:func:`_level_with_max_lags`), on
    ``num_workers`` threads as the optimiser.
    """
    if model.problem.max_lags:
        return _level_with_max_lags(
            model, within_float=within_float, time_limit=time_limit, num_workers=num_workers
        )
    result = leveling.level(model.problem, model.baseline, within_float=within_float)
    blockers = {m.activity: m.resource for m in result.moves}
    moves = _moves(model, result.schedule, lambda aid: blockers.get(aid))
    return Outcome(
        schedule=result.schedule,
        makespan=result.finish_after,
        makespan_before=result.finish_before,
        status="conflicts_left" if result.unresolved else "levelled",
        solved_by="levelling" + (" within float" if within_float else ""),
        moves=moves,
        unresolved=result.unresolved,
    )


def _level_with_max_lags(
    model: Model, *, within_float: bool, time_limit: float, num_workers: int
) -> Outcome:
    """Levelling as the CP-SAT solver does it when maximum lags must hold.

    No task starts before its critical-path day (each gets that day as a release date, so
    the run only delays, like levelling) and, within float, no task ends after the
    critical-path finish (a deadline); the solver then finds the shortest schedule that
    keeps every lag, maximum lag and person's capacity within ``time_limit`` seconds.
    """
    problem, base = model.problem, model.baseline
    finish = base.makespan(problem)
    try:
        bounded = dataclasses.replace(
            problem,
            releases={a.id: s for a, s in zip(problem.activities, base.starts, strict=True)},
            deadlines={a.id: finish for a in problem.activities} if within_float else {},
        )
        result = cpsat.optimise(bounded, time_limit=time_limit, num_workers=num_workers)
    except DeadlineError:  # the lags alone already end after the critical-path finish
        result = None
    if result is None or result.schedule is None:
        if within_float:
            raise ScheduleFailure(
                "Within float, no schedule keeps the maximum lags and the people's capacity "
                "without moving the finish; level with “finish may move” instead."
            )
        if result is None or result.status == cpsat.Status.INFEASIBLE:
            raise ScheduleFailure(
                "No schedule keeps the maximum lags and the people's capacity; "
                "raise a maximum lag or a person's capacity."
            )
        raise ScheduleFailure(
            f"Levelling with maximum lags found no schedule within {time_limit:g} s; "
            "raise the time limit."
        )
    schedule = _pulled_back(bounded, result.schedule)
    overloads = over_allocations(problem, base)
    return Outcome(
        schedule=schedule,
        makespan=schedule.makespan(problem),
        makespan_before=finish,
        status="levelled",
        solved_by="levelling by the CP-SAT solver (maximum lags)",
        moves=_moves(model, schedule, lambda aid: _overloaded(model, aid, overloads)),
    )


PULL_BACK_CHECKS = 400  # whole-schedule checks spent undoing needless delays (bounded time)


def _pulled_back(problem: Problem, schedule: PeriodSchedule) -> PeriodSchedule:
    """``schedule`` with each task, earliest first, as early as every rule still allows.

    A makespan objective leaves tasks off the critical path anywhere before the finish;
    levelling should only delay what it must. Every candidate passes the checker, so the
    answer keeps every rule; at most :data:`PULL_BACK_CHECKS` candidates are tried.
    """
    starts = list(schedule.starts)
    budget = PULL_BACK_CHECKS
    for i in sorted(range(len(starts)), key=lambda k: starts[k]):
        floor = problem.releases.get(problem.activities[i].id, 0)
        current = starts[i]
        for candidate in range(floor, current):
            if budget <= 0:
                return PeriodSchedule(tuple(starts), schedule.modes)
            budget -= 1
            starts[i] = candidate
            if not schedule_violations(problem, PeriodSchedule(tuple(starts), schedule.modes)):
                break
            starts[i] = current
    return PeriodSchedule(tuple(starts), schedule.modes)


def optimise(model: Model, *, time_limit: float, num_workers: int = 2) -> Outcome:
    """The shortest resource-feasible schedule the optimiser finds within ``time_limit`` s."""
    result = cpsat.optimise(model.problem, time_limit=time_limit, num_workers=num_workers)
    if result.schedule is None or result.makespan is None:
        if result.status == cpsat.Status.INFEASIBLE:
            raise ScheduleFailure("No schedule satisfies the links and the people's capacity.")
        raise ScheduleFailure(
            f"The optimiser found no schedule within {time_limit:g} s; "
            "raise the time limit or level instead."
        )
    schedule = left_justified(model.problem, result.schedule)
    overloads = over_allocations(model.problem, model.baseline)
    return Outcome(
        schedule=schedule,
        makespan=schedule.makespan(model.problem),
        makespan_before=model.baseline.makespan(model.problem),
        status=str(result.status),
        solved_by=result.solved_by,
        lower_bound=result.lower_bound,
        gap=round(result.gap, 4),
        heuristic_makespan=result.heuristic_makespan,
        moves=_moves(model, schedule, lambda aid: _overloaded(model, aid, overloads)),
    )


def _overloaded(model: Model, aid: str, overloads: list[Overload]) -> str | None:
    """A person of the task who was over-allocated where the task first stood."""
    if aid == ANCHOR:
        return None
    i = model.problem.index[aid]
    start = model.baseline.starts[i]
    end = start + model.problem.mode_table[i][0].duration
    mine = set(model.assigned.get(int(aid), ()))
    for load in overloads:
        if load.resource in mine and load.start < end and start < load.end:
            return load.resource
    return None


def _moves(
    model: Model, schedule: PeriodSchedule, blocker: Callable[[str], str | None]
) -> tuple[Moved, ...]:
    """Every task whose working day changed, with why (person over-allocated, or a predecessor)."""
    problem = model.problem
    moved_ids = {
        a.id
        for a, old, new in zip(
            problem.activities, model.baseline.starts, schedule.starts, strict=True
        )
        if old != new and a.id != ANCHOR
    }
    names = {str(t.pk): t.name for t in model.tasks}
    preds: dict[str, list[str]] = {}
    for link in problem.links:
        preds.setdefault(link.succ, []).append(link.pred)
    out = []
    new_dates = dates(model, schedule)
    for i, task in enumerate(model.tasks):
        aid = str(task.pk)
        if aid not in moved_ids:
            continue
        old, new = model.baseline.starts[i], schedule.starts[i]
        resource = blocker(aid)
        person = model.people[resource].name if resource in model.people else None
        if person is not None:
            reason = f"over-allocated: {person}"
        else:
            pushed = [names[p] for p in preds.get(aid, []) if p in moved_ids]
            if pushed:
                reason = "predecessor moved: " + ", ".join(f"'{n}'" for n in pushed)
            elif new < old:
                reason = "started earlier by the optimiser"
            else:
                reason = "re-sequenced by the optimiser"
        out.append(
            Moved(
                task=task,
                old_start=model.cpm[task.pk][0],
                new_start=new_dates[task.pk][0],
                delay_days=new - old,
                reason=reason,
                person=person,
            )
        )
    return tuple(out)


def dates(model: Model, schedule: PeriodSchedule) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    """Start and finish (aware) of every leaf task under ``schedule``.

    A task on the same working day as in the critical-path schedule keeps its dates; a
    moved one starts when its new day begins and lasts its working minutes; a moved
    milestone sits at the end of the working day before its period.
    """
    out: dict[int, tuple[dt.datetime, dt.datetime]] = {}
    wd = model.workdays
    for i, task in enumerate(model.tasks):
        period = schedule.starts[i]
        if period == model.baseline.starts[i]:
            out[task.pk] = model.cpm[task.pk]
            continue
        minutes = 0 if task.kind == TaskKind.MILESTONE else task.duration_minutes
        if minutes == 0:
            start = wd.end_of(period - 1) if period > 0 else wd.start_of(0)
            finish = start
        else:
            start = wd.start_of(period)
            finish = wd.after(start, minutes)
        out[task.pk] = (_aware(start), _aware(finish))
    return out


def checked_dates(model: Model, outcome: Outcome) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    """:func:`dates` of the outcome, after the independent checker passed its schedule and
    every maximum lag holds to the minute on those dates; ScheduleFailure (naming the
    link) otherwise. Over-allocations the outcome reports as left are not failures."""
    schedule = outcome.schedule
    broken = _violations(model, outcome, schedule)
    if broken:  # pragma: no cover - a safety net: the solvers keep every rule
        raise ScheduleFailure(
            f"The run broke a rule of the plan ({broken[0]}); nothing was written."
        )
    out = dates(model, schedule)
    broken_link = _broken_max_lag(model, out)
    if broken_link is None:
        return out
    repaired = _repaired(model, outcome, out)
    if repaired is not None:
        return repaired
    names = {str(t.pk): t.name for t in model.tasks}
    link, gap = broken_link
    raise ScheduleFailure(
        f"The link '{names[link.pred]}' → '{names[link.succ]}' would be {gap:,} working "
        f"minutes apart, more than its maximum lag of {link.max_lag or 0:,.0f}: the run places "
        "moved tasks on whole working days. Give these tasks whole-day durations and "
        "lags, or schedule by critical path."
    )


def _violations(model: Model, outcome: Outcome, schedule: PeriodSchedule) -> list[str]:
    """The checker's broken rules, less the over-allocations the outcome reports as left."""
    return [
        rule
        for rule in schedule_violations(model.problem, schedule)
        if not (outcome.unresolved and rule.startswith("resource "))
    ]


def _broken_max_lag(
    model: Model, out: dict[int, tuple[dt.datetime, dt.datetime]]
) -> tuple[Link, int] | None:
    """The first link whose maximum lag the dates break, with its gap in working minutes."""
    for link in model.max_links:
        gap = _gap(model.workdays, link, out[int(link.pred)], out[int(link.succ)])
        if link.max_lag is not None and gap > link.max_lag:
            return link, gap
    return None


def _repaired(
    model: Model, outcome: Outcome, out: dict[int, tuple[dt.datetime, dt.datetime]]
) -> dict[int, tuple[dt.datetime, dt.datetime]] | None:
    """Dates that keep every maximum lag to the minute, or None.

    Whole working days can break a maximum lag by part of a day (a half-day predecessor
    ends at noon, its moved successor starts the next morning). The critical-path engine
    then places every task no earlier than the run did (a start-no-earlier-than on each
    unconstrained task), pulling predecessors later by the part of a day needed; the
    result is kept only when the working days it occupies pass the checker as well.
    """
    if model.network is None:  # pragma: no cover - build always records it
        return None
    free = (ConstraintType.ASAP, ConstraintType.SNET)
    activities = []
    for act in model.network.activities:
        span = out.get(int(act.id)) if act.id.isdigit() else None
        if span is not None and act.constraint in free:
            floor = _naive(span[0])
            if act.constraint_date is None or act.constraint_date <= floor:
                act = dataclasses.replace(
                    act, constraint=ConstraintType.SNET, constraint_date=floor
                )
        activities.append(act)
    try:
        result = run_cpm(dataclasses.replace(model.network, activities=tuple(activities)))
    except InvalidInput:
        return None
    fixed = {d.task_id: (d.start_at, d.finish_at) for d in result.dates if d.task_id in out}
    wd = model.workdays
    starts = list(outcome.schedule.starts)
    for i, task in enumerate(model.tasks):
        start = _naive(fixed[task.pk][0])
        period = wd.period_of(start.date())
        if start >= wd.end_of(period):  # a milestone at the end of a day: the next period
            period += 1
        starts[i] = period
    schedule = PeriodSchedule(tuple(starts), outcome.schedule.modes)
    broken = _violations(model, outcome, schedule)
    if broken or _broken_max_lag(model, fixed) is not None:
        return None
    return fixed


def _gap(
    wd: WorkDays,
    link: Link,
    pred: tuple[dt.datetime, dt.datetime],
    succ: tuple[dt.datetime, dt.datetime],
) -> int:
    """Working minutes between the ends the link measures (FS: predecessor's finish to
    successor's start), negative when the successor's end comes first."""
    kind = str(link.type)
    a = pred[1] if kind[0] == "F" else pred[0]
    b = succ[1] if kind[1] == "F" else succ[0]
    x, y = wd._instant(_naive(a)), wd._instant(_naive(b))
    if y >= x:
        return int(wd.clock.working_between(x, y))
    return -int(wd.clock.working_between(y, x))


def _aware(value: dt.datetime) -> dt.datetime:
    return timezone.make_aware(value) if timezone.is_naive(value) else value


def roll_up(
    tasks: Sequence[Task], leaves: dict[int, tuple[dt.datetime, dt.datetime]]
) -> dict[int, tuple[dt.datetime, dt.datetime]]:
    """Leaf dates plus every summary's span (earliest start, latest finish of its children)."""
    out = dict(leaves)
    for task in sorted(tasks, key=lambda t: -t.outline_level):
        if task.pk not in out or task.parent_id is None:
            continue
        start, finish = out[task.pk]
        if task.parent_id in out:
            s, f = out[task.parent_id]
            out[task.parent_id] = (min(s, start), max(f, finish))
        else:
            out[task.parent_id] = (start, finish)
    return out
