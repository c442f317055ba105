"""Monte Carlo schedule and cost risk over a network: the inputs' shape.

Data in, result out, like the rest of the engine: the adapter in
``keystage.risks.engine`` turns the plan, its three-point estimates and the risk
register into these frozen inputs; the simulation returns a typed result. Durations and
delays are in working minutes of the project calendar, money in the project currency.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Any

import numpy as np
import numpy.typing as npt

from keystage.engine.calendars import IntArray
from keystage.engine.compiler import (
    FINISHED,
    IN_PROGRESS,
    LINK_CODE,
    Compiled,
    compile_project,
    levels_or_cycle,
)
from keystage.engine.errors import FieldError
from keystage.engine.network import Kind, LinkType, Project
from keystage.engine.passes import BIG


@dataclass(frozen=True)
class ThreePoint:
    """A low / likely / high estimate: ``low <= likely <= high``."""

    low: float
    likely: float
    high: float

    def __post_init__(self) -> None:
        if not (self.low <= self.likely <= self.high):
            raise ValueError(
                f"a three-point estimate needs low <= likely <= high, "
                f"got {self.low}, {self.likely}, {self.high}"
            )


@dataclass(frozen=True)
class RiskEvent:
    """A register risk as the simulation sees it.

    In each run it occurs with ``probability``; when it does, each task in ``task_ids``
    takes ``delay`` more working minutes (one draw per run, shared by its tasks) and the
    project ``cost`` more money. ``key`` names it in results (``"RSK-3"``).
    """

    key: str
    probability: float
    task_ids: tuple[str, ...]
    delay: ThreePoint
    cost: ThreePoint

    def __post_init__(self) -> None:
        if not 0.0 <= self.probability <= 1.0:
            raise ValueError(f"a probability lies in [0, 1], got {self.probability}")


# ----------------------------------------------------------------------- inputs


class Distribution(StrEnum):
    """The shape a three-point estimate is sampled from."""

    TRIANGULAR = "triangular"
    PERT = "pert"  # beta with α = 1 + 4(m−a)/(b−a), β = 1 + 4(b−m)/(b−a)


@dataclass(frozen=True)
class TaskUncertainty:
    """A task's duration estimate in working minutes (of its whole duration).

    An in-progress task simulates its remaining duration scaled by ``draw / likely``; a
    finished task keeps its actual dates.
    """

    task_id: str
    duration: ThreePoint
    distribution: Distribution = Distribution.TRIANGULAR

    def __post_init__(self) -> None:
        if self.duration.low < 0:
            raise FieldError(f"estimates[{self.task_id}].low", "a duration cannot be negative")


@dataclass(frozen=True)
class TaskCost:
    """A task's planned cost: ``fixed`` does not move, ``variable`` scales with its duration."""

    task_id: str
    fixed: float = 0.0
    variable: float = 0.0


@dataclass(frozen=True)
class CorrelationGroup:
    """Tasks whose durations move together with a rank correlation ``coefficient`` in [0, 1)."""

    task_ids: tuple[str, ...]
    coefficient: float

    def __post_init__(self) -> None:
        if not 0.0 <= self.coefficient < 1.0:
            raise FieldError("correlation.coefficient", "a coefficient lies in [0, 1)")
        if len(set(self.task_ids)) < 2:
            raise FieldError("correlation.task_ids", "a correlation needs at least two tasks")


@dataclass(frozen=True)
class RiskModel:
    """Everything a simulation needs: the network and its uncertainty.

    Tasks without an estimate keep their planned duration. ``baseline_finish`` and
    ``budget`` give the probabilities of meeting them.
    """

    project: Project
    estimates: tuple[TaskUncertainty, ...] = ()
    costs: tuple[TaskCost, ...] = ()
    events: tuple[RiskEvent, ...] = ()
    correlations: tuple[CorrelationGroup, ...] = ()
    baseline_finish: datetime | None = None
    budget: float | None = None
    other_cost: float = 0.0  # planned cost tied to no task (fixed in every run)


MIN_RUNS, MAX_RUNS = 2, 1_000_000
DT = np.float32  # the runs' working precision (see _prepare)
Floats = npt.NDArray[np.floating[Any]]
PERCENTS = (10, 50, 80, 90)


# ---------------------------------------------------------------------- results


@dataclass(frozen=True)
class Spread:
    """A sample summarised: mean, standard deviation, P-values, histogram and S-curve.

    Values are working minutes from the project start (finish) or money (cost);
    ``curve`` holds the 0th..100th percentiles (the S-curve's x for y = 0..100 %).
    """

    mean: float
    std: float
    low: float
    high: float
    percentiles: dict[int, float]
    edges: tuple[float, ...]
    counts: tuple[int, ...]
    curve: tuple[float, ...]


@dataclass(frozen=True)
class TaskCriticality:
    """How often a task lies on the critical path, and its mean sampled duration."""

    task_id: str
    index: float
    mean_duration: float


