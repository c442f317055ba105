"""Large-neighbourhood search with CP-SAT around the metaheuristic's best schedule.

Each step frees a neighbourhood of activities and re-solves only that part
with a short CP-SAT run (one worker, a deterministic time limit), keeping the
rest of the incumbent: activities that start before the neighbourhood keep
their start and mode; the ones after it keep their mode and their relative
schedule but may all slide earlier by one common shift, so a gain inside the
window shortens the whole project. Improvements (and equal schedules, for
diversification) replace the incumbent.

Two neighbourhoods alternate: a *time window* (the ``k`` activities that
start next from a random point of the incumbent) and a *population* one
(activities placed differently in another good schedule of the genetic
algorithm's final population, completed by their nearest neighbours in start
order, in the spirit of path relinking). ``k`` adapts as in Pisinger & Ropke
(2010) and CP-SAT's own LNS workers (Perron, Didier & Gay 2023): it grows when
a neighbourhood is solved to optimality without gain and shrinks when the
sub-solve runs out of time. Palpant, Artigues & Michelon (2004, "LSSPER")
and Godard, Laborie & Nuijten (2005, "Randomized large neighborhood search
for cumulative scheduling") are the models for fixing all but a window; their
partial-order (precedence-ordering) tail was tried here and gained nothing
over the rigid shift on j60 while costing more per step, so it was left out.
The caller passes a light model (no redundant constraints): a step costs
mostly CP-SAT's presolve, so a smaller model buys more steps.

Reproducible for a seed: the sub-solves stop on CP-SAT's deterministic time,
and the search stops after ``stall`` steps without gain or ``max_steps``; the
wall-clock ``deadline`` only cuts it short on a loaded machine.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from ortools.sat.python import cp_model

from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.cpsat.variables import Variables
from keystage.engine.rcpsp.problem import PeriodSchedule

SUB_DETERMINISTIC_TIME = 0.005  # CP-SAT deterministic seconds per neighbourhood
MIN_FREE = 6
K0 = 8  # activities freed in the first neighbourhood


@dataclass(frozen=True)
class LnsResult:
    """Best schedule after the search, its makespan and the effort."""

    schedule: PeriodSchedule
    makespan: int
    steps: int
    improvements: int
    seconds: float


def _makespan(c: Compiled, starts: Sequence[int], modes: Sequence[int]) -> int:
    return max((s + c.dur[i][m] for i, (s, m) in enumerate(zip(starts, modes, strict=True))),
               default=0)  # fmt: skip


def _window(order: list[int], k: int, rng: np.random.Generator) -> set[int]:
    """``k`` consecutive activities of the incumbent's start order from a random point."""
    p = int(rng.integers(0, max(1, len(order) - k + 1)))
    return set(order[p : p + k])


def _from_elite(
    order: list[int],
    starts: Sequence[int],
    modes: Sequence[int],
    other: Sequence[int],
    other_modes: Sequence[int],
    k: int,
    rng: np.random.Generator,
) -> set[int]:
    """Activities placed differently in ``other``, then neighbours in start order, ``k`` in all."""
    diff = [i for i in order if starts[i] != other[i] or modes[i] != other_modes[i]]
    if len(diff) > k:
        p = int(rng.integers(0, len(diff) - k + 1))
        return set(diff[p : p + k])
    free = set(diff)
    pos = {a: q for q, a in enumerate(order)}
    for i in diff:
        if len(free) >= k:
            break
        q = pos[i]
        for a in order[max(0, q - 2) : q + 3]:
            free.add(a)
    for a in order:  # still short: the earliest-starting activities
        if len(free) >= k:
            break
        free.add(a)
    return free


