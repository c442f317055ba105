"""Priority rules that turn a problem into a precedence-feasible activity list.

Smaller value = scheduled earlier. Rules (Kolisch 1996 names):
LFT latest finish time, LST latest start time, MSLK minimum slack,
MTS most total successors, GRPW greatest rank positional weight, SPT shortest processing time.
"""

from __future__ import annotations

from collections.abc import Sequence
from enum import StrEnum

import numpy as np

from keystage.engine.rcpsp.compiled import Compiled, delta


class Rule(StrEnum):
    """Names of the priority rules."""

    LFT = "LFT"
    LST = "LST"
    MSLK = "MSLK"
    MTS = "MTS"
    GRPW = "GRPW"
    SPT = "SPT"


def _windows(c: Compiled, order: Sequence[int], dur: Sequence[int]) -> tuple[list[int], list[int]]:
    es = [0] * c.n
    for j in order:
        for i, kind, lag in c.preds[j]:
            es[j] = max(es[j], es[i] + delta(kind, lag, dur[i], dur[j]))
    horizon = max((es[i] + dur[i] for i in range(c.n)), default=0)
    ls = [horizon - dur[i] for i in range(c.n)]
    for i in reversed(order):
        for j, kind, lag in c.succs[i]:
            ls[i] = min(ls[i], ls[j] - delta(kind, lag, dur[i], dur[j]))
    return es, ls


def _total_successors(c: Compiled, order: Sequence[int]) -> list[int]:
    reach: list[int] = [0] * c.n  # bitsets as Python ints
    for i in reversed(order):
        bits = 0
        for j, _k, _lag in c.succs[i]:
            bits |= reach[j] | (1 << j)
        reach[i] = bits
    return [b.bit_count() for b in reach]


def priority_values(
    c: Compiled, rule: Rule, topo: Sequence[int], modes: Sequence[int]
) -> list[float]:
    """Value of ``rule`` for every activity under the given modes (lower = earlier)."""
    dur = c.mode_durations(modes)
    if rule in (Rule.LFT, Rule.LST, Rule.MSLK):
        es, ls = _windows(c, topo, dur)
        if rule is Rule.LFT:
            return [float(ls[i] + dur[i]) for i in range(c.n)]
        if rule is Rule.LST:
            return [float(ls[i]) for i in range(c.n)]
        return [float(ls[i] - es[i]) for i in range(c.n)]
    if rule is Rule.MTS:
        return [-float(v) for v in _total_successors(c, topo)]
    if rule is Rule.GRPW:
        return [-float(dur[i] + sum(dur[j] for j, _k, _l in c.succs[i])) for i in range(c.n)]
    return [float(d) for d in dur]


def rule_order(c: Compiled, values: Sequence[float]) -> list[int]:
    """Deterministic activity list: eligible activity with the smallest value first."""
    return c.ordered(lambda i: (values[i], i))


def sampled_order(
    c: Compiled, values: Sequence[float], rng: np.random.Generator, bias: float = 2.0
) -> list[int]:
    """Regret-based biased random sampling of an activity list from rule values."""
    indeg = [len(c.preds[j]) for j in range(c.n)]
    eligible = [j for j in range(c.n) if indeg[j] == 0]
    out: list[int] = []
    while eligible:
        worst = max(values[j] for j in eligible)
        weights = [(worst - values[j] + 1.0) ** bias for j in eligible]
        total = sum(weights)
        pick = rng.random() * total
        k = 0
        acc = weights[0]
        while acc < pick and k + 1 < len(eligible):
            k += 1
            acc += weights[k]
        i = eligible.pop(k)
        out.append(i)
        for j, _kind, _lag in c.succs[i]:
            indeg[j] -= 1
            if indeg[j] == 0:
                eligible.append(j)
    return out
