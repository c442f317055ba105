"""Monte Carlo schedule risk benchmark: the vectorised engine against a per-run CPM loop.

Run by hand (not part of the test suite):

    uv run python benchmarks/risk/mc_bench.py            # headline + growth table
    uv run python benchmarks/risk/mc_bench.py --quick    # headline only

The headline: 10,000 runs of a 1,000-activity / ~3,000-link network (all four link
types, lags, on a calendar with holidays), every task uncertain (triangular and PERT),
with five risk events. The peer is a plain Python per-run forward pass over the same
links (the loop a simple tool writes), timed on a slice of the runs and scaled.
Prints the figures recorded in docs/performance.md ("Monte Carlo schedule risk").
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from cpm_bench import network

from keystage.engine.network import Project
from keystage.engine.risk import (
    Distribution,
    RiskEvent,
    RiskModel,
    TaskCost,
    TaskUncertainty,
    ThreePoint,
    simulate,
)


def model(n: int, seed: int = 1) -> RiskModel:
    """The network of ``cpm_bench.network`` with an estimate and a cost on every task."""
    project = network(n, links_per_activity=3, seed=seed, window=min(2000, n))
    rng = np.random.default_rng(seed)
    estimates = []
    costs = []
    for i, act in enumerate(project.activities):
        if not act.duration:
            continue
        d = float(act.duration)
        kind = Distribution.PERT if i % 2 else Distribution.TRIANGULAR
        estimates.append(TaskUncertainty(act.id, ThreePoint(0.8 * d, d, 1.5 * d), kind))
        costs.append(TaskCost(act.id, fixed=100.0, variable=d))
    ids = [a.id for a in project.activities]
    events = tuple(
        RiskEvent(
            f"R{k}", 0.3, tuple(rng.choice(ids, size=3, replace=False).tolist()),
            ThreePoint(240, 480, 960), ThreePoint(1000, 2000, 5000),
        )
        for k in range(5)
    )  # fmt: skip
    return RiskModel(project, tuple(estimates), tuple(costs), events)


def per_run_loop(m: RiskModel, runs: int, seed: int) -> tuple[list[float], list[int]]:
    """The peer: a plain per-run CPM in Python (forward pass for the finish, backward
    pass for the critical tasks) over the same links, durations drawn with numpy."""
    project: Project = m.project
    n = len(project.activities)
    index = project.index
    incoming: list[list[tuple[int, bool, bool, float]]] = [[] for _ in range(n)]
    outgoing: list[list[tuple[int, bool, bool, float]]] = [[] for _ in range(n)]
    for link in project.links:
        p, s = index[link.pred], index[link.succ]
        from_finish, to_finish = link.type.value[0] == "F", link.type.value[1] == "F"
        incoming[s].append((p, from_finish, to_finish, float(link.lag)))
        outgoing[p].append((s, from_finish, to_finish, float(link.lag)))
    rows = [index[e.task_id] for e in m.estimates]
    low = np.array([e.duration.low for e in m.estimates])
    mode = np.array([e.duration.likely for e in m.estimates])
    high = np.array([e.duration.high for e in m.estimates])
    rng = np.random.default_rng(seed)
    finishes: list[float] = []
    critical = [0] * n
    for _ in range(runs):
        dur = [float(a.duration) for a in project.activities]
        for i, d in zip(rows, rng.triangular(low, mode, high).tolist(), strict=True):
            dur[i] = d
        es = [0.0] * n
        for i in range(n):  # every link joins an earlier activity to a later one
            best = 0.0
            for p, ff, tf, lag in incoming[i]:
                value = es[p] + (dur[p] if ff else 0.0) + lag - (dur[i] if tf else 0.0)
                if value > best:
                    best = value
            es[i] = best
        finish = max(es[i] + dur[i] for i in range(n))
        ls = [finish - dur[i] for i in range(n)]
        for i in range(n - 1, -1, -1):
            best = ls[i]
            for s, ff, tf, lag in outgoing[i]:
                value = ls[s] + (dur[s] if tf else 0.0) - lag - (dur[i] if ff else 0.0)
                if value < best:
                    best = value
            ls[i] = best
            if best - es[i] < 1e-6:
                critical[i] += 1
        finishes.append(finish)
    return finishes, critical


def timed(fn, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Median wall-clock and CPU seconds (the CPU figure is steadier on a shared machine)."""
    walls, cpus = [], []
    for _ in range(repeat):
        w, c = time.perf_counter(), time.process_time()
        fn()
        walls.append(time.perf_counter() - w)
        cpus.append(time.process_time() - c)
    return statistics.median(walls), statistics.median(cpus)


def headline(runs: int = 10_000) -> dict[str, float]:
    m = model(1000)
    links = len(m.project.links)
    wall, cpu = timed(lambda: simulate(m, runs, np.random.default_rng(7)), 5)
    wall1, cpu1 = timed(lambda: simulate(m, runs, np.random.default_rng(7), workers=1), 5)
    sample = 200
    loop_wall, loop_cpu = timed(lambda: per_run_loop(m, sample, 7), 1)
    scale = runs / sample
    return {
        "links": links, "wall": wall, "cpu": cpu, "wall1": wall1, "cpu1": cpu1,
        "loop_wall": loop_wall * scale, "loop_cpu": loop_cpu * scale,
        "ratio": loop_cpu * scale / cpu1,
    }  # fmt: skip


def growth(sizes: list[int], runs: int = 10_000) -> list[dict[str, float]]:
    rows = []
    for n in sizes:
        m = model(n)
        repeat = 3 if n <= 1000 else 1
        wall, cpu = timed(lambda m=m: simulate(m, runs, np.random.default_rng(7)), repeat)
        rows.append({"tasks": n, "links": len(m.project.links), "wall": wall, "cpu": cpu})
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="headline only")
    args = parser.parse_args()
    h = headline()
    print(f"1,000 tasks / {h['links']:,} links, 10,000 runs (medians of 5)")
    print(f"  engine, 2 threads: wall {h['wall']:.3f} s, CPU {h['cpu']:.3f} s")
    print(f"  engine, 1 thread:  wall {h['wall1']:.3f} s, CPU {h['cpu1']:.3f} s")
    print(f"  per-run Python CPM loop (scaled from 200 runs): wall {h['loop_wall']:.1f} s, "
          f"CPU {h['loop_cpu']:.1f} s")  # fmt: skip
    print(f"  ratio (CPU, loop / engine on 1 thread): {h['ratio']:.0f}x")
    if args.quick:
        return
    print("| tasks | links | wall | CPU |")
    print("|---:|---:|---:|---:|")
    for row in growth([100, 1000, 10_000]):
        print(f"| {row['tasks']:,} | {row['links']:,} | {row['wall']:.2f} s | {row['cpu']:.2f} s |")


if __name__ == "__main__":
    main()
