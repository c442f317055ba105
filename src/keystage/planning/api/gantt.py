"""REST endpoint of the Gantt: the rows and links as JSON, or the chart as SVG. Thin."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.planning.selectors import gantt as selectors
from keystage.planning.serializers.gantt import GanttSerializer, gantt_json
from keystage.portfolio.selectors import project_get


class SvgRenderer(BaseRenderer):
    """``image/svg+xml`` for the chart; errors still go out as JSON."""

    media_type = "image/svg+xml"
    format = "svg"
    charset = "utf-8"

    def render(
        self,
        data: Any,
        accepted_media_type: str | None = None,
        renderer_context: Mapping[str, Any] | None = None,
    ) -> bytes:
        """The SVG text as is; an error body (a dict) as JSON with its own content type."""
        if isinstance(data, str):
            return data.encode()
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return json.dumps(data).encode()


BASELINE = OpenApiParameter(
    "baseline",
    str,
    description="A baseline's id for the shadow bars, 'latest' (the default) or 'none'.",
)
ZOOM = OpenApiParameter(
    "zoom", str, enum=list(selectors.ZOOMS), description="Time scale of the SVG (default week)."
)


class GanttView(APIView):
    """The project's Gantt."""

    renderer_classes = [JSONRenderer, SvgRenderer]

    @extend_schema(
        summary="Read the Gantt (JSON rows and links, or ?format=svg for the chart)",
        parameters=[BASELINE, ZOOM],
        responses={
            (200, "application/json"): GanttSerializer,
            (200, "image/svg+xml"): OpenApiResponse(
                OpenApiTypes.STR, description="The chart as a standalone SVG document."
            ),
        },
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Rows in WBS order with scheduled, baseline and critical flags; links by task id."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id)
        data = selectors.gantt_data(
            who=who, project=project, baseline_id=request.query_params.get("baseline")
        )
        today = timezone.localdate()
        data_date = selectors.data_date_of(project, today)
        if getattr(request.accepted_renderer, "format", None) == "svg":
            zoom = request.query_params.get("zoom") or "week"
            chart = selectors.gantt_chart(data, zoom=zoom, today=today, data_date=data_date)
            response = Response(chart.svg)
            response["Content-Disposition"] = f'inline; filename="{project.code}-gantt.svg"'
            return response
        return Response(gantt_json(data, today=today, data_date=data_date))
