"""Vectorised critical-path passes over integer working-minute positions.

Every link type reduces to one inequality between early starts::

    es[succ] >= es[pred] + weight

with ``weight = lag + (dur[pred] if the link leaves the predecessor's finish)
- (dur[succ] if it reaches the successor's finish)``. The network is sorted
into topological levels once (Kahn's algorithm, one numpy step per level);
each pass then handles a whole level with a gather, a grouped
``maximum.reduceat`` / ``minimum.reduceat`` and a scatter.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt

from keystage.engine.calendars import IntArray

BIG = np.int64(1) << np.int64(60)


class CycleFound(Exception):
    """Internal: the nodes listed form a cycle (translated to CycleError by callers)."""

    def __init__(self, nodes: list[int]) -> None:
        super().__init__(nodes)
        self.nodes = nodes


def _ranges(starts: IntArray, counts: IntArray) -> IntArray:
    """Concatenate ``arange(s, s + c)`` for each pair, vectorised."""
    total = int(counts.sum())
    offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    return offsets + np.arange(total, dtype=np.int64)


def topological_levels(n: int, pred: IntArray, succ: IntArray) -> IntArray:
    """Level of each node (longest chain of links before it); raises CycleFound."""
    indeg = np.bincount(succ, minlength=n).astype(np.int64)
    order = np.argsort(pred, kind="stable")
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.cumsum(np.bincount(pred, minlength=n), out=ptr[1:])
    succ_sorted = succ[order]
    level = np.full(n, -1, dtype=np.int64)
    frontier = np.flatnonzero(indeg == 0)
    k = 0
    while frontier.size:
        level[frontier] = k
        starts = ptr[frontier]
        counts = ptr[frontier + 1] - starts
        if not counts.any():
            break
        targets, hits = np.unique(succ_sorted[_ranges(starts, counts)], return_counts=True)
        indeg[targets] -= hits
        frontier = targets[indeg[targets] == 0]
        k += 1
    if (level < 0).any():
        raise CycleFound(_find_cycle(np.flatnonzero(level < 0), pred, succ))
    return level


def _find_cycle(stuck: IntArray, pred: IntArray, succ: IntArray) -> list[int]:
    """A cycle among nodes left over by Kahn's algorithm (each has a stuck predecessor)."""
    inside = set(stuck.tolist())
    preds_of: dict[int, int] = {}
    for p, s in zip(pred.tolist(), succ.tolist(), strict=True):
        if p in inside and s in inside:
            preds_of.setdefault(s, p)
    node = int(stuck[0])
    seen: dict[int, int] = {}
    walk: list[int] = []
    while node not in seen:
        seen[node] = len(walk)
        walk.append(node)
        node = preds_of[node]
    return list(reversed(walk[seen[node] :]))


@dataclass(frozen=True)
class LevelPlan:
    """Links grouped by the level of one end, ready for per-level reductions."""

    links: IntArray  # link indices in processing order
    bounds: list[tuple[int, int, IntArray, IntArray]]  # (first, last, local groups, nodes)

    @classmethod
    def build(cls, level: IntArray, key: IntArray, reverse: bool) -> LevelPlan:
        """Group links by ``level[key]`` (descending if ``reverse``), then by ``key``."""
        lv = level[key]
        if not lv.size:
            return cls(lv, [])
        rank = lv.max() - lv if reverse else lv
        sort_key = rank * np.int64(level.size) + key
        order = np.argsort(sort_key)
        sort_key, lv, k = sort_key[order], lv[order], key[order]
        change = np.flatnonzero(sort_key[1:] != sort_key[:-1]) + 1
        group_starts = np.concatenate(([0], change))
        level_change = np.flatnonzero(lv[1:] != lv[:-1]) + 1
        level_starts = np.concatenate(([0], level_change, [order.size]))
        bounds = []
        gi = np.searchsorted(group_starts, level_starts)
        for j in range(level_starts.size - 1):
            a, b = int(level_starts[j]), int(level_starts[j + 1])
            groups = group_starts[gi[j] : gi[j + 1]]
            bounds.append((a, b, groups - a, k[groups]))
        return cls(order, bounds)


