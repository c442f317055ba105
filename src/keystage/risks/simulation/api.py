"""REST endpoints of the schedule-risk analysis: estimates (bulk PUT), the default spread,
simulation runs (202, in the background) and their results."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.api import optional_version
from keystage.core.errors import InvalidInput
from keystage.portfolio.selectors import project_get
from keystage.risks.simulation import selectors, services
from keystage.risks.simulation import serializers as s


def _table(request: Request, project_id: str) -> Response:
    project = project_get(who=actor(request), project_id=project_id)
    table = selectors.estimate_table(who=actor(request), project=project)
    settings = table.settings
    return Response(
        s.EstimateTableSerializer(
            {
                "rows": table.rows,
                "settings": {
                    "low_percent": settings.low_percent,
                    "high_percent": settings.high_percent,
                    "distribution": settings.distribution,
                    "version": settings.version if settings.pk else None,
                },
                "minutes_per_day": table.minutes_per_day,
            }
        ).data
    )


class EstimateListView(APIView):
    """Three-point estimates of every task; PUT sets many at once."""

    @extend_schema(summary="Read the three-point estimates", responses=s.EstimateTableSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Every task's optimistic / most likely / pessimistic days (own or default spread)."""
        return _table(request, project_id)

    @extend_schema(
        summary="Set three-point estimates",
        request=s.EstimatesPutSerializer,
        responses={200: s.EstimateTableSerializer, 409: OpenApiResponse(description="Stale.")},
    )
    def put(self, request: Request, project_id: str) -> Response:
        """Project editors; all rows or none (field errors name ``rows[i].field``)."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        data = request.data if isinstance(request.data, dict) else {}
        services.estimates_put(
            who=actor(request),
            project=project,
            rows=data.get("rows"),
            minutes_per_day=selectors.minutes_per_day(project),
        )
        return _table(request, project_id)


class SpreadView(APIView):
    """The default spread for tasks without their own estimate."""

    @extend_schema(
        summary="Change the default spread",
        request=s.SpreadInSerializer,
        responses={200: s.EstimateTableSerializer, 409: OpenApiResponse(description="Stale.")},
    )
    def patch(self, request: Request, project_id: str) -> Response:
        """Project editors; send ``version`` once the spread has been saved."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        if not isinstance(request.data, dict):
            raise InvalidInput({"body": "Send an object."})
        services.settings_update(
            who=actor(request), project=project, data=dict(request.data),
            version=optional_version(request),
        )  # fmt: skip
        return _table(request, project_id)


class SimulationListView(APIView):
    """The project's risk simulations; a POST queues a new one."""

    @extend_schema(
        summary="List the risk simulations", responses=s.SimulationRunSerializer(many=True)
    )
    def get(self, request: Request, project_id: str) -> Response:
        """Every run, newest first."""
        project = project_get(who=actor(request), project_id=project_id)
        runs = selectors.run_list(who=actor(request), project=project)
        return Response(s.SimulationRunSerializer(runs, many=True).data)

    @extend_schema(
        summary="Start a risk simulation",
        request=s.SimulationRequestSerializer,
        responses={
            202: s.SimulationRunSerializer,
            429: OpenApiResponse(description="Too many simulations are waiting or running."),
        },
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Queue a Monte Carlo run (project editors); poll its detail for progress."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        data = request.data if hasattr(request.data, "get") else {}
        run = services.simulation_request(
            who=actor(request), project=project, runs=data.get("runs"), seed=data.get("seed")
        )
        return Response(s.SimulationRunSerializer(run).data, status=status.HTTP_202_ACCEPTED)


class SimulationCancelView(APIView):
    """Cancel a risk simulation: a queued one at once, a running one between two chunks."""

    @extend_schema(
        summary="Cancel a risk simulation",
        request=None,
        responses={
            200: s.SimulationRunSerializer,
            409: OpenApiResponse(description="The run has already ended."),
        },
    )
    def post(self, request: Request, project_id: str, simulation_id: str) -> Response:
        """Project editors; answers the run (status *cancelled*, or still *running* with the
        stop requested — poll it)."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        run = selectors.run_get(who=actor(request), project=project, run_id=simulation_id)
        run = services.simulation_cancel(who=actor(request), project=project, run=run)
        return Response(s.SimulationRunSerializer(run).data)


class SimulationDetailView(APIView):
    """One simulation: status, progress and, once done, its result."""

    @extend_schema(summary="Read a risk simulation", responses=s.SimulationRunSerializer)
    def get(self, request: Request, project_id: str, simulation_id: str) -> Response:
        """The run as it stands now."""
        project = project_get(who=actor(request), project_id=project_id)
        run = selectors.run_get(who=actor(request), project=project, run_id=simulation_id)
        return Response(s.SimulationRunSerializer(run).data)
