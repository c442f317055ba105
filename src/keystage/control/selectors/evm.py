"""Earned value of a project: at its data date, as a history by week or month, by WBS
summary and by cost category; and a compact summary for dashboards, KPIs and reports.

Reads go through the project chokepoint (``who``); the computation takes the records
:mod:`keystage.control.selectors.evm_records` loaded and works on numpy arrays over days
and periods (no Python loop per task per period). The figures follow
:mod:`keystage.engine.evm` (formulas, rounding); earned schedule at the data date is counted
in **calendar days** from the axis origin, and in weeks or months in the history.

The parts live beside it: ``evm_results`` (the shapes), ``evm_curves`` (daily curves, headline,
history), ``evm_breakdown`` (by WBS summary and by category); their public names are
importable from here as before.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable
from typing import Any

from keystage.accounts.roles import Perm
from keystage.control.selectors.evm_breakdown import (
    category_rows,
    summary_rows,
    task_category_shares,
)
from keystage.control.selectors.evm_curves import (
    Curves,
    boundaries,
    curves,
    headline,
    history,
    level_of_effort,
)
from keystage.control.selectors.evm_records import EvmRecords, load_records
from keystage.control.selectors.evm_results import (
    PERIODS,
    EvmFigures,
    EvmPoint,
    EvmReport,
    EvmRow,
    EvmSummary,
    _cents,
    _figures,
    point_series,
)
from keystage.costs.actuals import currency_of
from keystage.planning.models import Baseline
from keystage.portfolio.access import access_project, projects_visible_to
from keystage.portfolio.models import Project

__all__ = [
    "PERIODS",
    "Curves",
    "EvmFigures",
    "EvmPoint",
    "EvmReport",
    "EvmRow",
    "EvmSummary",
    "boundaries",
    "category_rows",
    "curves",
    "evm_report_of",
    "evm_summaries",
    "forecast_days",
    "headline",
    "history",
    "level_of_effort",
    "point_series",
    "project_evm",
    "project_evm_summary",
    "summary_rows",
    "task_category_shares",
    "visible_evm_summaries",
]


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
