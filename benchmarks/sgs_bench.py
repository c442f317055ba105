"""CPU time per schedule: the Python schemes (``sgs.py``) against the compiled (``kernels.py``).

Usage (from the repository root):

    uv run python benchmarks/sgs_bench.py ../shared/benchmarks/psplib/j60 \\
        --instances j601_1 j6013_1 j6029_4 j6045_7

Each scheme runs on the LFT activity list of each instance with single modes;
prints microseconds of CPU time per schedule (process time, robust to other load)
and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from keystage.engine.rcpsp import kernels as K
from keystage.engine.rcpsp import sgs
from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.ga import warm_up
from keystage.engine.rcpsp.priority import Rule, priority_values, rule_order
from keystage.engine.rcpsp.psplib_io import read_psplib


def cpu_us(fn: Callable[[], object], repeat: int) -> float:
    """Mean CPU microseconds of ``fn`` over ``repeat`` calls (after one warm call)."""
    fn()
    c0 = time.process_time()
    for _ in range(repeat):
        fn()
    return (time.process_time() - c0) / repeat * 1e6


def measure(path: Path) -> dict[str, float]:
    """CPU microseconds per schedule of each scheme on the instance at ``path``."""
    p = read_psplib(path)
    c = Compiled(p)
    a = K.Arrays.of(c)
    rev = c.reversed()
    modes = [0] * c.n
    order = rule_order(c, priority_values(c, Rule.LFT, p.topological_order, modes))
    arr = np.array(order, dtype=np.int64)
    m = np.zeros(c.n, dtype=np.int64)
    cases: dict[str, tuple[Callable[[], object], int]] = {
        "python serial": (lambda: sgs.serial_sgs(c, order, modes), 300),
        "python parallel": (lambda: sgs.parallel_sgs(c, order, modes), 300),
        "python serial + justification": (
            lambda: sgs.justify(c, rev, sgs.serial_sgs(c, order, modes), list(modes)),
            100,
        ),
        "compiled serial": (lambda: K.serial(a, arr, m), 5000),
        "compiled parallel": (lambda: K.parallel(a, arr, m), 5000),
        "compiled serial + justification": (lambda: K.justify(a, K.serial(a, arr, m), m), 3000),
    }
    return {label: cpu_us(fn, repeat) for label, (fn, repeat) in cases.items()}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    ap.add_argument("folder", type=Path)
    ap.add_argument("--instances", nargs="+", default=["j601_1", "j6013_1", "j6029_4", "j6045_7"])
    args = ap.parse_args(argv)
    warm_up()
    print(f"load average before: {os.getloadavg()[0]:.1f}")
    rows: dict[str, list[float]] = {}
    for name in args.instances:
        for label, value in measure(args.folder / f"{name}.sm").items():
            rows.setdefault(label, []).append(value)
    print("| scheme | " + " | ".join(args.instances) + " | mean |")
    print("|---|" + "---:|" * (len(args.instances) + 1))
    for label, values in rows.items():
        cells = " | ".join(f"{v:.1f} µs" for v in values)
        print(f"| {label} | {cells} | {statistics.fmean(values):.1f} µs |")
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
