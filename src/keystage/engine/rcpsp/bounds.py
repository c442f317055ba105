"""Time windows and lower bounds on the makespan.

* critical path: the longest chain of generalised precedences with every
  activity in its shortest mode;
* energy: a renewable resource must deliver, over the whole project, at least
  the sum of the least work (duration x demand) every activity needs from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from keystage.engine.rcpsp.compiled import FF, FS, SF, SS, Compiled
from keystage.engine.rcpsp.problem import Problem


def min_delta(c: Compiled, i: int, kind: int, lag: int, j: int) -> int:
    """Smallest start distance of a link over all mode choices of both ends."""
    if kind == FS:
        return min(c.dur[i]) + lag
    if kind == SS:
        return lag
    if kind == FF:
        return min(c.dur[i]) + lag - max(c.dur[j])
    assert kind == SF
    return lag - max(c.dur[j])


def earliest_starts(c: Compiled, order: tuple[int, ...]) -> list[int]:
    """Earliest start of each activity ignoring resources (any mode)."""
    es = [0] * c.n
    for j in order:
        for i, kind, lag in c.preds[j]:
            es[j] = max(es[j], es[i] + min_delta(c, i, kind, lag, j))
    return es


def latest_starts(c: Compiled, order: tuple[int, ...], horizon: int) -> list[int]:
    """Latest start of each activity so that everything finishes by ``horizon``."""
    ls = [horizon - min(c.dur[i]) for i in range(c.n)]
    for i in reversed(order):
        for j, kind, lag in c.succs[i]:
            ls[i] = min(ls[i], ls[j] - min_delta(c, i, kind, lag, j))
    return ls


def critical_path_bound(c: Compiled, order: tuple[int, ...]) -> int:
    """Length of the longest precedence chain with shortest modes."""
    es = earliest_starts(c, order)
    return max((es[i] + min(c.dur[i]) for i in range(c.n)), default=0)


def energy_bound(c: Compiled) -> int:
    """Smallest horizon whose cumulated capacity covers the least total work per resource."""
    best = 0
    for r in range(c.n_res):
        need = sum(
            min(d * dict(dem).get(r, 0) for d, dem in zip(c.dur[i], c.dem[i], strict=True))
            for i in range(c.n)
        )
        if need == 0:
            continue
        base = c.base_cap[r]
        acc, t = 0, 0
        for cap in c.profiles[r]:
            if acc >= need:
                break
            acc += cap
            t += 1
        if acc < need:
            t += -(-(need - acc) // base)
        best = max(best, t)
    return best


@dataclass(frozen=True)
class LowerBounds:
    """Makespan lower bounds and which one is strongest."""

    critical_path: int
    energy: int

    @property
    def best(self) -> int:
        """The strongest of the bounds."""
        return max(self.critical_path, self.energy)


def lower_bounds(problem: Problem, c: Compiled | None = None) -> LowerBounds:
    """Compute the critical-path and energy lower bounds of ``problem``."""
    c = c or Compiled(problem)
    return LowerBounds(critical_path_bound(c, problem.topological_order), energy_bound(c))
