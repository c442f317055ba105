"""Turn a validated :class:`Project` into integer arrays on the project calendar."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
import numpy.typing as npt

from keystage.engine.calendars import CalendarClock, IntArray
from keystage.engine.errors import CycleError, ImpossibleConstraintError, InvalidActivityError
from keystage.engine.network import (
    Activity,
    ConstraintType,
    Kind,
    LagUnit,
    LinkType,
    Project,
)
from keystage.engine.passes import BIG, CycleFound, topological_levels

C = ConstraintType
FROM_FINISH = {LinkType.FS: True, LinkType.FF: True, LinkType.SS: False, LinkType.SF: False}
TO_FINISH = {LinkType.FS: False, LinkType.SS: False, LinkType.FF: True, LinkType.SF: True}
LINK_CODE = {LinkType.FS: 0, LinkType.SS: 1, LinkType.FF: 2, LinkType.SF: 3}

# Why an activity starts where it does, when no link drives it.
REASONS = ("project start", "data date", "actual start", "constraint")
R_START, R_DATA, R_ACTUAL, R_CONSTRAINT = range(4)
NOT_STARTED, IN_PROGRESS, FINISHED = range(3)


def origin_of(project: Project, lead_days: int = 30) -> date:
    """Midnight ``lead_days`` before the earliest date the project mentions.

    Positions count from it; the lead leaves room for activities that links pull
    before the project start (as MS Project allows for start-to-finish links and leads).
    """
    dates = [project.start, *(d for d in (project.data_date,) if d is not None)]
    for act in project.activities:
        dates += [d for d in (act.actual_start, act.constraint_date) if d is not None]
    return min(dates).date() - timedelta(days=lead_days)


def needs_general_path(project: Project) -> bool:
    """True if some activity or lag is not in working minutes of the project calendar."""
    return any(
        a.elapsed or (a.calendar not in (None, project.calendar)) for a in project.activities
    ) or any(link.lag_unit is LagUnit.ELAPSED for link in project.links)


def remaining_of(act: Activity) -> int:
    """Remaining duration of a started activity (given, else from percent complete)."""
    if act.remaining is not None:
        return act.remaining
    return round(act.duration * (100.0 - act.percent_complete) / 100.0)


@dataclass(frozen=True)
class Compiled:
    """The project as arrays; node ``n`` is an anchor fixed at position 0."""

    project: Project
    clock: CalendarClock
    n: int
    start_pos: int
    data_pos: int
    state: IntArray
    dur: IntArray
    full_dur: IntArray
    actual_start: IntArray
    pred: IntArray
    succ: IntArray
    weight: IntArray
    link_id: IntArray
    floor: IntArray
    cap: IntArray
    ls_cap: IntArray
    ls_fixed: IntArray
    deadline: IntArray
    reason: IntArray
    alap: npt.NDArray[np.bool_]
    # Maximum lags as reverse edges ``es[max_succ] >= es[max_pred] + max_weight`` (the
    # successor pulls the predecessor); empty unless the project has maximum lags.
    max_pred: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    max_succ: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    max_weight: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    max_link: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    def edges(self) -> tuple[IntArray, IntArray, IntArray, IntArray]:
        """Predecessors, successors, weights and link indices of every edge, maximum
        lags' reverse edges included (the plain link arrays when there are none)."""
        if not self.max_link.size:
            return self.pred, self.succ, self.weight, self.link_id
        return (
            np.concatenate((self.pred, self.max_pred)),
            np.concatenate((self.succ, self.max_succ)),
            np.concatenate((self.weight, self.max_weight)),
            np.concatenate((self.link_id, self.max_link)),
        )


