"""Build and solve the CP-SAT model, warm-started from the heuristic.

Pipeline of :func:`optimise`: lower bounds (critical path, energy) -> upper
bound and hint (by default the compiled genetic algorithm of
:mod:`keystage.engine.rcpsp.ga`; ``upper="multistart"`` keeps the earlier
multi-start heuristic) -> stop if they meet -> CP-SAT on start windows
tightened by that makespan, with redundant constraints and the schedule as
hint, for the lower bound, the proof and further improvement. ``plain=True``
builds the textbook model instead (intervals, one cumulative per resource,
precedences; no bounds, no hint) as a reference peer for benchmarks.

A problem with maximum lags, release dates or deadlines
(:attr:`Problem.has_time_windows`) skips the heuristics, whose schedule
generation only knows minimum lags: CP-SAT alone searches it, from the
earliest starts of the temporal network and the horizon of
:meth:`Problem.trivial_horizon`. The result is then a schedule that keeps
every lag, "infeasible" (proven) or "unknown" (nothing found in the time).
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from enum import StrEnum

from ortools.sat.python import cp_model

from keystage.engine.rcpsp.bounds import earliest_starts, latest_starts, lower_bounds
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.closure import Distances, compute_distances
from keystage.engine.rcpsp.compiled import FS, Compiled
from keystage.engine.rcpsp.cpsat import constraints as cons
from keystage.engine.rcpsp.cpsat.objective import minimise_makespan
from keystage.engine.rcpsp.cpsat.variables import Variables, create_variables
from keystage.engine.rcpsp.errors import NoFeasibleScheduleError
from keystage.engine.rcpsp.heuristic import HeuristicResult, default_iterations, solve_heuristic
from keystage.engine.rcpsp.problem import PeriodSchedule, Problem

DISTANCE_LIMIT = 400  # activities; distances are dense n x n matrices


class Status(StrEnum):
    """Outcome of an optimisation."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"
    UNKNOWN = "unknown"


@dataclass(frozen=True)
class OptimiseResult:
    """Best schedule, its makespan, the proven lower bound and the relative gap."""

    status: Status
    schedule: PeriodSchedule | None
    makespan: int | None
    lower_bound: int
    heuristic_makespan: int | None
    solved_by: str

    @property
    def gap(self) -> float:
        """``(makespan - bound) / makespan``; 0 when proven optimal, 1 when nothing found."""
        if self.makespan is None:
            return 1.0
        if self.makespan == 0:
            return 0.0
        return (self.makespan - self.lower_bound) / self.makespan


def dominated_modes(c: Compiled) -> set[tuple[int, int]]:
    """Modes never better than another mode of the same activity for the makespan.

    Mode ``a`` is dominated by ``b`` when it lasts no less and needs no less of
    every resource (ties keep the lower index). Only valid with finish-to-start
    links, so the caller skips it otherwise.
    """
    out: set[tuple[int, int]] = set()
    for i in range(c.n):
        sig = [(c.dur[i][m], dict(c.dem[i][m]), c.nr_dem[i][m]) for m in range(len(c.dur[i]))]
        for a, (da, ra, na) in enumerate(sig):
            for b, (db, rb, nb) in enumerate(sig):
                if a == b or da < db:
                    continue
                if any(ra.get(r, 0) < q for r, q in rb.items()):
                    continue
                if any(x < y for x, y in zip(na, nb, strict=True)):
                    continue
                if sig[a] == sig[b] and b > a:
                    continue
                out.add((i, a))
                break
    return out


