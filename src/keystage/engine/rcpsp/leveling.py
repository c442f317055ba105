"""Resource levelling: remove over-allocation by delaying activities, and say why.

Two policies:

* ``within_float=True`` - an activity may only move inside its total float,
  so the project finish and every critical activity stay where they are;
  conflicts that cannot be solved that way are reported, not hidden;
* ``within_float=False`` - activities are delayed as far as needed; the finish may move.

Activities are levelled in order of their current start, least float first
(a serial schedule generation pass that never moves anything earlier).
"""

from __future__ import annotations

from dataclasses import dataclass

from keystage.engine.rcpsp.compiled import Compiled, delta, link_delta
from keystage.engine.rcpsp.problem import PeriodSchedule, Problem
from keystage.engine.rcpsp.utilisation import Overload, over_allocations


@dataclass(frozen=True)
class Move:
    """An activity moved from ``old_start`` to ``new_start`` and the reason."""

    activity: str
    old_start: int
    new_start: int
    reason: str
    resource: str | None = None


@dataclass(frozen=True)
class LevelingResult:
    """Levelled schedule, what moved and why, and the conflicts left."""

    schedule: PeriodSchedule
    moves: tuple[Move, ...]
    finish_before: int
    finish_after: int
    unresolved: tuple[Overload, ...]


def early_schedule(problem: Problem, modes: tuple[int, ...] | None = None) -> PeriodSchedule:
    """Earliest starts ignoring resources (first mode unless ``modes`` given)."""
    modes = modes or tuple(0 for _ in problem.activities)
    starts = [0] * len(problem.activities)
    durs = [ms[m].duration for ms, m in zip(problem.mode_table, modes, strict=True)]
    for j in problem.topological_order:
        for i, jj, lk in problem.link_pairs:
            if jj == j:
                starts[j] = max(starts[j], starts[i] + link_delta(lk, durs[i], durs[j]))
    return PeriodSchedule(tuple(starts), modes)


def _latest_starts(c: Compiled, topo: tuple[int, ...], dur: list[int], finish: int) -> list[int]:
    ls = [finish - dur[i] for i in range(c.n)]
    for i in reversed(topo):
        for j, kind, lag in c.succs[i]:
            ls[i] = min(ls[i], ls[j] - delta(kind, lag, dur[i], dur[j]))
    return ls


def level(
    problem: Problem, schedule: PeriodSchedule | None = None, *, within_float: bool = True
) -> LevelingResult:
    """Level ``schedule`` (default: the early-start schedule) against the capacities."""
    schedule = schedule or early_schedule(problem)
    c = Compiled(problem)
    topo = problem.topological_order
    dur = [ms[m].duration for ms, m in zip(problem.mode_table, schedule.modes, strict=True)]
    finish = schedule.makespan(problem)
    ls = _latest_starts(c, topo, dur, finish)
    old = schedule.starts
    order = c.ordered(lambda i: (old[i], ls[i] - old[i], i))
    horizon = problem.trivial_horizon() + finish
    avail = [r.profile(horizon) for r in problem.renewables]
    rix = problem.resource_index
    starts = list(old)
    moves: list[Move] = []
    for j in order:
        mode = problem.mode_table[j][schedule.modes[j]]
        dem = [(rix[r], q) for r, q in mode.demands.items() if r in rix]
        earliest = max(
            [old[j]] + [starts[i] + delta(k, lag, dur[i], dur[j]) for i, k, lag in c.preds[j]]
        )
        pushed_by = [
            problem.activities[i].id
            for i, k, lag in c.preds[j]
            if starts[i] + delta(k, lag, dur[i], dur[j]) > old[j]
        ]
        t, blocker = earliest, None
        while dur[j] and dem:
            bad = next((r for r, q in dem if min(avail[r][t : t + dur[j]]) < q), None)
            if bad is None:
                break
            blocker = blocker if blocker is not None else bad
            t += 1
        if within_float and t > ls[j]:
            t = max(earliest, old[j])  # keep it: moving would delay the finish
            blocker = None
        for r, q in dem:
            for k in range(t, t + dur[j]):
                avail[r][k] -= q
        starts[j] = t
        if t != old[j]:
            moves.append(
                _explain(
                    problem, problem.activities[j].id, old[j], t, ls[j] - old[j], pushed_by, blocker
                )
            )
    result = PeriodSchedule(tuple(starts), schedule.modes)
    return LevelingResult(
        result,
        tuple(moves),
        finish,
        result.makespan(problem),
        tuple(over_allocations(problem, result)),
    )


def _explain(
    problem: Problem,
    aid: str,
    old: int,
    new: int,
    slack: int,
    pushed_by: list[str],
    blocker: int | None,
) -> Move:
    parts = []
    res = problem.renewables[blocker].id if blocker is not None else None
    if pushed_by:
        parts.append(f"predecessor {', '.join(pushed_by)} moved")
    if res is not None:
        parts.append(f"{res} over-allocated from period {old}")
    within = "within its float" if new - old <= slack else f"beyond its float of {slack}"
    reason = f"delayed {new - old} period(s) {within}: " + "; ".join(parts or ["resource conflict"])
    return Move(aid, old, new, reason, res)
