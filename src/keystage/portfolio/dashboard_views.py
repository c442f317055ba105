"""The portfolio dashboard as a page and as ``GET /api/v1/portfolio/dashboard/``: one
selector (``portfolio.dashboard.dashboard``) for both."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.organisation import currency_of
from keystage.core.errors import DomainError, InvalidInput
from keystage.core.templatetags.ks_format import short_date_text
from keystage.core.templatetags.money import format_money
from keystage.core.web import page_error
from keystage.portfolio.dashboard import HEALTHS, SORTS, Dashboard, DashboardRow, dashboard
from keystage.portfolio.lifecycle import ProjectStatus, Stage
from keystage.reporting.svg.portfolio import Bubble, bubble_chart


def _query(params: Any, who: Any) -> Dashboard:
    order = params.get("order", "")
    if order not in ("", "asc", "desc"):
        raise InvalidInput({"order": "asc or desc."})
    return dashboard(
        who=who,
        search=params.get("q", params.get("search", ""))[:100],
        stage=params.get("stage", ""),
        health=params.get("health", ""),
        pm=params.get("pm", "")[:200],
        sort=params.get("sort", "code") or "code",
        descending=order == "desc",
    )


def chart(data: Dashboard) -> str:
    """The CPI × SPI bubble chart of the rows that have both figures."""
    bubbles = [
        Bubble(
            id=str(r.project.public_id),
            label=r.project.code,
            cpi=float(r.get("cpi")),
            spi=float(r.get("spi")),
            size=float(r.get("budget") or 0),
            health=r.get("health"),
        )
        for r in data.rows
        if r.get("cpi") is not None and r.get("spi") is not None
    ]
    return bubble_chart(bubbles)


STAGE_LABELS = dict(Stage.choices)
STATUS_LABELS = dict(ProjectStatus.choices)


def _dash(value: Any, text: str) -> str:
    return "—" if value is None else text


def display(row: DashboardRow, currency: str) -> dict[str, Any]:
    """A row's cells as text, formatted once in Python (200 rows of template lookups and
    filters cost more than the queries)."""
    f = row.figures
    finish = f["forecast_finish"] or f["planned_finish"]
    slip = row.slip_days
    project = row.project
    return {
        "code": project.code,
        "name": project.name,
        "url": f"/projects/{project.public_id}/",
        "stage": project.stage,
        "stage_label": STAGE_LABELS[project.stage],
        "status": "" if project.status == ProjectStatus.ACTIVE else project.status,
        "status_label": STATUS_LABELS.get(project.status, ""),
        "pm": row.project_manager or "—",
        "health": f["health"],
        "reason": f["health_reason"] or "",
        "spi": _dash(f["spi"], f"{f['spi']:.2f}" if f["spi"] is not None else ""),
        "cpi": _dash(f["cpi"], f"{f['cpi']:.2f}" if f["cpi"] is not None else ""),
        "finish": _dash(finish, short_date_text(finish)),
        "baseline": _dash(f["baseline_finish"], short_date_text(f["baseline_finish"])),
        "slip": "" if not slip else f"{slip:+d} days",
        "slip_class": "bad" if slip and slip > 0 else "good",
        "budget": _dash(f["budget"], format_money(f["budget"], currency)),
        "eac": _dash(f["eac"], format_money(f["eac"], currency)),
        "risk": f["top_risk"] or "—",
    }


@login_required
@require_GET
def dashboard_page(request: HttpRequest) -> HttpResponse:
    """Every visible project with stage, PM, health, SPI, CPI, finish and budget figures."""
    try:
        data = _query(request.GET, actor(request))
    except DomainError as exc:
        return page_error(request, exc)
    currency = currency_of(request.user)
    return render(
        request,
        "portfolio/dashboard.html",
        {
            "data": data,
            "rows": [display(r, currency) for r in data.rows],
            "chart": chart(data),
            "filters": request.GET,
            "healths": HEALTHS,
            "sorts": SORTS,
        },
    )


class DashboardRowSerializer(serializers.Serializer[Any]):
    """One project on the dashboard; a figure no installed app provides is null."""

    id = serializers.UUIDField(source="project.public_id")
    code = serializers.CharField(source="project.code")
    name = serializers.CharField(source="project.name")
    stage = serializers.CharField(source="project.stage")
    status = serializers.CharField(source="project.status")
    project_manager = serializers.CharField(help_text="Name of the project manager, or empty.")
    health = serializers.SerializerMethodField(help_text="green, amber or red (control).")
    health_reason = serializers.SerializerMethodField(help_text='e.g. "CPI 0.87 < 0.90".')
    spi = serializers.SerializerMethodField(help_text="Schedule performance index EV / PV.")
    cpi = serializers.SerializerMethodField(help_text="Cost performance index EV / AC.")
    forecast_finish = serializers.SerializerMethodField(help_text="Earned-schedule forecast.")
    planned_finish = serializers.SerializerMethodField(help_text="Finish of the plan now.")
    baseline_finish = serializers.SerializerMethodField(help_text="Finish of the latest baseline.")
    slip_days = serializers.IntegerField(
        allow_null=True, help_text="Forecast (else planned) finish minus baseline finish."
    )
    budget = serializers.SerializerMethodField(help_text="Budget at completion (latest baseline).")
    eac = serializers.SerializerMethodField(help_text="Estimate at completion (control).")
    actual_cost = serializers.SerializerMethodField(help_text="Actual cost to date.")
    top_risk = serializers.SerializerMethodField(help_text="Title of the highest-rated open risk.")

    def _money(self, row: Any, name: str) -> str | None:
        value = row.get(name)
        return None if value is None else str(Decimal(value).quantize(Decimal("0.01")))

    def _num(self, row: Any, name: str) -> float | None:
        value = row.get(name)
        return None if value is None else round(float(value), 3)

    def _text(self, row: Any, name: str) -> str | None:
        value = row.get(name)
        return None if value is None else str(value)

    def get_health(self, row: Any) -> str | None:
        """green / amber / red."""
        return self._text(row, "health")

    def get_health_reason(self, row: Any) -> str | None:
        """Why the health is what it is."""
        return self._text(row, "health_reason")

    def get_spi(self, row: Any) -> float | None:
        """SPI."""
        return self._num(row, "spi")

    def get_cpi(self, row: Any) -> float | None:
        """CPI."""
        return self._num(row, "cpi")

    def get_forecast_finish(self, row: Any) -> str | None:
        """ISO date."""
        return self._text(row, "forecast_finish")

    def get_planned_finish(self, row: Any) -> str | None:
        """ISO date."""
        return self._text(row, "planned_finish")

    def get_baseline_finish(self, row: Any) -> str | None:
        """ISO date."""
        return self._text(row, "baseline_finish")

    def get_budget(self, row: Any) -> str | None:
        """Decimal string."""
        return self._money(row, "budget")

    def get_eac(self, row: Any) -> str | None:
        """Decimal string."""
        return self._money(row, "eac")

    def get_actual_cost(self, row: Any) -> str | None:
        """Decimal string."""
        return self._money(row, "actual_cost")

    def get_top_risk(self, row: Any) -> str | None:
        """Risk title."""
        return self._text(row, "top_risk")


class DashboardSerializer(serializers.Serializer[Any]):
    """The dashboard: rows after filters, and whether earned value and health are available."""

    control_installed = serializers.BooleanField(
        help_text="False: SPI, CPI, EAC, forecast, health and top risk are not computed yet."
    )
    total = serializers.IntegerField(help_text="Visible projects before the filters.")
    rows = DashboardRowSerializer(many=True)


class DashboardView(APIView):
    """The portfolio dashboard."""

    @extend_schema(
        summary="Read the portfolio dashboard",
        responses=DashboardSerializer,
        parameters=[
            OpenApiParameter("search", str),
            OpenApiParameter("stage", str),
            OpenApiParameter("health", str, enum=[*HEALTHS, "unknown"]),
            OpenApiParameter("pm", str, description="Project manager's name, as listed."),
            OpenApiParameter("sort", str, enum=list(SORTS)),
            OpenApiParameter("order", str, enum=["asc", "desc"]),
        ],
    )
    def get(self, request: Request) -> Response:
        """Every visible project and its figures, filtered and sorted."""
        params = request.query_params
        # The enumerated parameters take one of their values; an empty one is an error here
        # (the page's form sends empty fields and reads them as "any").
        for name in ("health", "sort", "order"):
            if name in params and not params[name]:
                raise InvalidInput({name: "Leave it out or give one of the listed values."})
        return Response(DashboardSerializer(_query(params, actor(request))).data)
