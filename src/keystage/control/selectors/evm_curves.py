"""Earned value curves of one project: daily PV / EV / AC, the headline at the data date and
the history by week or month (numpy over days and periods, no loop per task per day)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from keystage.control.selectors.evm_records import EvmRecords
from keystage.control.selectors.evm_results import (
    EvmPoint,
    Floats,
    _cents,
    _opt,
)
from keystage.engine.evm_series import EvmSeries, evm_series, spread_days, working_before


@dataclass(frozen=True)
class Curves:
    """Daily planned, earned and actual amounts of one project (and the parts they need)."""

    pv: Floats  # daily planned value (tasks + level of effort)
    ev: Floats  # daily earned value, zero after the data date
    ac: Floats  # daily actual cost, zero after the data date
    loe: Floats  # daily level-of-effort planned value
    task_pv_at: Floats  # each baselined row's planned value at the data date
    task_ev: Floats  # each row's earned value


def level_of_effort(rec: EvmRecords, tied_daily: Floats) -> Floats:
    """Daily planned value of the costs not tied to a task: what each baseline month holds
    beyond the tasks' share, spread over its working days, scaled to add up exactly."""
    untied = rec.subtotal - float(rec.tasks.bac.sum())
    days = rec.days
    if untied < 0.005 or not rec.budget_months:
        return np.zeros(days)
    starts = np.array([rec.index(m) for m, _, _ in rec.budget_months], dtype=np.int64)
    ends = np.append(starts[1:], _month_end_index(rec)) - 1
    tied_cum = np.concatenate(([0.0], np.cumsum(tied_daily)))
    tied_month = tied_cum[np.minimum(ends + 1, days)] - tied_cum[np.clip(starts, 0, days)]
    amounts = np.array([a for _, a, _ in rec.budget_months])
    rest = np.maximum(amounts - tied_month, 0.0)
    if rest.sum() <= 0:
        rest = np.maximum(amounts, 0.0)
    rest = rest * (untied / rest.sum()) if rest.sum() > 0 else rest
    return spread_days(rest, starts, ends, rec.working)


def _month_end_index(rec: EvmRecords) -> int:
    last = rec.budget_months[-1][0]
    following = (last.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return rec.index(following)


def curves(rec: EvmRecords) -> Curves:
    """The daily PV, EV and AC of one project, vectorised over tasks and days."""
    t = rec.tasks
    days = rec.days
    tied = spread_days(t.bac, t.plan_first, t.plan_last, rec.working)
    loe = level_of_effort(rec, tied)
    dd = rec.data_index
    upto = np.arange(days) <= dd
    earned = spread_days(t.bac * t.progress, t.earn_first, t.earn_last, rec.working)
    ev = earned * upto + loe * upto
    ac = np.bincount(np.clip(rec.ac_day, 0, days - 1), rec.ac_amount, minlength=days)[:days]
    before = working_before(rec.working)
    lo = np.clip(t.plan_first, 0, days - 1)
    hi = np.clip(t.plan_last, 0, days - 1)
    total = before[hi + 1] - before[lo]
    cut = np.clip(np.minimum(hi, dd), lo - 1, days - 1)
    elapsed = np.where(cut >= lo, before[cut + 1] - before[lo], 0)
    share = np.where(total > 0, elapsed / np.maximum(total, 1), (lo <= dd).astype(float))
    return Curves(
        pv=tied + loe,
        ev=ev,
        ac=ac * upto,
        loe=loe,
        task_pv_at=t.bac * share,
        task_ev=t.bac * t.progress,
    )


def _cumulative(daily: Floats) -> Floats:
    return np.concatenate(([0.0], np.cumsum(daily)))


def headline(rec: EvmRecords, c: Curves) -> tuple[EvmSeries, Floats]:
    """The figures at the data date on the daily axis (periods = days), and cumulative PV."""
    cum_pv = _cumulative(c.pv)
    at = rec.data_index + 1
    s = evm_series(
        cum_pv,
        [min(float(c.ev.sum()), float(cum_pv[-1]))],
        [float(c.ac.sum())],
        [max(at, 0)],
    )
    return s, cum_pv


def boundaries(rec: EvmRecords, period: str) -> list[dt.date]:
    """Period edges from the axis origin to past its end (Mondays, or month starts)."""
    end = rec.origin + dt.timedelta(days=rec.days)
    edges = [rec.origin]
    if period == "week":
        day = rec.origin - dt.timedelta(days=rec.origin.weekday())
        while day <= end:
            day += dt.timedelta(days=7)
            edges.append(day)
    else:
        day = rec.origin.replace(day=1)
        while day <= end:
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            edges.append(day)
    return edges


def history(rec: EvmRecords, c: Curves, period: str) -> tuple[list[EvmPoint], list[Any], float]:
    """EVM at each period end up to the data date (vectorised over periods), the whole
    planned curve by period, and the data date's position in periods."""
    edges = boundaries(rec, period)
    idx = np.array([(e - rec.origin).days for e in edges], dtype=np.int64)
    idx = np.clip(idx, 0, rec.days)
    cum_pv, cum_ev, cum_ac = (_cumulative(a) for a in (c.pv, c.ev, c.ac))
    pv_edges = cum_pv[idx]
    dd_end = rec.data_index + 1
    started = int(np.searchsorted(idx, dd_end, side="left"))  # edges before the data date end
    count = max(min(started, len(edges) - 1), 0)
    ends = idx[1 : count + 1].copy()
    if count:
        ends[-1] = min(ends[-1], max(dd_end, 0))
    at = np.arange(1, count + 1, dtype=np.float64)
    if count:
        lo, hi = idx[count - 1], idx[count]
        at[-1] = count - 1 + (ends[-1] - lo) / max(hi - lo, 1)
    ends = np.clip(ends, 0, rec.days)
    points: list[EvmPoint] = []
    labels = [_label(e, period) for e in edges[:-1]]
    if count and pv_edges[-1] > 0:
        ev = np.minimum(cum_ev[ends], pv_edges[-1])
        s = evm_series(pv_edges, ev, cum_ac[ends], at)
        for j in range(count):  # one object per period for the page, after the arithmetic
            points.append(
                EvmPoint(
                    label=labels[j],
                    end=edges[j + 1] - dt.timedelta(days=1),
                    pv=_cents(s.pv[j]),
                    ev=_cents(s.ev[j]),
                    ac=_cents(s.ac[j]),
                    spi=_opt(s.spi[j]),
                    cpi=_opt(s.cpi[j]),
                    spi_t=_opt(s.spi_t[j]),
                    sv_t=_opt(s.sv_t[j]),
                )
            )
    plan = [(labels[k], _cents(pv_edges[k + 1])) for k in range(len(edges) - 1)]
    position = float(at[-1]) if count else 0.0
    return points, plan, position


def _label(start: dt.date, period: str) -> str:
    if period == "week":
        return f"{start:%d %b}"
    return f"{start:%b %y}"