@dataclass(frozen=True)
class Driver:
    """A task or risk ranked by how much it drives the finish.

    ``correlation`` is Spearman's rank correlation of its draw with the finish;
    ``low_p50`` / ``high_p50`` are the finish's P50 (working minutes from the start) over
    the runs where the draw is in its lowest / highest third (for a risk: did not / did
    occur).
    """

    key: str
    kind: str  # "task" or "risk"
    correlation: float
    low_p50: float
    high_p50: float


@dataclass(frozen=True)
class RiskResult:
    """What a simulation found. Dates are naive project-calendar datetimes."""

    runs: int
    start: datetime
    finish: Spread
    finish_dates: dict[int, datetime]
    edge_dates: tuple[datetime, ...]
    curve_dates: tuple[datetime, ...]
    deterministic_finish: datetime
    deterministic_minutes: float
    cost: Spread
    deterministic_cost: float
    baseline_finish: datetime | None
    baseline_minutes: float | None
    p_baseline: float | None
    budget: float | None
    p_budget: float | None
    criticality: tuple[TaskCriticality, ...]
    tornado: tuple[Driver, ...]
    occurrence: dict[str, float]


# ------------------------------------------------------------------- simulation


@dataclass(frozen=True)
class _Net:
    """The compiled network, split into the parts a run varies and the parts it does not."""

    c: Compiled
    n: int
    base_dur: Floats  # planned (remaining) durations, n + 1
    base32: Floats  # the same in the runs' precision
    draw: _Draw
    likely: Floats
    low: Floats
    high: Floats
    pert: npt.NDArray[np.bool_]
    tables: Floats  # PERT inverse CDFs, one row per distinct shape
    table_row: IntArray  # per PERT task among the uncertain ones: its table row
    scaled: bool  # some in-progress task scales its draws
    scale: Floats  # remaining / likely for in-progress tasks, else 1
    uncertain: IntArray  # tasks with a non-degenerate estimate
    forward_slots: tuple[_Slots, ...]
    backward_slots: tuple[_Slots, ...]
    cells: int  # the largest level's slots (sizes the chunks of runs)
    floor: Floats
    cap: Floats
    fixed_cost: float
    rate: Floats  # variable cost per working minute, n + 1
    done_minutes: Floats  # minutes already worked (in progress)


def _prepare(model: RiskModel) -> _Net:
    project = model.project
    if project.has_max_lags:
        link = next(k for k in project.links if k.max_lag is not None)
        raise FieldError("project.links", f"maximum lags are not simulated yet (link {link.label})")
    c = compile_project(project)
    n = c.n
    index = project.index
    base = c.dur.astype(np.float64)
    likely, low, high = base.copy(), base.copy(), base.copy()
    pert = np.zeros(n + 1, dtype=bool)
    scale = np.ones(n + 1)
    seen: set[str] = set()
    for est in model.estimates:
        i = index.get(est.task_id)
        if i is None:
            raise FieldError(f"estimates[{est.task_id}]", "no such task in the network")
        if est.task_id in seen:
            raise FieldError(f"estimates[{est.task_id}]", "the task has two estimates")
        seen.add(est.task_id)
        act = project.activities[i]
        if act.kind is not Kind.TASK or c.state[i] == FINISHED:
            continue  # summaries, milestones and finished tasks do not move
        three = est.duration
        low[i], likely[i], high[i] = three.low, three.likely, three.high
        pert[i] = est.distribution is Distribution.PERT
        if c.state[i] == IN_PROGRESS:
            scale[i] = c.dur[i] / three.likely if three.likely > 0 else 0.0
            if three.likely <= 0:
                low[i] = likely[i] = high[i] = base[i]
                scale[i] = 1.0
        else:
            base[i] = three.likely
    uncertain = np.flatnonzero(high > low).astype(np.int64)
    beta = uncertain[pert[uncertain]]
    tables, table_row = _pert_tables(low[beta], likely[beta], high[beta])
    # Links: the same reduction as the compiler, without the duration terms a run varies.
    links = project.links
    ids = c.link_id
    p = np.fromiter((index[links[k].pred] for k in ids.tolist()), np.int64, ids.size)
    s = c.succ
    code = np.fromiter((LINK_CODE[links[k].type] for k in ids.tolist()), np.int64, ids.size)
    from_finish = (code == LINK_CODE[LinkType.FS]) | (code == LINK_CODE[LinkType.FF])
    to_finish = (code == LINK_CODE[LinkType.FF]) | (code == LINK_CODE[LinkType.SF])
    anchored = c.pred == n
    # The compiler's weight = lag + [from finish] dur[p] − [to finish] dur[s] (+ anchor).
    lag = c.weight.astype(np.float64) + np.where(to_finish, c.dur[s], 0)
    lag -= np.where(from_finish & ~anchored, c.dur[p], 0)
    lag[anchored] -= float(c.start_pos)  # the anchor sits at the project start
    src = 2 * c.pred + (from_finish & ~anchored)
    level = levels_or_cycle(project, n + 1, c.pred, c.succ)
    # Runs work in single precision relative to the project start (exact for whole
    # minutes up to 2**24, about 130 years of 8-hour days): half the memory traffic.
    zero = float(c.start_pos)
    floor = np.where(c.floor <= -BIG, -np.inf, c.floor - zero).astype(DT)
    cap = np.where(c.cap >= BIG, np.inf, c.cap - zero).astype(DT)
    forward = tuple(
        dataclasses.replace(lv, bounded=bool(
            np.isfinite(floor[lv.nodes]).any() or np.isfinite(cap[lv.nodes]).any()
        ))
        for lv in _slot_levels(level, s, src, lag, to_finish, reverse=False)
    )  # fmt: skip
    # Backward (anchor links left out): ls[p] <= late[s's start or finish] − lag, less
    # dur[p] when the link leaves the predecessor's finish.
    real = ~anchored
    backward = _slot_levels(
        level, c.pred[real], 2 * s[real] + to_finish[real], -lag[real], from_finish[real],
        reverse=True,
    )  # fmt: skip
    cells = max((lv.cells for lv in (*forward, *backward)), default=0)
    fixed_cost = float(model.other_cost)
    rate = np.zeros(n + 1)
    done = (c.full_dur - c.dur).astype(np.float64)
    done[c.state != IN_PROGRESS] = 0.0
    for cost in model.costs:
        i = index.get(cost.task_id)
        if i is None:
            raise FieldError(f"costs[{cost.task_id}]", "no such task in the network")
        if not (math.isfinite(cost.fixed) and math.isfinite(cost.variable)):
            raise FieldError(f"costs[{cost.task_id}]", "a cost must be a finite number")
        planned = float(c.full_dur[i])
        if c.state[i] == FINISHED or planned <= 0:
            fixed_cost += cost.fixed + cost.variable
        else:
            fixed_cost += cost.fixed
            rate[i] = cost.variable / planned
    draw = _draw_constants(low, likely, high, pert, uncertain, tables, table_row)
    return _Net(
        c, n, base, base.astype(DT), draw, likely, low, high, pert, tables, table_row,
        bool((scale != 1).any()), scale,
        uncertain,
        forward, backward, cells, floor, cap, fixed_cost, rate, done.astype(DT),
    )  # fmt: skip


