"""Compiled (numba) schedule generation: serial and parallel schemes, justification.

The same algorithms as :mod:`keystage.engine.rcpsp.sgs`, with the same results
on the same activity list, over flat ``int64`` arrays instead of Python lists
(:class:`Arrays`): about a hundred times faster, which is what lets a
population metaheuristic (:mod:`keystage.engine.rcpsp.ga`) evaluate tens of
thousands of schedules per instance.

This module imports numba at the top, so nothing on the start-up or critical
path imports it: the solvers import it inside the function that needs it.
Compiled functions are cached on disk (``cache=True``), so only the first
run on a machine pays the compilation (a few seconds).

Random numbers come from a private xorshift generator whose state is an
array owned by the caller: runs are reproducible for a seed and independent
of any global state.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numba import njit

from keystage.engine.rcpsp.compiled import FF, FS, SS, Compiled

I64 = np.int64


@dataclass(frozen=True)
class Arrays:
    """A :class:`Compiled` problem as contiguous ``int64`` arrays, one direction of time.

    ``dur[i, m]`` and ``dem[i, m, r]`` per (compiled) mode, padded past
    ``nmodes[i]``; links in compressed rows: the predecessors of ``j`` are
    ``pred_idx[pred_ptr[j]:pred_ptr[j+1]]`` with their kinds and lags (and the
    successors likewise); ``profile[r, t]`` is the capacity over the first
    periods, ``base[r]`` after them.
    """

    n: int
    nmodes: np.ndarray
    dur: np.ndarray
    dem: np.ndarray
    nr_dem: np.ndarray
    budgets: np.ndarray
    pred_ptr: np.ndarray
    pred_idx: np.ndarray
    pred_kind: np.ndarray
    pred_lag: np.ndarray
    succ_ptr: np.ndarray
    succ_idx: np.ndarray
    succ_kind: np.ndarray
    succ_lag: np.ndarray
    base: np.ndarray
    profile: np.ndarray
    time_varying: bool

    @classmethod
    def of(cls, c: Compiled) -> Arrays:
        """Arrays of ``c`` (forward time)."""
        n, n_res = c.n, c.n_res
        mm = max((len(d) for d in c.dur), default=1)
        nmodes = np.array([len(d) for d in c.dur], dtype=I64)
        dur = np.zeros((n, mm), dtype=I64)
        dem = np.zeros((n, mm, max(1, n_res)), dtype=I64)
        n_nr = len(c.budgets)
        nr_dem = np.zeros((n, mm, max(1, n_nr)), dtype=I64)
        for i in range(n):
            for m, d in enumerate(c.dur[i]):
                dur[i, m] = d
                for r, q in c.dem[i][m]:
                    dem[i, m, r] = q
                for k, q in enumerate(c.nr_dem[i][m]):
                    nr_dem[i, m, k] = q
        budgets = np.array(c.budgets or [0], dtype=I64)
        if not c.budgets:
            nr_dem[:] = 0
        pp, pi, pk, pl = _csr(c.preds, n)
        sp, si, sk, sl = _csr(c.succs, n)
        base = np.array(c.base_cap or [0], dtype=I64)
        width = max((len(p) for p in c.profiles), default=0)
        profile = np.empty((max(1, n_res), width), dtype=I64)
        for r in range(n_res):
            profile[r, :] = c.base_cap[r]
            profile[r, : len(c.profiles[r])] = c.profiles[r]
        return cls(
            n, nmodes, dur, dem, nr_dem, budgets, pp, pi, pk, pl, sp, si, sk, sl, base,
            profile, c.time_varying,
        )  # fmt: skip

    def reversed(self) -> Arrays:
        """The time-mirrored arrays: links swapped, SS and FF exchanged (see ``Compiled``)."""
        swap = np.array([FS, FF, SS, 3], dtype=I64)
        return Arrays(
            self.n, self.nmodes, self.dur, self.dem, self.nr_dem, self.budgets,
            self.succ_ptr, self.succ_idx, swap[self.succ_kind], self.succ_lag,
            self.pred_ptr, self.pred_idx, swap[self.pred_kind], self.pred_lag,
            self.base, self.profile, self.time_varying,
        )  # fmt: skip

    def sgs_args(self) -> tuple[np.ndarray, ...]:
        """The arrays the serial scheme reads, in its argument order."""
        return (self.nmodes, self.dur, self.dem, self.pred_ptr, self.pred_idx, self.pred_kind,
                self.pred_lag, self.base)  # fmt: skip

    def links(self) -> tuple[np.ndarray, ...]:
        """Both link tables (successor kinds mirrored), in :func:`justify_kernel`'s order."""
        swap = np.array([FS, FF, SS, 3], dtype=I64)
        return (self.pred_ptr, self.pred_idx, self.pred_kind, self.pred_lag,
                self.succ_ptr, self.succ_idx, swap[self.succ_kind], self.succ_lag)  # fmt: skip


