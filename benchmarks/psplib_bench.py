"""PSPLIB benchmark of the resource-constrained scheduler.

Usage (from the repository root):

    uv run python benchmarks/psplib_bench.py ../shared/benchmarks/psplib/j30 \
        --bounds ../shared/benchmarks/psplib/solutions/bounds.csv --time-limit 1 --workers 2

    uv run python benchmarks/psplib_bench.py ../shared/benchmarks/psplib/mm/j10.mm \
        --bounds ../shared/benchmarks/psplib/mm/solutions/j10opt.mm --time-limit 2

    uv run python benchmarks/psplib_bench.py tests/engine/rcpsp/data/maxlag_*.sch \
        --bounds rcpsp_max_bounds.csv --methods "keystage,plain CP-SAT"

    uv run python benchmarks/psplib_bench.py path/to/j120 --time-limit 10 \
        --bounds path/to/j120hrs.sm --bounds path/to/j120lb.sm

``--bounds`` takes CSV tables (``instance,best_known,lower_bound,proven_optimal``)
and PSPLIB's own solution tables as distributed: ``*opt.sm``/``*opt.mm`` (optima),
``*hrs.sm`` (best known makespans) and ``*lb.sm`` (upper and lower bounds).

Arguments are folders (their .sm, .mm, Patterson .rcp and RCPSP/max .sch files) or
single files (grouped by folder). RCPSP/max instances have maximum time lags, which
only the CP-SAT methods (``keystage`` and ``plain CP-SAT``) schedule; the
others are left out for them. An instance whose lags contradict each other
is reported as infeasible on stderr; one without a bound (typically an
infeasible one) is still solved and counted as proven infeasible, scheduled
or undecided, under the table. ``--write-bounds FILE`` writes the best
makespan found per instance as a bounds table (for sets without published
figures; ``--bounds`` may then be left out, and an instance without a bound
is measured against the best makespan any method found for it in the run,
e.g. the generated sets of ``benchmarks/rcpsp_generate.py``). Every table
also gives the mean percentage above the critical-path bound, the measure
the literature reports for PSPLIB's 120-activity set.

Prints one Markdown table per folder with a row per method:
``keystage`` (genetic algorithm, one population per worker, the second on the
time-mirrored problem, + strengthened CP-SAT, the default),
``forward-islands`` (the same with both populations searching forwards, the former rule),
``justify-3`` (the same with the GA's former rule, up to three rounds of
forward-backward improvement per child instead of one),
``patience-30k`` and ``patience-15k`` (the same with the GA ending after that many
schedules without a new best, instead of 20,000, or 90,000 from 30 activities on),
``lb-search`` (the same with CP-SAT's objective lower-bound search instead of its
neighbourhood search on the second worker: both threads prove; an experiment),
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

from keystage.engine.rcpsp.bounds import lower_bounds
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.cpsat.solve import Status, optimise
from keystage.engine.rcpsp.errors import PrecedenceCycleError, RcpspError
from keystage.engine.rcpsp.heuristic import solve_heuristic
from keystage.engine.rcpsp.problem import PeriodSchedule, Problem
from keystage.engine.rcpsp.psplib_io import (
    Bound,
    merge_bounds,
    read_bounds_csv,
    read_instance,
    read_solution_table,
)


@dataclass
class Row:
    instance: str
    method: str
    makespan: int | None
    proven: bool
    best_known: int
    seconds: float
    cpu: float
    critical_path: int = 0

    @property
    def cpm_deviation(self) -> float:
        """Percent above the critical-path bound (the literature's measure for j120)."""
        if self.makespan is None or self.critical_path <= 0:
            return 100.0
        return 100.0 * (self.makespan - self.critical_path) / self.critical_path

    @property
    def gap(self) -> float:
        if self.makespan is None or self.best_known <= 0:
            return 100.0
        return 100.0 * (self.makespan - self.best_known) / self.best_known


def load_bounds(paths: list[str]) -> dict[str, Bound]:
    """Every bounds table; raises ``SystemExit`` for one it cannot read or that holds no row.

    An instance in several tables (``j120hrs.sm`` and ``j120lb.sm``, say) gets the
    shortest best known and the highest lower bound of them.
    """
    out: dict[str, Bound] = {}
    for p in paths:
        try:
            got = read_bounds_csv(p) if p.endswith(".csv") else read_solution_table(p)
        except (OSError, KeyError, ValueError) as exc:
            raise SystemExit(f"bounds table {p}: not readable ({exc})") from exc
        if not got:
            raise SystemExit(f"bounds table {p}: no instance row in a known format")
        for name, bound in got.items():
            out[name] = merge_bounds(out.get(name), bound)
    return out


def sample(files: list[Path], limit: int | None, seed: int | None = None) -> list[Path]:
    """``limit`` files: evenly spaced, or a random subset drawn with ``seed`` (sorted)."""
    if not limit or limit >= len(files):
        return files
    if seed is not None:
        return sorted(random.Random(seed).sample(files, limit))
    step = len(files) / limit
    return [files[int(k * step)] for k in range(limit)]


EXACT = ("keystage", "plain CP-SAT")  # the methods that schedule maximum lags
SUFFIXES = (".sm", ".mm", ".sch", ".rcp")


def instance_sets(paths: list[Path]) -> dict[Path, list[Path]]:
    """Instance files by folder: a folder gives its files, a file joins its folder's set."""
    sets: dict[Path, list[Path]] = {}
    for p in paths:
        if p.is_dir():
            files = [f for f in p.iterdir() if f.suffix.lower() in SUFFIXES]
            sets.setdefault(p, []).extend(files)
        else:
            sets.setdefault(p.parent, []).append(p)
    return {folder: sorted(set(files)) for folder, files in sets.items()}


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


# Two full searches, no thread left to CP-SAT's neighbourhood search (docs/performance.md).
LB_SEARCH = {"subsolvers": ["no_lp", "objective_lb_search_no_lp"], "num_full_subsolvers": 2}
EXPERIMENTS: dict[str, dict[str, object]] = {
    "lb-search": LB_SEARCH,
    # The GA's former rule: up to three rounds of justification per child.
    "justify-3": {"justify_rounds": 3},
    # The GA hands over to CP-SAT after fewer schedules without a new best (per island).
    "patience-30k": {"ga_patience": 30_000},
    "patience-15k": {"ga_patience": 15_000},
    # The former rule: the second GA island searches forwards too, not the mirrored problem.
    "forward-islands": {"backward_island": False},
}

METHODS = (
    "keystage", *EXPERIMENTS, "hybrid+lns", "multistart", "ga", "heuristic", "plain CP-SAT",
)  # fmt: skip


def run_one(
    problem: Problem, method: str, args: argparse.Namespace
) -> tuple[int | None, bool, PeriodSchedule | None]:
    """Makespan, proven optimal, and the schedule of one method on one instance."""
    if method == "heuristic":
        h = solve_heuristic(problem, seed=args.seed)
        return h.makespan, False, h.schedule
    if method == "ga":
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
        parameters=EXPERIMENTS.get(method),
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
        f"| {statistics.fmean(r.cpm_deviation for r in rows):.2f} % "
        f"| {1000 * statistics.fmean(times):.0f} ms | {1000 * max(times):.0f} ms "
        f"| {1000 * statistics.fmean(r.cpu for r in rows):.0f} ms |"
    )