def _check(model: RiskModel, runs: int) -> None:
    if not MIN_RUNS <= runs <= MAX_RUNS:
        raise FieldError("runs", f"the number of runs lies in {MIN_RUNS}..{MAX_RUNS}")
    index = model.project.index
    keys: set[str] = set()
    for event in model.events:
        if event.key in keys:
            raise FieldError(f"events[{event.key}]", "two risks share this key")
        keys.add(event.key)
        for task_id in event.task_ids:
            if task_id not in index:
                raise FieldError(f"events[{event.key}].task_ids", f"no task {task_id!r}")
        if event.delay.low < 0:
            raise FieldError(f"events[{event.key}].delay", "a delay cannot be negative")
    grouped: set[str] = set()
    for group in model.correlations:
        for task_id in group.task_ids:
            if task_id not in index:
                raise FieldError("correlation.task_ids", f"no task {task_id!r}")
            if task_id in grouped:
                raise FieldError("correlation.task_ids", f"{task_id!r} is in two groups")
            grouped.add(task_id)
    if model.budget is not None and not math.isfinite(model.budget):
        raise FieldError("budget", "the budget must be a finite number")


def _inverse(
    u: Floats,
    low: Floats,
    mode: Floats,
    high: Floats,
) -> Floats:
    """Triangular inverse CDF, vectorised (rows are tasks, columns runs)."""
    width = high - low
    cut = np.divide(mode - low, width, out=np.zeros_like(width), where=width > 0)
    c = cut.astype(u.dtype)[:, None]
    left = u < c
    # One square root per draw: sqrt(u·c) on the left of the mode, sqrt((1−u)(1−c)) right.
    root = np.sqrt(np.where(left, u * c, (1 - u) * (1 - c)))
    share = np.where(left, root, 1 - root)
    return (low[:, None] + width[:, None] * share).astype(u.dtype)


PERT_GRID = 4097  # points of the PERT inverse-CDF tables (on the uniform 0..1)


def _pert_tables(low: Floats, mode: Floats, high: Floats) -> tuple[Floats, IntArray]:
    """Inverse CDFs of the PERT betas on a uniform grid, one row per distinct shape.

    Sampling a beta through numpy costs two gamma draws; reading a precomputed inverse
    CDF costs a gather and a blend, and it takes the same uniforms as the triangular
    (so correlation applies to both alike). The CDF is integrated on a fine grid of the
    density (α, β ≥ 1: bounded), then inverted by interpolation.
    """
    if not low.size:
        return np.zeros((0, PERT_GRID)), np.zeros(0, dtype=np.int64)
    alpha = 1.0 + 4.0 * (mode - low) / (high - low)
    beta = 1.0 + 4.0 * (high - mode) / (high - low)
    shapes, row = np.unique(np.round(np.stack([alpha, beta], axis=1), 9), axis=0,
                            return_inverse=True)  # fmt: skip
    x = np.linspace(0.0, 1.0, 8 * PERT_GRID)
    grid = np.linspace(0.0, 1.0, PERT_GRID)
    tables = np.empty((len(shapes), PERT_GRID), dtype=DT)
    for k, (a, b) in enumerate(shapes.tolist()):
        pdf = x ** (a - 1.0) * (1.0 - x) ** (b - 1.0)
        cdf = np.concatenate(([0.0], np.cumsum((pdf[1:] + pdf[:-1]) / 2.0)))
        cdf /= cdf[-1]
        tables[k] = np.interp(grid, cdf, x)
    return tables, row.reshape(-1).astype(np.int64)


