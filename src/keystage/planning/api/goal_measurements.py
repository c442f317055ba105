"""REST endpoints of a goal's measurements (list, add; read, remove). Thin."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.core.api import DELETE_PARAMS, expected_version, valid_input
from keystage.planning.models.goals import Goal
from keystage.planning.selectors import goal_measurements as selectors
from keystage.planning.selectors.goals import goal_get
from keystage.planning.serializers.goals import (
    GoalMeasurementSerializer,
    GoalMeasurementWriteSerializer,
)
from keystage.planning.services import goal_measurements as services
from keystage.portfolio.selectors import project_get


def _goal(request: Request, project_id: str, goal_id: str) -> Goal:
    who = actor(request)
    return goal_get(who=who, project=project_get(who=who, project_id=project_id), goal_id=goal_id)


class GoalMeasurementListView(APIView):
    """A goal's measurements, oldest first; add one (the project-edit permission)."""

    @extend_schema(
        summary="List a goal's measurements", responses=GoalMeasurementSerializer(many=True)
    )
    def get(self, request: Request, project_id: str, goal_id: str) -> Response:
        """Every measurement of the goal, oldest first."""
        goal = _goal(request, project_id, goal_id)
        return Response(GoalMeasurementSerializer(selectors.measurement_list(goal), many=True).data)

    @extend_schema(
        summary="Record a measurement of a goal",
        request=GoalMeasurementWriteSerializer,
        responses={201: GoalMeasurementSerializer},
    )
    def post(self, request: Request, project_id: str, goal_id: str) -> Response:
        """The latest measurement (by day) becomes the goal's current value."""
        goal = _goal(request, project_id, goal_id)
        data = valid_input(GoalMeasurementWriteSerializer, request)
        created = services.measurement_add(who=actor(request), goal=goal, data=data)
        return Response(GoalMeasurementSerializer(created).data, status=status.HTTP_201_CREATED)


class GoalMeasurementDetailView(APIView):
    """One measurement: read it, or remove a mistaken one with its version."""

    @extend_schema(summary="Read a goal's measurement", responses=GoalMeasurementSerializer)
    def get(self, request: Request, project_id: str, goal_id: str, measurement_id: str) -> Response:
        """The measurement as recorded."""
        goal = _goal(request, project_id, goal_id)
        return Response(
            GoalMeasurementSerializer(selectors.measurement_get(goal, measurement_id)).data
        )

    @extend_schema(
        summary="Remove a goal's measurement", parameters=DELETE_PARAMS, responses={204: None}
    )
    def delete(
        self, request: Request, project_id: str, goal_id: str, measurement_id: str
    ) -> Response:
        """The goal's current value follows the measurement now latest."""
        goal = _goal(request, project_id, goal_id)
        measurement = selectors.measurement_get(goal, measurement_id)
        services.measurement_delete(
            who=actor(request), measurement=measurement, version=expected_version(request)
        )
        return Response(status=status.HTTP_204_NO_CONTENT)
