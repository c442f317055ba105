"""REST endpoint of *My work*: ``GET /api/v1/me/work/``, the page's data. Thin."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.core.errors import InvalidInput
from keystage.execution.selectors.my_work import my_work
from keystage.execution.serializers.my_work import MyWorkSerializer

MAX_LIMIT = 200


class MyWorkView(APIView):
    """My assigned tasks of today and this week across my projects, overdue first."""

    @extend_schema(
        summary="My work: today's and this week's tasks",
        parameters=[
            OpenApiParameter("offset", int, description="Rows to skip (default 0)."),
            OpenApiParameter("limit", int, description=f"Rows to return, 1–{MAX_LIMIT}."),
        ],
        responses=MyWorkSerializer,
    )
    def get(self, request: Request) -> Response:
        """Record progress with PATCH …/tasks/<task>/progress/ and time with …/time-entries/."""
        offset = _number(request, "offset", 0, 0, 10**9)
        limit = _number(request, "limit", MAX_LIMIT, 1, MAX_LIMIT)
        work = my_work(actor(request), offset=offset, limit=limit)
        return Response(MyWorkSerializer(work).data)


def _number(request: Request, name: str, default: int, low: int, high: int) -> int:
    raw = request.query_params.get(name)
    if raw is None:
        return default
    if not raw.isdigit() or not low <= int(raw) <= high:
        raise InvalidInput({name: f"Give a whole number from {low} to {high}."})
    return int(raw)
