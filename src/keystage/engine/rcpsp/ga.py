"""Activity-list genetic algorithm on the compiled schedule generation scheme.

Hartmann's genetic algorithm for the RCPSP (Hartmann 1998; multi-mode:
Hartmann 2001): an individual is a precedence-feasible activity list and a
mode per activity; two-point crossover, neighbour-swap and mode mutation,
the serial scheme as decoder. Every child is improved by one round of
forward-backward justification (a backward and a forward pass: the "double
justification" of Valls, Ballestín & Quintanilla 2005, "Justification and
RCPSP: a technique that pays") and replaced by the justified schedule's
list. Survivors are the best of parents and children; of two with the same
makespan the one with the smaller total finish time (the more compact
schedule) ranks first. Consumable budgets enter the fitness as a penalty;
multi-mode problems without budgets let the scheme pick the fastest mode per
activity.

The initial population holds the five classical priority rules' lists and
random-key perturbations of the LFT rule. Seeded (a private xorshift
generator, no global state) and reproducible for a seed and a schedule
budget; a time budget stops between generations. The result carries the
history of improvements.

The GA itself runs in :mod:`keystage.engine.rcpsp.kernels` (numba), which this
module imports, so import this module only where it is needed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace

import numpy as np

from keystage.engine.network import Activity, Link, LinkType
from keystage.engine.rcpsp import kernels as K
from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.errors import NoFeasibleScheduleError
from keystage.engine.rcpsp.heuristic import initial_modes, require_minimum_lags_only
from keystage.engine.rcpsp.priority import Rule, priority_values, rule_order
from keystage.engine.rcpsp.problem import Mode, PeriodSchedule, Problem, Renewable
from keystage.engine.rcpsp.sgs import left_justified

_RULES = (Rule.LFT, Rule.LST, Rule.MTS, Rule.GRPW, Rule.MSLK)
JUSTIFY_ROUNDS = 1  # rounds of forward-backward improvement per child (see solve_ga)


@dataclass(frozen=True)
class Improvement:
    """One step of the search history: a new best makespan, when and after how many schedules."""

    schedules: int
    seconds: float
    makespan: int


@dataclass(frozen=True)
class GAResult:
    """Best schedule, its makespan, the search's history and effort."""

    schedule: PeriodSchedule
    makespan: int
    found_by: str
    evaluations: int
    generations: int
    history: tuple[Improvement, ...]
    elite: tuple[PeriodSchedule, ...] = ()