@dataclass(frozen=True)
class PassResult:
    """Early and late starts in positions; finishes are ``start + dur``."""

    es: IntArray
    ls: IntArray
    finish: int


def forward(
    plan: LevelPlan,
    pred: IntArray,
    weight: IntArray,
    floor: IntArray,
    cap: IntArray,
    late: tuple[npt.NDArray[np.bool_], IntArray] | None = None,
) -> IntArray:
    """Early starts: max over incoming links and the floor, then capped (constraints win).

    With ``late = (mask, ls)``, successors of masked activities (as late as
    possible) read those activities' late starts instead of their early starts.
    """
    es = np.minimum(floor, cap)
    src = es if late is None else np.where(late[0], late[1], es)
    p, w = pred[plan.links], weight[plan.links]
    for a, b, groups, nodes in plan.bounds:
        best = np.maximum.reduceat(src[p[a:b]] + w[a:b], groups)
        es[nodes] = np.minimum(np.maximum(best, floor[nodes]), cap[nodes])
        if late is not None:
            src[nodes] = np.where(late[0][nodes], late[1][nodes], es[nodes])
    return es


def backward(
    plan: LevelPlan,
    succ: IntArray,
    weight: IntArray,
    ls_cap: IntArray,
    fixed: IntArray | None = None,
    deadline: IntArray | None = None,
) -> IntArray:
    """Late starts: min over outgoing links and the cap; ``fixed`` overrides, ``deadline`` caps.

    ``fixed`` holds the late start of must-start/must-finish-on activities (``BIG`` = none).
    """

    def settle(values: IntArray, nodes: IntArray | slice) -> IntArray:
        if fixed is not None:
            values = np.where(fixed[nodes] < BIG, fixed[nodes], values)
        if deadline is not None:
            values = np.minimum(values, deadline[nodes])
        return values

    ls = settle(ls_cap.copy(), slice(None))
    s, w = succ[plan.links], weight[plan.links]
    for a, b, groups, nodes in plan.bounds:
        best = np.minimum.reduceat(ls[s[a:b]] - w[a:b], groups)
        ls[nodes] = settle(np.minimum(best, ls_cap[nodes]), nodes)
    return ls


def free_float(
    n: int, pred: IntArray, succ: IntArray, weight: IntArray, start: IntArray, tf: IntArray
) -> IntArray:
    """Free float: least slack on any outgoing link, within ``0..max(total float, 0)``.

    ``start`` holds the scheduled starts (late starts for as-late-as-possible activities).
    """
    slack = start[succ] - start[pred] - weight
    ff = np.full(n, BIG, dtype=np.int64)
    np.minimum.at(ff, pred, slack)
    return np.clip(np.minimum(ff, tf), 0, None)


# Maximum lags. Each one adds a reverse edge (successor -> predecessor, negative
# weight), so the network is no longer acyclic. Early starts are then a longest-path
# fixpoint (label correcting): a full forward pass over the acyclic minimum-lag links,
# then every reverse edge pulls its predecessor later, and again, until nothing moves.
# Without a positive cycle a longest path uses each reverse edge at most once, so the
# fixpoint is reached within ``len(reverse edges) + 1`` rounds; still moving after
# that means a cycle gains time on every round (see :func:`positive_cycle`).
#
# After the first full pass, a round only re-relaxes what the reverse edges moved
# (:class:`Spread`): the moved activities push their successors level by level, in
# topological order of the minimum-lag links, and the push stops where nothing more
# moves. Each round gives exactly what a full pass from the pulled starts gives, so a
# chain of k maximum lags costs k small pushes instead of k full passes.

Reverse = tuple[IntArray, IntArray, IntArray]  # (from successor, to predecessor, weight)


