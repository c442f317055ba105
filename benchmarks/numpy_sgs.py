"""The serial scheme over a whole population at once, in numpy: the alternative to numba.

Issue #18 asked to show a numpy formulation beside the compiled one and choose
by the figures. This is that formulation, kept with the benchmarks (the engine
uses the compiled :func:`keystage.engine.rcpsp.kernels.serial`): the ``P``
activity lists of a population are decoded together, one activity position at
a time, each step a handful of whole-array operations over ``(P, resources,
periods)``. It gives the same starts as the compiled scheme (a test checks it),
so ``sgs_bench.py`` can compare the two on equal work.

Why it cannot be fast: the scheme is sequential in the list (an activity's
start depends on the capacity the ones before it left), so a population still
takes ``n`` Python-level steps, and each step tests, for every individual,
every period from the batch's earliest possible start to its latest end, where
the compiled loop tests only the window it tries.
"""

from __future__ import annotations

import numpy as np

from keystage.engine.rcpsp.kernels import Arrays

I64 = np.int64


def _padded_predecessors(a: Arrays) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Predecessors per activity as ``(n, width)`` rows (index, kind, lag, present)."""
    n = a.n
    counts = np.diff(a.pred_ptr)
    width = max(1, int(counts.max(initial=0)))
    idx = np.zeros((n, width), dtype=I64)
    kind = np.zeros((n, width), dtype=I64)
    lag = np.zeros((n, width), dtype=I64)
    present = np.zeros((n, width), dtype=bool)
    for j in range(n):
        lo, hi = int(a.pred_ptr[j]), int(a.pred_ptr[j + 1])
        k = hi - lo
        idx[j, :k] = a.pred_idx[lo:hi]
        kind[j, :k] = a.pred_kind[lo:hi]
        lag[j, :k] = a.pred_lag[lo:hi]
        present[j, :k] = True
    return idx, kind, lag, present


def serial_population(a: Arrays, orders: np.ndarray, modes: np.ndarray) -> np.ndarray:
    """Starts ``(P, n)`` of the serial scheme for each row of ``orders`` with its ``modes``.

    ``orders`` are precedence-feasible activity lists ``(P, n)``; ``modes`` the
    (compiled) mode of each activity ``(n,)`` or per individual ``(P, n)``. The
    same rule as :func:`keystage.engine.rcpsp.kernels.serial` without mode
    choice: each activity at the earliest period after its predecessors (every
    link kind and lag) where its demand fits for its whole duration.
    """
    orders = np.asarray(orders, dtype=I64)
    pop, n = orders.shape
    modes = np.broadcast_to(np.asarray(modes, dtype=I64), (pop, n))
    rows = np.arange(pop)
    cols = np.arange(n)
    durs = a.dur[cols[None, :], modes]  # (P, n)
    dems = a.dem[cols[None, :], modes]  # (P, n, R)
    p_idx, p_kind, p_lag, p_present = _padded_predecessors(a)
    n_res = a.base.shape[0]
    width = a.profile.shape[1]
    # Capacity never binds past the profile and the longest possible schedule.
    horizon = width + int(durs.max(axis=0).sum()) + int(np.maximum(a.pred_lag, 0).sum()) + 1
    avail = np.empty((n_res, horizon), dtype=I64)
    avail[:, :width] = a.profile
    avail[:, width:] = a.base[:, None]
    avail = np.repeat(avail[None, :, :], pop, axis=0)  # (P, R, H)
    starts = np.zeros((pop, n), dtype=I64)
    end_so_far = np.zeros(pop, dtype=I64)
    periods = np.arange(horizon)
    for k in range(n):
        j = orders[:, k]
        d = durs[rows, j]
        q = dems[rows, j]  # (P, R)
        # Earliest start after the predecessors (all placed: the lists are feasible).
        pi = p_idx[j]
        dp = durs[rows[:, None], pi]
        kind, lag = p_kind[j], p_lag[j]
        delta = np.select(
            [kind == 0, kind == 1, kind == 2],
            [dp + lag, lag, dp + lag - d[:, None]],
            lag - d[:, None],
        )
        es = np.where(p_present[j], starts[rows[:, None], pi] + delta, 0).max(axis=1)
        es = np.maximum(es, 0)
        # Periods where the demand fits, then the first window of length d from es on,
        # scanning only the periods some individual can use: from the earliest es.
        lo = int(es.min())
        hi = min(int(max(es.max(), end_so_far.max(), width) + d.max()) + 1, horizon)
        span = periods[lo:hi]
        fits = ((avail[:, :, lo:hi] >= q[:, :, None]) | (q[:, :, None] == 0)).all(axis=1)
        misses = np.zeros((pop, hi - lo + 1), dtype=I64)
        np.cumsum(~fits, axis=1, out=misses[:, 1:])
        ends = np.minimum(span[None, :] + d[:, None], hi) - lo
        ok = misses[rows[:, None], ends] == misses[:, :-1]
        ok &= (span[None, :] + d[:, None] <= hi) & (span[None, :] >= es[:, None])
        pick = ok.argmax(axis=1)
        if not ok[rows, pick].all():  # pragma: no cover - capacity below a demand
            raise ValueError("an activity's demand exceeds its resource's capacity")
        t = lo + pick
        starts[rows, j] = t
        end_so_far = np.maximum(end_so_far, t + d)
        booked = (span[None, :] >= t[:, None]) & (span[None, :] < (t + d)[:, None])
        avail[:, :, lo:hi] -= booked[:, None, :] * q[:, :, None]
    return starts
