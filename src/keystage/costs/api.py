"""REST endpoints of the budget: settings with the computed cost plan, set / reopen, and the
budget lines. Thin."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.api import IF_MATCH, optional_version, valid_input
from keystage.costs import selectors as selectors
from keystage.costs import serializers as s
from keystage.costs import services as services
from keystage.costs.models import ProjectBudget
from keystage.planning.api.scope import record_views
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get


class _BudgetBase(APIView):
    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The current budget, with its plan, sent with a 409."""
        if not isinstance(current, ProjectBudget):
            return None
        return s.budget_payload(selectors.cost_plan(project=current.project))

    def _answer(self, request: Request, project: Project) -> Response:
        return Response(
            s.budget_payload(selectors.budget_plan(who=actor(request), project=project))
        )


class BudgetView(_BudgetBase):
    """The project's budget: settings, status and the cost plan phased by month."""

    @extend_schema(summary="Read the budget and its cost plan", responses=s.BudgetSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Settings, set / draft status, totals, categories, months and labour by person."""
        project = project_get(who=actor(request), project_id=project_id)
        return self._answer(request, project)

    @extend_schema(
        summary="Edit the budget settings",
        request=s.BudgetWriteSerializer,
        responses=s.BudgetSerializer,
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request, project_id: str) -> Response:
        """Save contingency, reserve and notes; the first save needs no version (428 / 409)."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        data = valid_input(s.BudgetWriteSerializer, request, partial=True)
        services.budget_save(
            who=actor(request), project=project, version=optional_version(request), data=data
        )
        return self._answer(request, project)


class BudgetSetView(_BudgetBase):
    """Set the budget (refused while the cost plan is empty)."""

    @extend_schema(
        summary="Set the budget",
        request=s.BudgetActionSerializer,
        responses=s.BudgetSerializer,
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Record who set the budget and when, at the budget's version."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        valid_input(s.BudgetActionSerializer, request)
        services.budget_set(who=actor(request), project=project, version=optional_version(request))
        return self._answer(request, project)


class BudgetReopenView(_BudgetBase):
    """Reopen a set budget so that it can change."""

    @extend_schema(
        summary="Reopen the budget",
        request=s.BudgetActionSerializer,
        responses=s.BudgetSerializer,
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Clear the set mark at the budget's version."""
        project = project_get(who=actor(request), project_id=project_id, perm=Perm.EDIT)
        valid_input(s.BudgetActionSerializer, request)
        services.budget_reopen(
            who=actor(request), project=project, version=optional_version(request)
        )
        return self._answer(request, project)


BudgetLineListView, BudgetLineDetailView = record_views(
    noun="budget line",
    id_kwarg="budget_line_id",
    output=s.BudgetLineSerializer,
    write=s.BudgetLineWriteSerializer,
    perm=Perm.EDIT,
    list_fn=selectors.line_list,
    get_fn=selectors.line_get,
    create_fn=services.line_create,
    update_fn=services.line_update,
    delete_fn=services.line_delete,
    instance_kwarg="line",
)
