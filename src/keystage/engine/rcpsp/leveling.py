"""Resource levelling: remove over-allocation by delaying activities, and say why.

Two policies:

* ``within_float=True`` - an activity may only move inside its total float,
  so the project finish and every critical activity stay where they are;
  conflicts that cannot be solved that way are reported, not hidden;
* ``within_float=False`` - activities are delayed as far as needed; the finish may move.

Activities are levelled in order of their current start, least float first
(a serial schedule generation pass that never moves anything earlier). When
the finish may move, the pass (compiled for large plans:
:mod:`keystage.engine.rcpsp.level_kernel`) also tries the latest-start and
least-float priority rules, each improved by forward-backward justification,
and keeps the shortest schedule; every
activity still keeps its current start as a release date.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from keystage.engine.network import Link
from keystage.engine.rcpsp.compiled import Compiled, delta, link_delta
from keystage.engine.rcpsp.problem import PeriodSchedule, Problem
from keystage.engine.rcpsp.sgs import justify
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
    incoming: list[list[tuple[int, Link]]] = [[] for _ in starts]
    for i, j, lk in problem.link_pairs:
        incoming[j].append((i, lk))
    for j in problem.topological_order:
        for i, lk in incoming[j]:
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
    if not within_float:
        fast = _level_by_rules(c, schedule, order, ls)
        if fast is not None:
            return _result(problem, c, schedule, finish, ls, dur, *fast)
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
    return _levelled(problem, schedule, starts, moves, finish)


COMPILED_FROM = 300  # activities; below, the Python passes are fast and skip loading numba


def _release_pass(
    c: Compiled, order: Sequence[int], release: Sequence[int], durs: list[int],
    dem: list[list[tuple[int, int]]],
) -> tuple[list[int], list[int]]:  # fmt: skip
    """Python twin of :func:`keystage.engine.rcpsp.level_kernel.release_serial_kernel`."""
    horizon = sum(durs) + max(release, default=0) + 1
    avail = [
        list(p) + [b] * max(0, horizon - len(p))
        for p, b in zip(c.profiles, c.base_cap, strict=True)
    ]
    starts = [0] * c.n
    blocker = [-1] * c.n
    for j in order:
        d = durs[j]
        t = max([release[j]] + [starts[i] + delta(k, lag, durs[i], d) for i, k, lag in c.preds[j]])
        if d > 0 and dem[j]:
            first = True
            while True:
                if t + d > len(avail[0]):  # past the horizon: capacities stay at their base
                    grow = t + d + horizon
                    for row, b in zip(avail, c.base_cap, strict=True):
                        row.extend([b] * (grow - len(row)))
                bad = next(((r, q) for r, q in dem[j] if min(avail[r][t : t + d]) < q), None)
                if bad is None:
                    break
                if first:
                    blocker[j] = bad[0]
                first = False
                # no start up to the last short period of the window fits either
                row, q = avail[bad[0]], bad[1]
                t = next(u for u in range(t + d - 1, t - 1, -1) if row[u] < q) + 1
            for r, q in dem[j]:
                for u in range(t, t + d):
                    avail[r][u] -= q
        starts[j] = t
    return starts, blocker


def _level_by_rules(
    c: Compiled, schedule: PeriodSchedule, order: list[int], ls: list[int]
) -> tuple[list[int], list[int]] | None:
    """Shortest release-respecting serial schedule over a few priority rules.

    Candidates: the current-start order (today's pass, so never worse), latest
    start and least float; each is followed by two rounds of forward-backward
    justification whose order is rescheduled with the release dates. Compiled
    (numba) from :data:`COMPILED_FROM` activities, Python below. Returns the
    starts and the blocking resource per activity (-1: none), or ``None`` when
    a mode is not schedulable (the plain pass then reports it).
    """
    try:
        modes = c.compiled_modes(schedule.modes)
    except ValueError:
        return None
    old = schedule.starts
    orders = [
        order,
        c.ordered(lambda i: (ls[i], old[i], i)),
        c.ordered(lambda i: (ls[i] - old[i], old[i], i)),
    ]
    durs = c.mode_durations(modes)
    if c.n >= COMPILED_FROM:
        run, improve = _compiled_passes(c, schedule, modes)
    else:
        rev = c.reversed()
        dem = [c.dem[i][m] for i, m in enumerate(modes)]

        def run(seq: Sequence[int]) -> tuple[list[int], list[int]]:
            return _release_pass(c, seq, old, durs, dem)

        def improve(starts: list[int]) -> list[int]:
            back = justify(c, rev, starts, list(modes))
            return c.ordered(lambda i: (back[i], i))

    best: tuple[int, list[int], list[int]] | None = None
    for seq in orders:
        starts, blockers = run(seq)
        for rounds in range(3):
            if rounds:
                starts, blockers = run(improve(starts))
            span = max((s + d for s, d in zip(starts, durs, strict=True)), default=0)
            if best is None or span < best[0]:
                best = (span, starts, blockers)
    assert best is not None
    return best[1], best[2]


def _compiled_passes(
    c: Compiled, schedule: PeriodSchedule, modes: list[int]
) -> tuple[
    Callable[[Sequence[int]], tuple[list[int], list[int]]], Callable[[list[int]], list[int]]
]:
    """The release pass and the justified order of :func:`_level_by_rules`, compiled."""
    from keystage.engine.rcpsp import kernels as K
    from keystage.engine.rcpsp.level_kernel import release_serial_kernel

    a = K.Arrays.of(c)
    m = np.array(modes, dtype=np.int64)
    rows = np.arange(c.n)
    durs, dem = a.dur[rows, m], np.ascontiguousarray(a.dem[rows, m])
    release = np.array(schedule.starts, dtype=np.int64)

    def run(seq: Sequence[int]) -> tuple[list[int], list[int]]:
        starts, blockers = release_serial_kernel(
            np.asarray(seq, dtype=np.int64), release, durs, dem, a.profile, a.base, a.pred_ptr,
            a.pred_idx, a.pred_kind, a.pred_lag,
        )  # fmt: skip
        return starts.tolist(), blockers.tolist()

    def improve(starts: list[int]) -> list[int]:
        back = K.justify(a, np.array(starts, dtype=np.int64), m.copy())
        return K.ordered_kernel(back, a.pred_ptr, a.succ_ptr, a.succ_idx).tolist()  # type: ignore[no-any-return]

    return run, improve


def warm_up_compiled(problem: Problem) -> None:
    """Load (or compile and cache) the compiled levelling passes, on a small ``problem``.

    Those passes only run from :data:`COMPILED_FROM` activities on; this runs them on
    any problem (each activity in its first mode), so a server or a test run can build
    them before the first large plan is levelled.
    """
    c = Compiled(problem)
    schedule = early_schedule(problem)
    run, improve = _compiled_passes(c, schedule, c.compiled_modes(schedule.modes))
    starts, _blockers = run(c.ordered(lambda i: (schedule.starts[i], i)))
    improve(starts)


def _result(
    problem: Problem,
    c: Compiled,
    schedule: PeriodSchedule,
    finish: int,
    ls: list[int],
    dur: list[int],
    starts: list[int],
    blockers: list[int],
) -> LevelingResult:
    """The levelling result of ``starts``, with a reason for every move."""
    old = schedule.starts
    moves = []
    for j in range(c.n):
        if starts[j] == old[j]:
            continue
        pushed_by = [
            problem.activities[i].id
            for i, k, lag in c.preds[j]
            if starts[i] + delta(k, lag, dur[i], dur[j]) > old[j]
        ]
        blocker = blockers[j] if blockers[j] >= 0 else None
        aid = problem.activities[j].id
        moves.append(_explain(problem, aid, old[j], starts[j], ls[j] - old[j], pushed_by, blocker))
    moves.sort(key=lambda m: (m.new_start, m.activity))
    return _levelled(problem, schedule, starts, moves, finish)


def _levelled(
    problem: Problem,
    schedule: PeriodSchedule,
    starts: Sequence[int],
    moves: Sequence[Move],
    finish: int,
) -> LevelingResult:
    """The levelling result of ``starts``: the schedule, its moves and what stays over."""
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
