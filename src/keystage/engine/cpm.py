"""Critical path method: early/late dates, total and free float, drivers, critical path.

:func:`schedule` is the entry point: a :class:`~keystage.engine.network.Project`
goes in, a :class:`Schedule` comes out. When every activity works on the
project calendar with durations and lags in working minutes, the passes run
vectorised on integer positions (:mod:`keystage.engine.passes`); otherwise a
scalar path (:mod:`keystage.engine.mixed`) works instant by instant on each
activity's own calendar.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from keystage.engine.calendars import IntArray
from keystage.engine.compiler import (
    FINISHED,
    NOT_STARTED,
    REASONS,
    Compiled,
    compile_project,
    levels_or_cycle,
    needs_general_path,
)
from keystage.engine.errors import (
    HorizonError,
    MaxLagConflictError,
    MaxLagUnsupportedError,
    PositiveCycleError,
    TooLongError,
)
from keystage.engine.mixed import mixed_timing
from keystage.engine.network import ConstraintType, LagUnit, Project
from keystage.engine.passes import (
    BIG,
    LevelPlan,
    Spread,
    backward,
    backward_max,
    forward,
    forward_max,
    free_float,
    positive_cycle,
)
from keystage.engine.result import Schedule
from keystage.engine.rollup import assemble
from keystage.engine.timing import Timing

HORIZON_YEARS = 200
YEAR_MINUTES = 525_960
START_CONSTRAINTS = frozenset((ConstraintType.SNET, ConstraintType.SNLT, ConstraintType.MSO))


@dataclass(frozen=True)
class Positions:
    """Raw result of the vectorised passes, in project-calendar positions."""

    es: IntArray
    ls: IntArray
    ef: IntArray
    lf: IntArray
    total_float: IntArray
    free_float: IntArray
    finish: int
    level: IntArray


def cpm_positions(c: Compiled) -> Positions:
    """Forward pass, backward pass and floats on a compiled project (the fast core).

    With maximum lags the passes are label correcting (:func:`forward_max`,
    :func:`backward_max`); without, one pass each way.
    """
    n = c.n
    level = levels_or_cycle(c.project, n + 1, c.pred, c.succ)
    forward_plan = LevelPlan.build(level, c.succ, reverse=False)
    limits = _MaxLags(c, level, forward_plan) if c.max_link.size else None
    es = forward(forward_plan, c.pred, c.weight, c.floor, c.cap) if limits is None else limits.es
    finish = int((es + c.dur)[:n].max()) if n else c.start_pos
    ls_cap = np.minimum(c.ls_cap, finish - c.dur)
    fixed = c.ls_fixed if (c.ls_fixed < BIG).any() else None
    deadline = c.deadline if (c.deadline < BIG).any() else None
    backward_plan = LevelPlan.build(level, c.pred, reverse=True)
    if limits is None:
        ls = backward(backward_plan, c.succ, c.weight, ls_cap, fixed, deadline)
    else:
        ls = limits.backward(backward_plan, ls_cap, fixed, deadline)
    alap = c.alap & (c.state == NOT_STARTED)
    if alap.any():
        if limits is None:
            es = forward(forward_plan, c.pred, c.weight, c.floor, c.cap, (alap, ls))
        else:
            es = limits.late_forward(forward_plan, es, (alap, ls))
    tf = np.where(alap, 0, ls - es)
    tf[c.state == FINISHED] = 0
    pred, succ, weight, _ = c.edges()
    ff = free_float(n + 1, pred, succ, weight, np.where(alap, ls, es), tf)
    return Positions(es, ls, es + c.dur, ls + c.dur, tf, ff, finish, level)


class _MaxLags:
    """The label-correcting passes of :func:`cpm_positions` for a network with maximum lags."""

    def __init__(self, c: Compiled, level: IntArray, plan: LevelPlan) -> None:
        self.c = c
        self.level = level
        self.reverse = (c.max_pred, c.max_succ, c.max_weight)
        self.ahead = Spread.build(plan, c.pred, c.succ, c.weight, level)
        found: list[PositiveCycleError] = []

        def gains(es: IntArray) -> bool:
            found[:] = [error] if (error := _positive_cycle_error(c, es, 256)).cycle else []
            return bool(found)

        es, settled = forward_max(
            plan, c.pred, c.weight, c.floor, c.cap, self.reverse, None, gains, self.ahead
        )
        if not settled:
            raise found[0] if found else _positive_cycle_error(c, es)
        _check_max_lags(c, es)
        self.es = es

    def backward(
        self, plan: LevelPlan, ls_cap: IntArray, fixed: IntArray | None, deadline: IntArray | None
    ) -> IntArray:
        """Late starts honouring the maximum lags."""
        c = self.c
        behind = Spread.build(plan, c.succ, c.pred, c.weight, self.level.max() - self.level)
        return backward_max(plan, c.succ, c.weight, ls_cap, self.reverse, fixed, deadline, behind)

    def late_forward(
        self, plan: LevelPlan, es: IntArray, late: tuple[npt.NDArray[np.bool_], IntArray]
    ) -> IntArray:
        """Early starts with as-late-as-possible activities at their late starts."""
        c = self.c
        moved, settled = forward_max(
            plan, c.pred, c.weight, c.floor, c.cap, self.reverse, late, None, self.ahead
        )
        return moved if settled else es


def _positive_cycle_error(
    c: Compiled, es: IntArray, rounds: int | None = None
) -> PositiveCycleError:
    """The error naming a cycle of links that gains time (minimum and maximum lags)."""
    pred, succ, weight, link_id = c.edges()
    start = np.maximum(es, -(BIG >> 2))  # unreached "free" nodes: keep sums in range
    edges = positive_cycle(c.n + 1, pred, succ, weight, start, rounds)
    links = c.project.links
    acts = c.project.activities
    cycle = [acts[int(pred[e])].id for e in edges]
    labels = list(dict.fromkeys(links[int(link_id[e])].label for e in edges))
    return PositiveCycleError(cycle, labels, int(weight[edges].sum()))


def _check_max_lags(c: Compiled, es: IntArray) -> None:
    """Refuse a maximum lag left broken because a constraint holds its predecessor."""
    short = es[c.max_pred] + c.max_weight - es[c.max_succ]
    broken = np.flatnonzero(short > 0)
    if not broken.size:
        return
    j = int(broken[np.argmax(short[broken])])
    link = c.project.links[int(c.max_link[j])]
    act = c.project.activities[int(c.max_succ[j])]
    when = f" {act.constraint_date:%Y-%m-%d %H:%M}" if act.constraint_date else ""
    raise MaxLagConflictError(act.id, link.label, f"{act.constraint}{when}", int(short[j]))


def schedule(project: Project, baseline: str | None = None) -> Schedule:
    """Schedule a project; compare with the named baseline if given.

    Raises :class:`TooLongError` naming the activity when the work runs beyond the
    200 years of calendar the scheduler covers (a duration typed in the wrong unit).
    """
    try:
        return _schedule(project, baseline)
    except HorizonError as exc:
        raise too_long(project, exc.calendar_id) from None


def too_long(project: Project, calendar_id: str) -> TooLongError:
    """The error for a plan beyond the horizon: the activity longest for its calendar."""
    calendars = project.calendars_by_id
    worst, worst_years = None, -1.0
    for act in project.activities:
        length = max(act.duration, act.remaining or 0)
        per_year = (
            YEAR_MINUTES
            if act.elapsed
            else 52.18 * calendars[act.calendar or project.calendar].weekly_minutes
        )
        years = length / per_year if per_year else float("inf")
        if years > worst_years:
            worst, worst_years = act, years
    if worst is None:
        return TooLongError("(project)", f"calendar {calendar_id!r} has no working time")
    calendar = worst.calendar or project.calendar
    if worst_years >= HORIZON_YEARS / 2:
        minutes = max(worst.duration, worst.remaining or 0)
        kind = "elapsed" if worst.elapsed else "working"
        weekly = calendars[calendar].weekly_minutes
        return TooLongError(
            worst.id,
            f"its duration of {minutes:,} {kind} minutes ({minutes / 480:,.0f} days of 8 hours) "
            f"takes {worst_years:,.0f} years on calendar {calendar!r} ({weekly:,} working "
            f"minutes a week); the scheduler covers {HORIZON_YEARS} years (check the unit)",
        )
    return TooLongError(
        worst.id,
        f"the plan runs beyond the {HORIZON_YEARS} years the scheduler covers on calendar "
        f"{calendar_id!r} (the longest activity, this one, takes {worst_years:,.1f} years)",
    )


def _schedule(project: Project, baseline: str | None) -> Schedule:
    if needs_general_path(project):
        if project.has_max_lags:
            raise _max_lags_unsupported(project)
        timing = mixed_timing(project)
    else:
        lead_days = 30
        while True:
            c = compile_project(project, lead_days)
            positions = cpm_positions(c)
            if positions.es[: c.n].min(initial=0) >= 0 or lead_days > 20_000:
                break
            lead_days *= 8
        timing = _fast_timing(c, positions)
    return assemble(project, timing, baseline)


def _max_lags_unsupported(project: Project) -> MaxLagUnsupportedError:
    """Maximum lags are scheduled on the project calendar only: name what leaves it."""
    for act in project.activities:
        if act.elapsed or act.calendar not in (None, project.calendar):
            why = "an elapsed duration" if act.elapsed else f"calendar {act.calendar!r}"
            return MaxLagUnsupportedError(
                act.id,
                f"maximum lags need every activity on the project calendar with working "
                f"durations and lags; this one has {why}",
            )
    link = next(k for k in project.links if k.lag_unit is LagUnit.ELAPSED)
    return MaxLagUnsupportedError(
        link.succ,
        f"maximum lags need working lags; link {link.label} has an elapsed lag",
    )


def _fast_timing(c: Compiled, p: Positions) -> Timing:
    """Convert positions to instants and work out drivers."""
    n = c.n
    clock = c.clock
    work = clock.ensure_position(int(max(p.lf[:n].max(initial=0), p.ef[:n].max(initial=0))) + 1)
    started = c.actual_start >= 0
    es_pos = np.where(started, c.actual_start, p.es)[:n]
    milestone = (c.full_dur[:n] == 0) & ~started[:n]
    start_i = work.instant_start(es_pos)
    project_start = work.instant_start(np.int64(c.start_pos))
    m_start = np.where(es_pos == c.start_pos, project_start, work.instant_finish(es_pos))
    # A milestone held by a start-type constraint is shown where its constraint puts it,
    # at the start of the next working period (Monday 08:00, not Friday 17:00), as MS
    # Project shows it; its position (and so every float) is unchanged.
    held = _start_held_milestones(c, es_pos)
    if held.any():
        m_start = np.where(held, start_i, m_start)
    es_i = np.where(milestone, m_start, start_i)
    ef_i = np.where(milestone, m_start, work.instant_finish(p.ef[:n]))
    ef_i = np.maximum(ef_i, es_i)
    ls_i = np.where(milestone, work.instant_finish(p.ls[:n]), work.instant_start(p.ls[:n]))
    if held.any():  # and its late dates too, when they sit at the same position
        ls_i = np.where(held & (p.ls[:n] == es_pos), start_i, ls_i)
    lf_i = np.maximum(work.instant_finish(p.lf[:n]), ls_i)
    alap = c.alap & (c.state == NOT_STARTED)
    pred, succ, weight, _ = c.edges()
    k = c.pred.size  # the edges after the links are maximum lags' reverse edges
    cand = np.where(alap, p.ls, p.es)[pred] + weight
    best = np.full(n + 1, -BIG, dtype=np.int64)
    np.maximum.at(best, succ, cand)
    driving = (cand == best[succ]) & (best[succ] == p.es[succ])
    driving &= c.state[succ] != FINISHED
    real = pred != n
    cand_late = p.ls[succ] - weight
    best_late = np.full(n + 1, BIG, dtype=np.int64)
    np.minimum.at(best_late, pred[real], cand_late[real])
    late_link = best_late == p.ls
    late_driving = real & (cand_late == best_late[pred]) & late_link[pred]
    reason = [REASONS[r] for r in c.reason[:n].tolist()]
    capped = (p.es == c.cap) & (p.es < np.maximum(best, c.floor))
    capped = capped[:n]
    for i in np.flatnonzero(capped).tolist():
        reason[i] = "constraint"
    return Timing(
        origin=work.origin,
        start=int(project_start),
        finish=int(
            project_start if p.finish <= c.start_pos else work.instant_finish(np.int64(p.finish))
        ),
        es=es_i,
        ef=ef_i,
        ls=ls_i,
        lf=lf_i,
        total_float=p.total_float[:n],
        free_float=p.free_float[:n],
        duration=np.where(c.state[:n] == FINISHED, c.dur[:n], c.full_dur[:n]),
        finished=(c.state[:n] == FINISHED),
        driving=c.link_id[driving[:k]],
        reason=reason,
        late_driving=c.link_id[late_driving[:k]],
        late_reason=_late_reasons(c, p, late_link),
        working=lambda a, b: np.asarray(work.position(b) - work.position(a)),
        alap=c.alap[:n],
        pulled=c.max_link[driving[k:]],
        late_pulled=c.max_link[late_driving[k:]],
    )


def _start_held_milestones(c: Compiled, es_pos: IntArray) -> npt.NDArray[np.bool_]:
    """Milestones at exactly the position of their own SNET, SNLT or MSO date."""
    n = c.n
    held = np.zeros(n, dtype=bool)
    for i, act in enumerate(c.project.activities):
        if (
            act.constraint in START_CONSTRAINTS
            and act.duration == 0
            and act.actual_start is None
            and act.constraint_date is not None
        ):
            when = c.clock.work.instant_of(act.constraint_date)
            held[i] = int(es_pos[i]) == c.clock.position(when)
    return held


def _late_reasons(c: Compiled, p: Positions, late_link: np.ndarray) -> list[str]:
    """What sets each late finish when no link does (same order as the scalar path)."""
    n = c.n
    out = []
    for i in range(n):
        if c.state[i] == FINISHED:
            out.append("actual finish")
        elif late_link[i]:
            out.append("link")
        elif c.ls_fixed[i] < BIG:
            out.append("constraint")
        elif c.deadline[i] < BIG and p.ls[i] == c.deadline[i]:
            out.append("deadline")
        elif p.ls[i] == c.ls_cap[i]:
            out.append("constraint")
        else:
            out.append("project finish")
    return out
