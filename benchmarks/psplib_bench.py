"""PSPLIB benchmark of the resource-constrained scheduler.

Usage (from the repository root):

    uv run python benchmarks/psplib_bench.py ../shared/benchmarks/psplib/j30 \
        --bounds ../shared/benchmarks/psplib/solutions/bounds.csv --time-limit 1 --workers 2

    uv run python benchmarks/psplib_bench.py ../shared/benchmarks/psplib/mm/j10.mm \
        --bounds ../shared/benchmarks/psplib/mm/solutions/j10opt.mm --time-limit 2

Prints one Markdown table per folder with a row per method:
``keystage`` (genetic algorithm + strengthened CP-SAT, the default),
``hybrid+lns`` (the same with CP-SAT large-neighbourhood search seeded from the
genetic algorithm's population between the two),
``multistart`` (the earlier pipeline: multi-start heuristic + the same CP-SAT),
``ga`` (the compiled genetic algorithm alone, ``--ga-time`` seconds or
``--ga-schedules`` schedules), ``heuristic`` (the multi-start heuristic alone) and the
``plain CP-SAT`` peer (intervals, one cumulative per resource, precedences,
minimise makespan; no bounds, no hint) solved in the same run. Times are wall
clock per instance (heuristic and model building included) and CPU time of
this process (all solver threads), which is robust to other load on the machine.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.cpsat.solve import Status, optimise
from keystage.engine.rcpsp.errors import ProblemDefinitionError
from keystage.engine.rcpsp.heuristic import solve_heuristic
from keystage.engine.rcpsp.problem import PeriodSchedule, Problem
from keystage.engine.rcpsp.psplib_io import Bound, read_bounds_csv, read_optimum_table, read_psplib


@dataclass
class Row:
    instance: str
    method: str
    makespan: int | None
    proven: bool
    best_known: int
    seconds: float
    cpu: float

    @property
    def gap(self) -> float:
        if self.makespan is None:
            return 100.0
        return 100.0 * (self.makespan - self.best_known) / self.best_known


def load_bounds(paths: list[str]) -> dict[str, Bound]:
    """Every bounds table; raises ``SystemExit`` for one it cannot read or that holds no row."""
    out: dict[str, Bound] = {}
    for p in paths:
        try:
            if p.endswith(".csv"):
                got = read_bounds_csv(p)
            else:
                got = read_optimum_table(p, Path(p).name.split("opt")[0])
        except (OSError, KeyError, ValueError) as exc:
            raise SystemExit(f"bounds table {p}: not readable ({exc})") from exc
        if not got:
            raise SystemExit(f"bounds table {p}: no instance row in a known format")
        out.update(got)
    return out


def sample(files: list[Path], limit: int | None, seed: int | None = None) -> list[Path]:
    """``limit`` files: evenly spaced, or a random subset drawn with ``seed`` (sorted)."""
    if not limit or limit >= len(files):
        return files
    if seed is not None:
        return sorted(random.Random(seed).sample(files, limit))
    step = len(files) / limit
    return [files[int(k * step)] for k in range(limit)]


def verified(
    problem: Problem, schedule: PeriodSchedule | None, makespan: int | None, method: str
) -> int | None:
    """``makespan`` when ``schedule`` is feasible and that long; otherwise ``None`` (a failure).

    A result at or below the best known counts as a success only through this
    check, so a better-than-best-known makespan is a real schedule.
    """
    if schedule is None or makespan is None:
        return None
    broken = schedule_violations(problem, schedule)
    if broken or schedule.makespan(problem) != makespan:
        why = broken[0] if broken else f"makespan {schedule.makespan(problem)} != {makespan}"
        print(f"{problem.name} {method}: infeasible result ({why}), counted as failed",
              file=sys.stderr)  # fmt: skip
        return None
    return makespan


METHODS = ("keystage", "hybrid+lns", "multistart", "ga", "heuristic", "plain CP-SAT")


def run_one(
    problem: Problem, method: str, args: argparse.Namespace
) -> tuple[int | None, bool, PeriodSchedule | None]:
    """Makespan, proven optimal, and the schedule of one method on one instance."""
    if method == "heuristic":
        h = solve_heuristic(problem, seed=args.seed)
        return h.makespan, False, h.schedule
    if method == "ga":
        from keystage.engine.rcpsp.bounds import lower_bounds
        from keystage.engine.rcpsp.ga import solve_ga

        lb = lower_bounds(problem).best
        g = solve_ga(
            problem,
            seed=args.seed,
            schedules=args.ga_schedules,
            time_limit=None if args.ga_schedules else args.ga_time,
            lower_bound=lb,
        )
        return g.makespan, g.makespan <= lb, g.schedule
    res = optimise(
        problem,
        time_limit=args.time_limit,
        num_workers=args.workers,
        seed=args.seed,
        plain=method == "plain CP-SAT",
        upper="multistart" if method == "multistart" else "ga",
        lns=method == "hybrid+lns",
    )
    return res.makespan, res.status is Status.OPTIMAL, res.schedule


def summarise(rows: list[Row]) -> str:
    n = len(rows)
    gaps = [r.gap for r in rows]
    times = [r.seconds for r in rows]
    return (
        f"| {rows[0].method} | {n} | {100 * sum(r.proven for r in rows) / n:.1f} % "
        f"| {100 * sum(r.gap <= 0 for r in rows) / n:.1f} % "
        f"| {statistics.fmean(gaps):.2f} % | {max(gaps):.2f} % "
        f"| {1000 * statistics.fmean(times):.0f} ms | {1000 * max(times):.0f} ms "
        f"| {1000 * statistics.fmean(r.cpu for r in rows):.0f} ms |"
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("folders", nargs="+", type=Path, help="folders of .sm/.mm files")
    ap.add_argument("--bounds", action="append", required=True, help="bounds.csv or *opt.mm table")
    ap.add_argument("--time-limit", type=float, default=1.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--limit", type=int, default=None, help="evenly spaced sample of N instances")
    ap.add_argument(
        "--sample-seed", type=int, default=None, help="with --limit: a random sample, this seed"
    )
    ap.add_argument(
        "--methods",
        default="keystage,multistart,ga,plain CP-SAT",
        help="comma-separated subset of: " + ", ".join(METHODS),
    )
    ap.add_argument("--ga-time", type=float, default=0.5, help="seconds for the ga method")
    ap.add_argument(
        "--ga-schedules", type=int, default=None, help="schedule budget for ga (instead of time)"
    )
    ap.add_argument("--csv", type=Path, default=None, help="write per-instance rows here")
    args = ap.parse_args(argv)
    methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    unknown = sorted(set(methods) - set(METHODS))
    if unknown:
        ap.error(f"unknown method(s): {', '.join(unknown)}")
    bounds = load_bounds(args.bounds)
    if {"keystage", "hybrid+lns", "ga"} & set(methods):
        from keystage.engine.rcpsp.ga import warm_up

        warm_up()  # load the compiled kernels before the clock runs
    all_rows: list[Row] = []
    for folder in args.folders:
        files = sample(sorted(folder.glob("*.[sm]m")), args.limit, args.sample_seed)
        by_method: dict[str, list[Row]] = {m: [] for m in methods}
        for k, path in enumerate(files, 1):
            try:
                problem = read_psplib(path)
            except ProblemDefinitionError as exc:
                print(f"{path.name}: skipped, {exc}", file=sys.stderr)
                continue
            ref = bounds.get(problem.name)
            if ref is None:
                print(f"no bound for {problem.name}, skipped", file=sys.stderr)
                continue
            for method in methods:
                t0, c0 = time.perf_counter(), time.process_time()
                ms, proven, schedule = run_one(problem, method, args)
                dt, dc = time.perf_counter() - t0, time.process_time() - c0
                ms = verified(problem, schedule, ms, method)
                proven = proven and ms is not None
                row = Row(problem.name, method, ms, proven, ref.best_known, dt, dc)
                by_method[method].append(row)
            if k % 50 == 0:
                print(f"  {folder.name}: {k}/{len(files)}", file=sys.stderr, flush=True)
        print(
            f"\n### {folder.name} ({len(files)} instances"
            + (f", random sample seed {args.sample_seed}" if args.sample_seed is not None else "")
            + f", time limit {args.time_limit} s, {args.workers} workers)\n"
        )
        print(
            "| method | n | proven optimal | ≤ best known | mean gap | worst gap "
            "| mean time | max time | mean CPU |"
        )
        print("|---|---|---|---|---|---|---|---|---|")
        for rows in by_method.values():
            if rows:
                print(summarise(rows))
                all_rows.extend(rows)
    if args.csv:
        with args.csv.open("w", newline="") as fh:
            w = csv.writer(fh)
            w.writerow(["instance", "method", "makespan", "proven", "best_known", "seconds", "cpu"])
            for r in all_rows:
                w.writerow(
                    [
                        r.instance,
                        r.method,
                        r.makespan,
                        int(r.proven),
                        r.best_known,
                        f"{r.seconds:.4f}",
                        f"{r.cpu:.4f}",
                    ]
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
