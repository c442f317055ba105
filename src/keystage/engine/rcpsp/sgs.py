"""Schedule generation schemes (serial and parallel) and forward-backward improvement.

Both schemes turn a precedence-feasible activity list plus a mode vector into
a resource-feasible schedule on a per-period capacity profile:

* serial: take activities in list order, start each at the earliest period
  that respects its predecessors and leaves enough capacity for its whole duration;
* parallel: advance a clock over decision points and start, in list order,
  every eligible activity that fits now.

Forward-backward improvement (justification) schedules the activities right
to left in order of decreasing finish, then left to right again in order of
the new starts; the makespan never grows and often shrinks.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from keystage.engine.rcpsp.compiled import Compiled, delta


def _earliest(c: Compiled, j: int, starts: list[int], dur: Sequence[int]) -> int:
    t = 0
    dj = dur[j]
    for i, kind, lag in c.preds[j]:
        v = starts[i] + delta(kind, lag, dur[i], dj)
        if v > t:
            t = v
    return t


def _extend(avail: list[list[int]], base: list[int], end: int) -> None:
    if avail and len(avail[0]) < end:
        grow = end - len(avail[0]) + 64
        for a, b in zip(avail, base, strict=True):
            a.extend([b] * grow)


def _fits(avail: list[list[int]], dem: list[tuple[int, int]], t: int, d: int) -> int:
    """Return -1 if the demand fits over ``[t, t+d)``, else the last blocking period."""
    end = t + d
    for r, q in dem:
        a = avail[r]
        if min(a[t:end]) < q:
            k = end - 1
            while a[k] >= q:
                k -= 1
            return k
    return -1


def _book(avail: list[list[int]], dem: list[tuple[int, int]], t: int, d: int) -> None:
    end = t + d
    for r, q in dem:
        a = avail[r]
        a[t:end] = [x - q for x in a[t:end]]


def _fresh(c: Compiled, profiles: list[list[int]] | None, horizon: int) -> list[list[int]]:
    """Working copy of the capacity profiles, at least ``horizon`` periods long."""
    src = profiles if profiles is not None else c.profiles
    size = max([horizon, *(len(p) for p in src)])
    out = []
    for p, b in zip(src, c.base_cap, strict=True):
        row = list(p)
        row.extend([b] * (size - len(row)))
        out.append(row)
    return out


def serial_sgs(
    c: Compiled,
    order: Sequence[int],
    modes: Sequence[int],
    profiles: list[list[int]] | None = None,
) -> list[int]:
    """Serial scheme: start times for activities taken in ``order`` (precedence-feasible)."""
    dur = c.mode_durations(modes)
    horizon = sum(dur) + 1
    avail = _fresh(c, profiles, horizon)
    starts = [0] * c.n
    size = len(avail[0]) if avail else horizon
    for j in order:
        d = dur[j]
        t = _earliest(c, j, starts, dur)
        dem = c.dem[j][modes[j]]
        if d > 0 and dem:
            while True:
                end = t + d
                if end > size:
                    _extend(avail, c.base_cap, end)
                    size = len(avail[0])
                for r, q in dem:
                    a = avail[r]
                    if min(a[t:end]) < q:
                        k = end - 1
                        while a[k] >= q:
                            k -= 1
                        t = k + 1
                        break
                else:
                    break
            end = t + d
            for r, q in dem:
                a = avail[r]
                a[t:end] = [x - q for x in a[t:end]]
        starts[j] = t
    return starts


def parallel_sgs(
    c: Compiled,
    order: Sequence[int],
    modes: Sequence[int],
    profiles: list[list[int]] | None = None,
) -> list[int]:
    """Parallel scheme: at each decision point start every eligible activity that fits."""
    dur = c.mode_durations(modes)
    rank = {j: k for k, j in enumerate(order)}
    horizon = sum(dur) + 1
    avail = _fresh(c, profiles, horizon)
    starts = [0] * c.n
    done = [False] * c.n
    npred = [len(c.preds[j]) for j in range(c.n)]
    ready: dict[int, int] = {j: 0 for j in range(c.n) if npred[j] == 0}
    finishes: set[int] = set()
    t = 0
    left = c.n
    while left:
        for j in sorted((j for j, es in ready.items() if es <= t), key=rank.__getitem__):
            d = dur[j]
            dem = c.dem[j][modes[j]]
            if d > 0 and dem:
                _extend(avail, c.base_cap, t + d)
                if _fits(avail, dem, t, d) >= 0:
                    continue
                _book(avail, dem, t, d)
            starts[j] = t
            done[j] = True
            left -= 1
            del ready[j]
            finishes.add(t + d)
            for s, _k, _lag in c.succs[j]:
                npred[s] -= 1
                if npred[s] == 0:
                    ready[s] = _earliest(c, s, starts, dur)
        if not left:
            break
        later = [f for f in finishes if f > t] + [es for es in ready.values() if es > t]
        t = min(later) if later and not c.time_varying else t + 1
    return starts


def makespan(c: Compiled, starts: Sequence[int], modes: Sequence[int]) -> int:
    """Latest finish of a schedule."""
    return max((starts[i] + c.dur[i][modes[i]] for i in range(c.n)), default=0)


def _neg(values: list[int]) -> Callable[[int], tuple[int, int]]:
    return lambda i: (-values[i], i)


def justify(
    c: Compiled,
    rev: Compiled,
    starts: list[int],
    modes: Sequence[int],
    rounds: int = 3,
) -> list[int]:
    """Forward-backward improvement; returns a schedule never longer than ``starts``."""
    dur = c.mode_durations(modes)
    best = starts
    best_ms = makespan(c, starts, modes)
    mirrored = c.time_varying
    for _ in range(rounds):
        fin = [best[i] + dur[i] for i in range(c.n)]
        back_order = rev.ordered(_neg(fin))
        profiles = c.mirrored_profiles(best_ms) if mirrored else None
        back = serial_sgs(rev, back_order, modes, profiles)
        ends = [back[i] + dur[i] for i in range(c.n)]
        fwd_order = c.ordered(_neg(ends))
        fwd = serial_sgs(c, fwd_order, modes)
        ms = makespan(c, fwd, modes)
        if ms < best_ms:
            best, best_ms = fwd, ms
        else:
            break
    return best
