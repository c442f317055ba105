"""REST endpoints: a project's KPIs and health; the organisation's KPI thresholds. Thin."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.control.kpis import selectors, thresholds
from keystage.control.kpis.serializers import (
    ProjectKpisSerializer,
    ThresholdSheetSerializer,
    ThresholdWriteSerializer,
    kpi_document,
    sheet_document,
)
from keystage.core.api import IF_MATCH, optional_version, valid_input
from keystage.core.parsers import StrictJSONParser


class ProjectKpisView(APIView):
    """The project's KPIs with RAG against the organisation's thresholds, and its health."""

    @extend_schema(summary="Read a project's KPIs and health", responses=ProjectKpisSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Every KPI (value, RAG, thresholds, reason); health = the worst measured KPI."""
        kpis = selectors.project_kpis(who=actor(request), project_id=project_id)
        return Response(ProjectKpisSerializer(kpi_document(kpis)).data)


class KpiThresholdsView(APIView):
    """My organisation's KPI thresholds: every member reads them, administrators and
    portfolio owners replace them."""

    parser_classes = [StrictJSONParser]

    def conflict_payload(self, current: object) -> dict[str, object]:
        """The stored thresholds, for a 409."""
        return sheet_document(thresholds.threshold_sheet(who=actor(self.request)))

    @extend_schema(summary="Read the KPI thresholds", responses=ThresholdSheetSerializer)
    def get(self, request: Request) -> Response:
        """Each KPI's green and amber boundaries, direction and default."""
        return Response(
            ThresholdSheetSerializer(
                sheet_document(thresholds.threshold_sheet(who=actor(request)))
            ).data
        )

    @extend_schema(
        summary="Replace the KPI thresholds (admins, portfolio owners)",
        request=ThresholdWriteSerializer,
        responses=ThresholdSheetSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request) -> Response:
        """The whole set with the version read (none on the first save); 409 when stale."""
        version = optional_version(request)
        data = valid_input(ThresholdWriteSerializer, request)
        sheet = thresholds.thresholds_save(
            who=actor(request), version=version, rules=data["thresholds"]
        )
        return Response(ThresholdSheetSerializer(sheet_document(sheet)).data)
