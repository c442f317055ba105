"""CP-SAT settings compared on the same CPU budget, independent of other load.

Usage (from the repository root):

    uv run python benchmarks/psplib_cpu_budget.py ../shared/benchmarks/psplib/j30/j3013_4.sm \
        --cpu 1.6 --seeds 0,1 --variant 'base:{"subsolvers": ["no_lp"]}' \
        --variant 'lb-search:{"subsolvers": ["no_lp", "objective_lb_search_no_lp"],
                               "num_full_subsolvers": 2}'

The optimiser's pipeline on each instance: the genetic algorithm for a fixed
number of schedules (``--ga``, 20,000 as at a 1 s limit; reproducible for a
seed), then the CP-SAT model of ``optimise`` hinted with its schedule, once per
``--variant NAME:JSON`` (CP-SAT parameters; variants alternate per instance).
CP-SAT stops when this process has used ``--cpu`` seconds of CPU time (all
threads), so a variant gets the same work on a loaded machine as on a quiet
one. Prints one row per run: status (OPT when proven), makespan, lower bound,
CPU seconds used.
"""

from __future__ import annotations

import argparse
import json
import math
import threading
import time
from pathlib import Path

from ortools.sat.python import cp_model

from keystage.engine.rcpsp.bounds import lower_bounds
from keystage.engine.rcpsp.closure import compute_distances
from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.cpsat.solve import GA_PATIENCE, _solver, build_model, warm_start
from keystage.engine.rcpsp.ga import solve_ga, warm_up
from keystage.engine.rcpsp.psplib_io import read_instance


def solve_on_budget(
    model: cp_model.CpModel, params: dict[str, object], cpu: float, seed: int, workers: int
) -> tuple[cp_model.CpSolver, int, float]:
    """Solve until the process has spent ``cpu`` seconds; the solver, its status, CPU used."""
    solver = _solver(3600.0, workers, seed, params, tuned=True)
    start, done = time.process_time(), threading.Event()

    def watch() -> None:
        while not done.wait(0.005):
            if time.process_time() - start >= cpu:
                solver.stop_search()
                return

    watcher = threading.Thread(target=watch)
    watcher.start()
    status = solver.solve(model)
    done.set()
    watcher.join()
    return solver, status, time.process_time() - start


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("files", nargs="+", type=Path, help=".sm or .mm instance files")
    ap.add_argument("--cpu", type=float, default=1.6, help="CPU seconds for CP-SAT per run")
    ap.add_argument("--seeds", default="0", help="comma-separated seeds")
    ap.add_argument("--ga", type=int, default=20_000, help="schedules of the genetic algorithm")
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--variant", action="append", default=[], help="NAME:JSON parameters")
    args = ap.parse_args(argv)
    variants = []
    for text in args.variant or ["default:{}"]:
        name, _, raw = text.partition(":")
        variants.append((name, json.loads(raw or "{}")))
    warm_up()
    print("instance seed variant status makespan bound cpu", flush=True)
    for path in args.files:
        problem = read_instance(path)
        c = Compiled(problem)
        dists = compute_distances(c, problem.topological_order)
        lb = max(lower_bounds(problem, c).best, dists.lower_bound)
        for seed in (int(s) for s in args.seeds.split(",")):
            ga = solve_ga(problem, seed=seed, schedules=args.ga, lower_bound=lb,
                          patience=GA_PATIENCE)  # fmt: skip
            if ga.makespan <= lb:
                print(problem.name, seed, "ga", "OPT", ga.makespan, lb, 0, flush=True)
                continue
            for name, params in variants:
                model, v = build_model(problem, c, lower_bound=lb, horizon=ga.makespan,
                                       distances=dists)  # fmt: skip
                warm_start(model, v, ga.schedule, c)
                solver, status, used = solve_on_budget(model, params, args.cpu, seed, args.workers)
                found = status in (cp_model.OPTIMAL, cp_model.FEASIBLE)
                ms = int(solver.objective_value) if found else ga.makespan
                bound = max(lb, math.ceil(solver.best_objective_bound - 1e-6)) if found else lb
                proven = status == cp_model.OPTIMAL or bound >= ms
                print(problem.name, seed, name, "OPT" if proven else "-", ms, bound,
                      f"{used:.2f}", flush=True)  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
