"""Scalar scheduling path for activities on their own calendars and elapsed time.

Works instant by instant (minutes from the origin) so each activity counts
its duration on its own calendar, elapsed durations and lags on the wall
clock, and working lags on the successor's calendar (as MS Project does).
The rules are those of the vectorised path in :mod:`keystage.engine.cpm`;
a property test checks that both paths agree on single-calendar networks.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from keystage.engine.calendars import CalendarClock, IntArray
from keystage.engine.compiler import (
    FROM_FINISH,
    R_ACTUAL,
    R_CONSTRAINT,
    R_DATA,
    R_START,
    REASONS,
    TO_FINISH,
    check_cap,
    levels_or_cycle,
    origin_of,
    remaining_of,
)
from keystage.engine.network import Activity, ConstraintType, Kind, LagUnit, Link, Project
from keystage.engine.timing import Timing

C = ConstraintType
NEG, POS = -(2**62), 2**62
LEAD_DAYS = 400


class _Plan:
    """Per-activity calendars and time arithmetic for the scalar passes."""

    def __init__(self, project: Project) -> None:
        self.project = project
        self.origin = origin_of(project, LEAD_DAYS)
        clocks = {c.id: CalendarClock(c, self.origin) for c in project.calendars}
        self.project_clock = clocks[project.calendar]
        self.clock = [clocks[a.calendar or project.calendar] for a in project.activities]
        self.acts = project.activities
        self.start = self.project_clock.next_working(self.instant(project.start))

    def instant(self, when: object) -> int:
        """Minutes from the origin to a datetime."""
        return self.project_clock.work.instant_of(when)  # type: ignore[arg-type]

    def snap(self, i: int, t: int) -> int:
        """Where work of activity ``i`` can start at or after ``t``."""
        act = self.acts[i]
        if act.elapsed or act.kind is Kind.SUMMARY:
            return t
        if act.kind is Kind.MILESTONE or not act.duration:
            # a milestone sits at the end of the work before it
            clock = self.clock[i]
            here = clock.position(t)
            return self.start if here == clock.position(self.start) else clock.finish(here)
        return self.clock[i].next_working(t)

    def finish_of(self, i: int, start: int, minutes: int) -> int:
        """Finish of ``minutes`` of activity ``i`` from ``start``."""
        if self.acts[i].elapsed:
            return start + minutes
        return self.clock[i].add(start, minutes) if minutes else start

    def start_of(self, i: int, finish: int, minutes: int) -> int:
        """Start that ends ``minutes`` of activity ``i`` at ``finish``."""
        if self.acts[i].elapsed:
            return finish - minutes
        return self.clock[i].add(finish, -minutes) if minutes else finish

    def key(self, i: int) -> Callable[[int], int]:
        """Compare instants of activity ``i`` as working minutes of its calendar."""
        if self.acts[i].elapsed:
            return lambda t: t
        return self.clock[i].position

    def lag(self, link: Link, t: int, sign: int) -> int:
        """Apply (``sign`` = 1) or remove (-1) a link's lag at instant ``t``."""
        if not link.lag:
            return t
        if link.lag_unit is LagUnit.ELAPSED:
            return t + sign * round(link.lag)
        lag = link.lag
        if link.lag_unit is LagUnit.PERCENT:
            lag = self.acts[self.project.index[link.pred]].duration * link.lag / 100.0
        return self.clock[self.project.index[link.succ]].add(t, sign * round(lag))