def _solve_neighbourhood(
    model: cp_model.CpModel,
    v: Variables,
    c: Compiled,
    starts: Sequence[int],
    modes: Sequence[int],
    free: set[int],
    makespan: int,
    seed: int,
    seconds_left: float,
) -> tuple[int, list[int], list[int]] | None:
    """Re-solve ``free`` with the rest of the incumbent kept; ``None`` when nothing was found."""
    sub = model.clone()
    sub.clear_hints()
    t0 = min(starts[i] for i in free)
    shift = sub.new_int_var(0, makespan, "shift")
    for i in range(c.n):
        s = sub.get_int_var_from_proto_index(v.starts[i].index)
        sub.add_hint(s, starts[i])
        lits = v.mode_lits[i]
        if len(lits) > 1:
            for m, lit in enumerate(lits):
                b = sub.get_bool_var_from_proto_index(lit.index)
                sub.add_hint(b, m == modes[i])
                if i not in free and m == modes[i]:
                    sub.add(b == 1)
        if i in free:
            continue
        if starts[i] < t0:
            sub.add(s == starts[i])
        else:
            sub.add(s == starts[i] - shift)
    sub.add_hint(shift, 0)
    ms = sub.get_int_var_from_proto_index(v.makespan.index)
    sub.add(ms <= makespan)
    sub.add_hint(ms, makespan)
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.num_workers = 1
    prm.random_seed = seed
    prm.max_deterministic_time = SUB_DETERMINISTIC_TIME
    prm.max_time_in_seconds = max(0.01, seconds_left)
    prm.linearization_level = 0
    prm.cp_model_presolve = False  # most variables are fixed: presolve cost more than it saved
    status = solver.solve(sub)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    new_starts = [int(solver.value(sub.get_int_var_from_proto_index(x.index))) for x in v.starts]
    new_modes = [
        next(
            (m for m, lit in enumerate(row)
             if solver.boolean_value(sub.get_bool_var_from_proto_index(lit.index))),
            0,
        )
        if len(row) > 1
        else 0
        for row in v.mode_lits
    ]  # fmt: skip
    return (1 if status == cp_model.OPTIMAL else 0), new_starts, new_modes


def improve(
    model: cp_model.CpModel,
    v: Variables,
    c: Compiled,
    schedule: PeriodSchedule,
    *,
    lower_bound: int,
    seed: int = 0,
    deadline: float,
    elite: Sequence[PeriodSchedule] = (),
    stall: int = 8,
    max_steps: int = 400,
) -> LnsResult:
    """Improve ``schedule`` (a feasible schedule of ``model``) by large-neighbourhood search.

    ``model`` and ``v`` are the full makespan model of :func:`build_model`;
    they are copied, never changed. Stops at ``lower_bound``, after ``stall``
    steps in a row without a shorter schedule, after ``max_steps`` steps or at
    the :func:`time.perf_counter` ``deadline``. ``elite`` (other good schedules,
    e.g. the genetic algorithm's population) seeds the population neighbourhood.
    """
    began = time.perf_counter()
    rng = np.random.default_rng(seed)
    starts = list(schedule.starts)
    modes = c.compiled_modes(schedule.modes)
    best = _makespan(c, starts, modes)
    others = [(list(e.starts), c.compiled_modes(e.modes)) for e in elite]
    k = max(1, min(c.n, K0))
    steps = improvements = without_gain = 0
    while (
        best > lower_bound
        and without_gain < stall
        and steps < max_steps
        and time.perf_counter() < deadline
    ):
        order = sorted(range(c.n), key=lambda i: (starts[i], i))
        if others and steps % 2 == 1:
            o_starts, o_modes = others[(steps // 2) % len(others)]
            free = _from_elite(order, starts, modes, o_starts, o_modes, k, rng)
        else:
            free = _window(order, k, rng)
        steps += 1
        got = _solve_neighbourhood(
            model, v, c, starts, modes, free, best, seed + steps, deadline - time.perf_counter()
        )
        if got is None:
            k = max(1, min(k, int(k * 0.8)))
            without_gain += 1
            continue
        optimal, new_starts, new_modes = got
        ms = _makespan(c, new_starts, new_modes)
        if ms < best:
            improvements += 1
            without_gain = 0
        else:
            without_gain += 1
        starts, modes, best = new_starts, new_modes, min(best, ms)
        if optimal:
            k = min(c.n, k + max(1, k // 5))
        else:
            k = max(MIN_FREE if c.n >= MIN_FREE else 1, int(k * 0.8))
    result = PeriodSchedule(tuple(starts), c.problem_modes(modes))
    return LnsResult(result, best, steps, improvements, time.perf_counter() - began)
