"""REST endpoints of progress: record a task's progress, set the data date, reschedule. Thin."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.core.api import IF_MATCH, expected_version, optional_version, valid_input
from keystage.execution.selectors import progress as selectors
from keystage.execution.serializers import progress as s
from keystage.execution.services import progress as services
from keystage.planning.models import ProjectCalendar


class TaskProgressView(APIView):
    """One task's progress: read it, or record it (PATCH, versioned)."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current task sent with a 409."""
        return s.TaskProgressSerializer(current).data if current is not None else None  # type: ignore[no-any-return]

    @extend_schema(summary="A task's progress", responses=s.TaskProgressSerializer)
    def get(self, request: Request, project_id: str, task_id: str) -> Response:
        """The task's status, actual dates, percent complete and remaining duration."""
        task = selectors.progress_task(who=actor(request), task_id=task_id, project_id=project_id)
        return Response(s.TaskProgressSerializer(task).data)

    @extend_schema(
        summary="Record progress on a task",
        request=s.ProgressWriteSerializer,
        responses=s.TaskProgressSerializer,
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request, project_id: str, task_id: str) -> Response:
        """Record actual dates, percent complete or remaining duration; the plan reschedules."""
        data = valid_input(s.ProgressWriteSerializer, request, partial=True)
        task = services.update_progress(
            who=actor(request),
            task_id=task_id,
            project_id=project_id,
            version=expected_version(request),
            data=data,
        )
        return Response(s.TaskProgressSerializer(task).data)


class DataDateView(APIView):
    """The project's data date (status date)."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current calendar's data date sent with a 409."""
        return s.DataDateSerializer(current).data if current is not None else None  # type: ignore[no-any-return]

    @extend_schema(summary="The project's data date", responses=s.DataDateSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """The data date (null when none is set) and the calendar version to send back."""
        return Response(selectors.project_data_date(who=actor(request), project_id=project_id))

    @extend_schema(
        summary="Set the data date and reschedule from it",
        request=s.DataDateWriteSerializer,
        responses=s.DataDateSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request, project_id: str) -> Response:
        """Set the data date (the calendar's version once it exists); the plan reschedules."""
        data = valid_input(s.DataDateWriteSerializer, request)
        calendar: ProjectCalendar = services.set_data_date(
            who=actor(request),
            project_id=project_id,
            data_date=data["data_date"],
            version=optional_version(request),
        )
        return Response(s.DataDateSerializer(calendar).data)


class RescheduleView(APIView):
    """Recalculate the plan from the data date and the recorded progress."""

    @extend_schema(
        summary="Reschedule remaining work from the data date",
        request=None,
        responses=s.DataDateSerializer,
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Reschedule now (every progress edit already does; this follows calendar edits)."""
        services.reschedule_from_data_date(who=actor(request), project_id=project_id)
        return Response(selectors.project_data_date(who=actor(request), project_id=project_id))
