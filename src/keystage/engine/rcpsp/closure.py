"""Transitive precedences, start-to-start distances and precedence-energy delays.

For every pair ``(i, j)`` where ``j`` follows ``i`` through a chain of links:

* ``dist[i, j]``: the least distance ``S_j - S_i`` the links impose (longest
  path, every activity in the mode that makes the link shortest);
* ``delay[i, j]``: a least gap between the end of ``i`` and the start of ``j``.
  In a network of finish-to-start links with non-negative lags every activity
  ``k`` that follows ``i`` and precedes ``j`` runs inside that gap, so the gap
  is at least the work ``k`` needs from any resource divided by its capacity
  (Brucker & Knust's precedence-energy reasoning). The same holds from the
  project start to ``S_j`` (the "head") and from ``E_i`` to the finish (the "tail").

The heads, tails and delays give start windows, a lower bound on the makespan
and redundant constraints for the CP-SAT model. Everything is dense ``n x n``
numpy, so callers keep it to a few hundred activities.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from keystage.engine.rcpsp.bounds import min_delta
from keystage.engine.rcpsp.compiled import FS, Compiled

NONE = -(10**9)  # "no path" in ``dist``


@dataclass(frozen=True)
class Distances:
    """Transitive closure, distances, energy delays, heads and tails of a problem."""

    after: np.ndarray  # bool [i, j]: j follows i transitively
    dist: np.ndarray  # int [i, j]: least S_j - S_i, NONE without a path
    delay: np.ndarray  # int [i, j]: least S_j - E_i from resources (0 without a path)
    head: np.ndarray  # int [j]: least S_j
    tail: np.ndarray  # int [i]: least (makespan - E_i)
    energetic: bool  # True when delays, heads and tails use precedence energy
    dmin: np.ndarray  # int [i]: shortest duration

    @property
    def lower_bound(self) -> int:
        """``max_j head_j + least duration_j + tail_j`` (0 for an empty problem)."""
        if not len(self.head):
            return 0
        return int(np.max(self.head + self.dmin + self.tail))


def _least_work(c: Compiled) -> np.ndarray:
    """``w[r, k]``: least work (duration x demand) activity ``k`` needs from resource ``r``."""
    w = np.zeros((c.n_res, c.n), dtype=np.int64)
    for k in range(c.n):
        for r in range(c.n_res):
            w[r, k] = min(
                d * dict(dem).get(r, 0) for d, dem in zip(c.dur[k], c.dem[k], strict=True)
            )
    return w


def _ceil_div(a: np.ndarray, b: int) -> np.ndarray:
    return np.asarray(-(-a // b), dtype=np.int64)


def compute_distances(c: Compiled, order: tuple[int, ...]) -> Distances:
    """Closure, distances and (for finish-to-start networks) precedence-energy delays."""
    n = c.n
    dist = np.full((n, n), NONE, dtype=np.int64)
    after = np.zeros((n, n), dtype=bool)
    dmin = np.array([min(d) for d in c.dur], dtype=np.int64)
    for j in order:  # predecessors' rows are final when j is reached
        for i, kind, lag in c.preds[j]:
            step = min_delta(c, i, kind, lag, j)
            col = np.where(after[:, i], dist[:, i] + step, NONE)
            np.maximum(dist[:, j], col, out=dist[:, j])
            after[:, j] |= after[:, i]
            after[i, j] = True
            dist[i, j] = max(dist[i, j], step)
    energetic = all(kind == FS and lag >= 0 for row in c.preds for _i, kind, lag in row)
    delay = np.zeros((n, n), dtype=np.int64)
    head = np.zeros(n, dtype=np.int64)
    tail = np.zeros(n, dtype=np.int64)
    if energetic and n:
        a = after.astype(np.int64)
        w = _least_work(c)
        for r in range(c.n_res):
            cap = c.base_cap[r]
            if cap <= 0 or not w[r].any():
                continue
            between = (a * w[r]) @ a  # [i, j]: work of activities after i and before j
            delay = np.maximum(delay, _ceil_div(between, cap))
            head = np.maximum(head, _ceil_div(a.T @ w[r], cap))  # work of all predecessors
            tail = np.maximum(tail, _ceil_div(a @ w[r], cap))  # work of all successors
        delay = np.where(after, np.maximum(delay, dist - dmin[:, None]), 0)
        # Propagate heads and tails along the strengthened delays (topological passes).
        for j in order:
            preds = np.flatnonzero(after[:, j])
            if len(preds):
                head[j] = max(head[j], int(np.max(head[preds] + dmin[preds] + delay[preds, j])))
        for i in reversed(order):
            succs = np.flatnonzero(after[i])
            if len(succs):
                tail[i] = max(tail[i], int(np.max(delay[i, succs] + dmin[succs] + tail[succs])))
    else:
        for j in order:
            for i, kind, lag in c.preds[j]:
                head[j] = max(head[j], head[i] + min_delta(c, i, kind, lag, j))
    return Distances(after, dist, delay, head, tail, energetic, dmin)
