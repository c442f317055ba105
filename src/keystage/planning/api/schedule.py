"""REST endpoints of schedule runs: request one (202, it runs in the background), list, read,
cancel."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.api import valid_input
from keystage.planning.selectors import schedule as selectors
from keystage.planning.serializers import schedule as s
from keystage.planning.services import schedule as services
from keystage.planning.services.schedule_runs import schedule_run_cancel
from keystage.portfolio.selectors import project_get


class ScheduleRunListView(APIView):
    """The project's schedule runs; a POST queues a new one."""

    @extend_schema(summary="List the schedule runs", responses=s.ScheduleRunSerializer(many=True))
    def get(self, request: Request, project_id: str) -> Response:
        """Every run of the project, newest first."""
        project = project_get(who=actor(request), project_id=project_id)
        runs = selectors.run_list(who=actor(request), project=project)
        return Response(s.ScheduleRunSerializer(runs, many=True).data)

    @extend_schema(
        summary="Request a schedule run",
        request=s.ScheduleRunRequestSerializer,
        responses={
            202: s.ScheduleRunSerializer,
            429: OpenApiResponse(
                description="Too many runs of the project or organisation are waiting or running."
            ),
        },
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Queue a run (project editors); poll its detail for progress and the outcome."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        data = valid_input(s.ScheduleRunRequestSerializer, request)
        run = services.schedule_request(
            who=actor(request),
            project=project,
            method=data["method"],
            time_limit=data["time_limit_seconds"],
        )
        return Response(s.ScheduleRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class ScheduleRunDetailView(APIView):
    """One schedule run: status, progress 0–100, message and, once done, the summary."""

    @extend_schema(summary="Read a schedule run", responses=s.ScheduleRunSerializer)
    def get(self, request: Request, project_id: str, run_id: str) -> Response:
        """The run as it stands now."""
        project = project_get(who=actor(request), project_id=project_id)
        run = selectors.run_get(who=actor(request), project=project, run_id=run_id)
        return Response(s.ScheduleRunSerializer(run).data)


class ScheduleRunCancelView(APIView):
    """Cancel a schedule run: a queued one at once, a running one at its next step."""

    @extend_schema(
        summary="Cancel a schedule run",
        request=None,
        responses={
            200: s.ScheduleRunSerializer,
            409: OpenApiResponse(description="The run has already ended."),
        },
    )
    def post(self, request: Request, project_id: str, run_id: str) -> Response:
        """Project editors; answers the run (status *cancelled*, or still *running* with the
        stop requested — poll it)."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        run = selectors.run_get(who=actor(request), project=project, run_id=run_id)
        run = schedule_run_cancel(who=actor(request), project=project, run=run)
        return Response(s.ScheduleRunSerializer(run).data)