def build_model(
    problem: Problem,
    c: Compiled,
    *,
    lower_bound: int,
    horizon: int,
    plain: bool = False,
    prune_dominated: bool = True,
    cliques: bool = True,
    energy: bool = True,
    distances: Distances | None = None,
    delays: bool = True,
    all_pairs: bool = False,
    tail_interval: bool = True,
    merged_modes: bool = True,
) -> tuple[cp_model.CpModel, Variables]:
    """The makespan model with every constraint family (redundant ones unless ``plain``).

    ``prune_dominated`` forbids modes that can never shorten the makespan; turn
    it off when the objective also counts cost. ``distances`` (computed here
    for up to :data:`DISTANCE_LIMIT` activities when not given) tighten the
    start windows and add the precedence-energy ``delays``. ``merged_modes``
    puts each multi-mode activity into the cumulatives once (its variable-length
    interval and a demand variable) instead of one optional interval per mode
    (:func:`~keystage.engine.rcpsp.cpsat.constraints.add_renewable_capacity`);
    the plain model keeps the per-mode form.
    """
    model = cp_model.CpModel()
    topo = problem.topological_order
    if plain:
        es, ls = [0] * c.n, [horizon] * c.n
    else:
        es = earliest_starts(c, topo)
        if problem.has_time_windows:
            es = [max(a, b) for a, b in zip(es, problem.temporal_earliest_starts, strict=True)]
        ls = latest_starts(c, topo, horizon)
        if distances is None and c.n <= DISTANCE_LIMIT:
            distances = compute_distances(c, topo)
        if distances is not None and distances.energetic:
            for i in range(c.n):
                es[i] = max(es[i], int(distances.head[i]))
                ls[i] = min(ls[i], horizon - int(distances.dmin[i] + distances.tail[i]))
    v = create_variables(model, c, es, ls, lower_bound, horizon)
    only_fs = all(kind == FS for row in c.preds for _i, kind, _lag in row)
    # A longer mode can be needed to keep a maximum lag, so none is dominated then.
    prune = only_fs and prune_dominated and not plain and not c.max_lags
    cons.add_mode_choice(model, v, dominated_modes(c) if prune else set())
    cons.add_precedences(model, v, c)
    cons.add_time_windows(model, v, c)
    tail = None
    if tail_interval and not plain and horizon > lower_bound:
        size = model.new_int_var(0, horizon - lower_bound, "tail_size")
        tail = model.new_interval_var(v.makespan, size, horizon, "tail")
    cons.add_renewable_capacity(model, v, c, tail, merged_modes=merged_modes and not plain)
    cons.add_budgets(model, v, c)
    cons.add_makespan(model, v, c)
    if not plain:
        if energy:
            cons.add_energy_cuts(model, v, c)
        if cliques:
            after = distances.after if distances is not None else None
            cons.add_disjunctive_cliques(model, v, c, after, all_pairs)
        if delays and distances is not None:
            cons.add_delays(model, v, distances)
    minimise_makespan(model, v)
    return model, v


def warm_start(
    model: cp_model.CpModel, v: Variables, schedule: PeriodSchedule, c: Compiled
) -> None:
    """Hint the solver with a known schedule (starts, modes, makespan)."""
    modes = c.compiled_modes(schedule.modes)
    for i, (s, m) in enumerate(zip(schedule.starts, modes, strict=True)):
        model.add_hint(v.starts[i], s)
        for k, lit in enumerate(v.mode_lits[i]):
            if len(v.mode_lits[i]) > 1:
                model.add_hint(lit, k == m)
    model.add_hint(
        v.makespan,
        max(s + c.dur[i][m] for i, (s, m) in enumerate(zip(schedule.starts, modes, strict=True))),
    )


def read_schedule(solver: cp_model.CpSolver, v: Variables, c: Compiled) -> PeriodSchedule:
    """The schedule of ``solver``'s last solution of a :func:`build_model` model."""
    starts = tuple(int(solver.value(s)) for s in v.starts)
    modes = tuple(
        next((m for m, lit in enumerate(row) if solver.boolean_value(lit)), 0)
        if len(row) > 1
        else 0
        for row in v.mode_lits
    )
    return PeriodSchedule(starts, c.problem_modes(modes))


GA_SCHEDULES_PER_SECOND = 20_000
GA_MAX_SCHEDULES = 1_000_000  # long limits: the rest goes to CP-SAT
GA_PATIENCE = 20_000  # schedules without a new best before CP-SAT takes over
GA_SHARE = 0.4
PROBE_SHARE = 0.15  # of the time left after the GA: a first full solve, before the LNS
LNS_SHARE = 0.5  # at most this part of the time left after the probe; the rest proves
ELITE = 4  # other schedules of the GA's population that seed the LNS
# From this many activities on, the GA gets most of the time and a wider population: it
# keeps improving where CP-SAT proves little in seconds, and a better hint leaves CP-SAT
# only the bound to prove (measured on PSPLIB j30, j60 and generated 120-activity sets;
# multi-mode j20, 22 activities, gained nothing: docs/performance.md).
LARGE = 30
GA_SHARE_LARGE = 0.85
GA_SCHEDULES_PER_SECOND_LARGE = 60_000
GA_PATIENCE_LARGE = 90_000
GA_POPULATION_LARGE = 400  # a wider search: four times the default cap
ISLAND_SEED_STEP = 7919  # seed of island k: seed + k * this


