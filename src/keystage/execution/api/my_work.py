"""REST endpoint of *My work*: ``GET /api/v1/me/work/``, the page's data. Thin."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.execution.selectors.my_work import my_work
from keystage.execution.serializers.my_work import MyWorkSerializer


class MyWorkView(APIView):
    """My assigned tasks of today and this week across my projects, overdue first."""

    @extend_schema(summary="My work: today's and this week's tasks", responses=MyWorkSerializer)
    def get(self, request: Request) -> Response:
        """Record progress with PATCH …/tasks/<task>/progress/ and time with …/time-entries/."""
        return Response(MyWorkSerializer(my_work(actor(request))).data)