def _draw_durations(net: _Net, model: RiskModel, runs: int, rng: np.random.Generator) -> Floats:
    """Durations of every node in every run ((n + 1) × runs), correlation applied."""
    dur = np.empty((net.n + 1, runs), dtype=DT)
    dur[...] = net.base32[:, None]
    idx = net.uncertain
    if not idx.size:
        return dur
    u = rng.random((idx.size, runs), dtype=DT)
    index = model.project.index
    position = {int(t): k for k, t in enumerate(idx.tolist())}
    for group in model.correlations:
        rows = [position[index[t]] for t in group.task_ids if index[t] in position]
        if len(rows) < 2 or group.coefficient == 0:
            continue
        # Iman–Conover with one common factor: each task's uniforms are reordered to the
        # ranks of normals correlated by ``coefficient``; every marginal stays exact.
        common = rng.standard_normal((1, runs))
        z = math.sqrt(group.coefficient) * common
        z = z + math.sqrt(1.0 - group.coefficient) * rng.standard_normal((len(rows), runs))
        ranks = np.argsort(np.argsort(z, axis=1), axis=1)
        u[rows] = np.take_along_axis(np.sort(u[rows], axis=1), ranks, axis=1)
    draw = net.draw
    if draw.tri_rows.size:
        dur[draw.tri_rows] = _triangular(u[draw.tri_cols], draw)
    if draw.pert_rows.size:
        dur[draw.pert_rows] = _pert(u[draw.pert_cols], draw)
    if net.scaled:
        dur[idx] *= net.scale[idx].astype(DT)[:, None]
    return dur


@dataclass(frozen=True)
class _Draw:
    """Per-run sampling constants, in the runs' precision, split by distribution.

    ``*_rows`` are the tasks' node rows, ``*_cols`` their rows among the uniforms;
    ``tri_*`` hold the triangular's low, width, mode position ``cut`` and ``1 − cut``
    (columns); ``flat`` the PERT inverse-CDF tables end to end and ``offset`` each
    PERT task's table start in it.
    """

    tri_rows: IntArray
    tri_cols: IntArray
    tri_low: Floats
    tri_width: Floats
    tri_cut: Floats
    tri_rest: Floats
    tri_base: Floats  # low + width · (1 − cut)
    pert_rows: IntArray
    pert_cols: IntArray
    pert_low: Floats
    pert_width: Floats
    flat: Floats
    offset: IntArray


def _draw_constants(net_low: Floats, likely: Floats, high: Floats, pert: npt.NDArray[np.bool_],
                    uncertain: IntArray, tables: Floats, table_row: IntArray) -> _Draw:  # fmt: skip
    """The per-run sampling constants of the uncertain tasks (see ``_Draw``)."""
    is_pert = pert[uncertain]
    tri_cols = np.flatnonzero(~is_pert).astype(np.int64)
    pert_cols = np.flatnonzero(is_pert).astype(np.int64)
    t, b = uncertain[tri_cols], uncertain[pert_cols]
    width = high[t] - net_low[t]
    cut = np.divide(likely[t] - net_low[t], width, out=np.zeros_like(width), where=width > 0)
    column = lambda a: np.asarray(a, dtype=DT)[:, None]  # noqa: E731
    return _Draw(
        tri_rows=t, tri_cols=tri_cols,
        tri_low=column(net_low[t]), tri_width=column(width), tri_cut=column(cut),
        tri_rest=column(1.0 - cut), tri_base=column(net_low[t] + width * (1.0 - cut)),
        pert_rows=b, pert_cols=pert_cols,
        pert_low=column(net_low[b]), pert_width=column(high[b] - net_low[b]),
        flat=np.ascontiguousarray(tables, dtype=DT).reshape(-1),
        offset=(table_row * PERT_GRID).astype(np.int64)[:, None],
    )  # fmt: skip


def _triangular(u: Floats, draw: _Draw) -> Floats:
    """Triangular inverse CDF of the uniforms ``u`` (rows: the triangular tasks).

    Left of the mode the share of the width is ``sqrt(u·cut)``, right of it
    ``1 − sqrt((1 − u)(1 − cut))``. Each branch's formula stays on its own side of
    ``cut`` exactly when it is the right one, so the share is
    ``min(left, cut) + max(right, cut) − cut``: no comparisons or masks, only arithmetic
    (numpy's masked paths cost several times more).
    """
    value = u * draw.tri_cut
    np.sqrt(value, out=value)
    np.minimum(value, draw.tri_cut, out=value)
    other = 1 - u
    other *= draw.tri_rest
    np.sqrt(other, out=other)
    np.minimum(other, draw.tri_rest, out=other)
    value -= other
    value *= draw.tri_width
    value += draw.tri_base
    return value


