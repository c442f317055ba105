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

from collections.abc import Callable, MutableSequence, Sequence

from keystage.engine.rcpsp.compiled import Compiled, delta
from keystage.engine.rcpsp.problem import PeriodSchedule, Problem


def _earliest(c: Compiled, j: int, starts: list[int], dur: Sequence[int]) -> int:
    t = 0
    dj = dur[j]
    for i, kind, lag in c.preds[j]:
        v = starts[i] + delta(kind, lag, dur[i], dj)
        if v > t:
            t = v
    return t


# A row of available units per period: a bytearray when every capacity fits in a
# byte (then "a run of d periods at full capacity" is one C-level ``find``), else a list.
Row = MutableSequence[int]


def _extend(avail: list[Row], base: list[int], end: int) -> None:
    if avail and len(avail[0]) < end:
        grow = max(end - len(avail[0]), len(avail[0])) + 64  # geometric: amortised O(1)
        for a, b in zip(avail, base, strict=True):
            a.extend([b] * grow)


def _fits(avail: list[Row], dem: list[tuple[int, int]], t: int, d: int) -> int:
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


def _book(avail: list[Row], dem: list[tuple[int, int]], t: int, d: int) -> None:
    end = t + d
    for r, q in dem:
        a = avail[r]
        a[t:end] = [x - q for x in a[t:end]]


def _fresh(c: Compiled, profiles: list[list[int]] | None, horizon: int) -> list[Row]:
    """Working copy of the capacity profiles, at least ``horizon`` periods long."""
    src = profiles if profiles is not None else c.profiles
    size = max([horizon, *(len(p) for p in src)])
    small = all(0 <= b <= 255 for b in c.base_cap)
    out: list[Row] = []
    for p, b in zip(src, c.base_cap, strict=True):
        row: Row = bytearray(p) if small else list(p)
        row.extend([b] * (size - len(row)))
        out.append(row)
    return out


_RUNS: dict[tuple[int, int], bytes] = {}


def _run(q: int, d: int) -> bytes:
    """``d`` bytes of value ``q`` (cached)."""
    key = (q, d)
    pat = _RUNS.get(key)
    if pat is None:
        pat = _RUNS[key] = bytes((q,)) * d
    return pat


def _first_fit(
    avail: list[Row], base: list[int], dem: list[tuple[int, int]], t: int, d: int
) -> int:
    """Earliest period ``>= t`` where ``dem`` fits for ``d`` periods; grows ``avail``."""
    while True:
        end = t + d
        if end > len(avail[0]):
            _extend(avail, base, end)
        for r, q in dem:
            a = avail[r]
            if q == base[r] and isinstance(a, bytearray):
                # Needs the whole capacity: jump straight to the next free run.
                k = a.find(_run(q, d), t)
                if k < 0:  # free from the last busy period on: grow and look again
                    _extend(avail, base, len(a) + d)
                    k = a.find(_run(q, d), t)
                if k != t:
                    t = k
                    break
                continue
            if min(a[t:end]) < q:
                k = end - 1
                while a[k] >= q:
                    k -= 1
                t = k + 1
                break
        else:
            return t


def serial_sgs(
    c: Compiled,
    order: Sequence[int],
    modes: Sequence[int],
    profiles: list[list[int]] | None = None,
    *,
    choose: bool = False,
) -> list[int]:
    """Serial scheme: start times for activities taken in ``order`` (precedence-feasible).

    With ``choose`` every activity takes the mode that finishes it first given
    what is already scheduled (ties: the given mode, then the lower index); the
    choice is written into ``modes``, which must then be a list. Only for
    problems without consumable budgets.
    """
    dur = c.mode_durations(modes)
    avail = _fresh(c, profiles, 256)  # grows on demand
    starts = [0] * c.n
    for j in order:
        options = range(len(c.dur[j])) if choose and len(c.dur[j]) > 1 else (modes[j],)
        best_t, best_m, best_end = 0, modes[j], -1
        for m in options:
            d = c.dur[j][m]
            dur[j] = d
            t = _earliest(c, j, starts, dur)
            dem = c.dem[j][m]
            if d > 0 and dem:
                t = _first_fit(avail, c.base_cap, dem, t, d)
            if best_end < 0 or t + d < best_end or (t + d == best_end and m == modes[j]):
                best_t, best_m, best_end = t, m, t + d
        dur[j] = c.dur[j][best_m]
        if choose:
            modes[j] = best_m  # type: ignore[index]
        d = dur[j]
        dem = c.dem[j][best_m]
        if d > 0 and dem:
            end = best_t + d
            if end > len(avail[0]):
                _extend(avail, c.base_cap, end)
            for r, q in dem:
                a = avail[r]
                a[best_t:end] = [x - q for x in a[best_t:end]]
        starts[j] = best_t
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


def left_justified(problem: Problem, schedule: PeriodSchedule) -> PeriodSchedule:
    """``schedule``'s sequence with every activity as early as it can go (never longer).

    The serial scheme on the activities in order of start, with the same modes:
    a makespan objective, or a search run backwards, leaves activities off the
    critical path later than they need to be. ``schedule`` itself when the pass
    would be longer, and for a problem with time windows (the serial scheme
    knows no maximum lag, release or deadline).
    """
    if problem.has_time_windows:
        return schedule
    c = Compiled(problem)
    order = c.ordered(lambda i: (schedule.starts[i], i))
    starts = serial_sgs(c, order, c.compiled_modes(schedule.modes))
    shifted = PeriodSchedule(tuple(starts), schedule.modes)
    return shifted if shifted.makespan(problem) <= schedule.makespan(problem) else schedule


def _neg(values: list[int]) -> Callable[[int], tuple[int, int]]:
    return lambda i: (-values[i], i)


def justify(
    c: Compiled,
    rev: Compiled,
    starts: list[int],
    modes: list[int],
    rounds: int = 3,
    *,
    choose: bool = False,
) -> list[int]:
    """Forward-backward improvement; returns a schedule never longer than ``starts``.

    With ``choose`` both passes may change modes (see :func:`serial_sgs`); the
    modes of the returned schedule are written back into ``modes``.
    """
    best = starts
    best_modes = list(modes)
    best_ms = makespan(c, starts, modes)
    mirrored = c.time_varying
    for _ in range(rounds):
        cur = list(best_modes)
        dur = c.mode_durations(cur)
        fin = [best[i] + dur[i] for i in range(c.n)]
        back_order = rev.ordered(_neg(fin))
        profiles = c.mirrored_profiles(best_ms) if mirrored else None
        back = serial_sgs(rev, back_order, cur, profiles, choose=choose)
        dur = c.mode_durations(cur)
        ends = [back[i] + dur[i] for i in range(c.n)]
        fwd_order = c.ordered(_neg(ends))
        fwd = serial_sgs(c, fwd_order, cur, choose=choose)
        ms = makespan(c, fwd, cur)
        if ms < best_ms:
            best, best_ms, best_modes = fwd, ms, cur
        else:
            break
    modes[:] = best_modes
    return best
