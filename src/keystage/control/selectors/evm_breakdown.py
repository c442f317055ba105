"""Earned value by WBS summary (each with its own earned schedule) and by cost category."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from keystage.control.selectors.evm_curves import Curves
from keystage.control.selectors.evm_records import EvmRecords
from keystage.control.selectors.evm_results import (
    EvmFigures,
    EvmRow,
    Floats,
    _cents,
    _figures,
)
from keystage.costs.selectors import CATEGORY_LABELS, cost_items
from keystage.engine.evm_series import evm_series, working_before
from keystage.engine.money import to_cents
from keystage.portfolio.models import Project


def summary_rows(rec: EvmRecords, c: Curves) -> list[EvmRow]:
    """Figures per WBS summary at the data date: sums over its leaves (prefix sums in WBS
    order) and its own earned schedule from its own planned curve."""
    t = rec.tasks
    n = len(t.levels)
    if not n or not t.summary.any():
        return []
    ends = np.full(n, n, dtype=np.int64)
    stack: list[int] = []
    for i, level in enumerate(t.levels.tolist()):  # one pass over the rows
        while stack and t.levels[stack[-1]] >= level:
            ends[stack.pop()] = i
        stack.append(i)
    leaf = ~t.summary

    def span_sum(values: Floats) -> Floats:
        prefix = np.concatenate(([0.0], np.cumsum(values * leaf)))
        return prefix[ends] - prefix[np.arange(n) + 1]

    ac_by_row = _ac_by_row(rec)
    bac, pv, ev, ac = (span_sum(v) for v in (t.bac, c.task_pv_at, c.task_ev, ac_by_row))
    rows: list[EvmRow] = []
    who = np.flatnonzero(t.summary)
    # Each summary's own planned curve, for its earned schedule: (summary, leaf) pairs.
    pairs_s, pairs_l = [], []
    for k, i in enumerate(who.tolist()):
        members = np.flatnonzero(leaf[i + 1 : ends[i]]) + i + 1
        pairs_s.append(np.full(len(members), k))
        pairs_l.append(members)
    ps = np.concatenate(pairs_s) if pairs_s else np.zeros(0, np.int64)
    pl = np.concatenate(pairs_l) if pairs_l else np.zeros(0, np.int64)
    es_days = _summary_earned_schedule(rec, len(who), ps, pl, ev[who])
    # A summary's own clock: from its first planned day to the data date, or to the day its
    # last leaf finished when all of it is done (so a finished summary keeps its variance).
    first = np.full(len(who), rec.days, dtype=np.int64)
    np.minimum.at(first, ps, t.plan_first[pl])
    done_at = np.zeros(len(who), dtype=np.int64)
    np.maximum.at(done_at, ps, t.earn_last[pl] + 1)
    complete = np.ones(len(who), dtype=bool)
    np.logical_and.at(complete, ps, t.progress[pl] >= 1.0)
    at_all = np.where(complete, done_at, rec.data_index + 1)
    for k, i in enumerate(who.tolist()):
        if bac[i] <= 0:
            continue
        cum = np.array([0.0, bac[i]])  # only the money figures come from here
        s = evm_series(cum, [min(ev[i], bac[i])], [ac[i]], [1.0])
        f = _figures(s, 0)
        pvc, evc = _cents(pv[i]), f.ev
        es, at, start = float(es_days[k]), int(at_all[k]), int(first[k])
        if at <= start:  # not due to start yet: no schedule figures
            f = _with_schedule(f, pvc, evc, None, at, None)
        else:
            f = _with_schedule(f, pvc, evc, es, at, max(es - start, 0.0) / (at - start))
        rows.append(EvmRow(t.wbs_codes[i], t.names[i], int(t.levels[i]), f))
    return rows


def _with_schedule(
    f: EvmFigures, pv: Decimal, ev: Decimal, es: float | None, at: int, spi_t: float | None
) -> EvmFigures:
    spi = float(ev / pv) if pv else None
    cpi = f.cpi
    eac_cpi_spi = None
    if cpi and spi:
        remaining = f.bac - ev
        eac_cpi_spi = to_cents(f.ac + remaining / Decimal(cpi * spi)) if remaining > 0 else f.ac
    return EvmFigures(
        **{
            **f.__dict__,
            "pv": pv,
            "sv": ev - pv,
            "spi": spi,
            "eac_cpi_spi": eac_cpi_spi,
            "es_days": es,
            "sv_t_days": es - at if es is not None and at > 0 else None,
            "spi_t": spi_t,
            "ieac_t_days": None,
        }
    )


def _summary_earned_schedule(
    rec: EvmRecords, count: int, ps: npt.NDArray[np.int64], pl: npt.NDArray[np.int64], ev: Floats
) -> Floats:
    """Earned schedule (days) of many summaries at once: where each summary's cumulative
    planned curve reaches its earned value (Lipke's C + I on days)."""
    t, days = rec.tasks, rec.days
    if count == 0:
        return np.zeros(0)
    before = working_before(rec.working)
    lo = np.clip(t.plan_first[pl], 0, days - 1)
    hi = np.clip(t.plan_last[pl], 0, days - 1)
    n_work = before[hi + 1] - before[lo]
    rate = np.where(n_work > 0, t.bac[pl] / np.maximum(n_work, 1), 0.0)
    diff = np.zeros((count, days + 1))
    np.add.at(diff, (ps, lo), rate)
    np.add.at(diff, (ps, hi + 1), -rate)
    daily = np.cumsum(diff[:, :days], axis=1) * rec.working
    np.add.at(daily, (ps[n_work == 0], lo[n_work == 0]), t.bac[pl][n_work == 0])
    cum = np.concatenate((np.zeros((count, 1)), np.cumsum(daily, axis=1)), axis=1)
    total = cum[:, -1]
    duration = np.argmax(cum >= (total - 1e-9)[:, None], axis=1)
    whole = (cum <= (ev + 1e-9)[:, None]).sum(axis=1) - 1
    whole = np.clip(whole, 0, days - 1)
    rows = np.arange(count)
    step = cum[rows, np.minimum(whole + 1, days)] - cum[rows, whole]
    part = whole + (ev - cum[rows, whole]) / np.where(step > 0, step, 1.0)
    return np.where(whole >= duration, duration, np.minimum(part, duration)).astype(float)


def _ac_by_row(rec: EvmRecords) -> Floats:
    """Actual cost per baselined row, from the labour and costs that name its task."""
    t = rec.tasks
    out = np.zeros(len(t.task_pks))
    if not len(rec.ac_task) or not len(t.task_pks):
        return out
    order = np.argsort(t.task_pks)
    sorted_pks = t.task_pks[order]
    pos = np.searchsorted(sorted_pks, rec.ac_task)
    pos = np.clip(pos, 0, len(sorted_pks) - 1)
    hit = (sorted_pks[pos] == rec.ac_task) & (rec.ac_task >= 0)
    np.add.at(out, order[pos[hit]], rec.ac_task_amount[hit])
    return out


def category_rows(
    rec: EvmRecords, c: Curves, shares: Mapping[int, Mapping[str, float]]
) -> list[EvmRow]:
    """Figures per cost category at the data date.

    A task's baselined cost is split by the categories the cost plan ties to it now
    (``shares``: task pk → category → share); a task with no cost line now counts as
    *Other*. The level of effort (costs not tied to a task) goes to categories by what
    the baseline's categories hold beyond the tasks' share. The categories add up to the
    project's figures.
    """
    t = rec.tasks
    share_keys = [k for split in shares.values() for k in split]
    keys = list(
        dict.fromkeys(
            [*CATEGORY_LABELS, *rec.budget_categories, *rec.ac_category, *share_keys, "other"]
        )
    )
    position = {k: i for i, k in enumerate(keys)}
    matrix = np.zeros((len(t.task_pks), len(keys)))
    for i, pk in enumerate(t.task_pks.tolist()):  # one pass over the tasks
        split = shares.get(pk) if pk >= 0 else None
        if not split:
            matrix[i, position["other"]] = 1.0
            continue
        for key, share in split.items():
            matrix[i, position[key]] = share
    leaf = ~t.summary
    tied_bac = (t.bac * leaf) @ matrix
    tied_pv = (c.task_pv_at * leaf) @ matrix
    tied_ev = (c.task_ev * leaf) @ matrix
    untied_total = float(c.loe.sum())
    loe_by = np.zeros(len(keys))
    if untied_total > 0.005:
        planned = np.array([rec.budget_categories.get(k, ("", 0.0))[1] for k in keys])
        loe_by = np.maximum(planned - tied_bac, 0.0)
        if loe_by.sum() <= 0:
            loe_by = np.maximum(planned, 0.0)
        loe_by = loe_by * (untied_total / loe_by.sum()) if loe_by.sum() > 0 else loe_by
    loe_now = float(c.loe[: max(rec.data_index + 1, 0)].sum())
    loe_share = loe_by / untied_total if untied_total > 0.005 else loe_by
    bac = tied_bac + loe_by
    pv = tied_pv + loe_share * loe_now
    ev = tied_ev + loe_share * loe_now
    ac = np.zeros(len(keys))
    for key, amount in rec.ac_category.items():
        ac[position[key]] += amount
    rows = []
    for k, key in enumerate(keys):
        if bac[k] < 0.005 and ac[k] < 0.005:
            continue
        if bac[k] < 0.005:
            s = evm_series([0.0, 1.0], [0.0], [ac[k]], [1.0])
            f = _figures(s, 0, bac_total=0.0)
            f = EvmFigures(**{**f.__dict__, "pv": Decimal("0.00"), "sv": Decimal("0.00")})
        else:
            s = evm_series([0.0, bac[k]], [min(ev[k], bac[k])], [ac[k]], [1.0])
            f = _figures(s, 0)
            pvc = _cents(pv[k])
            f = EvmFigures(
                **{
                    **f.__dict__,
                    "pv": pvc,
                    "sv": f.ev - pvc,
                    "spi": float(f.ev / pvc) if pvc else None,
                    "eac_cpi_spi": None,
                    "es_days": None,
                    "sv_t_days": None,
                    "spi_t": None,
                    "ieac_t_days": None,
                }
            )
        label = CATEGORY_LABELS.get(key) or rec.budget_categories.get(key, (key, 0))[0]
        rows.append(EvmRow(key, str(label), 1, f))
    return rows


def task_category_shares(project: Project) -> dict[int, dict[str, float]]:
    """Task pk → category → share of the task's planned cost, from the cost plan now."""
    items, _, _ = cost_items(project)
    amounts: dict[int, dict[str, float]] = {}
    for item in items:
        if isinstance(item.task_key, int) and item.amount:
            cell = amounts.setdefault(item.task_key, {})
            cell[item.category] = cell.get(item.category, 0.0) + float(item.amount)
    return {
        pk: {k: v / total for k, v in cell.items()}
        for pk, cell in amounts.items()
        if (total := sum(cell.values())) > 0
    }
