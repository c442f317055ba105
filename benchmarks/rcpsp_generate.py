"""Generate PSPLIB-style single-mode RCPSP instances (a ProGen-like generator).

PSPLIB's 120-activity set is not in this repository, so the optimiser's
behaviour at that size is measured on instances made the way ProGen made
PSPLIB (Kolisch, Sprecher & Drexl 1995, "Characterization and generation of
a general class of resource-constrained project scheduling problems",
Management Science 41(10)):

* ``jobs`` non-dummy activities numbered in a topological order, three start
  and three finish activities, at most three predecessors and successors each;
* network complexity ``NC`` = non-redundant arcs per node, dummies and their
  arcs included; every added arc is checked not to be implied by others and
  not to make another arc redundant;
* durations uniform on 1..10; four renewable resources; resource factor
  ``RF`` = the mean share of the resources an activity needs (each activity
  needs at least one), demands uniform on 1..10;
* resource strength ``RS``: capacity ``K = Kmin + round(RS (Kmax - Kmin))``,
  ``Kmin`` the largest single demand and ``Kmax`` the peak demand of the
  earliest-start schedule.

The full factorial of the 120-activity set is NC in {1.5, 1.8, 2.1}, RF in
{0.25, 0.5, 0.75, 1.0}, RS in {0.1, 0.2, 0.3, 0.4, 0.5}: 60 parameter sets,
numbered with RS fastest, then RF, then NC, as PSPLIB numbers them. Files
are written in PSPLIB's ``.sm`` format (readable by the ``psplib`` package
and :func:`keystage.engine.rcpsp.psplib_io.read_psplib`) and named
``g<jobs>_<set>_<instance>.sm``. The same seed gives the same files.

Usage (from the repository root):

    uv run python benchmarks/rcpsp_generate.py /tmp/g120 --jobs 120 --per-set 1

Then benchmark them against the best makespan any method found in the run:

    uv run python benchmarks/psplib_bench.py /tmp/g120 --time-limit 10 \
        --methods "keystage,plain CP-SAT" --write-bounds /tmp/g120-bounds.csv
"""

from __future__ import annotations

import argparse
import itertools
import random
import sys
from pathlib import Path

NC_LEVELS = (1.5, 1.8, 2.1)
RF_LEVELS = (0.25, 0.5, 0.75, 1.0)
RS_LEVELS_120 = (0.1, 0.2, 0.3, 0.4, 0.5)
RS_LEVELS_SMALL = (0.2, 0.5, 0.7, 1.0)  # j30 / j60
RESOURCES = 4
MAX_DEGREE = 3
START_FINISH = 3


class Instance:
    """One generated project: successors per job (0 and ``n + 1`` dummies), durations,
    demands per job and resource, capacities."""

    def __init__(
        self,
        succ: list[list[int]],
        dur: list[int],
        demand: list[list[int]],
        capacity: list[int],
    ) -> None:
        self.succ, self.dur, self.demand, self.capacity = succ, dur, demand, capacity


def _network(n: int, nc: float, rng: random.Random) -> list[set[int]]:
    """Successor sets of jobs ``0..n+1`` (0 source, ``n + 1`` sink).

    ``nc`` non-redundant arcs per node, dummies and their arcs counted."""
    sink = n + 1
    succ: list[set[int]] = [set() for _ in range(n + 2)]
    pred: list[set[int]] = [set() for _ in range(n + 2)]
    # reach[i]: bitmask of the jobs reachable from i (i itself excluded)
    reach = [0] * (n + 2)

    def reaches(a: int, b: int) -> bool:
        return a == b or bool(reach[a] >> b & 1)

    def redundant_after(i: int, j: int) -> bool:
        """Would ``i -> j`` be implied, or make an existing arc implied?"""
        if reaches(i, j):
            return True
        for a in range(1, n + 1):
            for b in succ[a]:
                if b == sink or (a, b) == (i, j):
                    continue
                if reaches(a, i) and reaches(j, b):
                    return True
        return False

    def add(i: int, j: int) -> None:
        succ[i].add(j)
        pred[j].add(i)
        gained = reach[j] | (1 << j)
        for a in range(n + 2):
            if a == i or reach[a] >> i & 1:
                reach[a] |= gained

    starts = list(range(1, START_FINISH + 1))
    # Every non-start job gets one predecessor among the earlier non-finish jobs.
    for j in range(START_FINISH + 1, n + 1):
        choices = [
            i
            for i in range(1, min(j, n - START_FINISH + 1))
            if len(succ[i]) < MAX_DEGREE and not reaches(i, j)
        ]
        add(rng.choice(choices), j)
    # Every non-finish job without a successor gets one among the later non-start jobs.
    for i in range(1, n - START_FINISH + 1):
        if succ[i]:
            continue
        choices = [
            j
            for j in range(max(i + 1, START_FINISH + 1), n + 1)
            if len(pred[j]) < MAX_DEGREE and not redundant_after(i, j)
        ]
        if not choices:
            choices = [j for j in range(max(i + 1, START_FINISH + 1), n + 1) if not reaches(i, j)]
        add(i, rng.choice(choices))
    # Then arcs until NC is reached (dummy arcs count: one per start and finish job).
    target = round(nc * (n + 2)) - 2 * START_FINISH
    arcs = sum(len(s) for s in succ)
    tries = 0
    while arcs < target and tries < 200 * n:
        tries += 1
        i = rng.randint(1, n - START_FINISH)
        j = rng.randint(max(i + 1, START_FINISH + 1), n)
        if j in succ[i] or len(succ[i]) >= MAX_DEGREE or len(pred[j]) >= MAX_DEGREE:
            continue
        if redundant_after(i, j):
            continue
        add(i, j)
        arcs += 1
    if arcs < target:  # the degree limits left no room: say so rather than mislabel the file
        print(f"network complexity {nc}: {arcs} of {target} arcs placed", file=sys.stderr)
    for i in starts:
        succ[0].add(i)
    for j in range(1, n + 1):
        if not succ[j]:
            succ[j].add(sink)
    return succ