def _csr(
    rows: list[list[tuple[int, int, int]]], n: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    ptr = np.zeros(n + 1, dtype=I64)
    for j in range(n):
        ptr[j + 1] = ptr[j] + len(rows[j])
    flat = [e for row in rows for e in row]
    idx = np.array([e[0] for e in flat], dtype=I64)
    kind = np.array([e[1] for e in flat], dtype=I64)
    lag = np.array([e[2] for e in flat], dtype=I64)
    return ptr, idx, kind, lag


# ----------------------------------------------------------------- primitives
# The helpers the schemes call per activity (_earliest, _first_fit, _grow, _book) are
# inlined (``inline="always"``): as separate compiled calls that pass and return arrays they
# took almost half of a schedule (serial scheme on j60: 16.6 µs per schedule with the calls,
# 9.0 µs inlined, the same starts; docs/performance.md). The small once-per-schedule helpers
# (_fresh, _makespan, _mirrored, _excess) are inlined too; that part is within the noise.
@njit(cache=True, inline="always")
def _delta(kind: int, lag: int, dp: int, ds: int) -> int:
    if kind == 0:
        return dp + lag
    if kind == 1:
        return lag
    if kind == 2:
        return dp + lag - ds
    return lag - ds


@njit(cache=True, inline="always")
def _fresh(base: np.ndarray, profile: np.ndarray, size: int) -> np.ndarray:
    n_res = base.shape[0]
    size = max(size, profile.shape[1])
    avail = np.empty((n_res, size), dtype=np.int64)
    w = profile.shape[1]
    for r in range(n_res):
        for t in range(size):
            avail[r, t] = profile[r, t] if t < w else base[r]
    return avail


@njit(cache=True, inline="always")
def _grow(avail: np.ndarray, base: np.ndarray, end: int) -> np.ndarray:
    size = avail.shape[1]
    if end <= size:
        return avail
    new = max(end, 2 * size) + 64
    out = np.empty((avail.shape[0], new), dtype=np.int64)
    for r in range(avail.shape[0]):
        out[r, :size] = avail[r]
        out[r, size:] = base[r]
    return out


@njit(cache=True, inline="always")
def _first_fit(
    avail: np.ndarray, base: np.ndarray, dem: np.ndarray, t: int, d: int
) -> tuple[int, np.ndarray]:
    """Earliest period ``>= t`` where ``dem`` fits for ``d`` periods (and the grown rows)."""
    while True:
        end = t + d
        avail = _grow(avail, base, end)
        moved = False
        for r in range(dem.shape[0]):
            q = dem[r]
            if q == 0:
                continue
            k = end - 1
            while k >= t and avail[r, k] >= q:
                k -= 1
            if k >= t:
                t = k + 1
                moved = True
                break
        if not moved:
            return t, avail


@njit(cache=True, inline="always")
def _earliest(
    j: int,
    dj: int,
    starts: np.ndarray,
    durs: np.ndarray,
    pred_ptr: np.ndarray,
    pred_idx: np.ndarray,
    pred_kind: np.ndarray,
    pred_lag: np.ndarray,
    floor: int,
) -> int:
    """Earliest start of ``j`` (duration ``dj``) after its placed predecessors, from ``floor``."""
    t = floor
    for e in range(pred_ptr[j], pred_ptr[j + 1]):
        i = pred_idx[e]
        v = starts[i] + _delta(pred_kind[e], pred_lag[e], durs[i], dj)
        if v > t:
            t = v
    return t


@njit(cache=True, inline="always")
def _book(avail: np.ndarray, base: np.ndarray, row: np.ndarray, t: int, d: int) -> np.ndarray:
    """Take ``row`` (units per resource) from ``avail`` over periods ``t .. t + d - 1``."""
    avail = _grow(avail, base, t + d)
    for r in range(row.shape[0]):
        q = row[r]
        if q:
            for u in range(t, t + d):
                avail[r, u] -= q
    return avail


# ------------------------------------------------------------- the schemes
@njit(cache=True)
def serial_kernel(
    order: np.ndarray,
    modes: np.ndarray,
    choose: bool,
    profile: np.ndarray,
    nmodes: np.ndarray,
    dur: np.ndarray,
    dem: np.ndarray,
    pred_ptr: np.ndarray,
    pred_idx: np.ndarray,
    pred_kind: np.ndarray,
    pred_lag: np.ndarray,
    base: np.ndarray,
) -> np.ndarray:
    """Serial scheme over ``order``; with ``choose`` writes the fastest modes into ``modes``."""
    n = order.shape[0]
    durs = np.empty(n, dtype=np.int64)
    for i in range(n):
        durs[i] = dur[i, modes[i]]
    avail = _fresh(base, profile, 256)
    starts = np.zeros(n, dtype=np.int64)
    for k in range(n):
        j = order[k]
        given = modes[j]
        lo, hi = given, given + 1
        if choose and nmodes[j] > 1:
            lo, hi = 0, nmodes[j]
        best_t, best_m, best_end = 0, given, -1
        for m in range(lo, hi):
            d = dur[j, m]
            t = _earliest(j, d, starts, durs, pred_ptr, pred_idx, pred_kind, pred_lag, 0)
            if d > 0:
                t, avail = _first_fit(avail, base, dem[j, m], t, d)
            if best_end < 0 or t + d < best_end or (t + d == best_end and m == given):
                best_t, best_m, best_end = t, m, t + d
        modes[j] = best_m
        d = dur[j, best_m]
        durs[j] = d
        if d > 0:
            avail = _book(avail, base, dem[j, best_m], best_t, d)
        starts[j] = best_t
    return starts


@njit(cache=True)
def parallel_kernel(
    order: np.ndarray,
    modes: np.ndarray,
    time_varying: bool,
    profile: np.ndarray,
    dur: np.ndarray,
    dem: np.ndarray,
    pred_ptr: np.ndarray,
    pred_idx: np.ndarray,
    pred_kind: np.ndarray,
    pred_lag: np.ndarray,
    succ_ptr: np.ndarray,
    succ_idx: np.ndarray,
    base: np.ndarray,
) -> np.ndarray:
    """Parallel scheme: at each decision point start, in list order, every eligible that fits.

    The eligible and the running activities are kept in short lists, so a
    decision point costs their length, not the number of activities.
    """
    n = order.shape[0]
    durs = np.empty(n, dtype=np.int64)
    rank = np.empty(n, dtype=np.int64)
    for k in range(n):
        rank[order[k]] = k
    for i in range(n):
        durs[i] = dur[i, modes[i]]
    avail = _fresh(base, profile, 256)
    starts = np.zeros(n, dtype=np.int64)
    npred = np.empty(n, dtype=np.int64)
    es = np.zeros(n, dtype=np.int64)
    ready = np.empty(n, dtype=np.int64)  # activities whose predecessors have all started
    where = np.empty(n, dtype=np.int64)  # position of an activity in ``ready``
    running = np.empty(n, dtype=np.int64)  # started, finishing after the decision point
    picked = np.empty(n, dtype=np.int64)  # ranks of the eligible, ascending
    n_ready = 0
    n_running = 0
    for j in range(n):
        npred[j] = pred_ptr[j + 1] - pred_ptr[j]
        if npred[j] == 0:
            ready[n_ready] = j
            where[j] = n_ready
            n_ready += 1
    t = 0
    left = n
    while left:
        cnt = 0
        for q in range(n_ready):
            j = ready[q]
            if es[j] <= t:
                k = rank[j]
                p = cnt
                while p > 0 and picked[p - 1] > k:
                    picked[p] = picked[p - 1]
                    p -= 1
                picked[p] = k
                cnt += 1
        for p in range(cnt):
            j = order[picked[p]]
            d = durs[j]
            if d > 0:
                avail = _grow(avail, base, t + d)
                row = dem[j, modes[j]]
                fits = True
                # Every activity placed so far starts at or before t, so with a
                # constant capacity what is free never shrinks after t: period t
                # decides.
                until = t + d if time_varying else t + 1
                for r in range(row.shape[0]):
                    q = row[r]
                    if q:
                        for u in range(t, until):
                            if avail[r, u] < q:
                                fits = False
                                break
                        if not fits:
                            break
                if not fits:
                    continue
                avail = _book(avail, base, row, t, d)
                running[n_running] = j
                n_running += 1
            starts[j] = t
            left -= 1
            n_ready -= 1
            last = ready[n_ready]
            ready[where[j]] = last
            where[last] = where[j]
            for e in range(succ_ptr[j], succ_ptr[j + 1]):
                s = succ_idx[e]
                npred[s] -= 1
                if npred[s] == 0:
                    es[s] = _earliest(s, durs[s], starts, durs, pred_ptr, pred_idx, pred_kind,
                                      pred_lag, 0)  # fmt: skip
                    ready[n_ready] = s
                    where[s] = n_ready
                    n_ready += 1
        if not left:
            break
        nxt = -1
        kept = 0
        for q in range(n_running):
            j = running[q]
            f = starts[j] + durs[j]
            if f > t:
                running[kept] = j
                kept += 1
                if nxt < 0 or f < nxt:
                    nxt = f
        n_running = kept
        for q in range(n_ready):
            v = es[ready[q]]
            if v > t and (nxt < 0 or v < nxt):
                nxt = v
        t = nxt if nxt >= 0 and not time_varying else t + 1
    return starts


@njit(cache=True)
def ordered_kernel(key: np.ndarray, pred_ptr: np.ndarray, succ_ptr: np.ndarray,
                   succ_idx: np.ndarray) -> np.ndarray:  # fmt: skip
    """Precedence-feasible list taking the eligible activity of smallest ``(key, index)``."""
    n = key.shape[0]
    indeg = np.empty(n, dtype=np.int64)
    heap = np.empty(n, dtype=np.int64)
    size = 0
    lo = 0
    for j in range(n):
        if key[j] < lo:
            lo = key[j]
    for j in range(n):
        indeg[j] = pred_ptr[j + 1] - pred_ptr[j]
        if indeg[j] == 0:
            size = _push(heap, size, (key[j] - lo) * n + j)
    out = np.empty(n, dtype=np.int64)
    k = 0
    while size:
        top = heap[0]
        size -= 1
        if size:
            heap[0] = heap[size]
            _sift_down(heap, size)
        i = top % n
        out[k] = i
        k += 1
        for e in range(succ_ptr[i], succ_ptr[i + 1]):
            j = succ_idx[e]
            indeg[j] -= 1
            if indeg[j] == 0:
                size = _push(heap, size, (key[j] - lo) * n + j)
    return out[:k]


@njit(cache=True, inline="always")
def _push(heap: np.ndarray, size: int, v: int) -> int:
    k = size
    heap[k] = v
    while k:
        p = (k - 1) >> 1
        if heap[p] <= heap[k]:
            break
        heap[p], heap[k] = heap[k], heap[p]
        k = p
    return size + 1


@njit(cache=True, inline="always")
def _sift_down(heap: np.ndarray, size: int) -> None:
    k = 0
    while True:
        c = 2 * k + 1
        if c >= size:
            return
        if c + 1 < size and heap[c + 1] < heap[c]:
            c += 1
        if heap[k] <= heap[c]:
            return
        heap[k], heap[c] = heap[c], heap[k]
        k = c


@njit(cache=True, inline="always")
def _makespan(starts: np.ndarray, modes: np.ndarray, dur: np.ndarray) -> int:
    ms = 0
    for i in range(starts.shape[0]):
        f = starts[i] + dur[i, modes[i]]
        if f > ms:
            ms = f
    return ms


@njit(cache=True, inline="always")
def _mirrored(profile: np.ndarray, base: np.ndarray, horizon: int) -> np.ndarray:
    out = np.empty((base.shape[0], horizon), dtype=np.int64)
    w = profile.shape[1]
    for r in range(base.shape[0]):
        for t in range(horizon):
            src = horizon - 1 - t
            out[r, t] = profile[r, src] if src < w else base[r]
    return out


@njit(cache=True)
def justify_kernel(
    starts: np.ndarray,
    modes: np.ndarray,
    rounds: int,
    choose: bool,
    time_varying: bool,
    profile: np.ndarray,
    nmodes: np.ndarray,
    dur: np.ndarray,
    dem: np.ndarray,
    base: np.ndarray,
    pred_ptr: np.ndarray,
    pred_idx: np.ndarray,
    pred_kind: np.ndarray,
    pred_lag: np.ndarray,
    succ_ptr: np.ndarray,
    succ_idx: np.ndarray,
    succ_kind: np.ndarray,
    succ_lag: np.ndarray,
) -> tuple[np.ndarray, int]:
    """Forward-backward improvement; the best schedule (modes written back) and passes run.

    ``succ_kind`` must already be mirrored (SS and FF exchanged), as in
    :meth:`Arrays.reversed`.
    """
    n = starts.shape[0]
    best = starts
    best_modes = modes.copy()
    best_ms = _makespan(starts, modes, dur)
    key = np.empty(n, dtype=np.int64)
    empty = profile[:, :0]
    passes = 0
    for _ in range(rounds):
        cur = best_modes.copy()
        for i in range(n):
            key[i] = -(best[i] + dur[i, cur[i]])
        back_order = ordered_kernel(key, succ_ptr, pred_ptr, pred_idx)
        back_profile = _mirrored(profile, base, best_ms) if time_varying else empty
        back = serial_kernel(back_order, cur, choose, back_profile, nmodes, dur, dem,
                             succ_ptr, succ_idx, succ_kind, succ_lag, base)  # fmt: skip
        for i in range(n):
            key[i] = -(back[i] + dur[i, cur[i]])
        fwd_order = ordered_kernel(key, pred_ptr, succ_ptr, succ_idx)
        fwd = serial_kernel(fwd_order, cur, choose, profile, nmodes, dur, dem,
                            pred_ptr, pred_idx, pred_kind, pred_lag, base)  # fmt: skip
        passes += 2
        ms = _makespan(fwd, cur, dur)
        if ms < best_ms:
            best, best_ms, best_modes = fwd, ms, cur
        else:
            break
    modes[:] = best_modes
    return best, passes


# ------------------------------------------------------------ Python wrappers
def serial(a: Arrays, order: np.ndarray, modes: np.ndarray, *, choose: bool = False) -> np.ndarray:
    """Start times of the serial scheme (see :func:`keystage.engine.rcpsp.sgs.serial_sgs`)."""
    return serial_kernel(  # type: ignore[no-any-return]
        np.ascontiguousarray(order, dtype=I64), modes, choose, a.profile, *a.sgs_args()
    )


def parallel(a: Arrays, order: np.ndarray, modes: np.ndarray) -> np.ndarray:
    """Start times of the parallel scheme (see :func:`keystage.engine.rcpsp.sgs.parallel_sgs`)."""
    return parallel_kernel(  # type: ignore[no-any-return]
        np.ascontiguousarray(order, dtype=I64), np.ascontiguousarray(modes, dtype=I64),
        a.time_varying, a.profile, a.dur, a.dem, a.pred_ptr, a.pred_idx, a.pred_kind,
        a.pred_lag, a.succ_ptr, a.succ_idx, a.base,
    )  # fmt: skip


def justify(
    a: Arrays, starts: np.ndarray, modes: np.ndarray, rounds: int = 3, *, choose: bool = False
) -> np.ndarray:
    """Forward-backward improvement (see :func:`keystage.engine.rcpsp.sgs.justify`)."""
    out, _passes = justify_kernel(
        np.ascontiguousarray(starts, dtype=I64), modes, rounds, choose, a.time_varying,
        a.profile, a.nmodes, a.dur, a.dem, a.base, *a.links(),
    )  # fmt: skip
    return out  # type: ignore[no-any-return]


# ------------------------------------------------------- genetic algorithm
PENALTY = 1 << 32  # fitness added per unit of consumable budget overrun


@njit(cache=True, inline="always")
def _next(state: np.ndarray) -> np.uint64:
    """xorshift64* step (Vigna 2016) on ``state[0]``."""
    x = state[0]
    x ^= x >> np.uint64(12)
    x ^= x << np.uint64(25)
    x ^= x >> np.uint64(27)
    state[0] = x
    return x * np.uint64(2685821657736338717)


@njit(cache=True, inline="always")
def _below(state: np.ndarray, k: int) -> np.int64:
    """A random integer in ``[0, k)`` (a signed one: numba turns int64 op uint64 into float)."""
    return np.int64((_next(state) >> np.uint64(11)) % np.uint64(k))


@njit(cache=True, inline="always")
def _unit(state: np.ndarray) -> float:
    """A random float in ``[0, 1)``."""
    return np.float64(_next(state) >> np.uint64(11)) / 9007199254740992.0


@njit(cache=True, inline="always")
def _excess(modes: np.ndarray, nr_dem: np.ndarray, budgets: np.ndarray) -> int:
    total = 0
    for k in range(budgets.shape[0]):
        use = 0
        for i in range(modes.shape[0]):
            use += nr_dem[i, modes[i], k]
        if use > budgets[k]:
            total += use - budgets[k]
    return total


@njit(cache=True, nogil=True)
def evaluate_kernel(
    order: np.ndarray,
    modes: np.ndarray,
    choose: bool,
    time_varying: bool,
    profile: np.ndarray,
    nmodes: np.ndarray,
    dur: np.ndarray,
    dem: np.ndarray,
    nr_dem: np.ndarray,
    budgets: np.ndarray,
    base: np.ndarray,
    pred_ptr: np.ndarray,
    pred_idx: np.ndarray,
    pred_kind: np.ndarray,
    pred_lag: np.ndarray,
    succ_ptr: np.ndarray,
    succ_idx: np.ndarray,
    succ_kind: np.ndarray,
    succ_lag: np.ndarray,
    rounds: int,
) -> tuple[np.ndarray, int, int]:
    """Serial scheme plus justification of one individual, rewritten in place.

    At most ``rounds`` rounds of forward-backward improvement (one round, a
    backward and a forward pass, is Valls, Ballestín & Quintanilla's double
    justification; a further round runs only while the makespan shortens).
    ``order`` becomes the justified schedule's list (by start), ``modes`` its
    modes (Lamarckian learning, as in Valls, Ballestín & Quintanilla 2005).
    Returns the starts, the fitness (makespan plus :data:`PENALTY` per unit of
    budget overrun) and the number of schedules generated.
    """
    starts = serial_kernel(order, modes, choose, profile, nmodes, dur, dem, pred_ptr, pred_idx,
                           pred_kind, pred_lag, base)  # fmt: skip
    starts, passes = justify_kernel(starts, modes, rounds, choose, time_varying, profile, nmodes,
                                    dur, dem, base, pred_ptr, pred_idx, pred_kind, pred_lag,
                                    succ_ptr, succ_idx, succ_kind, succ_lag)  # fmt: skip
    order[:] = ordered_kernel(starts, pred_ptr, succ_ptr, succ_idx)
    fit = _makespan(starts, modes, dur) + PENALTY * _excess(modes, nr_dem, budgets)
    return starts, fit, 1 + passes


@njit(cache=True, nogil=True)
def random_key_orders(
    key: np.ndarray, spread: int, count: int, state: np.ndarray, pred_ptr: np.ndarray,
    succ_ptr: np.ndarray, succ_idx: np.ndarray,
) -> np.ndarray:  # fmt: skip
    """``count`` precedence-feasible lists from ``key`` plus uniform noise in ``[0, spread)``."""
    n = key.shape[0]
    out = np.empty((count, n), dtype=np.int64)
    noisy = np.empty(n, dtype=np.int64)
    for c in range(count):
        for i in range(n):
            noisy[i] = key[i] + _below(state, max(1, spread))
        out[c] = ordered_kernel(noisy, pred_ptr, succ_ptr, succ_idx)
    return out


@njit(cache=True, nogil=True)
def generation_kernel(
    pop: np.ndarray,
    pop_modes: np.ndarray,
    fit: np.ndarray,
    state: np.ndarray,
    p_mutation: float,
    choose: bool,
    time_varying: bool,
    profile: np.ndarray,
    nmodes: np.ndarray,
    dur: np.ndarray,
    dem: np.ndarray,
    nr_dem: np.ndarray,
    budgets: np.ndarray,
    base: np.ndarray,
    pred_ptr: np.ndarray,
    pred_idx: np.ndarray,
    pred_kind: np.ndarray,
    pred_lag: np.ndarray,
    succ_ptr: np.ndarray,
    succ_idx: np.ndarray,
    succ_kind: np.ndarray,
    succ_lag: np.ndarray,
    best_starts: np.ndarray,
    best_modes: np.ndarray,
    best_fit: np.ndarray,
    flow: np.ndarray,
    tie_break: bool,
    rounds: int,
) -> int:
    """One generation of Hartmann's activity-list GA; returns the schedules generated.

    As many children as parents: two parents drawn at random, two-point
    crossover of the activity lists (Hartmann 1998; each activity keeps the
    mode of the parent it came from, as in Hartmann 2001), swap mutation of
    neighbours that are not linked, random mode mutation; each child is
    scheduled and justified (:func:`evaluate_kernel`, at most ``rounds`` rounds).
    Survivors: the best of parents and children (children first on ties).
    ``best_*`` keep the best schedule ever seen. ``flow`` holds each individual's total finish time
    (:func:`total_finish`); with ``tie_break`` it ranks individuals of equal
    fitness, so the more compact of two equally long schedules survives.
    """
    size, n = pop.shape
    kids = np.empty_like(pop)
    kid_modes = np.empty_like(pop_modes)
    kid_fit = np.empty(size, dtype=np.int64)
    kid_flow = np.empty(size, dtype=np.int64)
    taken = np.zeros(n, dtype=np.bool_)
    evaluations = 0
    for c in range(size):
        mo = _below(state, size)
        fa = _below(state, size - 1) if size > 1 else np.int64(0)
        if size > 1 and fa >= mo:
            fa += 1
        if c % 2:
            mo, fa = fa, mo
        q1 = _below(state, n + 1)
        q2 = _below(state, n + 1)
        if q1 > q2:
            q1, q2 = q2, q1
        child = kids[c]
        cm = kid_modes[c]
        taken[:] = False
        k = 0
        for p in range(q1):
            a = pop[mo, p]
            child[k] = a
            cm[a] = pop_modes[mo, a]
            taken[a] = True
            k += 1
        for p in range(n):
            if k >= q2:
                break
            a = pop[fa, p]
            if not taken[a]:
                child[k] = a
                cm[a] = pop_modes[fa, a]
                taken[a] = True
                k += 1
        for p in range(n):
            a = pop[mo, p]
            if not taken[a]:
                child[k] = a
                cm[a] = pop_modes[mo, a]
                taken[a] = True
                k += 1
        for p in range(n - 1):
            if _unit(state) < p_mutation:
                a, b = child[p], child[p + 1]
                linked = False
                for e in range(succ_ptr[a], succ_ptr[a + 1]):
                    if succ_idx[e] == b:
                        linked = True
                        break
                if not linked:
                    child[p], child[p + 1] = b, a
        for a in range(n):
            if nmodes[a] > 1 and _unit(state) < p_mutation:
                cm[a] = _below(state, nmodes[a])
        starts, f, used = evaluate_kernel(child, cm, choose, time_varying, profile, nmodes, dur,
                                          dem, nr_dem, budgets, base, pred_ptr, pred_idx,
                                          pred_kind, pred_lag, succ_ptr, succ_idx, succ_kind,
                                          succ_lag, rounds)  # fmt: skip
        evaluations += used
        kid_fit[c] = f
        kid_flow[c] = total_finish(starts, cm, dur)
        if f < best_fit[0]:
            best_fit[0] = f
            best_starts[:] = starts
            best_modes[:] = cm
    allfit = np.concatenate((kid_fit, fit))
    allflow = np.concatenate((kid_flow, flow))
    if tie_break:  # two stable sorts: by fitness, equal fitness by total finish time
        by_flow = np.argsort(allflow, kind="mergesort")
        rank = by_flow[np.argsort(allfit[by_flow], kind="mergesort")]
    else:
        rank = np.argsort(allfit, kind="mergesort")
    new_flow = np.empty(size, dtype=np.int64)
    new_pop = np.empty_like(pop)
    new_modes = np.empty_like(pop_modes)
    new_fit = np.empty(size, dtype=np.int64)
    kept = np.zeros(2 * size, dtype=np.bool_)
    s = 0
    for dup_ok in (False, True):  # distinct individuals first, duplicates only to fill up
        for w in rank:
            if s >= size:
                break
            if kept[w]:
                continue
            chosen = kids[w] if w < size else pop[w - size]
            chosen_modes = kid_modes[w] if w < size else pop_modes[w - size]
            if not dup_ok and _seen(
                new_pop, new_modes, new_fit, s, chosen, chosen_modes, allfit[w]
            ):
                continue
            kept[w] = True
            new_pop[s] = chosen
            new_modes[s] = chosen_modes
            new_fit[s] = allfit[w]
            new_flow[s] = allflow[w]
            s += 1
    pop[:] = new_pop
    pop_modes[:] = new_modes
    fit[:] = new_fit
    flow[:] = new_flow
    return evaluations


@njit(cache=True, nogil=True)
def total_finish(starts: np.ndarray, modes: np.ndarray, dur: np.ndarray) -> int:
    """Sum of the activities' finish times: the GA's tie-break between equal makespans."""
    total = 0
    for i in range(starts.shape[0]):
        total += starts[i] + dur[i, modes[i]]
    return total


@njit(cache=True)
def _seen(
    pop: np.ndarray, modes: np.ndarray, fit: np.ndarray, count: int, row: np.ndarray,
    mrow: np.ndarray, f: int,
) -> bool:  # fmt: skip
    """True when one of the first ``count`` individuals equals ``row``/``mrow``."""
    for s in range(count):
        if fit[s] != f:
            continue
        same = True
        for i in range(row.shape[0]):
            if pop[s, i] != row[i] or modes[s, row[i]] != mrow[row[i]]:
                same = False
                break
        if same:
            return True
    return False
