"""Earned value of a project: at its data date, as a history by week or month, by WBS
summary and by cost category; and a compact summary for dashboards, KPIs and reports.

Reads go through the project chokepoint (``who``); the computation takes the records
:mod:`keystage.control.selectors.evm_records` loaded and works on numpy arrays over days
and periods (no Python loop per task per period). The figures follow
:mod:`keystage.engine.evm` (formulas, rounding); earned schedule at the data date is counted
in **calendar days** from the axis origin, and in weeks or months in the history.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
import numpy.typing as npt

from keystage.accounts.roles import Perm
from keystage.control.selectors.evm_records import EvmRecords, load_records
from keystage.costs.actuals import currency_of
from keystage.costs.selectors import CATEGORY_LABELS, cost_items
from keystage.engine.evm_series import EvmSeries, evm_series, spread_days, working_before
from keystage.engine.money import to_cents
from keystage.planning.models import Baseline
from keystage.portfolio.access import access_project, projects_visible_to
from keystage.portfolio.models import Project

PERIODS = ("week", "month")
Floats = npt.NDArray[np.float64]


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class EvmFigures:
    """Every earned value and earned schedule figure at one data date (money in cents;
    indices ``None`` when undefined; ES and SV(t) in days)."""

    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: float | None
    cpi: float | None
    eac_cpi: Decimal | None
    eac_cpi_spi: Decimal | None
    eac_budget_rate: Decimal
    etc: Decimal | None
    vac: Decimal | None
    tcpi_bac: float | None
    tcpi_eac: float | None
    es_days: float | None
    sv_t_days: float | None
    spi_t: float | None
    ieac_t_days: float | None
    percent_complete: float
    percent_spent: float | None

    @property
    def eac(self) -> Decimal | None:
        """The headline estimate at completion: EAC(CPI)."""
        return self.eac_cpi


@dataclass(frozen=True)
class EvmRow:
    """One WBS summary or one cost category with its figures."""

    key: str
    label: str
    level: int
    figures: EvmFigures


@dataclass(frozen=True)
class EvmPoint:
    """The history at the end of one period (the last one stops at the data date)."""

    label: str
    end: dt.date
    pv: Decimal
    ev: Decimal | None
    ac: Decimal | None
    spi: float | None
    cpi: float | None
    spi_t: float | None
    sv_t: float | None  # periods


@dataclass(frozen=True)
class EvmSummary:
    """The compact answer other features read (dashboard, KPIs, status report)."""

    project_id: str
    data_date: dt.date | None
    currency: str
    has_baseline: bool
    baseline_name: str = ""
    bac: Decimal | None = None
    pv: Decimal | None = None
    ev: Decimal | None = None
    ac: Decimal | None = None
    spi: float | None = None
    cpi: float | None = None
    spi_t: float | None = None
    sv_t: float | None = None  # days
    eac: Decimal | None = None
    vac: Decimal | None = None
    tcpi: float | None = None  # TCPI(BAC)
    forecast_finish: dt.date | None = None
    baseline_finish: dt.date | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvmReport:
    """The whole earned-value page: headline, WBS summaries, categories, history."""

    project: Project
    currency: str
    summary: EvmSummary
    figures: EvmFigures | None
    baselines: tuple[Baseline, ...]
    baseline: Baseline | None
    data_date: dt.date
    data_date_set: bool
    period: str
    planned_finish: dt.date | None = None
    contingency: Decimal = Decimal(0)
    wbs: tuple[EvmRow, ...] = ()
    categories: tuple[EvmRow, ...] = ()
    history: tuple[EvmPoint, ...] = ()
    plan_points: tuple[tuple[str, Decimal], ...] = ()  # the whole PV curve by period
    forecast_position: float | None = None  # IEAC(t) in periods of the history
    notes: tuple[str, ...] = field(default_factory=tuple)


# ------------------------------------------------------------------ the computation


def _cents(value: float) -> Decimal:
    return to_cents(value)


def _opt_cents(value: float) -> Decimal | None:
    return None if not math.isfinite(value) else to_cents(value)


def _opt(value: float) -> float | None:
    return None if not math.isfinite(value) else float(value)


def _figures(s: EvmSeries, j: int, bac_total: float | None = None) -> EvmFigures:
    bac = s.bac if bac_total is None else bac_total
    pv, ev, ac = _cents(s.pv[j]), _cents(s.ev[j]), _cents(s.ac[j])
    eac = _opt_cents(s.eac_cpi[j])
    return EvmFigures(
        bac=_cents(bac),
        pv=pv,
        ev=ev,
        ac=ac,
        sv=ev - pv,
        cv=ev - ac,
        spi=_opt(s.spi[j]),
        cpi=_opt(s.cpi[j]),
        eac_cpi=eac,
        eac_cpi_spi=_opt_cents(s.eac_cpi_spi[j]),
        eac_budget_rate=_cents(s.eac_budget_rate[j]),
        etc=None if eac is None else eac - ac,
        vac=None if eac is None else _cents(bac) - eac,
        tcpi_bac=_opt(s.tcpi_bac[j]),
        tcpi_eac=_opt(s.tcpi_eac[j]),
        es_days=_opt(s.es[j]),
        sv_t_days=_opt(s.sv_t[j]),
        spi_t=_opt(s.spi_t[j]),
        ieac_t_days=_opt(s.ieac_t[j]),
        percent_complete=float(s.ev[j] / bac * 100) if bac else 0.0,
        percent_spent=float(s.ac[j] / bac * 100) if bac else None,
    )


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


# ------------------------------------------------------------------ notes and summary


def _notes(rec: EvmRecords, f: EvmFigures) -> list[str]:
    notes: list[str] = []
    if rec.data_date < rec.origin + dt.timedelta(days=1) or f.pv == 0:
        notes.append(
            "The data date is before the baseline plans any cost: planned value is 0, so "
            "SPI and the earned schedule are not defined yet."
        )
    if f.ev == 0:
        notes.append(
            "No value is earned yet (no task reports progress): CPI is 0 or undefined, so "
            "EAC(CPI) cannot be forecast; EAC at the budget rate assumes the work costs "
            "what the plan says."
        )
    if f.ac > f.bac:
        notes.append(
            "The actual cost is above the budget at completion: TCPI(BAC) is meaningless "
            "(the budget is already spent); read TCPI(EAC) against the new estimate instead."
        )
    elif f.tcpi_bac is not None and f.tcpi_bac > 1.1:
        notes.append(
            f"TCPI(BAC) is {f.tcpi_bac:.2f}: finishing within budget needs every remaining "
            "unit of cost to earn that much — rarely achieved above 1.10."
        )
    if f.ev >= f.bac and f.bac > 0:
        notes.append("All the baselined work is earned: nothing remains, EAC equals AC.")
    if not rec.data_date_set:
        notes.append("The project has no data date: today is used.")
    if rec.unbaselined_tasks:
        notes.append(
            f"{rec.unbaselined_tasks} task(s) were added after this baseline; they have no "
            "budget in it, so they earn nothing until a new baseline is captured."
        )
    return notes


def forecast_days(rec: EvmRecords, f: EvmFigures) -> float | None:
    """IEAC(t) in days from the axis origin, against the baseline's scheduled finish.

    Lipke's ``IEAC(t) = AT + (PD − ES) / SPI(t)`` with PD the baselined schedule (up to its
    finish day), not the last day the cost curve moves: costs planned after the finish
    (a last invoice, a month's licence) must not push the forecast out.
    """
    if f.spi_t is None or f.spi_t <= 0 or f.es_days is None:
        return None
    at = rec.data_index + 1
    planned = (
        rec.index(rec.baseline_finish) + 1
        if rec.baseline_finish is not None
        else (f.ieac_t_days or 0) * f.spi_t
    )
    return at + max(planned - f.es_days, 0.0) / f.spi_t


def _summary(
    project: Project, currency: str, rec: EvmRecords | None, f: EvmFigures | None
) -> EvmSummary:
    if rec is None or f is None:
        return EvmSummary(
            project_id=str(project.public_id),
            data_date=rec.data_date if rec else None,
            currency=currency,
            has_baseline=False,
            notes=(
                "No baseline yet: earned value measures progress against a captured "
                "baseline (Baselines tab).",
            )
            if rec is None
            else ("The baseline has no cost: there is nothing to earn.",),
        )
    ieac = forecast_days(rec, f)
    forecast = None
    if ieac is not None:
        forecast = rec.origin + dt.timedelta(days=max(math.ceil(ieac - 1e-9) - 1, 0))
    return EvmSummary(
        project_id=str(project.public_id),
        data_date=rec.data_date,
        currency=currency,
        has_baseline=True,
        baseline_name=rec.baseline_name,
        bac=f.bac,
        pv=f.pv,
        ev=f.ev,
        ac=f.ac,
        spi=f.spi,
        cpi=f.cpi,
        spi_t=f.spi_t,
        sv_t=f.sv_t_days,
        eac=f.eac,
        vac=f.vac,
        tcpi=f.tcpi_bac,
        forecast_finish=forecast,
        baseline_finish=rec.baseline_finish,
        notes=tuple(_notes(rec, f)),
    )


def _at_data_date(rec: EvmRecords | None) -> tuple[EvmFigures | None, Curves | None]:
    if rec is None:
        return None, None
    c = curves(rec)
    if c.pv.sum() <= 0.005:
        return None, c
    s, _ = headline(rec, c)
    return _figures(s, 0), c


def evm_summaries(
    projects: Iterable[Project], *, today: dt.date | None = None
) -> dict[int, EvmSummary]:
    """Summaries of many projects already checked visible, in a constant number of queries
    (by project pk). Projects should come with ``select_related("organisation")``."""
    projects = list(projects)
    records = load_records(projects, today=today)
    out = {}
    for project in projects:
        rec = records.get(project.pk)
        f, _ = _at_data_date(rec)
        out[project.pk] = _summary(project, currency_of(project), rec, f)
    return out


def project_evm_summary(*, who: Any, project_id: Any, today: dt.date | None = None) -> EvmSummary:
    """The compact EVM summary of one project the reader may see (NotFound otherwise)."""
    project = access_project(who=who, project_id=project_id, perm=Perm.VIEW)
    return evm_summaries([project], today=today)[project.pk]


def visible_evm_summaries(*, who: Any, today: dt.date | None = None) -> dict[int, EvmSummary]:
    """Summaries of every project the reader may see (constant query count)."""
    return evm_summaries(projects_visible_to(who).select_related("organisation"), today=today)


def project_evm(
    *,
    who: Any,
    project_id: Any,
    period: str = "week",
    baseline_id: Any = None,
    today: dt.date | None = None,
) -> EvmReport:
    """The earned-value report of one project the reader may see, against the chosen
    baseline (the latest by default), with its history by ``period`` (week or month)."""
    from keystage.core.errors import InvalidInput

    if period not in PERIODS:
        raise InvalidInput({"period": ["Choose week or month."]})
    project = access_project(who=who, project_id=project_id, perm=Perm.VIEW)
    return evm_report_of(project, period=period, baseline_id=baseline_id, today=today)


def evm_report_of(
    project: Project,
    *,
    period: str = "week",
    baseline_id: Any = None,
    today: dt.date | None = None,
) -> EvmReport:
    """The earned-value report of ``project`` (already read through the chokepoint, or the
    system's: the command line)."""
    from keystage.core.errors import InvalidInput

    if period not in PERIODS:
        raise InvalidInput({"period": ["Choose week or month."]})
    baselines = tuple(Baseline.objects.filter(project=project).order_by("-number"))
    if baseline_id and not any(str(b.public_id) == str(baseline_id) for b in baselines):
        raise InvalidInput({"baseline": ["No such baseline in this project."]})
    rec = load_records([project], baselines={project.pk: baseline_id}, today=today)[project.pk]
    currency = currency_of(project)
    f, c = _at_data_date(rec)
    summary = _summary(project, currency, rec, f)
    chosen = next((b for b in baselines if rec and b.pk == rec.baseline_pk), None)
    data_date = rec.data_date if rec else (today or dt.date.today())
    if rec is None or f is None or c is None:
        return EvmReport(
            project=project,
            currency=currency,
            summary=summary,
            figures=None,
            baselines=baselines,
            baseline=chosen,
            data_date=data_date,
            data_date_set=bool(rec and rec.data_date_set),
            period=period,
            notes=summary.notes,
        )
    points, plan, position = history(rec, c, period)
    scale = _periods_per_day(rec, period, position)
    planned_finish = None
    s, _ = headline(rec, c)
    planned_finish = rec.baseline_finish or rec.origin + dt.timedelta(
        days=max(int(s.planned_duration) - 1, 0)
    )
    return EvmReport(
        project=project,
        currency=currency,
        summary=summary,
        figures=f,
        baselines=baselines,
        baseline=chosen,
        data_date=rec.data_date,
        data_date_set=rec.data_date_set,
        period=period,
        planned_finish=planned_finish,
        contingency=_cents(rec.contingency),
        wbs=tuple(summary_rows(rec, c)),
        categories=tuple(category_rows(rec, c, task_category_shares(project))),
        history=tuple(points),
        plan_points=tuple(plan),
        forecast_position=None
        if (ieac := forecast_days(rec, f)) is None
        else (ieac - (rec.data_index + 1)) * scale + position,
        notes=summary.notes,
    )


def _periods_per_day(rec: EvmRecords, period: str, position: float) -> float:
    return 1 / 7 if period == "week" else 12 / 365.25


def point_series(points: Sequence[EvmPoint], name: str) -> list[float | None]:
    """One field of the history as a list (for charts)."""
    return [getattr(p, name) for p in points]
