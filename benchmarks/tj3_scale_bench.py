"""Resource levelling at scale: Keystage's heuristic against TaskJuggler (tj3).

Usage (from the repository root):

    uv run python benchmarks/tj3_scale_bench.py                     # 1,000, 3,000, 10,000
    uv run python benchmarks/tj3_scale_bench.py --sizes 1000 --keep /tmp/tj

A reproducible plan (``--seed``) of N activities and 50 people is written both
as a TaskJuggler project (.tjp) and as Keystage's engine input (a
:class:`~keystage.engine.rcpsp.problem.Problem`, one mode per candidate person):

* efforts of 1 to 10 person-days; 60 % of the activities are allocated to one
  named person, 40 % to a person out of two or three alternatives
  (``allocate p07 { alternative p12, p33 persistent }`` - one person does the
  whole activity, as in Keystage's modes);
* finish-to-start links: each activity follows up to three activities among
  the 200 before it; activities without a predecessor start at the project start;
* everybody works Monday to Friday, 8 hours a day, no holidays, so a working
  day is one period of the engine.

tj3 runs as a whole process (parse, schedule, write a CSV report of id, start
and end); its makespan is the latest end, converted to working days from the
project start. Keystage's time covers building the problem from the plan data
and the multi-start heuristic (serial schedule generation choosing, for each
activity, the candidate who finishes it first; forward-backward improvement),
in this process. Both makespans are in working days.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from keystage.engine.network import Link
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.heuristic import solve_heuristic
from keystage.engine.rcpsp.problem import Activity, Mode, Problem, Renewable

START = dt.date(2027, 1, 4)  # a Monday
PEOPLE = 50


@dataclass(frozen=True)
class Task:
    id: str
    effort_days: int
    people: tuple[str, ...]  # first = preferred, rest = alternatives
    preds: tuple[str, ...]


def plan(n: int, people: int = PEOPLE, seed: int = 1, window: int = 200) -> list[Task]:
    """A reproducible plan of ``n`` activities over ``people`` people."""
    rng = random.Random(seed)
    names = [f"p{k + 1:02d}" for k in range(people)]
    tasks: list[Task] = []
    for i in range(n):
        effort = rng.randint(1, 10)
        if rng.random() < 0.6:
            who: tuple[str, ...] = (rng.choice(names),)
        else:
            who = tuple(rng.sample(names, rng.choice((2, 3))))
        preds: set[str] = set()
        if i and rng.random() > 0.05:
            for _ in range(rng.randint(1, 3)):
                preds.add(f"t{rng.randint(max(0, i - window), i - 1)}")
        tasks.append(Task(f"t{i}", effort, who, tuple(sorted(preds))))
    return tasks


def tjp_text(tasks: list[Task], people: int = PEOPLE) -> str:
    """The plan as a TaskJuggler project with a CSV report ``tasks.csv``."""
    work = sum(t.effort_days for t in tasks)
    years = work // (people * 200) + 3  # generous: the project must fit inside
    out = [
        f'project scale "Scale" {START:%Y-%m-%d} +{years}y {{\n  timezone "UTC"\n'
        "  timingresolution 60min\n  dailyworkinghours 8\n"
        '  timeformat "%Y-%m-%d %H:%M"\n  workinghours mon - fri 8:00 - 12:00, 13:00 - 17:00\n'
        "  workinghours sat, sun off\n}\n"
    ]
    out.extend(f'resource p{k + 1:02d} "Person {k + 1}"\n' for k in range(people))
    for t in tasks:
        body = [f"effort {t.effort_days}d"]
        if len(t.people) == 1:
            body.append(f"allocate {t.people[0]}")
        else:
            body.append(
                f"allocate {t.people[0]} {{ alternative {', '.join(t.people[1:])} persistent }}"
            )
        if t.preds:
            body.append("depends " + ", ".join(t.preds))
        else:
            body.append(f"start {START:%Y-%m-%d}-08:00")
        out.append(f'task {t.id} "{t.id}" {{\n  ' + "\n  ".join(body) + "\n}\n")
    out.append('taskreport "tasks" {\n  formats csv\n  columns id, start, end\n}\n')
    return "".join(out)


def problem_of(tasks: list[Task], people: int = PEOPLE) -> Problem:
    """The plan as the engine's problem: one mode per candidate person, periods = days."""
    acts = tuple(Activity(t.id) for t in tasks)
    modes = {t.id: tuple(Mode(t.effort_days, {p: 1}, label=p) for p in t.people) for t in tasks}
    links = [Link(p, t.id) for t in tasks for p in t.preds]
    res = [Renewable(f"p{k + 1:02d}", 1) for k in range(people)]
    return Problem(acts, tuple(links), tuple(res), name=f"scale{len(tasks)}", modes=modes)


def working_days(end: dt.datetime) -> float:
    """Working days (Mon-Fri, 8 h from 08:00 with a break 12-13) from START to ``end``."""
    days = 0
    d = START
    while d < end.date():
        days += d.weekday() < 5
        d += dt.timedelta(days=1)
    h = end.hour + end.minute / 60
    worked = min(4.0, max(0.0, h - 8)) + min(4.0, max(0.0, h - 13))
    return days + worked / 8