def mixed_timing(project: Project) -> Timing:
    """Early/late dates and floats with per-activity calendars and elapsed time."""
    plan = _Plan(project)
    acts, index, n = project.activities, project.index, len(project.activities)
    start = plan.start
    data = max(plan.instant(project.data_date), start) if project.data_date else start
    links = [k for k in project.links if acts[index[k.succ]].actual_finish is None]
    pred = np.array([index[k.pred] for k in links], dtype=np.int64)
    succ = np.array([index[k.succ] for k in links], dtype=np.int64)
    order = np.argsort(levels_or_cycle(project, n, pred, succ), kind="stable").tolist()
    incoming: list[list[Link]] = [[] for _ in range(n)]
    outgoing: list[list[Link]] = [[] for _ in range(n)]
    for k in links:
        incoming[index[k.succ]].append(k)
        outgoing[index[k.pred]].append(k)
    dur = [_remaining(a) for a in acts]
    actual_s = [plan.instant(a.actual_start) if a.actual_start else None for a in acts]
    actual_f = [plan.instant(a.actual_finish) if a.actual_finish else None for a in acts]
    es, ef = [0] * n, [0] * n
    reason = [REASONS[R_START]] * n
    drivers: list[list[int]] = [[] for _ in range(n)]
    late_drivers: list[list[int]] = [[] for _ in range(n)]
    late_reason = ["actual finish" if a.finished else "children" for a in acts]
    link_id = {id(k): j for j, k in enumerate(project.links)}

    def forward(late: tuple[list[int], list[int]] | None) -> None:
        for i in order:
            act = acts[i]
            if act.kind is Kind.SUMMARY:
                es[i] = ef[i] = start
                continue
            if actual_f[i] is not None:
                es[i], ef[i] = actual_s[i], actual_f[i]  # type: ignore[assignment]
                reason[i] = REASONS[R_ACTUAL]
                continue
            best, held = NEG, not incoming[i]
            cands: list[tuple[int, int]] = []
            for k in incoming[i]:
                p = index[k.pred]
                use_late = late is not None and acts[p].constraint is C.ALAP and not acts[p].started
                actual = actual_s[p]
                p_start = actual if actual is not None else es[p]
                if late is not None and use_late:
                    p_start = late[0][p]
                p_finish = late[1][p] if late is not None and use_late else ef[p]
                t = plan.lag(k, p_finish if FROM_FINISH[k.type] else p_start, 1)
                if TO_FINISH[k.type]:
                    t = plan.start_of(i, t, dur[i])
                    held |= k.type.value == "FF"
                cands.append((t, link_id[id(k)]))
                best = max(best, t)
            floor = start if held else NEG
            why = R_START
            if act.started:
                floor, why = data, R_ACTUAL
            elif data > start:
                floor, why = max(floor, data), R_DATA
            lo, hi, constraint_why = _bounds(plan, i, act, dur[i])
            if lo > floor:
                floor, why = lo, constraint_why
            if hi < floor and not act.started:
                assert act.constraint_date is not None
                check_cap(act, plan.instant(act.constraint_date), hi, floor, why)
            value = min(max(best, floor), hi)
            snapped = plan.snap(i, value)
            # compare working minutes, not instants: 17:00 and 08:00 next day are the same
            if best > NEG and plan.snap(i, best) == snapped:
                drivers[i] = [k_id for t, k_id in cands if plan.snap(i, t) == snapped]
            else:
                drivers[i] = []
            capped = hi < POS and plan.snap(i, hi) == snapped < plan.snap(i, max(best, floor))
            reason[i] = REASONS[R_CONSTRAINT if capped else why]
            es[i] = plan.snap(i, value)
            ef[i] = plan.finish_of(i, es[i], dur[i])

    forward(None)
    real = [i for i in range(n) if acts[i].kind is not Kind.SUMMARY]
    finish = max((ef[i] for i in real), default=start)
    ls, lf = [0] * n, [0] * n
    for i in reversed(order):
        act = acts[i]
        if actual_f[i] is not None or act.kind is Kind.SUMMARY:
            ls[i], lf[i] = es[i], ef[i]
            continue
        best, late_cands = POS, []
        for k in outgoing[i]:
            s = index[k.succ]
            from_finish = FROM_FINISH[k.type]
            if act.started and not from_finish:
                continue  # the start end of a started activity is history
            t = plan.lag(k, lf[s] if TO_FINISH[k.type] else ls[s], -1)
            t = t if from_finish else plan.finish_of(i, t, dur[i])
            late_cands.append((t, link_id[id(k)]))
            best = min(best, t)
        final = _late_constraint(plan, i, act, dur[i], min(best, finish))
        if not act.elapsed:  # a finish at the start of a work period is the end of the last one
            final = plan.clock[i].finish(plan.clock[i].position(final))
        lf[i] = final
        ls[i] = plan.start_of(i, final, dur[i])
        key = plan.key(i)
        if late_cands and key(best) == key(final):
            late_drivers[i] = [k_id for t, k_id in late_cands if key(t) == key(final)]
            late_reason[i] = "link"
        else:
            late_reason[i] = _late_reason(plan, i, act, dur[i], final, key)
    if any(a.constraint is C.ALAP and not a.started for a in acts):
        forward((ls, lf))
    driving = [k for i in range(n) for k in drivers[i]]
    late = ([k for i in range(n) for k in late_drivers[i]], late_reason)
    return _timing(plan, project, es, ef, ls, lf, actual_s, reason, start, finish, driving, late)


def _done_minutes(plan: _Plan, i: int, start: int, finish: int) -> int:
    """Duration of an activity: actual working (or elapsed) minutes once it has finished."""
    act = plan.acts[i]
    if not act.finished:
        return act.duration
    return finish - start if act.elapsed else plan.clock[i].working_between(start, finish)


def _remaining(act: Activity) -> int:
    if act.kind is Kind.SUMMARY:
        return 0
    return remaining_of(act) if act.started and act.actual_finish is None else act.duration


def _bounds(plan: _Plan, i: int, act: Activity, dur: int) -> tuple[int, int, int]:
    """Floor and cap of the early start from the activity's constraint."""
    if act.constraint_date is None or act.started:
        return NEG, POS, R_START
    d = plan.instant(act.constraint_date)
    kind = act.constraint
    target = d if kind in (C.SNET, C.SNLT, C.MSO) else plan.start_of(i, d, dur)
    lo = target if kind in (C.SNET, C.FNET, C.MSO, C.MFO) else NEG
    hi = target if kind in (C.SNLT, C.FNLT, C.MSO, C.MFO) else POS
    return lo, hi, R_CONSTRAINT