#: Names in ``optimise``'s ``parameters`` that switch parts of the model (not CP-SAT's).
MODEL_SWITCHES = (
    "cliques",
    "energy",
    "hint",
    "delays",
    "all_pairs",
    "tail_interval",
    "merged_modes",
)


def _count_parameter(params: dict[str, object], name: str) -> int | None:
    """Pop the experiment parameter ``name``: ``None`` when absent, else a count (int ≥ 0)."""
    value = params.pop(name, None)
    if value is not None and (isinstance(value, bool) or not isinstance(value, int) or value < 0):
        raise ValueError(f"{name} must be an integer of at least 0, not {value!r}")
    return value


def _upper_bound(
    problem: Problem,
    upper: str,
    lb: int,
    time_limit: float,
    seed: int,
    iterations: int | None,
    share: float | None,
    began: float,
    *,
    elite_size: int,
    islands: int = 1,
    justify_rounds: int | None = None,
    patience: int | None = None,
    backward_island: bool = True,
) -> tuple[HeuristicResult, tuple[PeriodSchedule, ...]]:
    """The first schedule of :func:`optimise` and a few other good ones (the GA's elite)."""
    if upper == "ga":
        from keystage.engine.rcpsp.ga import (
            JUSTIFY_ROUNDS,
            GAResult,
            mirrored_problem,
            solve_ga,
            unmirrored,
        )

        large = len(problem.activities) >= LARGE
        rate = GA_SCHEDULES_PER_SECOND_LARGE if large else GA_SCHEDULES_PER_SECOND
        budget = min(GA_MAX_SCHEDULES, max(2_000, round(rate * float(time_limit))))
        if share is None:
            share = GA_SHARE_LARGE if large else GA_SHARE
        deadline = began + share * float(time_limit)

        rounds = JUSTIFY_ROUNDS if justify_rounds is None else justify_rounds
        if patience is None:
            patience = GA_PATIENCE_LARGE if large else GA_PATIENCE

        def run(island: int) -> GAResult:
            searched = mirror if island > 0 and mirror is not None else problem
            result = solve_ga(
                searched,
                seed=seed + island * ISLAND_SEED_STEP,
                schedules=budget,
                deadline=deadline,
                lower_bound=lb,
                patience=patience,
                population=GA_POPULATION_LARGE if large else None,
                elite_size=elite_size,  # only the neighbourhood search reads the elite
                justify_rounds=rounds,
            )
            return result if searched is problem else unmirrored(problem, result)

        mirror = mirrored_problem(problem) if backward_island and islands > 1 else None
        count = max(1, islands)
        if count == 1:
            runs = [run(0)]
        else:  # the GA's kernels release the GIL: one independent population per thread
            with ThreadPoolExecutor(count) as pool:
                runs = list(pool.map(run, range(count)))
        best = min(runs, key=lambda r: r.makespan)  # the first island wins a tie
        elite = tuple(dict.fromkeys(s for r in runs for s in (r.schedule, *r.elite)))
        elite = tuple(s for s in elite if s != best.schedule)[:elite_size]
        used = sum(r.evaluations for r in runs)
        return HeuristicResult(best.schedule, best.makespan, best.found_by, used), elite
    if upper != "multistart":
        raise ValueError(f"unknown upper-bound method {upper!r}")
    if iterations is None:
        scale = min(10, max(1, round(2 * time_limit - 1)))
        iterations = scale * default_iterations(len(problem.activities))
    deadline = began + (0.15 if share is None else share) * float(time_limit)
    return solve_heuristic(problem, iterations, seed, deadline=deadline), ()


