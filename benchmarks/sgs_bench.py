"""CPU time per schedule: the Python schemes (``sgs.py``), the compiled (``kernels.py``), numpy.

Usage (from the repository root):

    uv run python benchmarks/sgs_bench.py ../shared/benchmarks/psplib/j60 \\
        --instances j601_1 j6013_1 j6029_4 j6045_7

Each scheme runs on the LFT activity list of each instance with single modes;
the numpy formulation (``numpy_sgs.py``, a whole population per call) runs on
populations of lists sampled around it, and the compiled scheme again on the
same lists one by one. Prints microseconds of CPU time per schedule (process
time, robust to other load) and the load average before and after.

Rows "in a compiled loop" call the kernels from compiled code, as the genetic
algorithm does, so they leave out the cost of each call from Python (about a
microsecond per array argument). Forward-backward improvement is reported per
pass: each pass is one serial schedule, backwards or forwards.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

import numpy as np
from numba import njit

from keystage.engine.rcpsp import kernels as K
from keystage.engine.rcpsp import sgs
from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.ga import warm_up
from keystage.engine.rcpsp.priority import Rule, priority_values, rule_order, sampled_order
from keystage.engine.rcpsp.psplib_io import read_psplib

sys.path.insert(0, str(Path(__file__).resolve().parent))
from numpy_sgs import serial_population  # a sibling script, not a package

POPULATIONS = (100, 1_000)


@njit
def _serial_loop(reps, order, modes, profile, nmodes, dur, dem, pp, pi, pk, pl, base):  # type: ignore[no-untyped-def]
    total = 0
    for _ in range(reps):
        total += K.serial_kernel(order, modes, False, profile, nmodes, dur, dem, pp, pi, pk, pl,
                                 base)[0]  # fmt: skip
    return total


@njit
def _parallel_loop(reps, order, modes, tv, profile, dur, dem, pp, pi, pk, pl, sp, si, base):  # type: ignore[no-untyped-def]
    total = 0
    for _ in range(reps):
        total += K.parallel_kernel(order, modes, tv, profile, dur, dem, pp, pi, pk, pl, sp, si,
                                   base)[0]  # fmt: skip
    return total


@njit
def _justify_loop(reps, starts, modes, tv, profile, nmodes, dur, dem, base, links):  # type: ignore[no-untyped-def]
    passes = 0
    pp, pi, pk, pl, sp, si, sk, sl = links
    for _ in range(reps):
        m = modes.copy()
        _best, n = K.justify_kernel(starts, m, 3, False, tv, profile, nmodes, dur, dem, base,
                                    pp, pi, pk, pl, sp, si, sk, sl)  # fmt: skip
        passes += n
    return passes


def compiled_loop_us(a: K.Arrays, order: np.ndarray, modes: np.ndarray) -> dict[str, float]:
    """CPU microseconds per schedule with the kernels called from a compiled loop."""
    out: dict[str, float] = {}
    serial_args = (order, modes, a.profile, *a.sgs_args())
    parallel_args = (order, modes, a.time_varying, a.profile, a.dur, a.dem, a.pred_ptr,
                     a.pred_idx, a.pred_kind, a.pred_lag, a.succ_ptr, a.succ_idx,
                     a.base)  # fmt: skip
    reps = 5000
    for label, loop, args in (("serial", _serial_loop, serial_args),
                              ("parallel", _parallel_loop, parallel_args)):  # fmt: skip
        loop(1, *args)
        c0 = time.process_time()
        loop(reps, *args)
        out[f"compiled {label}, in a compiled loop"] = (time.process_time() - c0) / reps * 1e6
    starts = K.serial(a, order, modes.copy())
    justify_args = (starts, modes, a.time_varying, a.profile, a.nmodes, a.dur, a.dem, a.base,
                    a.links())  # fmt: skip
    _justify_loop(1, *justify_args)
    reps = 1000
    c0 = time.process_time()
    passes = _justify_loop(reps, *justify_args)
    spent = (time.process_time() - c0) * 1e6
    out["compiled forward-backward improvement, per pass, in a compiled loop"] = spent / passes
    return out


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
    out.update(compiled_loop_us(a, arr, m))
    for size in POPULATIONS:
        batch = lists[:size]
        per_call = cpu_us(partial(serial_population, a, batch, m), 3)
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