def _pert(u: Floats, draw: _Draw) -> Floats:
    """PERT draws of the uniforms ``u`` (rows: the PERT tasks) through the tables, in place."""
    u *= PERT_GRID - 1
    k = u.astype(np.int64)
    np.minimum(k, PERT_GRID - 2, out=k)
    u -= k  # the fraction between grid points
    k += draw.offset
    left = draw.flat.take(k)
    share = draw.flat.take(k + 1)
    share -= left
    share *= u
    share += left
    share *= draw.pert_width
    share += draw.pert_low
    return share


def _passes(net: _Net, dur: Floats, critical: bool) -> tuple[Floats, npt.NDArray[np.bool_] | None]:
    """Project finish per run and, if asked, which tasks are critical in each run.

    Arrays are node-major (a row per node, a column per run): ``times`` holds each
    node's start (row 2i) and finish (row 2i + 1), plus a last row of −inf that pads the
    per-level slot matrices. A level gathers whole rows, adds the lags, and takes the
    maximum over the slots.
    """
    width, runs = dur.shape
    n = net.n
    times = np.empty((2 * width + 1, runs), dtype=DT)
    start0 = np.minimum(net.floor, net.cap)
    start0[n] = 0.0
    times[0 : 2 * width : 2] = start0[:, None]
    times[1 : 2 * width : 2] = times[0 : 2 * width : 2] + dur
    times[-1] = -np.inf
    for level in net.forward_slots:
        best = _best(times, level, True, dur)
        if level.bounded:
            nodes = level.nodes
            np.maximum(best, net.floor[nodes][:, None], out=best)
            np.minimum(best, net.cap[nodes][:, None], out=best)
        times[level.start_rows] = best
        best += dur[level.nodes]
        times[level.start_rows + 1] = best
    finish = times[1 : 2 * n : 2].max(axis=0) if n else np.zeros(runs, dtype=DT)
    if not critical:
        return finish, None
    # Backward on the same layout: row 2i late start, 2i + 1 late finish, +inf padding.
    late = np.empty_like(times)
    late[1 : 2 * width : 2] = finish[None, :]
    late[0 : 2 * width : 2] = finish[None, :] - dur
    late[-1] = np.inf
    for level in net.backward_slots:
        best = _best(late, level, False, dur)
        np.minimum(best, late[level.start_rows], out=best)
        late[level.start_rows] = best
        best += dur[level.nodes]
        late[level.start_rows + 1] = best
    # Critical: no float beyond single-precision rounding (a tenth of a minute, more on
    # very long projects).
    tol = 2e-6 * np.maximum(5e4, np.abs(finish))[None, :]
    crit = (late[0 : 2 * n : 2] - times[0 : 2 * n : 2]) <= tol
    crit[net.c.state[:n] == FINISHED] = False
    return finish, crit


def _best(
    rows: Floats,
    level: _Slots,
    forward: bool,
    dur: Floats,
) -> Floats:
    """Each node's bound over its links in a level: one gather, one add, a fold per slot.

    The level's links are laid out slot by slot (every node's first link, then the
    second link of the nodes that have one, ...) with the nodes in descending order of
    links, so slot ``j`` covers a prefix of the nodes and folds into it in place: no
    padding is gathered or reduced. ``shifted`` links bound the node once a duration is
    taken off (forward: links reaching its finish, its own duration; backward: links
    leaving its finish).
    """
    gathered = rows[level.src]
    gathered += level.lag
    if level.shifted.size:
        part = gathered[level.shifted]
        part -= dur[level.shifted_node]
        gathered[level.shifted] = part
    fold = np.maximum if forward else np.minimum
    best = gathered[: level.nodes.size]
    for first, count in level.slots:
        head = best[:count]
        fold(head, gathered[first : first + count], out=head)
    return best


@dataclass(frozen=True)
class _Slots:
    """One topological level's links, laid out slot by slot.

    ``nodes`` are in descending order of their number of links; ``src`` indexes rows of
    the times array and ``lag`` (a column) holds the constant to add, slot 0 first (one
    link of every node), then for each further slot ``(first, count)`` in ``slots`` the
    links of the first ``count`` nodes. ``shifted`` are the positions of the links that
    take a duration off, ``shifted_node`` whose duration.
    """

    nodes: IntArray
    src: IntArray
    lag: Floats
    slots: tuple[tuple[int, int], ...]
    shifted: IntArray
    shifted_node: IntArray
    start_rows: IntArray  # 2 · nodes: their start rows in the times arrays
    bounded: bool = True  # some node has a start floor or cap to apply

    @property
    def cells(self) -> int:
        """Links in the level (the per-run working size of the level)."""
        return int(self.src.size)