def optimise(
    problem: Problem,
    *,
    time_limit: float = 10.0,
    num_workers: int = 2,
    seed: int = 0,
    heuristic_iterations: int | None = None,
    plain: bool = False,
    parameters: Mapping[str, object] | None = None,
    heuristic_share: float | None = None,
    upper: str = "ga",
    lns: bool = False,
    islands: int | None = None,
) -> OptimiseResult:
    """Shortest resource-feasible schedule, choosing modes.

    ``time_limit`` (seconds, heuristic included; the first call in a process loads
    the GA's compiled kernels, ``ga.load_kernels``, before the clock starts),
    ``num_workers`` and ``seed``
    go to CP-SAT; the heuristic runs ``heuristic_iterations`` starts (default:
    :func:`default_iterations`, times 3 at 2 s, up to 10 times for long limits). The
    status is optimal when the makespan equals the proven lower bound.
    ``parameters`` overrides CP-SAT parameters by name (for experiments); the
    names ``cliques``, ``energy``, ``hint``, ``delays``, ``all_pairs``,
    ``tail_interval`` and ``merged_modes`` switch model parts instead, and ``justify_rounds`` and
    ``ga_patience`` (schedules without a new best, instead of :data:`GA_PATIENCE`
    or :data:`GA_PATIENCE_LARGE`) set the GA's
    (:func:`~keystage.engine.rcpsp.ga.solve_ga`).
    The heuristic stops starting new iterations after ``heuristic_share`` of
    the time limit (wall clock), which only matters on a heavily loaded machine.

    ``upper`` chooses where the upper bound and the hint come from: ``"ga"``
    (default) runs the genetic algorithm for :data:`GA_SCHEDULES_PER_SECOND`
    schedules per second of ``time_limit`` (at most :data:`GA_MAX_SCHEDULES`,
    ending after :data:`GA_PATIENCE` schedules without a new best; reproducible
    for a seed; its wall-clock share, default :data:`GA_SHARE`, only caps it on a
    loaded machine; from :data:`LARGE` activities on the ``*_LARGE`` figures, which
    give it most of the time), ``"multistart"`` the multi-start heuristic (share 0.15).
    ``islands`` GA populations (default: one per worker, at most two) run at once on
    their own threads, seeded ``seed + k *`` :data:`ISLAND_SEED_STEP`; the best of them
    is the hint, so the CPU the solver's second worker would leave idle during the GA
    searches too. Every island after the first evolves the time-mirrored problem
    (:func:`~keystage.engine.rcpsp.ga.mirrored_problem`: links reversed, its schedules
    read from the end), which reaches other schedules than a second forward search
    (docs/performance.md); a problem that does not mirror (releases, deadlines, maximum
    lags, capacity changing over time) runs all islands forwards, as does the experiment
    parameter ``backward_island=False``.

    ``lns=True`` then spends :data:`PROBE_SHARE` of the time left on a first full
    solve (which ends the easy instances), improves the best schedule by CP-SAT
    large-neighbourhood search seeded from the GA's population
    (:mod:`keystage.engine.rcpsp.cpsat.lns`) while it keeps finding shorter
    schedules, for at most :data:`LNS_SHARE` of the time left, and gives the rest
    to the final CP-SAT run for the bound and the proof. Off by default: on
    PSPLIB j30/j60 on two shared cores it did not beat the pipeline without it
    (docs/performance.md). With ``num_workers=1`` the probe and the search stop
    on deterministic work (the wall clock only caps them on a loaded machine),
    so for a seed they hand the same schedule to the final run; that run stops
    on the wall clock, so an unproven result can still differ between runs.
    """
    if upper == "ga" and not plain and not problem.has_time_windows:
        from keystage.engine.rcpsp.ga import load_kernels

        load_kernels()  # a process's one-off loading of the GA is not search time
    began = time.perf_counter()  # elapsed time only: the heuristic counts against the limit
    params = dict(parameters or {})
    rounds = _count_parameter(params, "justify_rounds")
    patience = _count_parameter(params, "ga_patience")
    backward_island = params.pop("backward_island", True)
    if not isinstance(backward_island, bool):
        raise ValueError(f"backward_island must be true or false, not {backward_island!r}")
    flags = {k: bool(params.pop(k)) for k in MODEL_SWITCHES if k in params}
    c = Compiled(problem)
    dists = None
    elite: tuple[PeriodSchedule, ...] = ()
    if plain:
        lb, heur, heur_ms0 = 0, None, None
        horizon = problem.trivial_horizon()
    else:
        lb = lower_bounds(problem, c).best
        if c.n <= DISTANCE_LIMIT:
            dists = compute_distances(c, problem.topological_order)
            lb = max(lb, dists.lower_bound)
        if problem.has_time_windows:
            return _optimise_time_windows(
                problem, c, lb, dists, time_limit, num_workers, seed, params, flags, began
            )
        try:
            heur, elite = _upper_bound(
                problem,
                upper,
                lb,
                time_limit,
                seed,
                heuristic_iterations,
                heuristic_share,
                began,
                elite_size=ELITE if lns else 0,
                islands=min(2, num_workers) if islands is None else islands,
                justify_rounds=rounds,
                patience=patience,
                backward_island=backward_island,
            )
        except NoFeasibleScheduleError as exc:
            status = Status.INFEASIBLE if exc.proven else Status.UNKNOWN
            return OptimiseResult(status, None, None, lb, None, "heuristic")
        horizon = heur_ms0 = heur.makespan
        if heur.makespan <= lb:
            return OptimiseResult(
                Status.OPTIMAL,
                heur.schedule,
                heur.makespan,
                heur.makespan,
                heur.makespan,
                "heuristic",
            )
    model, v = build_model(
        problem,
        c,
        lower_bound=lb,
        horizon=horizon,
        plain=plain,
        cliques=flags.get("cliques", True),
        energy=flags.get("energy", True),
        distances=dists,
        delays=flags.get("delays", True),
        all_pairs=flags.get("all_pairs", False),
        tail_interval=flags.get("tail_interval", True),
        merged_modes=flags.get("merged_modes", True),
    )

    def configured(seconds: float) -> cp_model.CpSolver:
        return _solver(seconds, num_workers, seed, params, tuned=not plain)

    hint = flags.get("hint", True)
    if heur is not None and hint:
        warm_start(model, v, heur.schedule, c)
    if heur is not None and lns and heur.makespan > lb:
        # A short full solve first: it ends the easy instances (and raises the bound)
        # before the search spends time on them.
        left = float(time_limit) - (time.perf_counter() - began)
        probe = configured(PROBE_SHARE * left)
        # Deterministic work, not the wall clock, ends the probe (one worker: reproducible).
        probe.parameters.max_deterministic_time = PROBE_SHARE * float(time_limit)
        st = probe.solve(model)
        if st in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            ms = int(probe.objective_value)
            lb = max(lb, math.ceil(probe.best_objective_bound - 1e-6))
            if ms < heur.makespan:
                heur = HeuristicResult(read_schedule(probe, v, c), ms, "cp-sat", heur.evaluations)
            if st == cp_model.OPTIMAL or lb >= heur.makespan:
                return OptimiseResult(
                    Status.OPTIMAL, heur.schedule, heur.makespan, heur.makespan, heur_ms0, "cp-sat"
                )
        from keystage.engine.rcpsp.cpsat.lns import improve

        light, lv = build_model(
            problem, c, lower_bound=lb, horizon=heur.makespan, distances=dists,
            cliques=False, energy=False, delays=False,
        )  # fmt: skip
        left = float(time_limit) - (time.perf_counter() - began)
        better = improve(
            light,
            lv,
            c,
            heur.schedule,
            lower_bound=lb,
            seed=seed,
            deadline=time.perf_counter() + LNS_SHARE * left,
            elite=elite,
        )
        if better.makespan < heur.makespan:
            heur = HeuristicResult(better.schedule, better.makespan, "lns", heur.evaluations)
        model.add(v.makespan <= heur.makespan)
        if better.makespan <= lb:
            return OptimiseResult(Status.OPTIMAL, heur.schedule, heur.makespan, lb, heur_ms0, "lns")
        if hint:
            model.clear_hints()
            warm_start(model, v, heur.schedule, c)
    solver = configured(float(time_limit) - (time.perf_counter() - began))
    status = solver.solve(model)
    heur_ms = heur_ms0 if heur else None
    heur_by = "lns" if heur is not None and heur.found_by == "lns" else "heuristic"
    if status in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        sched = read_schedule(solver, v, c)
        ms = int(solver.objective_value)
        bound = max(lb, math.ceil(solver.best_objective_bound - 1e-6))
        if heur is not None and heur.makespan < ms:  # pragma: no cover - defensive
            sched, ms = heur.schedule, heur.makespan
            bound = min(bound, ms)
        st = Status.OPTIMAL if status == cp_model.OPTIMAL or bound >= ms else Status.FEASIBLE
        return OptimiseResult(
            st, sched, ms, ms if st is Status.OPTIMAL else bound, heur_ms, "cp-sat"
        )
    if status == cp_model.INFEASIBLE and heur is None:
        return OptimiseResult(Status.INFEASIBLE, None, None, lb, None, "cp-sat")
    if heur is not None:
        return OptimiseResult(Status.FEASIBLE, heur.schedule, heur.makespan, lb, heur_ms, heur_by)
    return OptimiseResult(Status.UNKNOWN, None, None, lb, None, "cp-sat")