@dataclass(frozen=True)
class Spread:
    """A level plan's links from source to target, with each node's rank (level in the
    pass's direction) and the highest rank among its targets, to re-run part of a pass."""

    plan: LevelPlan
    source: IntArray  # source end of each link, in the plan's order
    weight: IntArray  # in the plan's order
    rank: IntArray
    reach: IntArray  # highest rank among each node's targets (-1: none)

    @classmethod
    def build(
        cls, plan: LevelPlan, source: IntArray, target: IntArray, weight: IntArray, rank: IntArray
    ) -> Spread:
        """For ``plan`` grouping the links by ``target``, rank 1, 2, ... in its bounds."""
        reach = np.full(rank.size, -1, dtype=np.int64)
        np.maximum.at(reach, source, rank[target])
        return cls(plan, source[plan.links], weight[plan.links], rank, reach)

    def raise_from(
        self,
        x: IntArray,
        moved: IntArray,
        cap: IntArray,
        late: tuple[npt.NDArray[np.bool_], IntArray] | None = None,
    ) -> None:
        """Re-run the pass in place on ``x`` (a settled pass then raised at ``moved``):
        ``x[target] = min(max(x[target], x[source] + weight), cap)`` level by level,
        from the lowest rank moved to the highest a change reaches, so that the result
        equals a full pass from ``x``. ``late`` as for :func:`forward`."""
        src = x if late is None else np.where(late[0], late[1], x)
        if late is not None:
            moved = moved[~late[0][moved]]
        if not moved.size:
            return
        j, horizon = int(self.rank[moved].min()), int(self.reach[moved].max())
        bounds = self.plan.bounds
        while j < min(len(bounds), horizon):  # bounds[j] holds rank j + 1
            a, b, groups, nodes = bounds[j]
            best = np.maximum.reduceat(src[self.source[a:b]] + self.weight[a:b], groups)
            new = np.minimum(np.maximum(best, x[nodes]), cap[nodes])
            changed = nodes[new != x[nodes]]
            x[nodes] = new
            if late is not None:
                src[nodes] = np.where(late[0][nodes], late[1][nodes], new)
                changed = changed[~late[0][changed]]
            if changed.size:
                horizon = max(horizon, int(self.reach[changed].max()))
            j += 1


def forward_max(
    plan: LevelPlan,
    pred: IntArray,
    weight: IntArray,
    floor: IntArray,
    cap: IntArray,
    reverse: Reverse,
    late: tuple[npt.NDArray[np.bool_], IntArray] | None = None,
    gains: Callable[[IntArray], bool] | None = None,
    spread: Spread | None = None,
) -> tuple[IntArray, bool]:
    """Early starts honouring maximum lags, and whether they settled (else a positive cycle
    keeps raising them; the starts reached are returned to seed :func:`positive_cycle`).

    ``gains(es)``, asked after 8, 16, 32... unsettled rounds, may stop the search early
    by reporting a positive cycle (a full pass per round is costly on large networks).
    ``spread`` (this pass's links) lets a round re-run only the levels that what moved
    can reach; without it each round is a full pass.

    A predecessor pulled past its cap stays at the cap (constraints win, as for
    links); the caller checks the reverse edges afterwards and names the conflict.
    """
    frm, to, w = reverse
    es = forward(plan, pred, weight, floor, cap, late)
    for rounds in range(1, frm.size + 3):
        if gains is not None and rounds >= 8 and rounds & (rounds - 1) == 0 and gains(es):
            return es, False
        src = es if late is None else np.where(late[0], late[1], es)
        pulled = es.copy()
        np.maximum.at(pulled, to, src[frm] + w)
        pulled = np.minimum(pulled, cap)
        moved = np.flatnonzero(pulled != es)
        if not moved.size:
            return es, True
        if spread is None:
            es = forward(plan, pred, weight, pulled, cap, late)
        else:
            es = pulled
            spread.raise_from(es, moved, cap, late)
    return es, False