def _slot_levels(
    level: IntArray,
    target: IntArray,
    source: IntArray,
    lag: Floats,
    shifted: npt.NDArray[np.bool_],
    reverse: bool,
) -> tuple[_Slots, ...]:
    """Group links by the level of their target node (descending if ``reverse``)."""
    if not target.size:
        return ()
    lv = level[target]
    out = []
    for value in sorted(np.unique(lv).tolist(), reverse=reverse):
        sel = np.flatnonzero(lv == value)
        nodes, node_of, counts = np.unique(target[sel], return_inverse=True, return_counts=True)
        rank = np.empty(nodes.size, dtype=np.int64)  # node's position, most links first
        rank[np.argsort(-counts, kind="stable")] = np.arange(nodes.size)
        pos = rank[node_of]
        order = np.argsort(pos, kind="stable")  # links grouped by node, nodes by rank
        ends = np.cumsum(counts[np.argsort(-counts, kind="stable")])
        slot = np.arange(sel.size) - np.repeat(ends - np.sort(counts)[::-1], np.sort(counts)[::-1])
        layout = np.lexsort((pos[order], slot))  # slot-major, then node rank
        links = sel[order][layout]
        slot_of = slot[layout]
        sizes = np.bincount(slot_of)
        firsts = np.cumsum(sizes) - sizes
        shift = np.flatnonzero(shifted[links]).astype(np.int64)
        ranked = nodes[np.argsort(-counts, kind="stable")].astype(np.int64)
        out.append(
            _Slots(
                nodes=ranked,
                start_rows=2 * ranked,
                src=source[links].astype(np.int64),
                lag=lag[links].astype(DT)[:, None],
                slots=tuple(zip(firsts[1:].tolist(), sizes[1:].tolist(), strict=True)),
                shifted=shift,
                shifted_node=target[links][shift].astype(np.int64),
            )
        )
    return tuple(out)


TORNADO_RUNS = 4000  # runs kept per task for the tornado (rank correlations)
CHUNK_CELLS = 250_000  # run-cells per chunk (largest level or node count × runs): cache-sized
MEMORY_BUDGET = 512 * 2**20  # bytes one simulation may hold at once (see memory_needed)
MIB = 2**20


