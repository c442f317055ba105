"""REST endpoints of the final budget: read it (live figures, explanations, reconciliations),
explain it (versioned PATCH), reconcile it. Thin."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.closing.final_budget import selectors, services
from keystage.closing.final_budget.selectors import FinalBudgetView
from keystage.closing.models import BudgetReconciliation, FinalBudget
from keystage.core.api import IF_MATCH, expected_version


class BudgetReconciliationSerializer(serializers.ModelSerializer[BudgetReconciliation]):
    """One recorded reconciliation: who, when, and every figure as it was."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    figures = serializers.JSONField(read_only=True)

    class Meta:
        model = BudgetReconciliation
        fields = ["id", "number", "reconciled_at", "reconciled_by_label", "figures"]
        read_only_fields = fields


class FinalBudgetSerializer(serializers.Serializer[Any]):
    """The final budget now: live figures (money in cents as strings), the explanations, what
    blocks a reconciliation, and the reconciliations (newest first)."""

    version = serializers.IntegerField()
    state = serializers.ChoiceField(choices=["not_reconciled", "reconciled", "stale"])
    figures = serializers.JSONField()
    explanations = serializers.DictField(child=serializers.CharField())
    release_note = serializers.CharField()
    pending = serializers.ListField(child=serializers.CharField())
    reconciliations = BudgetReconciliationSerializer(many=True)


class FinalBudgetEditSerializer(serializers.Serializer[Any]):
    """Explanations per category key (an empty text removes one) and the release note."""

    explanations = serializers.DictField(
        child=serializers.CharField(allow_blank=True), required=False
    )
    release_note = serializers.CharField(required=False, allow_blank=True)
    version = serializers.IntegerField(required=False, help_text="Or send If-Match.")


class FinalBudgetReconcileSerializer(serializers.Serializer[Any]):
    """The version of the final budget you reconcile (or If-Match)."""

    version = serializers.IntegerField(required=False)


def _document(view: FinalBudgetView) -> dict[str, Any]:
    return {
        "version": view.version,
        "state": view.state,
        "figures": view.figures,
        "explanations": view.explanations,
        "release_note": view.release_note,
        "pending": view.pending,
        "reconciliations": BudgetReconciliationSerializer(view.reconciliations, many=True).data,
    }


def _stored(current: FinalBudget) -> dict[str, Any]:
    return {
        "version": current.version,
        "explanations": current.explanations,
        "release_note": current.release_note,
    }


class FinalBudgetApiView(APIView):
    """The project's final budget."""

    def conflict_payload(self, current: FinalBudget) -> dict[str, Any]:
        """The stored explanations a stale edit lost against."""
        return _stored(current)

    @extend_schema(summary="Read the final budget", responses=FinalBudgetSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Budget against actual per category, released reserve, final EAC = AC."""
        return Response(
            _document(selectors.final_budget(who=actor(request), project_id=project_id))
        )

    @extend_schema(
        summary="Explain the final budget",
        request=FinalBudgetEditSerializer,
        responses=FinalBudgetSerializer,
        parameters=[IF_MATCH],
    )
    def patch(self, request: Request, project_id: str) -> Response:
        """Save explanations and the release note (project manager, in Closing)."""
        data = request.data if isinstance(request.data, dict) else {}
        services.final_budget_update(
            who=actor(request),
            project_id=project_id,
            version=expected_version(request),
            data={k: v for k, v in data.items() if k != "version"},
        )
        return Response(
            _document(selectors.final_budget(who=actor(request), project_id=project_id))
        )


class FinalBudgetReconcileView(APIView):
    """Record the reconciliation of the final budget."""

    def conflict_payload(self, current: FinalBudget) -> dict[str, Any]:
        """The stored explanations the caller has not seen."""
        return _stored(current)

    @extend_schema(
        summary="Reconcile the final budget",
        request=FinalBudgetReconcileSerializer,
        responses={201: BudgetReconciliationSerializer},
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Record the figures as they are (refused while time or purchases are pending)."""
        record = services.final_budget_reconcile(
            who=actor(request), project_id=project_id, version=expected_version(request)
        )
        return Response(BudgetReconciliationSerializer(record).data, status=status.HTTP_201_CREATED)
