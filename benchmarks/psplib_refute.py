"""Time CP-SAT needs to refute "makespan <= best known - 1" on PSPLIB instances.

Usage (from the repository root):

    uv run python benchmarks/psplib_refute.py ../shared/benchmarks/psplib/j30 \
        --bounds ../shared/benchmarks/psplib/solutions/bounds.csv \
        --instances j3013_1,j3013_3,j309_2 --dtime 5 \
        --variant base --variant nodisj:use_disjunctive_constraint_in_cumulative=false

This is the proof half of the optimiser in isolation: the same model as
``optimise`` (start windows, cliques, energy cuts, precedence-energy delays),
with the deadline one below the proven optimum and no objective, solved by one
worker without the LP. Each ``--variant NAME[:key=value,...]`` adds CP-SAT
parameters (values as JSON, enum names as strings) or model flags
(``cliques``, ``energy``, ``delays``, ``tail_interval``). Reported per run:
status, CP-SAT's deterministic time (independent of other load on the
machine), CPU time of this process, wall time and conflicts.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import dataclass
from pathlib import Path

from ortools.sat.python import cp_model, cp_model_helper

from keystage.engine.rcpsp.bounds import lower_bounds
from keystage.engine.rcpsp.closure import compute_distances
from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.cpsat.solve import build_model
from keystage.engine.rcpsp.psplib_io import read_bounds_csv, read_psplib

MODEL_FLAGS = ("cliques", "energy", "delays", "tail_interval")


@dataclass(frozen=True)
class Run:
    status: str
    dtime: float
    cpu: float
    wall: float
    conflicts: int


def parse_variant(text: str) -> tuple[str, dict[str, object]]:
    """``name:key=value,key=value`` -> (name, settings)."""
    name, _, rest = text.partition(":")
    settings: dict[str, object] = {}
    for item in filter(None, rest.split(",")):
        key, _, raw = item.partition("=")
        try:
            settings[key] = json.loads(raw)
        except json.JSONDecodeError:
            settings[key] = raw
    return name, settings


def refute(path: Path, deadline: int, settings: dict[str, object], dtime: float) -> Run:
    """Solve the decision model "every activity ends by ``deadline``"."""
    problem = read_psplib(path)
    c = Compiled(problem)
    dists = compute_distances(c, problem.topological_order)
    lb = min(deadline, max(lower_bounds(problem, c).best, dists.lower_bound))
    flags = {k: bool(settings[k]) for k in MODEL_FLAGS if k in settings}
    model, _v = build_model(problem, c, lower_bound=lb, horizon=deadline, distances=dists, **flags)
    model.clear_objective()
    solver = cp_model.CpSolver()
    prm = solver.parameters
    prm.num_workers = 1
    prm.linearization_level = 0
    prm.max_deterministic_time = dtime
    prm.max_time_in_seconds = 60 * dtime
    for key, value in settings.items():
        if key in MODEL_FLAGS:
            continue
        if isinstance(value, str):
            value = getattr(cp_model_helper.SatParameters, value)
        setattr(prm, key, value)
    c0 = time.process_time()
    status = solver.solve(model)
    cpu = time.process_time() - c0
    return Run(
        solver.status_name(status),
        solver.deterministic_time,
        cpu,
        solver.wall_time,
        solver.num_conflicts,
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("folder", type=Path, help="folder of .sm files")
    ap.add_argument("--bounds", required=True, help="bounds.csv with the proven optima")
    ap.add_argument("--instances", required=True, help="comma-separated names, e.g. j3013_1")
    ap.add_argument("--dtime", type=float, default=5.0, help="deterministic time limit per run")
    ap.add_argument("--variant", action="append", default=None, help="NAME[:key=value,...]")
    args = ap.parse_args(argv)
    bounds = read_bounds_csv(args.bounds)
    variants = [parse_variant(v) for v in (args.variant or ["base"])]
    results: dict[str, list[Run]] = {name: [] for name, _ in variants}
    print("| instance | variant | status | dtime | CPU s | wall s | conflicts |")
    print("|---|---|---|---|---|---|---|")
    for inst in args.instances.split(","):
        deadline = bounds[inst].best_known - 1
        for name, settings in variants:  # alternate variants per instance: same load
            r = refute(args.folder / f"{inst}.sm", deadline, settings, args.dtime)
            results[name].append(r)
            print(
                f"| {inst} | {name} | {r.status} | {r.dtime:.2f} | {r.cpu:.2f} "
                f"| {r.wall:.2f} | {r.conflicts} |"
            )
    print("\n| variant | refuted | median dtime | max dtime | mean CPU s |")
    print("|---|---|---|---|---|")
    for name, rows in results.items():
        dts = [r.dtime for r in rows]
        done = sum(r.status == "INFEASIBLE" for r in rows)
        cpu = statistics.fmean(r.cpu for r in rows)
        print(
            f"| {name} | {done}/{len(rows)} | {statistics.median(dts):.2f} "
            f"| {max(dts):.2f} | {cpu:.2f} |"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
