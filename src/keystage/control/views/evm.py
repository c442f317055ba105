"""The *Earned value* tab: headline figures, S-curves with the forecast, indices over time,
figures by WBS summary and by cost category. Thin: parse, call the selector, render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from keystage.accounts.actor import actor
from keystage.control.selectors.evm import EvmFigures, EvmReport, point_series, project_evm
from keystage.core.errors import DomainError
from keystage.core.web import page_error
from keystage.reporting.svg import charts
from keystage.reporting.svg.indices import index_trend

ZERO = Decimal("0")


def headline_rows(f: EvmFigures) -> list[dict[str, Any]]:
    """The headline table: abbreviation, name, value, kind (money, index, days) and formula."""

    def row(
        abbr: str, name: str, value: Any, kind: str, formula: str, key: str = ""
    ) -> dict[str, Any]:
        return {
            "key": key or abbr.lower(),
            "abbr": abbr,
            "name": name,
            "value": value,
            "kind": kind,
            "formula": formula,
        }

    return [
        row("BAC", "Budget at completion", f.bac, "money", "the baseline's phased cost plan"),
        row("PV", "Planned value", f.pv, "money", "baselined cost planned up to the data date"),
        row("EV", "Earned value", f.ev, "money", "Σ % complete × baselined cost"),
        row("AC", "Actual cost", f.ac, "money", "approved labour + expenses + invoices"),
        row("SV", "Schedule variance", f.sv, "money", "EV − PV"),
        row("CV", "Cost variance", f.cv, "money", "EV − AC"),
        row("SPI", "Schedule performance index", f.spi, "index", "EV / PV"),
        row("CPI", "Cost performance index", f.cpi, "index", "EV / AC"),
        row(
            "EAC",
            "Estimate at completion (CPI)",
            f.eac_cpi,
            "money",
            "AC + (BAC − EV) / CPI",
            "eac_cpi",
        ),
        row(
            "EAC",
            "Estimate at completion (CPI × SPI)",
            f.eac_cpi_spi,
            "money",
            "AC + (BAC − EV) / (CPI × SPI)",
            "eac_cpi_spi",
        ),
        row(
            "EAC",
            "Estimate at completion (budget rate)",
            f.eac_budget_rate,
            "money",
            "AC + (BAC − EV): the rest costs as planned",
            "eac_budget_rate",
        ),
        row("ETC", "Estimate to complete", f.etc, "money", "EAC(CPI) − AC"),
        row("VAC", "Variance at completion", f.vac, "money", "BAC − EAC(CPI)"),
        row(
            "TCPI",
            "To-complete index (BAC)",
            f.tcpi_bac,
            "index",
            "(BAC − EV) / (BAC − AC)",
            "tcpi_bac",
        ),
        row(
            "TCPI",
            "To-complete index (EAC)",
            f.tcpi_eac,
            "index",
            "(BAC − EV) / (EAC − AC)",
            "tcpi_eac",
        ),
        row(
            "ES",
            "Earned schedule",
            f.es_days,
            "days",
            "when the plan meant to have earned EV",
            "es",
        ),
        row(
            "SV(t)",
            "Schedule variance (time)",
            f.sv_t_days,
            "days",
            "ES − AT (AT: days to the data date)",
            "sv_t",
        ),
        row("SPI(t)", "Schedule performance index (time)", f.spi_t, "index", "ES / AT", "spi_t"),
    ]


def evm_charts(report: EvmReport) -> tuple[str, str]:
    if not report.plan_points or report.figures is None:
        return "", ""
    labels = ["", *(label for label, _ in report.plan_points)]
    planned = [ZERO, *(value for _, value in report.plan_points)]
    points = report.history
    earned = [ZERO, *(p.ev or ZERO for p in points)] if points else []
    actual = [ZERO, *(p.ac or ZERO for p in points)] if points else []
    forecast = None
    f = report.figures
    if actual and f.eac is not None and report.forecast_position is not None:
        forecast = (max(report.forecast_position, float(len(actual) - 1)), f.eac)
    unit = "week" if report.period == "week" else "month"
    s_curve = charts.s_curve(
        labels,
        planned,
        earned=earned,
        actual=actual,
        title="Planned value, earned value and actual cost",
        subtitle=f"Cumulative at each {unit} end; the dotted line runs to EAC(CPI) at the "
        "IEAC(t) forecast finish",
        currency=report.currency,
        forecast=forecast,
    )
    trend = ""
    if points:
        trend = index_trend(
            [p.label for p in points],
            {
                "spi": point_series(points, "spi"),
                "cpi": point_series(points, "cpi"),
                "spi_t": point_series(points, "spi_t"),
            },
            title="SPI, CPI and SPI(t) over time",
            subtitle=f"At each {unit} end up to the data date; above 1.00 is better than planned",
        )
    return s_curve, trend


@login_required
@require_GET
def evm_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """Earned value and earned schedule of the project at its data date."""
    period = request.GET.get("period") or "week"
    baseline = request.GET.get("baseline") or None
    try:
        report = project_evm(
            who=actor(request), project_id=project_id, period=period, baseline_id=baseline
        )
    except DomainError as exc:
        return page_error(request, exc)
    s_curve, trend = evm_charts(report)
    return render(
        request,
        "control/evm.html",
        {
            "project": report.project,
            "report": report,
            "f": report.figures,
            "rows": headline_rows(report.figures) if report.figures else [],
            "s_curve_svg": s_curve,
            "trend_svg": trend,
            "currency": report.currency,
        },
    )