def backward_max(
    plan: LevelPlan,
    succ: IntArray,
    weight: IntArray,
    ls_cap: IntArray,
    reverse: Reverse,
    fixed: IntArray | None = None,
    deadline: IntArray | None = None,
    spread: Spread | None = None,
) -> IntArray:
    """Late starts honouring maximum lags: a reverse edge ``p >= s + w`` caps ``ls[s]``
    at ``ls[p] - w`` (the successor may not slip so far that it drags the predecessor
    past its own late start); iterated to the fixpoint as :func:`forward_max`.

    ``spread`` (this pass's links, ranked in reverse level order) lets a round re-run,
    as negated starts raised, only the levels that what moved can reach."""
    frm, to, w = reverse
    ls = backward(plan, succ, weight, ls_cap, fixed, deadline)
    held = None if fixed is None else fixed < BIG
    for _ in range(frm.size + 2):
        pushed = ls.copy()
        np.minimum.at(pushed, frm, ls[to] - w)
        if held is not None:
            pushed = np.where(held, ls, pushed)  # a held late start is final (settled)
        moved = np.flatnonzero(pushed != ls)
        if not moved.size:
            break
        if spread is None:
            ls = backward(plan, succ, weight, pushed, fixed, deadline)
            continue
        neg = -pushed
        neg_cap = np.full(ls.size, BIG) if held is None else np.where(held, -ls, BIG)
        spread.raise_from(neg, moved, neg_cap)
        ls = -neg
    return ls


def positive_cycle(
    n: int,
    pred: IntArray,
    succ: IntArray,
    weight: IntArray,
    start: IntArray | None = None,
    rounds: int | None = None,
) -> list[int]:
    """Edge indices of a cycle of positive total weight, in order (empty if none).

    Bellman-Ford for longest paths (from ``start``, else from every node at 0),
    recording the edge that last raised each node; a cycle among those parent edges
    gains time. Bounded by ``rounds`` (default ``n + 1``, enough to be sure), each a
    sorted reduction (vectorised). The parent graph is searched (pointer doubling,
    O(n log n)) after rounds 1, 2, 4, 8... and the last, not after every round: a cycle
    that gains time keeps raising its nodes, so it is still there when next searched.
    """
    dist = np.zeros(n, dtype=np.int64) if start is None else start.copy()
    parent = np.full(n, -1, dtype=np.int64)
    order = np.argsort(succ, kind="stable")
    p, s, w = pred[order], succ[order], weight[order]
    heads = np.flatnonzero(np.concatenate(([True], s[1:] != s[:-1])))
    nodes = s[heads]
    last = n + 1 if rounds is None else min(rounds, n + 1)
    for done in range(1, last + 1):
        cand = dist[p] + w
        best = np.maximum.reduceat(cand, heads)
        raised = best > dist[nodes]
        if not raised.any():
            return []
        # the first edge of each raised node's group reaching its best value
        hit = cand == np.repeat(best, np.diff(np.append(heads, cand.size)))
        first = heads + _first_true(hit, heads)
        parent[nodes[raised]] = order[first[raised]]
        dist[nodes[raised]] = best[raised]
        if done & (done - 1) and done != last:
            continue
        found = _parent_cycle(parent, pred)
        if found and int(weight[found].sum()) > 0:
            return found
    return []


def _first_true(mask: npt.NDArray[np.bool_], heads: IntArray) -> IntArray:
    """Offset of the first True of each group (groups start at ``heads``)."""
    index = np.where(mask, np.arange(mask.size), mask.size)
    return np.minimum.reduceat(index, heads) - heads


def _parent_cycle(parent: IntArray, pred: IntArray) -> list[int]:
    """A cycle in the graph of parent edges (node -> the edge that raised it), if any.

    Pointer doubling: after ``2**k >= n`` steps every walk sits on a cycle or has ended.
    """
    up = np.where(parent >= 0, pred[np.maximum(parent, 0)], -1)
    jump = up.copy()
    steps = 1
    while steps < up.size:
        jump = np.where(jump >= 0, jump[np.maximum(jump, 0)], -1)
        steps *= 2
    on_cycle = np.flatnonzero(jump >= 0)
    if not on_cycle.size:
        return []
    start = node = int(jump[on_cycle[0]])
    walk = []
    while True:
        walk.append(node)
        node = int(up[node])
        if node == start:
            break
    return [int(parent[v]) for v in reversed(walk)]
