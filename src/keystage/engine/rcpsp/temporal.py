"""The temporal network of a problem: longest paths over minimum and maximum lags.

Every timing rule is an arc ``u -> v`` of weight ``w`` meaning ``S_v >= S_u + w``
(start-to-start distances, as in RCPSP/max): a minimum lag is a forward arc, a
maximum lag a backward arc with the negated lag, a release date an arc from the
project start. The earliest starts are the longest paths from the project
start; they exist exactly when no cycle has a positive length (the lags of
the cycle ask for more time than they allow). Resources are ignored here.

Pure functions over activity indexes, so that :mod:`keystage.engine.rcpsp.problem`
can validate with them while building.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Sequence
from dataclasses import dataclass

from keystage.engine.network import LinkType


def distance_range(
    kind: LinkType, lag: int, d_pred: Sequence[int], d_succ: Sequence[int]
) -> tuple[int, int]:
    """Least and greatest ``S_succ - S_pred`` a link of ``kind`` and ``lag`` sets over all modes.

    ``d_pred`` and ``d_succ`` are the durations of the modes of each end.
    FS: ``E_pred + lag``; SS: ``S_pred + lag``; FF: ``E_succ`` from ``E_pred + lag``;
    SF: ``E_succ`` from ``S_pred + lag``.
    """
    if kind is LinkType.FS:
        return min(d_pred) + lag, max(d_pred) + lag
    if kind is LinkType.SS:
        return lag, lag
    if kind is LinkType.FF:
        return min(d_pred) + lag - max(d_succ), max(d_pred) + lag - min(d_succ)
    return lag - max(d_succ), lag - min(d_succ)


@dataclass(frozen=True)
class PositiveCycle:
    """Activity indexes on a cycle of arcs, in order, and by how much its lags overrun."""

    nodes: tuple[int, ...]
    length: int


def earliest_starts(
    n: int,
    arcs: Sequence[tuple[int, int, int]],
    releases: Sequence[int],
    order: Sequence[int] | None = None,
) -> list[int] | PositiveCycle:
    """Longest-path earliest starts ``>= releases`` over ``arcs`` ``(u, v, w)``: ``S_v >= S_u + w``.

    Label-correcting Bellman–Ford with a FIFO queue, O(n·m) at worst; seeded in
    ``order`` (a topological order of the forward arcs), a network without
    backward arcs takes one pass. Returns a :class:`PositiveCycle` instead when
    the arcs contain one.
    """
    out: list[list[tuple[int, int]]] = [[] for _ in range(n)]
    for u, v, w in arcs:
        out[u].append((v, w))
    es = [max(0, r) for r in releases]
    parent: list[tuple[int, int] | None] = [None] * n
    count = [0] * n
    queue = deque(range(n) if order is None else order)
    queued = [True] * n
    while queue:
        u = queue.popleft()
        queued[u] = False
        for v, w in out[u]:
            if es[u] + w > es[v]:
                es[v] = es[u] + w
                parent[v] = (u, w)
                count[v] += 1
                if count[v] > n:
                    return _cycle_through(v, parent, n)
                if not queued[v]:
                    queued[v] = True
                    queue.append(v)
    return es


def _cycle_through(v: int, parent: Sequence[tuple[int, int] | None], n: int) -> PositiveCycle:
    """The cycle reached by following ``parent`` from ``v`` (one exists when ``v`` kept rising)."""
    for _ in range(n):
        step = parent[v]
        assert step is not None
        v = step[0]
    nodes = [v]
    length = 0
    u = v
    while True:
        step = parent[u]
        assert step is not None
        length += step[1]
        u = step[0]
        if u == v:
            break
        nodes.append(u)
    nodes.reverse()
    first = nodes.index(min(nodes))  # start from the earliest activity, for a stable message
    return PositiveCycle(tuple(nodes[first:] + nodes[:first]), length)