def _late_reason(
    plan: _Plan, i: int, act: Activity, dur: int, final: int, key: Callable[[int], int]
) -> str:
    """What sets a late finish when no link does (same order as the vectorised path)."""
    kind = act.constraint
    dated = act.constraint_date is not None and not act.started
    if dated and kind in (C.MSO, C.MFO):
        return "constraint"
    if act.deadline is not None and key(plan.instant(act.deadline)) == key(final):
        return "deadline"
    if dated and kind in (C.SNLT, C.FNLT):
        d = plan.instant(act.constraint_date)
        cap = plan.finish_of(i, d, dur) if kind is C.SNLT else d
        if key(cap) == key(final):
            return "constraint"
    return "project finish"


def _late_constraint(plan: _Plan, i: int, act: Activity, dur: int, lf: int) -> int:
    """Late finish after constraints and the deadline (must-on constraints override)."""
    if act.constraint_date is not None and not act.started:
        d = plan.instant(act.constraint_date)
        kind = act.constraint
        as_finish = plan.finish_of(i, d, dur) if kind in (C.SNLT, C.MSO) else d
        if kind in (C.MSO, C.MFO):
            lf = as_finish
        elif kind in (C.SNLT, C.FNLT):
            lf = min(lf, as_finish)
    if act.deadline is not None:
        lf = min(lf, plan.instant(act.deadline))
    return lf


def _timing(
    plan: _Plan,
    project: Project,
    es: list[int],
    ef: list[int],
    ls: list[int],
    lf: list[int],
    actual_s: list[int | None],
    reason: list[str],
    start: int,
    finish: int,
    driving: list[int],
    late: tuple[list[int], list[str]],
) -> Timing:
    """Floats in each activity's working time, drivers and reported dates."""
    acts, index, n = project.activities, project.index, len(project.activities)
    tf, ff = [0] * n, [0] * n
    alap = np.array([a.constraint is C.ALAP for a in acts], dtype=bool)
    for i, act in enumerate(acts):
        if act.finished or act.kind is Kind.SUMMARY or (alap[i] and not act.started):
            continue
        measure = plan.project_clock if act.elapsed else plan.clock[i]
        start_slack = measure.working_between(es[i], ls[i])
        finish_slack = measure.working_between(ef[i], lf[i])
        tf[i] = finish_slack if act.started else min(start_slack, finish_slack)
    sched_s = [ls[i] if alap[i] and not acts[i].started else es[i] for i in range(n)]
    sched_f = [lf[i] if alap[i] and not acts[i].started else ef[i] for i in range(n)]
    slack_to = [POS] * n
    done = {id(k) for k in project.links if acts[index[k.succ]].actual_finish is not None}
    for k in project.links:
        if id(k) in done:
            continue
        p, s = index[k.pred], index[k.succ]
        actual = actual_s[p]
        p_start = actual if actual is not None else sched_s[p]
        t = plan.lag(k, sched_f[p] if FROM_FINISH[k.type] else p_start, 1)
        target = sched_f[s] if TO_FINISH[k.type] else sched_s[s]
        measure = plan.project_clock if acts[p].elapsed else plan.clock[p]
        slack_to[p] = min(slack_to[p], max(measure.working_between(t, target), 0))
    for i in range(n):
        ff[i] = max(0, min(slack_to[i], tf[i]))
    es_out = [a if a is not None else e for a, e in zip(actual_s, es, strict=True)]
    ef, ls, lf = list(ef), list(ls), list(lf)
    for i, act in enumerate(acts):
        # a milestone held by a start-type constraint is shown at the start of the next
        # working period (as MS Project shows it); the instants the passes used stay put
        if (
            act.kind is Kind.MILESTONE
            and act.constraint in (C.SNET, C.SNLT, C.MSO)
            and act.constraint_date is not None
            and not act.started
        ):
            clock = plan.clock[i]
            if clock.position(es[i]) == clock.position(plan.instant(act.constraint_date)):
                shown = max(clock.next_working(es[i]), es[i])
                if clock.position(ls[i]) == clock.position(es[i]):
                    ls[i] = lf[i] = shown
                es_out[i] = ef[i] = shown
    working = plan.project_clock

    def between(a: IntArray, b: IntArray) -> IntArray:
        return np.array(
            [working.working_between(int(x), int(y)) for x, y in zip(a, b, strict=True)],
            dtype=np.int64,
        )

    as_array = lambda xs: np.array(xs, dtype=np.int64)  # noqa: E731
    return Timing(
        origin=plan.origin,
        start=start,
        finish=finish,
        es=as_array(es_out),
        ef=as_array(ef),
        ls=as_array(ls),
        lf=as_array(lf),
        total_float=as_array(tf),
        free_float=as_array(ff),
        duration=as_array([_done_minutes(plan, i, es_out[i], ef[i]) for i in range(n)]),
        finished=np.array([a.finished for a in acts], dtype=bool),
        driving=as_array(driving),
        reason=reason,
        late_driving=as_array(late[0]),
        late_reason=late[1],
        working=between,
        alap=alap,
    )
