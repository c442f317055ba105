"""Compiled serial scheme with release dates, for levelling an existing schedule.

Levelling may only delay: every activity keeps its current start as a release
date. The scheme is the serial one of :mod:`keystage.engine.rcpsp.kernels`
with fixed modes and that extra bound; importing this module loads numba, so
import it only where it is needed.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from keystage.engine.rcpsp import kernels as K


@njit(cache=True)
def release_serial_kernel(
    order: np.ndarray,
    release: np.ndarray,
    durs: np.ndarray,
    dem: np.ndarray,
    profile: np.ndarray,
    base: np.ndarray,
    pred_ptr: np.ndarray,
    pred_idx: np.ndarray,
    pred_kind: np.ndarray,
    pred_lag: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Starts of the serial scheme over ``order``, none before ``release``; and the blockers.

    ``dem[j]`` is activity ``j``'s demand per renewable in its (fixed) mode.
    ``blocker[j]`` is the first resource that kept ``j`` from starting at its
    earliest precedence- and release-feasible period, or -1.
    """
    n = order.shape[0]
    avail = K._fresh(base, profile, 256)
    starts = np.zeros(n, dtype=np.int64)
    blocker = np.full(n, -1, dtype=np.int64)
    for k in range(n):
        j = order[k]
        d = durs[j]
        t = K._earliest(j, d, starts, durs, pred_ptr, pred_idx, pred_kind, pred_lag, release[j])
        if d > 0:
            earliest = t
            avail = K._grow(avail, base, t + d)
            row = dem[j]
            for r in range(row.shape[0]):
                q = row[r]
                if q == 0:
                    continue
                for u in range(earliest, earliest + d):
                    if avail[r, u] < q:
                        blocker[j] = r
                        break
                if blocker[j] >= 0:
                    break
            t, avail = K._first_fit(avail, base, row, t, d)
            avail = K._book(avail, base, row, t, d)
        starts[j] = t
    return starts, blocker