def compile_project(project: Project, lead_days: int = 30) -> Compiled:
    """Positions, durations, bounds and link weights for the vectorised passes."""
    origin = origin_of(project, lead_days)
    clock = CalendarClock(project.calendars_by_id[project.calendar], origin)
    n = len(project.activities)

    def pos(when: datetime) -> int:
        return clock.position(_instant(origin, when))

    start_pos = pos(project.start)
    data_pos = max(pos(project.data_date), start_pos) if project.data_date else start_pos
    state = np.zeros(n + 1, dtype=np.int64)
    dur = np.zeros(n + 1, dtype=np.int64)
    full = np.zeros(n + 1, dtype=np.int64)
    actual = np.full(n + 1, -1, dtype=np.int64)
    floor = np.full(n + 1, start_pos, dtype=np.int64)
    cap = np.full(n + 1, BIG, dtype=np.int64)
    ls_cap = np.full(n + 1, BIG, dtype=np.int64)
    ls_fixed = np.full(n + 1, BIG, dtype=np.int64)
    deadline = np.full(n + 1, BIG, dtype=np.int64)
    reason = np.full(n + 1, R_START, dtype=np.int64)
    earliest = max(project.start, project.data_date or project.start)
    floor[n] = cap[n] = 0
    for i, act in enumerate(project.activities):
        full[i] = act.duration
        if act.kind is Kind.SUMMARY:
            if act.constraint is not C.ASAP:
                raise InvalidActivityError(act.id, "constraints on summary tasks are not supported")
            continue
        if act.actual_start is not None:
            actual[i] = pos(act.actual_start)
            reason[i] = R_ACTUAL
            if act.actual_finish is not None:
                state[i] = FINISHED
                floor[i] = cap[i] = ls_fixed[i] = actual[i]
                dur[i] = pos(act.actual_finish) - actual[i]
                continue
            state[i] = IN_PROGRESS
            dur[i] = remaining_of(act)
            floor[i] = data_pos
        else:
            dur[i] = act.duration
            if data_pos > start_pos:
                floor[i], reason[i] = data_pos, R_DATA
        _apply_constraint(act, i, pos, floor, cap, (ls_cap, ls_fixed), reason, dur, earliest)
        if act.deadline is not None:
            deadline[i] = pos(act.deadline) - dur[i]
    alap = np.zeros(n + 1, dtype=bool)
    alap[:n] = [a.constraint is C.ALAP for a in project.activities]
    pred, succ, weight, link_id, ff_types = _links(project, n, dur, full, state, actual)
    # MS Project: only activities without predecessors (or with a finish-to-finish one)
    # are held at the project start; other links may pull an activity before it.
    linked = np.bincount(succ, minlength=n + 1) > 0
    held = np.bincount(succ[ff_types], minlength=n + 1) > 0 if ff_types.size else ~linked
    free = linked & ~held & (state == NOT_STARTED) & (reason == R_START)
    floor[free] = -BIG
    compiled = Compiled(
        project, clock, n, start_pos, data_pos, state, dur, full, actual,
        pred, succ, weight, link_id, floor, cap, ls_cap, ls_fixed, deadline, reason,
        alap,
    )  # fmt: skip
    if project.has_max_lags:
        m_pred, m_succ, m_weight, m_link = _max_lag_edges(project, dur, full, state)
        object.__setattr__(compiled, "max_pred", m_pred)
        object.__setattr__(compiled, "max_succ", m_succ)
        object.__setattr__(compiled, "max_weight", m_weight)
        object.__setattr__(compiled, "max_link", m_link)
    return compiled


def _max_lag_edges(
    project: Project, dur: IntArray, full: IntArray, state: IntArray
) -> tuple[IntArray, IntArray, IntArray, IntArray]:
    """Reverse edges of the maximum lags: ``es[pred] >= es[succ] - (max_lag + ends)``.

    A started predecessor is history and a finished successor no longer moves, so
    their maximum lags pull nothing (the data date may already lie past the limit).
    """
    index = project.index
    rows = []
    for j, k in enumerate(project.links):
        if k.max_lag is None:
            continue
        p, s = index[k.pred], index[k.succ]
        if state[p] != NOT_STARTED or state[s] == FINISHED:
            continue
        most = full[p] * k.max_lag / 100.0 if k.lag_unit is LagUnit.PERCENT else k.max_lag
        weight = round(most) + (dur[p] if FROM_FINISH[k.type] else 0)
        weight -= dur[s] if TO_FINISH[k.type] else 0
        rows.append((s, p, -int(weight), j))
    table = np.array(rows, dtype=np.int64).reshape(-1, 4)
    return table[:, 0].copy(), table[:, 1].copy(), table[:, 2].copy(), table[:, 3].copy()


