"""Index-based, list-of-int view of a :class:`Problem` for the fast inner loops.

Heuristics call the schedule generation schemes thousands of times; this view
replaces id lookups and dataclass attribute access by plain lists.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

from keystage.engine.network import Link, LinkType
from keystage.engine.rcpsp.problem import MaxLag, Problem, lag_periods

FS, SS, FF, SF = 0, 1, 2, 3
_CODE = {LinkType.FS: FS, LinkType.SS: SS, LinkType.FF: FF, LinkType.SF: SF}
# Reversing time turns FS->FS, SS->FF, FF->SS, SF->SF (see ``Compiled.reversed``).
_REVERSED = {FS: FS, SS: FF, FF: SS, SF: SF}


def delta(kind: int, lag: int, d_pred: int, d_succ: int) -> int:
    """Minimum start-to-start distance of a link once durations are fixed."""
    if kind == FS:
        return d_pred + lag
    if kind == SS:
        return lag
    if kind == FF:
        return d_pred + lag - d_succ
    return lag - d_succ


def link_delta(link: Link, d_pred: int, d_succ: int) -> int:
    """:func:`delta` of a :class:`~keystage.engine.network.Link` whose lag is in periods."""
    return delta(_CODE[link.type], lag_periods(link), d_pred, d_succ)


def max_lag_delta(max_lag: MaxLag, d_pred: int, d_succ: int) -> int:
    """Greatest start-to-start distance a :class:`MaxLag` allows once durations are fixed."""
    return delta(_CODE[max_lag.type], int(max_lag.lag), d_pred, d_succ)


class Compiled:
    """Plain-list arrays of a problem: durations, demands, links and capacities."""

    def __init__(self, problem: Problem | None = None) -> None:
        self.n = 0
        self.n_res = 0
        self.kept: list[list[int]] = []
        self.dur: list[list[int]] = []
        self.dem: list[list[list[tuple[int, int]]]] = []
        self.nr_dem: list[list[list[int]]] = []
        self.budgets: list[int] = []
        self.preds: list[list[tuple[int, int, int]]] = []
        self.succs: list[list[tuple[int, int, int]]] = []
        self.base_cap: list[int] = []
        self.profiles: list[list[int]] = []
        # Maximum lags (pred, succ, kind, lag), release dates and deadlines (None: no
        # deadline); only the CP-SAT model reads them.
        self.max_lags: list[tuple[int, int, int, int]] = []
        self.release: list[int] = []
        self.deadline: list[int | None] = []
        if problem is not None:
            self._load(problem)

    def _load(self, p: Problem) -> None:
        self.n = len(p.activities)
        self.n_res = len(p.renewables)
        rix = p.resource_index
        self.kept = [list(ms) for ms in p.usable_modes]
        modes = [[ms[m] for m in kept] for ms, kept in zip(p.mode_table, self.kept, strict=True)]
        self.dur = [[m.duration for m in ms] for ms in modes]
        self.dem = [
            [sorted((rix[r], q) for r, q in m.demands.items() if r in rix) for m in ms]
            for ms in modes
        ]
        self.budgets = [nr.budget for nr in p.nonrenewables]
        self.nr_dem = [[[m.demand(nr.id) for nr in p.nonrenewables] for m in ms] for ms in modes]
        self.preds = [[] for _ in range(self.n)]
        self.succs = [[] for _ in range(self.n)]
        for i, j, lk in p.link_pairs:
            self.preds[j].append((i, _CODE[lk.type], lag_periods(lk)))
            self.succs[i].append((j, _CODE[lk.type], lag_periods(lk)))
        self.max_lags = [(i, j, _CODE[ml.type], int(ml.lag)) for i, j, ml in p.max_lag_pairs]
        self.release = [int(p.releases.get(a.id, 0)) for a in p.activities]
        self.deadline = [
            None if a.id not in p.deadlines else int(p.deadlines[a.id]) for a in p.activities
        ]
        self.base_cap = [r.capacity for r in p.renewables]
        horizon = max((r.last_change for r in p.renewables), default=0)
        self.profiles = [r.profile(horizon) for r in p.renewables]

    def reversed(self) -> Compiled:
        """The time-mirrored problem: links point backwards, demands unchanged.

        A start-time distance ``S_j >= S_i + delta`` becomes
        ``S'_i >= S'_j + delta + d_j - d_i``, which is again one of the four link types.
        Capacity profiles are not mirrored here; the caller passes them per pass.
        """
        r = Compiled()
        r.n, r.n_res, r.dur, r.dem, r.kept = self.n, self.n_res, self.dur, self.dem, self.kept
        r.nr_dem, r.budgets, r.base_cap = self.nr_dem, self.budgets, self.base_cap
        r.preds = [[(j, _REVERSED[k], lag) for j, k, lag in self.succs[i]] for i in range(self.n)]
        r.succs = [[(i, _REVERSED[k], lag) for i, k, lag in self.preds[j]] for j in range(self.n)]
        r.profiles = [list(p) for p in self.profiles]
        return r

    @property
    def time_varying(self) -> bool:
        """True when some capacity changes over time."""
        return any(
            any(c != b for c in p) for p, b in zip(self.profiles, self.base_cap, strict=True)
        )

    def mirrored_profiles(self, horizon: int) -> list[list[int]]:
        """Capacity profiles read backwards from ``horizon`` (for backward passes)."""
        out = []
        for p, b in zip(self.profiles, self.base_cap, strict=True):
            full = p[:horizon] + [b] * max(0, horizon - len(p))
            out.append(full[::-1])
        return out

    def ordered(self, key: Callable[[int], float | tuple[float, ...]]) -> list[int]:
        """A precedence-feasible activity list, smallest ``key`` first among the eligible."""
        indeg = [len(self.preds[j]) for j in range(self.n)]
        heap = [(key(j), j) for j in range(self.n) if indeg[j] == 0]
        heapq.heapify(heap)
        out: list[int] = []
        while heap:
            _, i = heapq.heappop(heap)
            out.append(i)
            for j, _k, _lag in self.succs[i]:
                indeg[j] -= 1
                if indeg[j] == 0:
                    heapq.heappush(heap, (key(j), j))
        return out

    def problem_modes(self, modes: Sequence[int]) -> tuple[int, ...]:
        """Compiled mode indexes -> indexes into each activity's ``modes``."""
        return tuple(self.kept[i][m] for i, m in enumerate(modes))

    def compiled_modes(self, modes: Sequence[int]) -> list[int]:
        """Indexes into each activity's ``modes`` -> compiled mode indexes."""
        return [self.kept[i].index(m) for i, m in enumerate(modes)]

    def mode_durations(self, modes: Sequence[int]) -> list[int]:
        """Duration of each activity in the given modes."""
        return [self.dur[i][m] for i, m in enumerate(modes)]

    def nr_excess(self, modes: Sequence[int]) -> int:
        """Total amount by which the chosen modes overrun the consumable budgets."""
        total = 0
        for k, b in enumerate(self.budgets):
            use = sum(self.nr_dem[i][m][k] for i, m in enumerate(modes))
            total += max(0, use - b)
        return total
