"""REST endpoints of change requests (``/api/v1/projects/<id>/change-requests/``). Thin:
parse, call the service or selector, serialise."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.control.changes import selectors, services
from keystage.control.changes.edits import OPS
from keystage.control.models import ChangeRequest
from keystage.control.models.changes import ChangeCategory
from keystage.core.api import DELETE_PARAMS, IF_MATCH, expected_version
from keystage.portfolio.access import access_project


class ChangeRequestSerializer(serializers.ModelSerializer[ChangeRequest]):
    """A change request with its edits, impact and decision."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    code = serializers.CharField(read_only=True)
    requester = serializers.CharField(source="requester.display_name", default=None)
    decided_by = serializers.CharField(source="decided_by.display_name", default=None)
    applied_by = serializers.CharField(source="applied_by.display_name", default=None)
    baseline = serializers.SerializerMethodField()
    edits = serializers.JSONField()
    impact = serializers.JSONField()

    class Meta:
        model = ChangeRequest
        fields = [
            "id",
            "number",
            "code",
            "title",
            "description",
            "reason",
            "category",
            "status",
            "requester",
            "edits",
            "impact",
            "impact_at",
            "finish_delta_days",
            "cost_delta",
            "submitted_at",
            "decided_by",
            "decided_at",
            "decision_comment",
            "applied_by",
            "applied_at",
            "baseline",
            "version",
            "created_at",
        ]
        read_only_fields = fields

    def get_baseline(self, obj: ChangeRequest) -> int | None:
        """The number of the baseline captured when it was applied."""
        return obj.baseline.number if obj.baseline_id and obj.baseline else None


class ChangeInputSerializer(serializers.Serializer[Any]):
    """The request's words: a short title, what changes, why."""

    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    reason = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=ChangeCategory.choices, required=False)
    version = serializers.IntegerField(required=False)


class EditInputSerializer(serializers.Serializer[Any]):
    """One plan edit: ``op`` and the fields it needs (see the module documentation)."""

    op = serializers.ChoiceField(choices=list(OPS.items()))
    task = serializers.CharField(required=False, help_text="A task's id.")
    duration_days = serializers.CharField(required=False, help_text="Working days.")
    fixed_cost = serializers.CharField(required=False)
    name = serializers.CharField(required=False)
    kind = serializers.CharField(required=False, help_text="task or milestone (add_task).")
    parent = serializers.CharField(required=False, help_text="A summary task's id (add_task).")  # type: ignore[assignment]
    predecessors = serializers.ListField(child=serializers.CharField(), required=False)
    successors = serializers.ListField(child=serializers.CharField(), required=False)
    predecessor = serializers.CharField(required=False)
    successor = serializers.CharField(required=False)
    type = serializers.CharField(required=False, help_text="FS, SS, FF or SF.")
    lag_days = serializers.CharField(required=False)
    line = serializers.CharField(required=False, help_text="A budget line's id.")
    amount = serializers.CharField(required=False)
    category = serializers.CharField(required=False)
    percent = serializers.CharField(required=False, help_text="Contingency % (contingency).")
    version = serializers.IntegerField()


class VersionSerializer(serializers.Serializer[Any]):
    """The version the action is based on."""

    version = serializers.IntegerField()


class ChangeDecisionSerializer(serializers.Serializer[Any]):
    """The sponsor's decision and why."""

    outcome = serializers.ChoiceField(choices=["approve", "reject"])
    comment = serializers.CharField(max_length=4000)
    version = serializers.IntegerField()


def _data(request: Request) -> dict[str, Any]:
    return dict(request.data.items()) if hasattr(request.data, "items") else {}


class ChangeView(APIView):
    """Shared: a 409 shows the request as stored, or the freshly computed impact."""

    def conflict_payload(self, current: Any) -> Any:
        """The stored request, or the fresh impact of a stale apply."""
        if isinstance(current, ChangeRequest):
            return ChangeRequestSerializer(current).data
        return current

    def change(self, request: Request, project_id: str, number: int) -> ChangeRequest:
        """The request the URL names."""
        return selectors.change_get(who=actor(request), project_id=project_id, number=number)

    def done(self, change: ChangeRequest, code: int = status.HTTP_200_OK) -> Response:
        """The request after the action."""
        return Response(ChangeRequestSerializer(change).data, status=code)


class ChangeListView(ChangeView):
    """The project's change requests; POST raises one."""

    @extend_schema(summary="List change requests", responses=ChangeRequestSerializer(many=True))
    def get(self, request: Request, project_id: str) -> Response:
        """Every request, newest first."""
        project = access_project(who=actor(request), project_id=project_id)
        rows = selectors.change_list(who=actor(request), project=project)
        return Response(ChangeRequestSerializer(rows, many=True).data)

    @extend_schema(
        summary="Raise a change request",
        request=ChangeInputSerializer,
        responses={201: ChangeRequestSerializer},
    )
    def post(self, request: Request, project_id: str) -> Response:
        """A new draft (anyone who contributes to the project)."""
        project = access_project(who=actor(request), project_id=project_id)
        change = services.change_create(who=actor(request), project=project, data=_data(request))
        return self.done(change, status.HTTP_201_CREATED)