def generate(n: int, nc: float, rf: float, rs: float, rng: random.Random) -> Instance:
    """One instance with ``n`` non-dummy jobs and the three ProGen parameters."""
    succ = _network(n, nc, rng)
    dur = [0] + [rng.randint(1, 10) for _ in range(n)] + [0]
    need = round(rf * RESOURCES * n)  # resource uses in all, spread so each job has one
    uses = [[False] * RESOURCES for _ in range(n + 2)]
    for j in range(1, n + 1):
        uses[j][rng.randrange(RESOURCES)] = True
    free = [(j, k) for j in range(1, n + 1) for k in range(RESOURCES) if not uses[j][k]]
    rng.shuffle(free)
    for j, k in free[: max(0, need - n)]:
        uses[j][k] = True
    demand = [
        [rng.randint(1, 10) if uses[j][k] else 0 for k in range(RESOURCES)] for j in range(n + 2)
    ]
    # earliest-start schedule for Kmax
    es = [0] * (n + 2)
    for i in range(n + 2):  # numbered topologically
        for j in succ[i]:
            es[j] = max(es[j], es[i] + dur[i])
    horizon = max(es[j] + dur[j] for j in range(n + 2))
    capacity = []
    for k in range(RESOURCES):
        kmin = max(demand[j][k] for j in range(n + 2))
        load = [0] * (horizon + 1)
        for j in range(n + 2):
            for t in range(es[j], es[j] + dur[j]):
                load[t] += demand[j][k]
        kmax = max(load)
        capacity.append(kmin + round(rs * (kmax - kmin)))
    return Instance([sorted(s) for s in succ], dur, demand, capacity)


def write_sm(inst: Instance, path: Path, note: str) -> None:
    """Write ``inst`` in PSPLIB's single-mode ``.sm`` format."""
    n = len(inst.dur)
    horizon = sum(inst.dur)
    lines = [
        "*" * 72,
        f"file with basedata            : {note}",
        "initial value random generator: 0",
        "*" * 72,
        "projects                      :  1",
        f"jobs (incl. supersource/sink ):  {n}",
        f"horizon                       :  {horizon}",
        "RESOURCES",
        f"  - renewable                 :  {RESOURCES}   R",
        "  - nonrenewable              :  0   N",
        "  - doubly constrained        :  0   D",
        "*" * 72,
        "PROJECT INFORMATION:",
        "pronr.  #jobs rel.date duedate tardcost  MPM-Time",
        f"    1    {n - 2:3d}      0      {horizon:3d}       0      {horizon:3d}",
        "*" * 72,
        "PRECEDENCE RELATIONS:",
        "jobnr.    #modes  #successors   successors",
    ]
    for j, s in enumerate(inst.succ):
        lines.append(
            f"  {j + 1:3d}        1          {len(s)}        " + "".join(f" {x + 1:3d}" for x in s)
        )
    lines += [
        "*" * 72,
        "REQUESTS/DURATIONS:",
        "jobnr. mode duration  " + "  ".join(f"R {k + 1}" for k in range(RESOURCES)),
        "-" * 72,
    ]
    for j in range(n):
        lines.append(
            f"  {j + 1:3d}      1    {inst.dur[j]:3d}    "
            + "".join(f"{d:5d}" for d in inst.demand[j])
        )
    lines += [
        "*" * 72,
        "RESOURCEAVAILABILITIES:",
        "  " + "  ".join(f"R {k + 1}" for k in range(RESOURCES)),
        "  " + "".join(f"{c:5d}" for c in inst.capacity),
        "*" * 72,
    ]
    path.write_text("\n".join(lines) + "\n")


def main(argv: list[str] | None = None) -> int:
    """Write the factorial design's instances into a folder."""
    ap = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    ap.add_argument("folder", type=Path)
    ap.add_argument("--jobs", type=int, default=120, help="non-dummy activities (at least 8)")
    ap.add_argument("--per-set", type=int, default=1, help="instances per parameter set")
    ap.add_argument("--seed", type=int, default=2026)
    args = ap.parse_args(argv)
    if args.jobs < 2 * START_FINISH + 2:
        print(f"--jobs must be at least {2 * START_FINISH + 2}", file=sys.stderr)
        return 2
    rs_levels = RS_LEVELS_120 if args.jobs >= 120 else RS_LEVELS_SMALL
    args.folder.mkdir(parents=True, exist_ok=True)
    sets = list(itertools.product(NC_LEVELS, RF_LEVELS, rs_levels))
    for number, (nc, rf, rs) in enumerate(sets, start=1):
        for k in range(1, args.per_set + 1):
            rng = random.Random(f"{args.seed}:{args.jobs}:{number}:{k}")
            inst = generate(args.jobs, nc, rf, rs, rng)
            name = f"g{args.jobs}_{number}_{k}"
            write_sm(inst, args.folder / f"{name}.sm", f"NC {nc} RF {rf} RS {rs}")
    print(f"wrote {len(sets) * args.per_set} instances to {args.folder}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
