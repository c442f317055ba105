"""Critical-path benchmark: Keystage's engine against networkx and TaskJuggler (tj3).

Run by hand (not part of the test suite):

    uv run python benchmarks/cpm_bench.py            # everything
    uv run python benchmarks/cpm_bench.py --quick    # skip 1M and tj3
    uv run python benchmarks/cpm_bench.py --tj-only  # only `keystage schedule` against tj3
    uv run python benchmarks/cpm_bench.py --max-lags # maximum lags beside the plain passes

Prints the figures recorded in docs/performance.md ("Critical path").
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

import networkx as nx
import numpy as np

from keystage.engine.calendars import Calendar, CalendarException
from keystage.engine.compiler import Compiled, compile_project
from keystage.engine.cpm import cpm_positions, schedule
from keystage.engine.errors import ScheduleError
from keystage.engine.network import Activity, ConstraintType, Kind, Link, LinkType, Project

START = datetime(2025, 1, 6, 8, 0)
TYPES = list(LinkType)


def calendar() -> Calendar:
    """Mon-Fri 08-12 / 13-17 with ten public holidays a year for ten years."""
    holidays = []
    for year in range(2025, 2035):
        for month, day in ((1, 1), (5, 1), (12, 25), (12, 26), (7, 14), (8, 15), (11, 1),
                           (11, 11), (1, 2), (12, 31)):  # fmt: skip
            holidays.append(CalendarException(date(year, month, day)))
    return Calendar("office", exceptions=tuple(holidays))


def network(n: int, links_per_activity: int = 3, seed: int = 1, window: int = 2000,
            types: list[LinkType] | None = None) -> Project:  # fmt: skip
    """A random project network: each link joins an activity to one up to ``window`` before it.

    About ``links_per_activity * n`` links of every type (duplicates removed), lags from
    -1 to +2 days, 5 % milestones, durations of 1 hour to 10 days.
    """
    rng = np.random.default_rng(seed)
    types = types or TYPES
    m = links_per_activity * n
    succ = rng.integers(1, n, size=m)
    pred = succ - 1 - (rng.random(m) * np.minimum(window, succ)).astype(np.int64)
    key = np.unique(pred * n + succ)
    pred, succ = key // n, key % n
    kind = rng.integers(0, len(types), size=pred.size)
    lag = np.where(rng.random(pred.size) < 0.6, 0, rng.integers(-8, 17, size=pred.size) * 60)
    dur = rng.integers(1, 81, size=n) * 60
    milestone = rng.random(n) < 0.05
    acts = tuple(
        Activity(f"A{i}", kind=Kind.MILESTONE, duration=0) if milestone[i]
        else Activity(f"A{i}", duration=int(dur[i]))
        for i in range(n)
    )  # fmt: skip
    links = tuple(
        Link(f"A{p}", f"A{s}", types[k], int(g))
        for p, s, k, g in zip(pred.tolist(), succ.tolist(), kind.tolist(), lag.tolist(),
                              strict=True)
    )  # fmt: skip
    return Project(START, acts, links, (calendar(),), "office")


def held_at_start(c: Compiled) -> Compiled:
    """The textbook CPM rule for the comparison: nothing starts before the project start."""
    floor = np.maximum(c.floor, c.start_pos)
    floor[c.n] = 0
    return dataclasses.replace(c, floor=floor)


def median_time(fn, runs: int) -> float:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        gc.collect()
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def networkx_graph(c: Compiled) -> nx.DiGraph:
    """The same network for networkx: link weights, a source at the start, a sink."""
    g = nx.DiGraph()
    real = c.pred != c.n
    g.add_weighted_edges_from(
        zip(c.pred[real].tolist(), c.succ[real].tolist(), c.weight[real].tolist(), strict=True)
    )
    g.add_weighted_edges_from(("S", i, c.start_pos) for i in range(c.n))
    g.add_weighted_edges_from((i, "T", int(c.dur[i])) for i in range(c.n))
    return g


def headline(n: int, runs: int) -> dict[str, float]:
    """100k activities / 300k links: engine vs networkx, time and memory."""
    t0 = time.perf_counter()
    project = network(n)
    c = held_at_start(compile_project(project))
    load = time.perf_counter() - t0
    engine = median_time(lambda: cpm_positions(c), runs)
    tracemalloc.start()
    result = cpm_positions(c)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    g = networkx_graph(c)
    peer = median_time(lambda: nx.dag_longest_path_length(g), max(1, runs // 3))
    length = nx.dag_longest_path_length(g)
    assert length == result.finish, (length, result.finish)
    full = median_time(lambda: schedule(project), 1)
    return {
        "activities": n,
        "links": int(c.pred.size),
        "levels": int(result.level.max() + 1),
        "load_s": load,
        "engine_s": engine,
        "networkx_s": peer,
        "speedup": peer / engine,
        "peak_mb": peak / 2**20,
        "schedule_s": full,
    }


def scaling(sizes: list[int]) -> list[dict[str, float]]:
    """Engine time (forward + backward + floats) from 1k to 1M activities."""
    rows = []
    for n in sizes:
        c = held_at_start(compile_project(network(n)))
        runs = 5 if n <= 100_000 else 2
        engine = median_time(lambda c=c: cpm_positions(c), runs)
        peer = None
        if n <= 100_000:
            g = networkx_graph(c)
            peer = median_time(lambda g=g: nx.dag_longest_path_length(g), 1)
        rows.append({"activities": n, "links": int(c.pred.size), "engine_s": engine,
                     "networkx_s": peer})  # fmt: skip
        del c
        gc.collect()
    return rows


def plan_files(project: Project, folder: Path, years: int) -> tuple[Path, Path]:
    """The same plan as Keystage TOML and TaskJuggler .tjp (FS and SS links, hours)."""
    toml = [f"[project]\nstart = {START.isoformat()}\ncalendar = \"office\"\n",
            "[calendars.office]\nholidays = ["
            + ", ".join(e.day.isoformat() for e in calendar().exceptions) + "]\n"]  # fmt: skip
    preds: dict[str, list[Link]] = {}
    for link in project.links:
        preds.setdefault(link.succ, []).append(link)
    tjp = [
        f'project bench "Bench" {START:%Y-%m-%d} +{years}y {{\n  timezone "UTC"\n'
        "  timingresolution 60min\n  dailyworkinghours 8\n"
        '  timeformat "%Y-%m-%d %H:%M"\n  workinghours mon - fri 8:00 - 12:00, 13:00 - 17:00\n'
        "  workinghours sat, sun off\n}\n"
    ]
    for e in calendar().exceptions:
        tjp.append(f'leaves holiday "h" {e.day.isoformat()}\n')
    for act in project.activities:
        deps = preds.get(act.id, [])
        inline = [f'"{k.pred} {k.type}{"+" if k.lag >= 0 else "-"}{abs(k.lag) // 60}h"'
                  for k in deps]  # fmt: skip
        toml.append(f'[[activities]]\nid = "{act.id}"\n'
                    + ('kind = "milestone"\n' if act.kind is Kind.MILESTONE
                       else f'duration = "{act.duration // 60}h"\n')
                    + (f"predecessors = [{', '.join(inline)}]\n" if deps else ""))  # fmt: skip
        body = ["milestone" if act.kind is Kind.MILESTONE else f"length {act.duration // 60}h"]
        if not deps:
            body.append(f"start {START:%Y-%m-%d-%H:%M}")
        for k in deps:
            gap = f" gaplength {k.lag // 60}h" if k.lag else ""
            side = " onstart" if k.type is LinkType.SS else ""
            body.append(f"depends {k.pred} {{{side}{gap} }}" if side or gap
                        else f"depends {k.pred}")  # fmt: skip
        tjp.append(f'task {act.id} "{act.id}" {{\n  ' + "\n  ".join(body) + "\n}\n")
    tjp.append('taskreport "tasks" {\n  formats csv\n  columns id, start, end\n}\n')
    toml_path, tjp_path = folder / "plan.toml", folder / "plan.tjp"
    toml_path.write_text("\n".join(toml))
    tjp_path.write_text("".join(tjp))
    return toml_path, tjp_path


def versus_taskjuggler(n: int, runs: int = 3) -> dict[str, object]:
    """Whole-process time of `keystage schedule` and `tj3` on the same 10k plan.

    Keystage: one warm-up run, then the median of ``runs``; tj3 (about 90 s): one run.
    Wall and CPU (user + sys) times of the child processes, so that a loaded machine
    can be judged too.
    """
    project = network(n, links_per_activity=3, window=500, types=[LinkType.FS, LinkType.SS])
    # TaskJuggler has no negative gaps and reports false loops through milestones
    lagless = tuple(dataclasses.replace(k, lag=max(0, int(k.lag))) for k in project.links)
    tasks = tuple(
        Activity(a.id, duration=a.duration or 60) if a.kind is Kind.MILESTONE else a
        for a in project.activities
    )
    project = dataclasses.replace(project, activities=tasks, links=lagless)
    folder = Path(tempfile.mkdtemp(prefix="cpm-bench-"))
    years = (schedule(project).finish - START).days // 365 + 2
    toml_path, tjp_path = plan_files(project, folder, years)
    keystage = Path(sys.executable).with_name("keystage")
    # An installed keystage has compiled bytecode; do not let PYTHONDONTWRITEBYTECODE (set
    # on some machines) make every run recompile ~100 modules, and warm up once.
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    command = [str(keystage), "schedule", str(toml_path), "-f", "json", "-o",
               str(folder / "out.json")]  # fmt: skip
    done = subprocess.run(command, capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    ours = [child_times(lambda: subprocess.run(command, capture_output=True, env=env))
            for _ in range(runs)]  # fmt: skip
    ours_s, ours_cpu = statistics.median(t for t, _ in ours), statistics.median(c for _, c in ours)
    ours_finish = json.loads((folder / "out.json").read_text())["finish"].replace("T", " ")
    result: dict[str, object] = {"activities": n, "links": len(project.links),
                                 "keystage_s": ours_s, "keystage_cpu_s": ours_cpu,
                                 "keystage_finish": ours_finish}  # fmt: skip
    if shutil.which("tj3") is None:
        return result
    tj: list[subprocess.CompletedProcess[str]] = []
    tj_command = ["tj3", "--no-color", str(tjp_path)]
    tj_s, tj_cpu = child_times(
        lambda: tj.append(subprocess.run(tj_command, cwd=folder, capture_output=True, text=True))
    )
    assert tj[0].returncode == 0, tj[0].stdout[-2000:] + tj[0].stderr[-2000:]
    rows = (folder / "tasks.csv").read_text().splitlines()[1:]
    tj_finish = max(r.split(";")[2].strip('"') for r in rows)
    result.update(tj3_s=tj_s, tj3_cpu_s=tj_cpu, tj3_finish=tj_finish,
                  same_finish=ours_finish == tj_finish, speedup=tj_s / ours_s,
                  cpu_speedup=tj_cpu / ours_cpu)  # fmt: skip
    return result


def child_times(fn) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Wall time and CPU time (user + sys of child processes) of ``fn()``."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    fn()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu


def with_max_lags(project: Project, share: float = 0.01, seed: int = 2) -> Project:
    """The network with maximum lags on ``share`` of its links, and release dates that pull.

    Each chosen link gets its gap in the plain schedule as its maximum (at least its
    lag), and its successor a start-no-earlier-than two days after its plain early
    start: the successor moves, and the maximum lag drags the predecessor along. The
    plain schedule shows the limits can hold, and release dates only raise floors, so
    the network stays feasible (no positive cycle).
    """
    c = compile_project(project)
    p = cpm_positions(c)
    work = c.clock.ensure_position(int(p.ef.max()) + 2000)
    origin = datetime.combine(work.origin, datetime.min.time())
    rng = np.random.default_rng(seed)
    links, acts = list(project.links), list(project.activities)
    chosen = rng.choice(len(links), size=max(1, int(share * len(links))), replace=False)
    index = project.index
    for j in chosen.tolist():
        k = links[j]
        i, t = index[k.pred], index[k.succ]
        before = p.ef[i] if k.type in (LinkType.FS, LinkType.FF) else p.es[i]
        after = p.ef[t] if k.type in (LinkType.FF, LinkType.SF) else p.es[t]
        links[j] = dataclasses.replace(k, max_lag=float(max(k.lag, int(after - before))))
        release = origin + timedelta(minutes=int(work.instant_start(p.es[t] + 960)))
        acts[t] = dataclasses.replace(
            acts[t], constraint=ConstraintType.SNET, constraint_date=release
        )
    return dataclasses.replace(project, activities=tuple(acts), links=tuple(links))


def max_lag_cost(sizes: list[int], runs: int = 5) -> list[dict[str, object]]:
    """The label-correcting passes on networks with 1 % maximum lags, beside the plain passes."""
    rows = []
    for n in sizes:
        plain = network(n)
        limited = with_max_lags(plain)
        c_plain, c_max = compile_project(plain), compile_project(limited)
        es_plain = cpm_positions(c_plain).es
        try:
            es_max = cpm_positions(c_max).es
        except ScheduleError as exc:
            rows.append({"activities": n, "error": str(exc)[:200]})
            continue
        rows.append(
            {
                "activities": n,
                "links": len(plain.links),
                "max_lags": int(c_max.max_link.size),
                "moved_activities": int((es_max != es_plain).sum()),
                "plain_s": round(median_time(lambda c=c_plain: cpm_positions(c), runs), 4),
                "max_lags_s": round(median_time(lambda c=c_max: cpm_positions(c), runs), 4),
            }
        )
    return rows


def main() -> None:
    """Run every part and print a summary."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="skip 1M activities and tj3")
    parser.add_argument("--tj-only", action="store_true", help="only keystage against tj3")
    parser.add_argument("--max-lags", action="store_true", help="only the maximum-lag passes")
    args = parser.parse_args()
    if args.max_lags:
        for row in max_lag_cost([1_000, 10_000, 100_000]):
            print("max lags:", json.dumps(row))
        return
    if args.tj_only:
        print("taskjuggler:", json.dumps(versus_taskjuggler(10_000), indent=1))
        return
    print(f"python {sys.version.split()[0]}, numpy {np.__version__}, networkx {nx.__version__}, "
          f"{os.cpu_count()} CPUs")  # fmt: skip
    head = headline(100_000, runs=7)
    print("headline:", json.dumps(head, indent=1))
    sizes = [1_000, 10_000, 100_000] + ([] if args.quick else [1_000_000])
    for row in scaling(sizes):
        print("scaling:", json.dumps(row))
    if not args.quick:
        print("taskjuggler:", json.dumps(versus_taskjuggler(10_000)))
    peak_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak RSS of the whole benchmark process: {peak_rss:.0f} MB")


if __name__ == "__main__":
    main()
    _ = timedelta
