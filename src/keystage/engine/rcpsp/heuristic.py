"""Multi-start heuristic: priority rules + schedule generation + justification.

Deterministic for a given ``seed``: the first starts use the classical rules
(LFT, LST, MTS, GRPW, MSLK) with the serial and parallel schemes; later
starts sample activity lists around the LFT rule (regret-based biased random
sampling). Every schedule is improved by forward-backward justification.
For multi-mode problems later starts also change the mode of one or two
activities of the best solution, keeping consumable budgets satisfied.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.errors import NoFeasibleScheduleError, ProblemDefinitionError
from keystage.engine.rcpsp.priority import Rule, priority_values, rule_order, sampled_order
from keystage.engine.rcpsp.problem import PeriodSchedule, Problem
from keystage.engine.rcpsp.sgs import justify, makespan, parallel_sgs, serial_sgs

_RULES = (Rule.LFT, Rule.LST, Rule.MTS, Rule.GRPW, Rule.MSLK)


@dataclass(frozen=True)
class HeuristicResult:
    """Best schedule found, its makespan, and how it was found."""

    schedule: PeriodSchedule
    makespan: int
    found_by: str
    evaluations: int


def require_minimum_lags_only(problem: Problem) -> None:
    """Refuse a problem the schedule generation schemes would schedule wrongly.

    They place each activity after its predecessors and know nothing of maximum
    lags, release dates or deadlines; :func:`keystage.engine.rcpsp.cpsat.solve.optimise`
    schedules such a problem with CP-SAT alone.
    """
    if problem.has_time_windows:
        raise ProblemDefinitionError(
            "maximum lags, release dates and deadlines need the exact optimiser, "
            "not the schedule generation heuristics"
        )


def initial_modes(c: Compiled, rng: np.random.Generator, *, lean: bool = False) -> list[int]:
    """Shortest modes (or, if ``lean``, least resource-time), repaired to fit the budgets.

    Resource-time of a mode = duration x sum of demand / capacity over renewables.
    Raises :class:`NoFeasibleScheduleError` when no mode choice fits the budgets.
    """

    def weight(i: int, m: int) -> tuple[float, ...]:
        load = sum(q / max(1, c.base_cap[r]) for r, q in c.dem[i][m])
        if lean:
            return (c.dur[i][m] * load, c.dur[i][m])
        return (c.dur[i][m], load)

    modes = [min(range(len(c.dur[i])), key=lambda m, i=i: weight(i, m)) for i in range(c.n)]  # type: ignore[misc]
    if not c.budgets or c.nr_excess(modes) == 0:
        return modes
    for attempt in range(20):
        if attempt:
            modes = [int(rng.integers(len(c.dur[i]))) for i in range(c.n)]
        if _repair(c, modes):
            return modes
    return _modes_by_search(c)


def _repair(c: Compiled, modes: list[int]) -> bool:
    """Greedy single-mode changes that reduce the budget overrun; True when it reaches zero."""
    excess = c.nr_excess(modes)
    while excess > 0:
        best: tuple[int, int, int, int] | None = None
        for i in range(c.n):
            keep = modes[i]
            for m in range(len(c.dur[i])):
                if m == keep:
                    continue
                modes[i] = m
                e = c.nr_excess(modes)
                cand = (e, c.dur[i][m] - c.dur[i][keep], i, m)
                if e < excess and (best is None or cand < best):
                    best = cand
            modes[i] = keep
        if best is None:
            return False
        excess, _, i, m = best
        modes[i] = m
    return True


def _modes_by_search(c: Compiled) -> list[int]:
    """Exact search for a budget-feasible mode vector (multi-dimensional knapsack)."""
    from ortools.sat.python import cp_model

    model = cp_model.CpModel()
    x = [[model.new_bool_var(f"x{i}_{m}") for m in range(len(c.dur[i]))] for i in range(c.n)]
    for row in x:
        model.add_exactly_one(row)
    for k, b in enumerate(c.budgets):
        use = [c.nr_dem[i][m][k] * x[i][m] for i in range(c.n) for m in range(len(x[i]))]
        model.add(sum(use) <= b)
    model.minimize(sum(c.dur[i][m] * x[i][m] for i in range(c.n) for m in range(len(x[i]))))
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = 5.0
    solver.parameters.num_workers = 1
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        raise NoFeasibleScheduleError("no choice of modes fits the consumable budgets")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise NoFeasibleScheduleError("no mode choice within budgets found in time", proven=False)
    return [next(m for m, v in enumerate(row) if solver.boolean_value(v)) for row in x]


def _mutate(c: Compiled, modes: list[int], rng: np.random.Generator) -> list[int]:
    multi = [i for i in range(c.n) if len(c.dur[i]) > 1]
    out = list(modes)
    if not multi:
        return out
    for _ in range(int(rng.integers(1, 3))):
        i = multi[int(rng.integers(len(multi)))]
        out[i] = int(rng.integers(len(c.dur[i])))
    if c.budgets and c.nr_excess(out) > 0 and not _repair(c, out):
        return list(modes)
    return out


def default_iterations(n_activities: int) -> int:
    """Number of starts that keeps the heuristic around 50 ms (cost grows with n squared).

    At least 6 (the rules), but only 3 above 1,000 activities, where one start
    with forward-backward improvement costs about 0.1 ms per activity.
    """
    least = 6 if n_activities <= 1000 else 3
    return max(least, min(40, 40_000 // max(1, n_activities) ** 2))


def solve_heuristic(
    problem: Problem,
    iterations: int | None = None,
    seed: int = 0,
    *,
    deadline: float | None = None,
) -> HeuristicResult:
    """Best schedule over ``iterations`` starts of the multi-start heuristic.

    ``iterations`` defaults to :func:`default_iterations`; ``seed`` fixes the
    random sampling, so equal inputs give equal schedules. ``deadline`` (a
    :func:`time.perf_counter` value) stops starting new iterations once
    passed; the first start always runs. It only bites on a machine busy
    enough to slow the heuristic several times, where it leaves the rest of a
    time limit to the exact search.
    """
    require_minimum_lags_only(problem)
    if iterations is None:
        iterations = default_iterations(len(problem.activities))
    c = Compiled(problem)
    rev = c.reversed()
    topo = problem.topological_order
    rng = np.random.default_rng(seed)
    base_modes = initial_modes(c, rng)
    multi = problem.is_multi_mode
    bases = [base_modes]
    if multi:
        lean = initial_modes(c, rng, lean=True)
        if lean != base_modes:
            bases.append(lean)
    plans = [(b, rule) for b in bases for rule in _RULES]
    best_starts: list[int] = []
    best_modes = base_modes
    best_ms = -1
    found_by = ""
    cache: dict[tuple[int, ...], list[float]] = {}
    # Without budgets, every activity can simply take the mode that finishes it first.
    choose = multi and not c.budgets
    done = 0
    for it in range(max(1, iterations)):
        if it and deadline is not None and time.perf_counter() > deadline:
            break
        done += 1
        if it < len(plans):
            modes, rule = plans[it]
            order = rule_order(c, priority_values(c, rule, topo, modes))
            modes = list(modes)
            starts = serial_sgs(c, order, modes, choose=choose)
            label = f"{rule}/serial"
        elif it == len(plans):
            modes = list(base_modes)
            order = rule_order(c, priority_values(c, Rule.LFT, topo, modes))
            starts = parallel_sgs(c, order, modes)
            label = "LFT/parallel"
        else:
            modes = _mutate(c, best_modes, rng) if multi and not choose else list(base_modes)
            key = tuple(modes)
            if key not in cache:
                cache[key] = priority_values(c, Rule.LFT, topo, modes)
            starts = serial_sgs(c, sampled_order(c, cache[key], rng), modes, choose=choose)
            label = "LFT-sampling/serial"
        starts = justify(c, rev, starts, modes, choose=choose)
        ms = makespan(c, starts, modes)
        if best_ms < 0 or ms < best_ms:
            best_starts, best_modes, best_ms, found_by = starts, list(modes), ms, label
    schedule = PeriodSchedule(tuple(best_starts), c.problem_modes(best_modes))
    return HeuristicResult(schedule, best_ms, found_by, done)