def child_times(
    command: list[str], cwd: Path
) -> tuple[float, float, subprocess.CompletedProcess[str]]:
    """Wall and CPU time (user + sys of the child) of one process run."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    done = subprocess.run(command, cwd=cwd, capture_output=True, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), done


def run_tj3(tasks: list[Task], folder: Path) -> tuple[float, float, float]:
    """tj3 wall seconds, CPU seconds and makespan in working days."""
    (folder / "plan.tjp").write_text(tjp_text(tasks))
    wall, cpu, done = child_times(["tj3", "--no-color", "plan.tjp"], folder)
    if done.returncode != 0:
        raise RuntimeError(done.stdout[-3000:] + done.stderr[-3000:])
    rows = (folder / "tasks.csv").read_text().splitlines()[1:]
    ends = [dt.datetime.strptime(r.split(";")[2].strip('"'), "%Y-%m-%d %H:%M") for r in rows]
    return wall, cpu, working_days(max(ends))


def run_keystage(tasks: list[Task], iterations: int | None, seed: int) -> tuple[float, float, int]:
    """Keystage wall seconds, CPU seconds and makespan in working days (checked)."""
    t0, c0 = time.perf_counter(), time.process_time()
    problem = problem_of(tasks)
    result = solve_heuristic(problem, iterations, seed)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert schedule_violations(problem, result.schedule) == [], "infeasible schedule"
    return wall, cpu, result.makespan


def run_ga(tasks: list[Task], seconds: float, seed: int) -> tuple[float, float, int, int]:
    """The compiled genetic algorithm for ``seconds``: wall, CPU, makespan (checked), schedules."""
    from keystage.engine.rcpsp.ga import solve_ga, warm_up

    warm_up()
    t0, c0 = time.perf_counter(), time.process_time()
    problem = problem_of(tasks)
    result = solve_ga(problem, seed=seed, schedules=None, time_limit=seconds, population=20)
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert schedule_violations(problem, result.schedule) == [], "infeasible schedule"
    return wall, cpu, result.makespan, result.evaluations


def run_level(tasks: list[Task], rules: bool) -> tuple[float, float, int]:
    """Full levelling of the early schedule (everyone on their first candidate).

    ``rules=False`` is the single start-order pass levelling used before the
    priority rules and justification were added, for the makespan beside it.
    """
    from keystage.engine.rcpsp import leveling

    t0, c0 = time.perf_counter(), time.process_time()
    problem = problem_of(tasks)
    if rules:
        result = leveling.level(problem, within_float=False)
    else:
        keep = leveling._level_by_rules
        leveling._level_by_rules = lambda *args: None  # type: ignore[assignment]
        try:
            result = leveling.level(problem, within_float=False)
        finally:
            leveling._level_by_rules = keep
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    assert schedule_violations(problem, result.schedule) == [], "infeasible schedule"
    return wall, cpu, result.finish_after


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("--sizes", default="1000,3000,10000", help="comma-separated activity counts")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--iterations", type=int, default=None, help="heuristic starts (default: by size)"
    )
    ap.add_argument("--no-tj3", action="store_true", help="only Keystage")
    ap.add_argument(
        "--level",
        action="store_true",
        help="also level the plan (people as assigned): rules + justification, and one pass",
    )
    ap.add_argument(
        "--ga-seconds",
        type=float,
        default=None,
        help="also run the compiled genetic algorithm this long (same plan, same run)",
    )
    ap.add_argument("--keep", type=Path, default=None, help="write the .tjp files here")
    args = ap.parse_args(argv)
    have_tj3 = shutil.which("tj3") is not None and not args.no_tj3
    kernel_load = None
    if args.level:  # once per process, as a server's worker pays it: reported apart
        c0 = time.process_time()
        run_level(plan(400, seed=args.seed), True)  # 300+ activities take the compiled pass
        kernel_load = time.process_time() - c0
    print("| activities | people | links | tj3 s (CPU) | keystage s (CPU) | speed-up "
          "| tj3 makespan | keystage makespan |")  # fmt: skip
    print("|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n in (int(s) for s in args.sizes.split(",")):
        tasks = plan(n, seed=args.seed)
        links = sum(len(t.preds) for t in tasks)
        ks_wall, ks_cpu, ks_ms = run_keystage(tasks, args.iterations, args.seed)
        tj = "—"
        speed = "—"
        tj_ms = "—"
        if have_tj3:
            folder = args.keep or Path(tempfile.mkdtemp(prefix="tj3-scale-"))
            folder.mkdir(parents=True, exist_ok=True)
            sub = folder / f"n{n}"
            sub.mkdir(exist_ok=True)
            tj_wall, tj_cpu, tj_days = run_tj3(tasks, sub)
            tj = f"{tj_wall:.1f} ({tj_cpu:.1f})"
            speed = f"{tj_wall / ks_wall:.0f}×"
            tj_ms = f"{tj_days:g} d"
        print(f"| {n:,} | {PEOPLE} | {links:,} | {tj} | {ks_wall:.2f} ({ks_cpu:.2f}) | {speed} "
              f"| {tj_ms} | {ks_ms} d |", flush=True)  # fmt: skip
        if args.level:
            for rules in (True, False):
                l_wall, l_cpu, l_ms = run_level(tasks, rules)
                label = "level, rules" if rules else "level, one pass"
                speed = f"{tj_wall / l_wall:.0f}× ({tj_cpu / l_cpu:.0f}× CPU)" if have_tj3 else "—"
                print(f"|   {label} | | | | {l_wall:.2f} ({l_cpu:.2f}) | {speed} | | {l_ms} d |",
                      flush=True)  # fmt: skip
        if args.ga_seconds:
            g_wall, g_cpu, g_ms, g_n = run_ga(tasks, args.ga_seconds, args.seed)
            print(f"|   GA {args.ga_seconds:g} s | | | | {g_wall:.2f} ({g_cpu:.2f}) | | "
                  f"| {g_ms} d ({g_n} schedules) |", flush=True)  # fmt: skip
    if kernel_load is not None:
        print(
            f"\nLevelling rows exclude loading the compiled levelling kernels, once per "
            f"process before the table: {kernel_load:.2f} s of CPU (a 400-activity plan)."
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