def solve_ga(
    problem: Problem,
    *,
    seed: int = 0,
    schedules: int | None = 50_000,
    time_limit: float | None = None,
    deadline: float | None = None,
    population: int | None = None,
    p_mutation: float = 0.05,
    lower_bound: int = 0,
    patience: int | None = None,
    elite_size: int = 0,
    tie_break: bool = True,
    justify_rounds: int = JUSTIFY_ROUNDS,
) -> GAResult:
    """Best schedule the genetic algorithm finds within its budgets.

    Stops at the first of: ``schedules`` generated (the initial population is
    evaluated until the first deadline, then whole generations), ``time_limit``
    seconds from the call or the :func:`time.perf_counter` ``deadline``, a
    makespan equal to ``lower_bound``, or ``patience`` schedules without a new
    best. The same ``seed`` and schedule budget (without a time limit) give the
    same schedule. Raises
    :class:`~keystage.engine.rcpsp.errors.NoFeasibleScheduleError` when no
    choice of modes fits the consumable budgets. ``population`` defaults to
    one individual per 100 schedules of the budget, between 20 and 100.
    ``elite_size`` distinct good schedules of the final population come back
    in ``elite`` (for the large-neighbourhood search that follows).
    ``tie_break`` ranks individuals of equal makespan by their total finish
    time, so the survivors are the more compact schedules (measured on PSPLIB:
    docs/performance.md); ``False`` keeps the first-come order of Hartmann's GA.
    ``justify_rounds`` bounds the rounds of forward-backward improvement per
    schedule (a further round runs only while the makespan shortens). One
    round costs three schedules per child, against 3.2 to 4.7 on PSPLIB j60
    with up to three; in the same time the GA breeds more generations, which
    found more on the hard j60 sets at 2 s (docs/performance.md).
    """
    require_minimum_lags_only(problem)
    began = time.perf_counter()
    stop = deadline if deadline is not None else float("inf")
    if time_limit is not None:
        stop = min(stop, began + time_limit)
    c = Compiled(problem)
    a = K.Arrays.of(c)
    links = a.links()
    rng = np.random.default_rng(seed)
    base_modes = initial_modes(c, rng)
    multi = problem.is_multi_mode
    choose = multi and not c.budgets
    n = c.n
    if population is None:
        population = max(20, min(100, (schedules or 50_000) // 100))
    size = max(2, population)
    state = np.array([(seed * 0x9E3779B97F4A7C15 + 0x2545F4914F6CDD1D) % (1 << 64) or 1],
                     dtype=np.uint64)  # fmt: skip
    pop = np.empty((size, n), dtype=np.int64)
    pop_modes = np.empty((size, n), dtype=np.int64)
    topo = problem.topological_order
    k = 0
    for rule in _RULES[: min(len(_RULES), size)]:
        pop[k] = rule_order(c, priority_values(c, rule, topo, base_modes))
        pop_modes[k] = base_modes
        k += 1
    lft = np.array(priority_values(c, Rule.LFT, topo, base_modes), dtype=np.int64)
    spread = max(1, int(lft.max() - lft.min())) if n else 1
    if k < size:
        pop[k:] = K.random_key_orders(lft, spread, size - k, state, a.pred_ptr, a.succ_ptr,
                                      a.succ_idx)  # fmt: skip
        pop_modes[k:] = base_modes
        if multi and c.budgets:
            for row in pop_modes[k + (size - k) // 2 :]:
                for i in range(n):
                    if a.nmodes[i] > 1 and rng.random() < 0.2:
                        row[i] = int(rng.integers(a.nmodes[i]))
    fit = np.empty(size, dtype=np.int64)
    flow = np.empty(size, dtype=np.int64)
    best_fit = np.array([np.iinfo(np.int64).max], dtype=np.int64)
    best_starts = np.zeros(n, dtype=np.int64)
    best_modes = np.array(base_modes, dtype=np.int64)
    evaluations = 0
    found_by = "rules"
    for s in range(size):
        if s and time.perf_counter() >= stop:  # a loaded machine or a huge plan: keep the rest
            fit[s:] = fit[s - 1]
            flow[s:] = flow[s - 1]
            pop[s:] = pop[s - 1]
            pop_modes[s:] = pop_modes[s - 1]
            break
        starts, f, used = K.evaluate_kernel(  # type: ignore[call-arg]
            pop[s], pop_modes[s], choose, a.time_varying, a.profile, a.nmodes, a.dur, a.dem,
            a.nr_dem, a.budgets, a.base, *links, justify_rounds,  # type: ignore[arg-type]
        )  # fmt: skip
        evaluations += used
        fit[s] = f
        flow[s] = K.total_finish(starts, pop_modes[s], a.dur)
        if f < best_fit[0]:
            best_fit[0] = f
            best_starts[:] = starts
            best_modes[:] = pop_modes[s]
            found_by = "rules" if s < len(_RULES) else "random keys"
    history = [Improvement(evaluations, time.perf_counter() - began, int(best_fit[0]))]
    generations = 0
    last_gain = evaluations
    while (
        best_fit[0] > lower_bound
        and (schedules is None or evaluations < schedules)
        and (patience is None or evaluations - last_gain < patience)
        and time.perf_counter() < stop
    ):
        before = int(best_fit[0])
        evaluations += K.generation_kernel(  # type: ignore[call-arg]
            pop, pop_modes, fit, state, p_mutation, choose, a.time_varying, a.profile, a.nmodes,
            a.dur, a.dem, a.nr_dem, a.budgets, a.base, *links, best_starts, best_modes, best_fit,  # type: ignore[arg-type]
            flow, tie_break, justify_rounds,
        )  # fmt: skip
        generations += 1
        if best_fit[0] < before:
            last_gain = evaluations
            found_by = "genetic algorithm"
            history.append(Improvement(evaluations, time.perf_counter() - began, int(best_fit[0])))
    if best_fit[0] >= K.PENALTY:
        raise NoFeasibleScheduleError(
            "no schedule within the consumable budgets found", proven=False
        )
    schedule = PeriodSchedule(
        tuple(int(x) for x in best_starts), c.problem_modes([int(m) for m in best_modes])
    )
    elite = _elite(c, a, pop, pop_modes, fit, choose, schedule, elite_size, justify_rounds)
    return GAResult(
        schedule, int(best_fit[0]), found_by, evaluations, generations, tuple(history), elite
    )


def _elite(
    c: Compiled,
    a: K.Arrays,
    pop: np.ndarray,
    pop_modes: np.ndarray,
    fit: np.ndarray,
    choose: bool,
    best: PeriodSchedule,
    size: int,
    rounds: int,
) -> tuple[PeriodSchedule, ...]:
    """Up to ``size`` distinct budget-feasible schedules of the final population, best first."""
    out: list[PeriodSchedule] = []
    seen = {best}
    for s in np.argsort(fit, kind="stable"):
        if len(out) >= size or fit[s] >= K.PENALTY:
            break
        order, modes = pop[s].copy(), pop_modes[s].copy()
        starts, _f, _used = K.evaluate_kernel(  # type: ignore[call-arg]
            order, modes, choose, a.time_varying, a.profile, a.nmodes, a.dur, a.dem, a.nr_dem,
            a.budgets, a.base, *a.links(), rounds,  # type: ignore[arg-type]
        )  # fmt: skip
        sched = PeriodSchedule(
            tuple(int(x) for x in starts), c.problem_modes([int(m) for m in modes])
        )
        if sched not in seen:
            seen.add(sched)
            out.append(sched)
    return tuple(out)


_MIRRORED_TYPE = {
    LinkType.FS: LinkType.FS, LinkType.SS: LinkType.FF, LinkType.FF: LinkType.SS,
    LinkType.SF: LinkType.SF,
}  # fmt: skip


def mirrored_problem(problem: Problem) -> Problem | None:
    """The problem with time running backwards (every link reversed), or ``None``.

    A schedule of the mirrored problem read from its end (:func:`unmirrored`) is
    a schedule of ``problem`` with the same makespan. ``None`` when a capacity
    changes over time (loads) or the problem has time windows (maximum lags,
    releases, deadlines), which do not mirror onto the same kinds of data.
    """
    if problem.has_time_windows or any(r.loads for r in problem.renewables):
        return None
    links = tuple(
        replace(lk, pred=lk.succ, succ=lk.pred, type=_MIRRORED_TYPE[lk.type])
        for lk in problem.links
    )
    return replace(problem, links=links)


def unmirrored(problem: Problem, result: GAResult) -> GAResult:
    """``result`` (of :func:`mirrored_problem`) for ``problem``.

    Each schedule's starts are read from its end, then moved as early as the
    sequence allows (:func:`~keystage.engine.rcpsp.sgs.left_justified`), as the
    forward islands' schedules are; the makespan can only shrink.
    """
    table = problem.mode_table

    def back(s: PeriodSchedule) -> PeriodSchedule:
        ends = [
            st + table[i][m].duration
            for i, (st, m) in enumerate(zip(s.starts, s.modes, strict=True))
        ]
        span = max(ends, default=0)
        return left_justified(problem, PeriodSchedule(tuple(span - e for e in ends), s.modes))

    schedule = back(result.schedule)
    return replace(
        result,
        schedule=schedule,
        makespan=schedule.makespan(problem),
        elite=tuple(back(e) for e in result.elite),
    )


def _two_activities() -> Problem:
    """The smallest problem that runs every kernel: a link, a resource, two modes."""
    return Problem(
        (Activity("a"), Activity("b")),
        (Link("a", "b"),),
        (Renewable("r", 1),),
        modes={"a": (Mode(1, {"r": 1}),), "b": (Mode(1, {"r": 1}), Mode(2, {}))},
    )


_kernels_loaded = False


def load_kernels() -> None:
    """Load the GA's compiled kernels into this process, once (compiling them on a first run).

    Importing numba and loading the cached machine code takes two to four
    seconds; :func:`~keystage.engine.rcpsp.cpsat.solve.optimise` calls this
    before its clock starts, so a first optimisation in a process (the
    ``keystage optimise`` command) searches for its whole time limit.
    """
    global _kernels_loaded
    if not _kernels_loaded:
        # Population 8: the five rules and three random-key lists, then generations.
        solve_ga(_two_activities(), schedules=500, population=8)
        _kernels_loaded = True


def kernels_loaded() -> bool:
    """True once :func:`load_kernels` has finished in this process."""
    return _kernels_loaded


def warm_up() -> None:
    """Load (or, on a first run, compile and cache) every kernel on a two-activity problem.

    For benchmarks and servers, so that the first real solve is not the one that
    pays: loading the cached machine code takes about a second, compiling it
    without a cache tens of seconds. Covers the GA (:func:`load_kernels`), the
    parallel scheme and the compiled levelling passes.
    """
    from keystage.engine.rcpsp.leveling import warm_up_compiled

    load_kernels()
    p = _two_activities()
    a = K.Arrays.of(Compiled(p))
    order = np.array([0, 1], dtype=np.int64)
    K.parallel(a, order, np.zeros(2, dtype=np.int64))
    warm_up_compiled(p)
