"""CPU time per schedule: the Python schemes (``sgs.py``), the compiled (``kernels.py``), numpy.

Usage (from the repository root):

    uv run python benchmarks/sgs_bench.py ../shared/benchmarks/psplib/j60 \\
        --instances j601_1 j6013_1 j6029_4 j6045_7

Each scheme runs on the LFT activity list of each instance with single modes;
the numpy formulation (``numpy_sgs.py``, a whole population per call) runs on
populations of lists sampled around it, and the compiled scheme again on the
same lists one by one. Prints microseconds of CPU time per schedule (process
time, robust to other load) and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

from keystage.engine.rcpsp import kernels as K
from keystage.engine.rcpsp import sgs
from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.ga import warm_up
from keystage.engine.rcpsp.priority import Rule, priority_values, rule_order, sampled_order
from keystage.engine.rcpsp.psplib_io import read_psplib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from numpy_sgs import serial_population  # a sibling script, not a package

POPULATIONS = (100, 1_000)


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
    values = priority_values(c, Rule.LFT, p.topological_order, modes)
    order = rule_order(c, values)
    arr = np.array(order, dtype=np.int64)
    m = np.zeros(c.n, dtype=np.int64)
    rng = np.random.default_rng(0)
    lists = np.array([sampled_order(c, values, rng) for _ in range(max(POPULATIONS))])
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
    out = {label: cpu_us(fn, repeat) for label, (fn, repeat) in cases.items()}
    for size in POPULATIONS:
        batch = lists[:size]
        per_call = cpu_us(lambda batch=batch: serial_population(a, batch, m), 3)
        out[f"numpy serial, population of {size:,}"] = per_call / size
    same = cpu_us(lambda: [K.serial(a, o, m) for o in lists], 3)
    out[f"compiled serial, the same {len(lists):,} lists"] = same / len(lists)
    return out


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