def _keep_best(
    table: dict[str, tuple[int, bool]], name: str, makespan: int | None, proven: bool
) -> None:
    """Remember the shortest makespan found for ``name`` (proven if any run proved it)."""
    if makespan is None:
        return
    old = table.get(name)
    if old is None or makespan < old[0] or (makespan == old[0] and proven):
        table[name] = (makespan, proven)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument(
        "folders", nargs="+", type=Path, help="folders of .sm/.mm/.sch files, or single files"
    )
    ap.add_argument(
        "--bounds",
        action="append",
        default=[],
        help="bounds.csv or *opt.mm table (required unless --write-bounds)",
    )
    ap.add_argument(
        "--write-bounds",
        type=Path,
        default=None,
        help="write the best makespan found per instance as a bounds.csv (RCPSP/max sets)",
    )
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
    if not args.bounds and args.write_bounds is None:
        ap.error("--bounds is required (or --write-bounds to make one)")
    bounds = load_bounds(args.bounds)
    found_bounds: dict[str, tuple[int, bool]] = {}
    warm = not {"keystage", *EXPERIMENTS, "hybrid+lns", "ga"} & set(methods)
    all_rows: list[Row] = []
    for folder, found in instance_sets(args.folders).items():
        files = sample(found, args.limit, args.sample_seed)
        by_method: dict[str, list[Row]] = {m: [] for m in methods}
        left_out: set[str] = set()
        unbounded: dict[str, list[Status]] = {}
        for k, path in enumerate(files, 1):
            try:
                problem = read_instance(path)
            except PrecedenceCycleError as exc:
                print(f"{path.name}: infeasible, {exc}", file=sys.stderr)
                continue
            except RcpspError as exc:
                print(f"{path.name}: skipped, {exc}", file=sys.stderr)
                continue
            ref = bounds.get(problem.name)
            if ref is None and problem.has_time_windows:
                for method in set(methods) & set(EXACT):  # infeasible ones have no bound
                    res = optimise(
                        problem,
                        time_limit=args.time_limit,
                        num_workers=args.workers,
                        seed=args.seed,
                        plain=method == "plain CP-SAT",
                    )
                    unbounded.setdefault(method, []).append(res.status)
                    _keep_best(
                        found_bounds, problem.name, res.makespan, res.status is Status.OPTIMAL
                    )
                continue
            provisional = ref is None and args.write_bounds is not None
            if ref is None and not provisional:
                print(f"no bound for {problem.name}, skipped", file=sys.stderr)
                continue
            cpm = lower_bounds(problem).critical_path
            for method in methods:
                if problem.has_time_windows and method not in EXACT:
                    left_out.add(method)
                    continue
                if not (warm or problem.has_time_windows):
                    from keystage.engine.rcpsp.ga import warm_up

                    warm_up()  # load the compiled kernels before the clock runs
                    warm = True
                t0, c0 = time.perf_counter(), time.process_time()
                ms, proven, schedule = run_one(problem, method, args)
                dt, dc = time.perf_counter() - t0, time.process_time() - c0
                ms = verified(problem, schedule, ms, method)
                proven = proven and ms is not None
                best = ref.best_known if ref is not None else 0
                row = Row(problem.name, method, ms, proven, best, dt, dc, cpm)
                _keep_best(found_bounds, problem.name, ms, proven)
                by_method[method].append(row)
            if provisional and problem.name in found_bounds:
                # No published figure: the best makespan of this run is the reference.
                for rows in by_method.values():
                    if rows and rows[-1].instance == problem.name:
                        rows[-1].best_known = found_bounds[problem.name][0]
            if k % 50 == 0:
                print(f"  {folder.name}: {k}/{len(files)}", file=sys.stderr, flush=True)
        print(
            f"\n### {folder.name} ({len(files)} instances"
            + (f", random sample seed {args.sample_seed}" if args.sample_seed is not None else "")
            + f", time limit {args.time_limit} s, {args.workers} workers)\n"
        )
        print(
            "| method | n | proven optimal | ≤ best known | mean gap | worst gap "
            "| above CPM bound | mean time | max time | mean CPU |"
        )
        print("|---|---|---|---|---|---|---|---|---|---|")
        for rows in by_method.values():
            if rows:
                print(summarise(rows))
                all_rows.extend(rows)
        for method, found in unbounded.items():
            print(
                f"\n{method} on {len(found)} RCPSP/max instances without a bound: "
                f"{found.count(Status.INFEASIBLE)} proven infeasible, "
                f"{sum(st in (Status.OPTIMAL, Status.FEASIBLE) for st in found)} scheduled, "
                f"{found.count(Status.UNKNOWN)} undecided"
            )
        if left_out:
            names = ", ".join(sorted(left_out))
            print(f"\n{names}: not run on instances with maximum lags (CP-SAT methods only)")
    if args.write_bounds is not None:
        with args.write_bounds.open("w") as fh:
            fh.write("instance,best_known,lower_bound,proven_optimal\n")
            for name, (ms, proven) in sorted(found_bounds.items()):
                fh.write(f"{name},{ms},{ms if proven else 0},{int(proven)}\n")
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