def memory_needed(
    tasks: int, runs: int, events: int = 0, uncertain: int | None = None, workers: int = 2,
    cells: int = 0,
) -> int:  # fmt: skip
    """Bytes a simulation of ``runs`` runs over ``tasks`` network nodes holds at its peak.

    The per-run outputs (finish, cost, each risk's draw and occurrence), the durations
    kept for the tornado (``TORNADO_RUNS`` runs of each uncertain task), each chunk's
    criticality counts and duration sums, and each worker's chunk (durations, uniforms,
    early and late times, a level's gathered links: about eight node-by-run float32
    arrays), plus the summaries' copies of the finish and cost. ``cells`` is the largest
    level's link count when known (it sizes the chunks like ``simulate`` does).
    """
    uncertain = tasks if uncertain is None else uncertain
    width = max(cells, tasks + 1, 1)
    chunk = max(1, min(runs, CHUNK_CELLS // width))
    chunks = -(-runs // chunk)
    per_run = runs * (8 + 8 + events * 9 + 4 * 8)  # outputs + the summaries' sorts
    kept = min(runs, TORNADO_RUNS) * uncertain * 4
    per_chunk = chunks * tasks * 16  # criticality counts (int64) and duration sums (float64)
    working = min(workers, chunks) * chunk * (tasks + 1) * 4 * 8
    return per_run + kept + per_chunk + working


def check_memory(
    tasks: int, runs: int, events: int = 0, uncertain: int | None = None, workers: int = 2,
    cells: int = 0, budget: int | None = None,
) -> None:  # fmt: skip
    """FieldError on ``runs`` when the simulation would need more than the memory budget."""
    limit = MEMORY_BUDGET if budget is None else budget
    need = memory_needed(tasks, runs, events, uncertain, workers, cells)
    if need > limit:
        most = runs
        while (
            most > MIN_RUNS
            and memory_needed(tasks, most, events, uncertain, workers, cells) > limit
        ):
            most = most * 3 // 4
        raise FieldError(
            "runs",
            f"{runs:,} runs of {tasks:,} tasks would need about {need / MIB:,.0f} MB, more "
            f"than the {limit / MIB:,.0f} MB a simulation may use: ask for at most about "
            f"{most:,} runs, or simulate a smaller plan.",
        )


TORNADO_TASKS = 200  # most critical uncertain tasks ranked in the tornado
TORNADO_SIZE = 12
BINS = 30


def simulate(
    model: RiskModel,
    runs: int,
    rng: np.random.Generator,
    progress: Callable[[float], None] | None = None,
    workers: int = 2,
    memory_budget: int | None = None,
) -> RiskResult:
    """Run ``runs`` Monte Carlo iterations of the network; seeded through ``rng``.

    Refused (FieldError on ``runs``) before anything is drawn when it would hold more
    than ``memory_budget`` bytes (default ``MEMORY_BUDGET``; see ``memory_needed``).

    Runs are processed in chunks (tasks × runs arrays, level by level of the network).
    Each chunk draws from its own child of ``rng`` (``Generator.spawn``), so the result
    depends on the seed only, not on ``workers`` (threads: numpy releases the GIL in its
    array loops). ``progress`` is called, from the calling thread, with the fraction
    done after each chunk; an exception it raises stops the simulation between chunks
    (the way a caller cancels a run) and propagates.
    """
    _check(model, runs)
    if workers < 1:
        raise FieldError("workers", "at least one worker")
    net = _prepare(model)
    check_memory(net.n, runs, len(model.events), int(net.uncertain.size), workers, net.cells,
                 memory_budget)  # fmt: skip
    n = net.n
    chunk = max(1, min(runs, CHUNK_CELLS // max(net.cells, n + 1, 1)))
    starts = list(range(0, runs, chunk))
    children = rng.spawn(len(starts))
    out = _Sample(
        finish=np.empty(runs),
        cost=np.empty(runs),
        crit=np.zeros((len(starts), n), dtype=np.int64),
        dur_sum=np.zeros((len(starts), n + 1)),
        kept=np.empty((net.uncertain.size, min(runs, TORNADO_RUNS)), dtype=DT),
        impact=np.zeros((len(model.events), runs)),
        occurred=np.zeros((len(model.events), runs), dtype=bool),
    )

    def one(k: int) -> None:
        first = starts[k]
        _chunk(net, model, out, k, first, min(chunk, runs - first), children[k])

    if workers == 1 or len(starts) == 1:
        for k in range(len(starts)):
            one(k)
            if progress is not None:
                progress(min(starts[k] + chunk, runs) / runs)
    else:
        # At most two chunks per worker are queued at a time, so a stop (``progress`` or
        # a chunk raising, e.g. for a cancelled run) waits for those in flight only,
        # however busy the machine is.
        in_flight = 2 * workers
        with ThreadPoolExecutor(max_workers=workers) as pool:
            pending: set[Future[None]] = set()
            queued = done = 0
            try:
                while queued < len(starts) or pending:
                    while queued < len(starts) and len(pending) < in_flight:
                        pending.add(pool.submit(one, queued))
                        queued += 1
                    finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                    for future in finished:
                        future.result()
                        done += 1
                        if progress is not None:
                            progress(done / len(starts))
            except BaseException:
                for future in pending:
                    future.cancel()
                raise
    return _result(model, net, runs, out)


@dataclass(frozen=True)
class _Sample:
    """The per-run outputs every chunk writes its slice of."""

    finish: Floats
    cost: Floats
    crit: IntArray  # per chunk: runs in which each task was critical
    dur_sum: Floats  # per chunk: sum of each task's durations
    kept: Floats  # uncertain tasks' durations of the first runs
    impact: Floats  # per risk: its delay (or cost) in each run
    occurred: npt.NDArray[np.bool_]


def _chunk(
    net: _Net, model: RiskModel, out: _Sample, k: int, first: int, size: int,
    rng: np.random.Generator,
) -> None:  # fmt: skip
    """Simulate runs ``first .. first + size`` and write their slices of ``out``."""
    index = model.project.index
    dur = _draw_durations(net, model, size, rng)
    keep = out.kept.shape[1]
    if first < keep:
        take = min(size, keep - first)
        out.kept[:, first : first + take] = dur[net.uncertain, :take]
    last = first + size
    extra = np.zeros(size)
    for j, event in enumerate(model.events):
        hit = rng.random(size) < event.probability
        delay = _point(event.delay, rng, size) * hit
        money = _point(event.cost, rng, size) * hit
        rows = [i for i in (index[t] for t in event.task_ids) if net.c.state[i] != FINISHED]
        if rows:
            dur[rows] += delay.astype(DT)[None, :]
        out.occurred[j, first:last] = hit
        out.impact[j, first:last] = delay if rows else money
        extra += money
    end, crit = _passes(net, dur, critical=True)
    assert crit is not None
    out.finish[first:last] = end
    # Variable cost = rate · (drawn + already worked minutes): the matrix product in the
    # runs' precision (no float64 copy of the durations), the constant part in float64.
    done = float(net.rate @ net.done_minutes.astype(np.float64))
    variable = net.rate.astype(DT) @ dur
    out.cost[first:last] = net.fixed_cost + done + variable.astype(np.float64) + extra
    out.crit[k] = crit.sum(axis=1)
    out.dur_sum[k] = dur.sum(axis=1, dtype=np.float64)


def _point(three: ThreePoint, rng: np.random.Generator, size: int) -> Floats:
    """Triangular draws of a three-point impact."""
    u = rng.random((1, size))
    one = np.ones(1)
    return _inverse(u, one * three.low, one * three.likely, one * three.high)[0]


def _spread(values: Floats) -> Spread:
    counts, edges = np.histogram(values, bins=BINS)
    curve = np.percentile(values, np.arange(101))
    return Spread(
        mean=float(values.mean()),
        std=float(values.std()),
        low=float(values.min()),
        high=float(values.max()),
        percentiles={p: float(np.percentile(values, p)) for p in PERCENTS},
        edges=tuple(float(e) for e in edges),
        counts=tuple(int(k) for k in counts),
        curve=tuple(float(v) for v in curve),
    )


def _ranks(values: Floats) -> Floats:
    """Ranks from 1 with ties sharing their average rank (as Spearman's coefficient wants)."""
    order = np.argsort(values)
    ordered = values[order]
    fresh = np.empty(values.size, dtype=bool)
    fresh[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=fresh[1:])
    ranks = np.empty(values.size)
    if fresh.all():  # no ties
        ranks[order] = np.arange(1, values.size + 1)
        return ranks
    starts = np.flatnonzero(fresh)
    counts = np.diff(np.append(starts, values.size))
    ranks[order] = np.repeat(starts + (counts + 1) / 2.0, counts)
    return ranks


def _spearman(x: Floats, y_rank: Floats) -> float:
    xr = _ranks(x)
    xr = xr - xr.mean()
    yr = y_rank - y_rank.mean()
    den = math.sqrt(float((xr * xr).sum() * (yr * yr).sum()))
    return float((xr * yr).sum() / den) if den > 0 else 0.0


def _tornado(
    model: RiskModel,
    net: _Net,
    out: _Sample,
    crit_index: Floats,
) -> tuple[Driver, ...]:
    finish, kept_dur, impact, occurred = out.finish, out.kept, out.impact, out.occurred
    start = 0.0
    keep = kept_dur.shape[1]
    y = finish[:keep]
    y_rank = _ranks(y)
    overall = float(np.median(y))
    drivers: list[Driver] = []
    cols = np.argsort(-crit_index[net.uncertain], kind="stable")[:TORNADO_TASKS]
    for col in cols.tolist():
        task = int(net.uncertain[col])
        if crit_index[task] <= 0:
            continue
        x = kept_dur[col]
        lo, hi = np.percentile(x, [100 / 3, 200 / 3])
        low_side, high_side = y[x <= lo], y[x >= hi]
        drivers.append(
            Driver(
                key=model.project.activities[task].id,
                kind="task",
                correlation=_spearman(x, y_rank),
                low_p50=float(np.median(low_side) if low_side.size else overall) - start,
                high_p50=float(np.median(high_side) if high_side.size else overall) - start,
            )
        )
    y_all = _ranks(finish)
    overall_all = float(np.median(finish))
    for j, event in enumerate(model.events):
        hit = occurred[j]
        no, yes = finish[~hit], finish[hit]
        drivers.append(
            Driver(
                key=event.key,
                kind="risk",
                correlation=_spearman(impact[j], y_all),
                low_p50=float(np.median(no) if no.size else overall_all) - start,
                high_p50=float(np.median(yes) if yes.size else overall_all) - start,
            )
        )
    drivers.sort(key=lambda d: (-abs(d.correlation), d.key))
    return tuple(drivers[:TORNADO_SIZE])


def _result(
    model: RiskModel,
    net: _Net,
    runs: int,
    out: _Sample,
) -> RiskResult:
    c, n = net.c, net.n
    zero = float(c.start_pos)
    finish, cost = out.finish, out.cost
    crit_count, dur_sum = out.crit.sum(axis=0), out.dur_sum.sum(axis=0)
    clock = c.clock
    origin = datetime.combine(clock.origin, datetime.min.time())

    def when(position: float) -> datetime:
        return origin + timedelta(minutes=clock.finish(max(round(position + zero), 0)))

    plan = c.dur.astype(DT)[:, None]
    planned_end, _ = _passes(net, plan, critical=False)
    planned_cost = net.fixed_cost + float(net.rate @ (c.dur + net.done_minutes))
    spread = _spread(finish)
    crit_index = np.zeros(n + 1)
    crit_index[:n] = crit_count / runs
    activities = model.project.activities
    criticality = tuple(
        TaskCriticality(act.id, float(crit_index[i]), float(dur_sum[i] / runs))
        for i, act in enumerate(activities)
        if act.kind is not Kind.SUMMARY
    )
    baseline_minutes = p_baseline = None
    if model.baseline_finish is not None:
        baseline_pos = clock.position(clock.work.instant_of(model.baseline_finish))
        baseline_minutes = float(baseline_pos) - zero
        p_baseline = float((finish <= baseline_minutes + 1e-3).mean())
    p_budget = None
    if model.budget is not None:
        p_budget = float((cost <= model.budget + 1e-6).mean())
    return RiskResult(
        runs=runs,
        start=model.project.start,
        finish=spread,
        finish_dates={p: when(v) for p, v in spread.percentiles.items()},
        edge_dates=tuple(when(e) for e in spread.edges),
        curve_dates=tuple(when(v) for v in spread.curve),
        deterministic_finish=when(float(planned_end[0])),
        deterministic_minutes=float(planned_end[0]),
        cost=_spread(cost),
        deterministic_cost=planned_cost,
        baseline_finish=model.baseline_finish,
        baseline_minutes=baseline_minutes,
        p_baseline=p_baseline,
        budget=model.budget,
        p_budget=p_budget,
        criticality=criticality,
        tornado=_tornado(model, net, out, crit_index),
        occurrence={e.key: float(out.occurred[j].mean()) for j, e in enumerate(model.events)},
    )
