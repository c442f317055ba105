"""REST endpoints of baselines: list and capture, read and delete one, compare two plans. Thin."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.api import DELETE_PARAMS, expected_version, valid_input
from keystage.planning.selectors import baselines as selectors
from keystage.planning.serializers import baselines as s
from keystage.planning.services import baselines as services
from keystage.portfolio.selectors import project_get


class BaselineListView(APIView):
    """The project's baselines; POST captures the current plan as the next one."""

    @extend_schema(summary="List the baselines", responses=s.BaselineSerializer(many=True))
    def get(self, request: Request, project_id: str) -> Response:
        """Every baseline, newest first, with its totals."""
        project = project_get(who=actor(request), project_id=project_id)
        rows = selectors.baseline_list(who=actor(request), project=project)
        return Response(s.BaselineSerializer(rows, many=True).data)

    @extend_schema(
        summary="Capture a baseline",
        request=s.BaselineCaptureSerializer,
        responses={201: s.BaselineDetailSerializer},
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Snapshot every task's dates, duration, work and cost, and the cost plan (editors)."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        data = valid_input(s.BaselineCaptureSerializer, request)
        baseline = services.baseline_capture(who=actor(request), project=project, **data)
        fresh = selectors.baseline_get(
            who=actor(request), project=project, baseline_id=baseline.public_id
        )
        return Response(s.BaselineDetailSerializer(fresh).data, status=status.HTTP_201_CREATED)


class BaselineDetailView(APIView):
    """One baseline with its tasks; baselines are never edited, only deleted."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current baseline sent with a 409."""
        return s.BaselineSerializer(current).data if current is not None else None  # type: ignore[no-any-return]

    @extend_schema(summary="Read a baseline", responses=s.BaselineDetailSerializer)
    def get(self, request: Request, project_id: str, baseline_id: str) -> Response:
        """The baseline, its captured cost plan and every task as it stood."""
        project = project_get(who=actor(request), project_id=project_id)
        baseline = selectors.baseline_get(
            who=actor(request), project=project, baseline_id=baseline_id
        )
        return Response(s.BaselineDetailSerializer(baseline).data)

    @extend_schema(summary="Delete a baseline", responses={204: None}, parameters=DELETE_PARAMS)
    def delete(self, request: Request, project_id: str, baseline_id: str) -> Response:
        """Delete it at its version (409 if stale, 428 if missing; editors)."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        baseline = selectors.baseline_get(
            who=actor(request), project=project, baseline_id=baseline_id
        )
        services.baseline_delete(
            who=actor(request), baseline=baseline, version=expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)


class BaselineCompareView(APIView):
    """Two plans compared task by task: two baselines, or a baseline and the current plan."""

    @extend_schema(
        summary="Compare two plans",
        parameters=[
            OpenApiParameter(
                "from",
                str,
                required=True,
                description="A baseline's number or id, or 'current'.",
            ),
            OpenApiParameter(
                "to",
                str,
                description="A baseline's number or id, or 'current' (the default).",
            ),
        ],
        responses=s.ComparisonSerializer,
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Variances (``to`` − ``from``) in working days, hours and money; tasks matched by id."""
        project = project_get(who=actor(request), project_id=project_id)
        comparison = selectors.baseline_compare(
            who=actor(request),
            project=project,
            from_key=request.query_params.get("from"),
            to_key=request.query_params.get("to") or selectors.CURRENT,
        )
        return Response(s.ComparisonSerializer(comparison).data)
