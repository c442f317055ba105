"""REST endpoints of earned value: the report and its history. Thin: the page's selector."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.control.selectors.evm import EvmReport, EvmRow, project_evm
from keystage.control.serializers.evm import EvmHistorySerializer, EvmReportSerializer

BASELINE = OpenApiParameter(
    "baseline",
    OpenApiTypes.UUID,
    description="The baseline to measure against (its id); the latest by default.",
)
PERIOD = OpenApiParameter(
    "period", OpenApiTypes.STR, enum=["week", "month"], description="History periods (week)."
)


def _row(row: EvmRow) -> dict[str, Any]:
    return {"key": row.key, "label": row.label, "level": row.level, "figures": asdict(row.figures)}


def _report(request: Request, project_id: str, period: str = "week") -> EvmReport:
    return project_evm(
        who=actor(request),
        project_id=project_id,
        period=period,
        baseline_id=request.query_params.get("baseline") or None,
    )


class EvmView(APIView):
    """Earned value and earned schedule of a project at its data date."""

    @extend_schema(
        summary="Read the project's earned value",
        parameters=[BASELINE],
        responses=EvmReportSerializer,
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Summary, every figure, and the figures by WBS summary and by cost category."""
        report = _report(request, project_id)
        data = {
            "summary": asdict(report.summary),
            "figures": asdict(report.figures) if report.figures else None,
            "baseline_id": report.baseline.public_id if report.baseline else None,
            "planned_finish": report.planned_finish,
            "contingency": report.contingency,
            "wbs": [_row(r) for r in report.wbs],
            "categories": [_row(r) for r in report.categories],
        }
        return Response(EvmReportSerializer(data).data)


class EvmHistoryView(APIView):
    """Earned value period by period (weeks or months) up to the data date."""

    @extend_schema(
        summary="Read the project's earned value history",
        parameters=[PERIOD, BASELINE],
        responses=EvmHistorySerializer,
    )
    def get(self, request: Request, project_id: str) -> Response:
        """PV, EV, AC, SPI, CPI and SPI(t) at each period end; the planned curve to the end."""
        period = request.query_params.get("period") or "week"
        report = _report(request, project_id, period)
        data = {
            "period": report.period,
            "currency": report.currency,
            "data_date": report.data_date,
            "baseline_id": report.baseline.public_id if report.baseline else None,
            "points": [asdict(p) for p in report.history],
            "plan": [{"label": label, "pv": pv} for label, pv in report.plan_points],
            "forecast_position": report.forecast_position,
        }
        return Response(EvmHistorySerializer(data).data)
