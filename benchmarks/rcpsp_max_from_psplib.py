"""Make RCPSP/max instances (.sch) from PSPLIB .sm files by adding maximum time lags.

Usage (from the repository root):

    uv run python benchmarks/rcpsp_max_from_psplib.py ../shared/benchmarks/psplib/j30 \
        /tmp/j30max --share 0.3 --extra 3 --limit 48

Every finish-to-start link becomes the start-to-start lag of RCPSP/max; a
``--share`` of the links (seeded) also gets a maximum lag: the successor starts
at most ``--extra`` periods later than the latest of its earliest start over
all paths, resources ignored, so the lags never contradict each other but
the resources must fit into the windows (some instances become infeasible).
The RCPSP/max library itself is not in this repository; this gives a
reproducible set of the same kind to measure the optimiser on.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

from keystage.engine.network import Link, LinkType
from keystage.engine.rcpsp.problem import MaxLag, Problem
from keystage.engine.rcpsp.psplib_io import read_psplib, write_sch


def with_max_lags(problem: Problem, share: float, extra: int, rng: random.Random) -> Problem:
    """``problem`` with start-to-start lags and maximum lags on ``share`` of its links."""
    dur = [ms[0].duration for ms in problem.mode_table]
    es = problem.temporal_earliest_starts
    links = tuple(
        Link(lk.pred, lk.succ, LinkType.SS, dur[i] + int(lk.lag)) for i, _, lk in problem.link_pairs
    )
    max_lags = tuple(
        MaxLag(lk.pred, lk.succ, es[j] - es[i] + rng.randint(0, extra))
        for i, j, lk in problem.link_pairs
        if dur[i] and dur[j] and rng.random() < share
    )
    return Problem(
        problem.activities,
        links,
        problem.renewables,
        (),
        problem.name,
        modes=problem.modes,
        max_lags=max_lags,
    )


def main(argv: list[str] | None = None) -> int:
    """Write one .sch per .sm file of the source folder."""
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("source", type=Path, help="folder of PSPLIB .sm files")
    ap.add_argument("target", type=Path, help="folder for the .sch files")
    ap.add_argument("--share", type=float, default=0.3, help="share of links with a maximum lag")
    ap.add_argument("--extra", type=int, default=3, help="periods of slack beyond the earliest")
    ap.add_argument("--limit", type=int, default=None, help="first N files only")
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    args.target.mkdir(parents=True, exist_ok=True)
    files = sorted(args.source.glob("*.sm"))[: args.limit]
    for path in files:
        rng = random.Random(f"{args.seed}:{path.stem}")
        problem = with_max_lags(read_psplib(path), args.share, args.extra, rng)
        write_sch(problem, args.target / f"{path.stem}.sch")
    print(f"{len(files)} instances written to {args.target}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