def _instant(origin: date, when: datetime) -> int:
    delta = when - datetime.combine(origin, time())
    return int(delta.total_seconds() // 60)


def _apply_constraint(
    act: Activity,
    i: int,
    pos: object,
    floor: IntArray,
    cap: IntArray,
    late: tuple[IntArray, IntArray],
    reason: IntArray,
    dur: IntArray,
    earliest: datetime,
) -> None:
    kind = act.constraint
    if act.constraint_date is None or kind in (C.ASAP, C.ALAP):
        return
    started = act.actual_start is not None
    if started and kind in (C.SNET, C.SNLT, C.MSO):
        return  # start constraints are moot once work has started
    d = pos(act.constraint_date)  # type: ignore[operator]
    target = d if kind in (C.SNET, C.SNLT, C.MSO) else d - dur[i]
    if kind in (C.SNET, C.FNET, C.MSO, C.MFO) and target >= floor[i]:
        floor[i], reason[i] = target, R_CONSTRAINT
    if kind in (C.SNLT, C.FNLT, C.MSO, C.MFO):
        # compare the dates themselves too: Friday 17:00 is the position of Monday 08:00
        date_pos = d - 1 if act.constraint_date < earliest else d
        check_cap(act, date_pos, target, int(floor[i]), int(reason[i]))
        cap[i] = target
        late[0 if kind in (C.SNLT, C.FNLT) else 1][i] = target


def check_cap(act: Activity, date_pos: int, target: int, floor: int, why: int) -> None:
    """Refuse a no-later-than or must-on constraint that cannot be met; both paths use it.

    The constraint's own date may not lie before the floor (the project start, the data
    date, or an actual start). A finish constraint whose date minus the duration falls
    before the *project start* is met as MS Project meets it: the activity starts
    before the project start. Before the data date, or for work already started, it is
    refused, since unfinished work is never scheduled before the data date.
    """
    assert act.constraint_date is not None
    earliest = {R_DATA: "the data date", R_ACTUAL: "the data date"}.get(why, "the project start")
    if date_pos < floor:
        raise ImpossibleConstraintError(act.id, act.constraint_date, f"is before {earliest}")
    if target < floor and why != R_START:
        left = "remaining duration" if act.started else "duration"
        raise ImpossibleConstraintError(
            act.id, act.constraint_date, f"minus the {left} is before {earliest}"
        )


def _links(
    project: Project, n: int, dur: IntArray, full: IntArray, state: IntArray, actual: IntArray
) -> tuple[IntArray, IntArray, IntArray, IntArray, IntArray]:
    """Link arrays (vectorised); links whose predecessor end is fixed hang from the anchor.

    Returns predecessors, successors, weights, link indices and a finish-to-finish mask.
    """
    index, links = project.index, project.links
    count = len(links)
    p = np.fromiter((index[k.pred] for k in links), np.int64, count)
    s = np.fromiter((index[k.succ] for k in links), np.int64, count)
    code = np.fromiter((LINK_CODE[k.type] for k in links), np.int64, count)
    lag = np.fromiter((k.lag for k in links), np.float64, count)
    percent = np.fromiter((k.lag_unit is LagUnit.PERCENT for k in links), bool, count)
    lag = np.where(percent, full[p] * lag / 100.0, lag)
    from_finish = (code == LINK_CODE[LinkType.FS]) | (code == LINK_CODE[LinkType.FF])
    to_finish = (code == LINK_CODE[LinkType.FF]) | (code == LINK_CODE[LinkType.SF])
    weight = np.round(lag).astype(np.int64) - np.where(to_finish, dur[s], 0)
    weight += np.where(from_finish, dur[p], 0)
    anchored = (state[p] == FINISHED) | ((state[p] == IN_PROGRESS) & ~from_finish)
    weight += np.where(anchored, actual[p], 0)
    pred = np.where(anchored, n, p)
    keep = state[s] != FINISHED
    ids = np.flatnonzero(keep).astype(np.int64)
    ff = code == LINK_CODE[LinkType.FF]
    return pred[keep], s[keep], weight[keep], ids, ff[keep]


def levels_or_cycle(project: Project, n_nodes: int, pred: IntArray, succ: IntArray) -> IntArray:
    """Topological levels, translating a cycle into :class:`CycleError` with activity ids."""
    try:
        return topological_levels(n_nodes, pred, succ)
    except CycleFound as found:
        raise CycleError([project.activities[i].id for i in found.nodes]) from None