def _solver(
    seconds: float, num_workers: int, seed: int, params: Mapping[str, object], *, tuned: bool
) -> cp_model.CpSolver:
    """A CP-SAT solver with the time, workers, seed and caller's parameters; ``tuned`` adds
    the small-machine search settings measured on PSPLIB (no LP on one or two workers)."""
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.max_time_in_seconds = max(0.05, seconds)
    prm.num_workers = int(num_workers)
    prm.random_seed = int(seed)
    if tuned and num_workers <= 2 and "subsolvers" not in params:
        # Measured on PSPLIB: without the LP the propagation-driven search proves
        # more on 2 cores. With two workers the one full search is "no_lp" and
        # the second thread runs CP-SAT's LNS neighbourhoods (a "fixed" search
        # would need a decision strategy in the model; CP-SAT drops it without one).
        if num_workers == 1:
            prm.linearization_level = 0
        else:
            prm.subsolvers.append("no_lp")
    for key, value in params.items():
        if isinstance(value, list):
            getattr(prm, key).extend(value)
        else:
            setattr(prm, key, value)
    return solver


def _optimise_time_windows(
    problem: Problem,
    c: Compiled,
    lb: int,
    dists: Distances | None,
    time_limit: float,
    num_workers: int,
    seed: int,
    params: Mapping[str, object],
    flags: Mapping[str, bool],
    began: float,
) -> OptimiseResult:
    """CP-SAT alone for a problem with maximum lags, release dates or deadlines.

    ``params`` are CP-SAT's parameters and ``flags`` the model switches, as
    :func:`optimise` separated them; only ``merged_modes`` applies here.

    Every schedule it returns has passed :func:`schedule_violations`.
    """
    temporal = problem.temporal_earliest_starts
    lb = max([lb, *(s + min(c.dur[i]) for i, s in enumerate(temporal))])
    horizon = problem.trivial_horizon()
    # Windows and bound only: on tight RCPSP/max instances the redundant cuts slowed
    # the proof of infeasibility (docs/performance.md, RCPSP/max section).
    model, v = build_model(
        problem,
        c,
        lower_bound=lb,
        horizon=horizon,
        distances=dists,
        cliques=False,
        energy=False,
        delays=False,
        tail_interval=False,
        merged_modes=flags.get("merged_modes", True),
    )
    seconds = float(time_limit) - (time.perf_counter() - began)
    # The small-machine settings help here too: on windows derived from PSPLIB and the
    # generated 120-activity set they decided more instances and found shorter
    # schedules than CP-SAT's default portfolio (docs/performance.md, RCPSP/max).
    solver = _solver(seconds, num_workers, seed, params, tuned=True)
    status = solver.solve(model)
    if status == cp_model.INFEASIBLE:
        return OptimiseResult(Status.INFEASIBLE, None, None, lb, None, "cp-sat")
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return OptimiseResult(Status.UNKNOWN, None, None, lb, None, "cp-sat")
    sched = read_schedule(solver, v, c)
    if schedule_violations(problem, sched):  # pragma: no cover - a model error, never a result
        return OptimiseResult(Status.UNKNOWN, None, None, lb, None, "cp-sat")
    ms = int(solver.objective_value)
    bound = max(lb, math.ceil(solver.best_objective_bound - 1e-6))
    st = Status.OPTIMAL if status == cp_model.OPTIMAL or bound >= ms else Status.FEASIBLE
    return OptimiseResult(st, sched, ms, ms if st is Status.OPTIMAL else bound, None, "cp-sat")