class ChangeDetailView(ChangeView):
    """One change request; PATCH edits a draft's words."""

    @extend_schema(summary="Read a change request", responses=ChangeRequestSerializer)
    def get(self, request: Request, project_id: str, number: int) -> Response:
        """The request with its edits, impact and decision."""
        return self.done(self.change(request, project_id, number))

    @extend_schema(
        summary="Edit a draft change request",
        request=ChangeInputSerializer,
        parameters=[IF_MATCH],
        responses=ChangeRequestSerializer,
    )
    def patch(self, request: Request, project_id: str, number: int) -> Response:
        """Title, description, reason, category of a draft, at ``version``."""
        change = self.change(request, project_id, number)
        data = _data(request)
        data.pop("version", None)
        fresh = services.change_update(
            who=actor(request), change=change, version=expected_version(request), data=data
        )
        return self.done(fresh)


class ChangeEditsView(ChangeView):
    """Add a plan edit to a draft."""

    @extend_schema(
        summary="Add a plan edit to a change request",
        request=EditInputSerializer,
        responses={201: ChangeRequestSerializer},
    )
    def post(self, request: Request, project_id: str, number: int) -> Response:
        """The edit is checked against the plan; the impact must be recomputed."""
        change = self.change(request, project_id, number)
        version = expected_version(request)
        data = _data(request)
        if hasattr(request.data, "getlist"):
            for field in ("predecessors", "successors"):
                data[field] = request.data.getlist(field)
        fresh = services.edit_add(who=actor(request), change=change, version=version, data=data)
        return self.done(fresh, status.HTTP_201_CREATED)


class ChangeEditView(ChangeView):
    """Remove one plan edit of a draft."""

    @extend_schema(
        summary="Remove a plan edit from a change request",
        parameters=DELETE_PARAMS,
        responses=ChangeRequestSerializer,
    )
    def delete(self, request: Request, project_id: str, number: int, index: int) -> Response:
        """Edit number ``index`` (from 1) goes."""
        change = self.change(request, project_id, number)
        fresh = services.edit_remove(
            who=actor(request), change=change, version=expected_version(request), index=index
        )
        return self.done(fresh)


class ChangeImpactView(ChangeView):
    """Compute the impact against the plan as it stands."""

    @extend_schema(
        summary="Compute a change request's impact",
        request=VersionSerializer,
        responses=ChangeRequestSerializer,
    )
    def post(self, request: Request, project_id: str, number: int) -> Response:
        """A what-if reschedule of a copy of the plan; nothing in the plan is written."""
        change = self.change(request, project_id, number)
        fresh = services.impact_compute(
            who=actor(request), change=change, version=expected_version(request)
        )
        return self.done(fresh)


class ChangeSubmitView(ChangeView):
    """Send a draft to the sponsor."""

    @extend_schema(
        summary="Submit a change request for decision",
        request=VersionSerializer,
        responses=ChangeRequestSerializer,
    )
    def post(self, request: Request, project_id: str, number: int) -> Response:
        """The impact is computed now; the sponsor is told."""
        change = self.change(request, project_id, number)
        fresh = services.change_submit(
            who=actor(request), change=change, version=expected_version(request)
        )
        return self.done(fresh)


class ChangeDecisionView(ChangeView):
    """The sponsor approves or rejects."""

    @extend_schema(
        summary="Approve or reject a change request (the sponsor)",
        request=ChangeDecisionSerializer,
        responses=ChangeRequestSerializer,
    )
    def post(self, request: Request, project_id: str, number: int) -> Response:
        """With a comment; the requester is told."""
        change = self.change(request, project_id, number)
        data = _data(request)
        fresh = services.change_decide(
            who=actor(request),
            change=change,
            version=expected_version(request),
            outcome=data.get("outcome"),
            comment=data.get("comment"),
        )
        return self.done(fresh)


class ChangeApplyView(ChangeView):
    """Apply an approved request to the plan and re-baseline."""

    @extend_schema(
        summary="Apply an approved change request",
        request=VersionSerializer,
        responses={200: ChangeRequestSerializer},
    )
    def post(self, request: Request, project_id: str, number: int) -> Response:
        """409 with the fresh impact when the plan moved since the impact was computed."""
        change = self.change(request, project_id, number)
        fresh = services.change_apply(
            who=actor(request), change=change, version=expected_version(request)
        )
        return self.done(fresh)
