"""Assemble a :class:`Schedule`: datetimes, summary roll-up, paths and baseline variance."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import numpy as np

from keystage.engine.calendars import IntArray
from keystage.engine.network import Kind, Project
from keystage.engine.result import ActivitySchedule, Schedule
from keystage.engine.timing import Timing


def _datetimes(origin: datetime, instants: IntArray) -> list[datetime]:
    base = np.datetime64(origin, "m")
    values = base + np.asarray(instants, dtype=np.int64).astype("timedelta64[m]")
    return values.astype("datetime64[us]").tolist()  # type: ignore[no-any-return]


def _summary_order(project: Project) -> list[int]:
    """Summary activities, deepest first, so nested summaries roll up correctly."""
    index = project.index

    def depth(i: int) -> int:
        d, act = 0, project.activities[i]
        while act.parent is not None:
            d, act = d + 1, project.activities[index[act.parent]]
        return d

    summaries = [i for i, a in enumerate(project.activities) if a.kind is Kind.SUMMARY]
    return sorted(summaries, key=depth, reverse=True)


def assemble(project: Project, t: Timing, baseline: str | None) -> Schedule:
    """Build the public result from the computed timing."""
    acts = project.activities
    es, ef, ls, lf = (np.array(x, dtype=np.int64) for x in (t.es, t.ef, t.ls, t.lf))
    tf = np.array(t.total_float, dtype=np.int64)
    ff = np.array(t.free_float, dtype=np.int64)
    dur = np.array(t.duration, dtype=np.int64)
    work = np.array([a.work for a in acts], dtype=float)
    cost = np.array([a.cost for a in acts], dtype=float)
    shift = t.alap & ~t.finished & np.array([a.actual_start is None for a in acts], dtype=bool)
    start = np.where(shift, ls, es)
    finish = np.where(shift, lf, ef)
    critical = (tf <= 0) & ~t.finished
    is_summary = np.array([a.kind is Kind.SUMMARY for a in acts], dtype=bool)
    critical &= ~is_summary
    children: dict[int, list[int]] = {}
    for i, act in enumerate(acts):
        if act.parent is not None:
            children.setdefault(project.index[act.parent], []).append(i)
    for s in _summary_order(project):
        kids = children.get(s, [])
        if not kids:
            continue
        for arr, pick in ((es, min), (start, min), (ls, min), (ef, max), (finish, max), (lf, max)):
            arr[s] = pick(int(arr[k]) for k in kids)
        tf[s] = min(int(tf[k]) for k in kids)
        ff[s] = min(int(ff[k]) for k in kids)
        work[s] = work[s] + sum(work[k] for k in kids)
        cost[s] = cost[s] + sum(cost[k] for k in kids)
        critical[s] = any(critical[k] for k in kids)
    dur[is_summary] = t.working(start[is_summary], finish[is_summary])
    scheduled_late = shift  # as-late-as-possible activities are placed by their successors
    driver_of: dict[int, int] = {}
    preds_of: dict[int, list[int]] = {}
    for k in t.driving.tolist():
        link = project.links[k]
        s_idx, p_idx = project.index[link.succ], project.index[link.pred]
        driver_of.setdefault(s_idx, k)
        if not scheduled_late[s_idx]:
            preds_of.setdefault(s_idx, []).append(p_idx)
    for k in t.pulled.tolist():  # a maximum lag pulls the predecessor later
        driver_of.setdefault(project.index[project.links[k].pred], k)
    late_driver_of: dict[int, int] = {}
    for k in t.late_driving.tolist():
        late_driver_of.setdefault(project.index[project.links[k].pred], k)
    for k in t.late_pulled.tolist():  # a maximum lag holds the successor's late dates
        late_driver_of.setdefault(project.index[project.links[k].succ], k)
    on_path = _longest_path(ef, is_summary, t.finish, preds_of)
    variances = _variances(project, t, baseline, start, finish, dur)
    origin = datetime.combine(t.origin, time())
    columns = [_datetimes(origin, x) for x in (start, finish, es, ef, ls, lf)]
    durations, floats, frees = dur.tolist(), tf.tolist(), ff.tolist()
    crit_flags, summary_flags = critical.tolist(), is_summary.tolist()
    works, costs = work.tolist(), cost.tolist()
    result = []
    for i, act in enumerate(acts):
        driver = f"link {project.links[driver_of[i]].label}" if i in driver_of else t.reason[i]
        late = late_driver_of.get(i)
        late_driver = t.late_reason[i] if late is None else f"link {project.links[late].label}"
        if summary_flags[i]:
            driver = late_driver = "children"
        sv, fv, dv = variances.get(i, (None, None, None))
        result.append(
            ActivitySchedule(
                act.id,
                act.name,
                act.kind,
                columns[0][i],
                columns[1][i],
                columns[2][i],
                columns[3][i],
                columns[4][i],
                columns[5][i],
                durations[i],
                floats[i],
                frees[i],
                crit_flags[i],
                i in on_path,
                driver,
                works[i],
                costs[i],
                sv,
                fv,
                dv,
                late_driver,
            )
        )  # positional for speed: see the field order of ActivitySchedule
    order = np.lexsort((ef, es))
    crit = tuple(acts[i].id for i in order.tolist() if crit_flags[i] and not summary_flags[i])
    longest = tuple(acts[i].id for i in order.tolist() if i in on_path)
    return Schedule(
        _datetimes(origin, np.array([t.start]))[0],
        _datetimes(origin, np.array([t.finish]))[0],
        tuple(result), crit, longest, baseline,
    )  # fmt: skip


def _longest_path(
    ef: IntArray, is_summary: np.ndarray, finish: int, preds_of: dict[int, list[int]]
) -> set[int]:
    """Activities on a driving chain that ends at the project finish."""
    stack = [i for i in np.flatnonzero((ef >= finish) & ~is_summary).tolist()]
    seen = set(stack)
    while stack:
        for p in preds_of.get(stack.pop(), ()):
            if p not in seen:
                seen.add(p)
                stack.append(p)
    return seen


def _variances(
    project: Project,
    t: Timing,
    baseline: str | None,
    start: IntArray,
    finish: IntArray,
    dur: IntArray,
) -> dict[int, tuple[int, int, int]]:
    """Start, finish and duration variance against a baseline (positive = later/longer)."""
    if baseline is None:
        return {}
    entries = project.baseline(baseline).entries
    if not entries:
        return {}
    origin = datetime.combine(t.origin, time())
    rows = [project.index[e.activity] for e in entries]
    b_start = np.array([(e.start - origin) // _MINUTE for e in entries], dtype=np.int64)
    b_finish = np.array([(e.finish - origin) // _MINUTE for e in entries], dtype=np.int64)
    sv = t.working(b_start, start[rows])
    fv = t.working(b_finish, finish[rows])
    return {
        r: (int(sv[j]), int(fv[j]), int(dur[r]) - entries[j].duration) for j, r in enumerate(rows)
    }


_MINUTE = timedelta(minutes=1)
