"""REST endpoints of quality beyond the kits: the sign-offs (list, record) and the summary."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.core.api import valid_input
from keystage.core.lookup import get_by_public_id
from keystage.planning.models import Deliverable
from keystage.portfolio.access import require_open
from keystage.portfolio.selectors import project_get
from keystage.quality.models import Decision, SignOff
from keystage.quality.records import CRITERIA
from keystage.quality.selectors.summary import quality_summary
from keystage.quality.services.plan import criteria_from_scope
from keystage.quality.services.sign_offs import sign_off_create


class ResultSerializer(serializers.Serializer[Any]):
    """One criterion as judged in a sign-off."""

    criterion = serializers.UUIDField(
        source="criterion.public_id", allow_null=True, help_text="The plan's criterion."
    )
    text = serializers.CharField(source="criterion_text")
    met = serializers.BooleanField()
    note = serializers.CharField()


def _slug(field: str) -> serializers.SlugRelatedField[Any]:
    return serializers.SlugRelatedField(slug_field=field, read_only=True)


class SignOffSerializer(serializers.ModelSerializer[SignOff]):
    """One sign-off, immutable; ``supersedes`` names the one it replaced."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    deliverable = serializers.UUIDField(source="deliverable.public_id", read_only=True)
    deliverable_name = serializers.CharField(source="deliverable.name", read_only=True)
    stakeholder: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True
    )
    signer: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    recorded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    supersedes: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True
    )
    current = serializers.SerializerMethodField()
    results = ResultSerializer(many=True, read_only=True)

    class Meta:
        model = SignOff
        fields = [
            "id",
            "deliverable",
            "deliverable_name",
            "decision",
            "conditions",
            "comment",
            "stakeholder",
            "signer",
            "signed_by",
            "signed_on",
            "recorded_by",
            "supersedes",
            "current",
            "results",
            "created_at",
        ]
        read_only_fields = fields

    def get_current(self, obj: SignOff) -> bool:
        """Still in force: no later sign-off superseded it."""
        return not hasattr(obj, "superseded_by")


class ResultWriteSerializer(serializers.Serializer[Any]):
    """A criterion of the deliverable's quality plan, met or not."""

    criterion = serializers.UUIDField()
    met = serializers.BooleanField()
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class SignOffWriteSerializer(serializers.Serializer[Any]):
    """Record a sign-off: by a registered stakeholder (public id) or a member (username)."""

    deliverable = serializers.UUIDField()
    decision = serializers.ChoiceField(choices=Decision.choices)
    conditions = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    stakeholder = serializers.UUIDField(required=False, allow_null=True)
    signer = serializers.CharField(max_length=150, required=False, allow_blank=True)
    signed_on = serializers.DateField(required=False, help_text="Defaults to today.")
    results = ResultWriteSerializer(many=True, required=False)
    supersedes = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="The latest sign-off you saw (null: none); 409 if another came meanwhile.",
    )


def sign_offs_of(project: Any) -> Any:
    """The project's sign-offs, newest first, with what the serializer reads."""
    return (
        SignOff.objects.filter(project=project)
        .select_related("deliverable", "stakeholder", "signer", "recorded_by", "supersedes")
        .select_related("superseded_by")
        .prefetch_related("results__criterion")
    )


class SignOffListView(APIView):
    """The sign-offs of the project's deliverables (the history: superseded ones included)."""

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The sign-off now in force, sent with a 409."""
        if not isinstance(current, SignOff):
            return None
        return dict(SignOffSerializer(sign_offs_of(current.project).get(pk=current.pk)).data)

    @extend_schema(summary="List the sign-offs", responses=SignOffSerializer(many=True))
    def get(self, request: Request, project_id: str) -> Response:
        """Newest first; ``current`` marks each deliverable's sign-off in force."""
        project = project_get(who=actor(request), project_id=project_id)
        return Response(SignOffSerializer(sign_offs_of(project), many=True).data)

    @extend_schema(
        summary="Record a sign-off",
        request=SignOffWriteSerializer,
        responses={201: SignOffSerializer},
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Accepted / accepted with conditions / rejected, against every criterion."""
        project = project_get(who=actor(request), project_id=project_id)
        require_open(project)  # the archive's refusal before any field message
        data = valid_input(SignOffWriteSerializer, request)
        sign_off = sign_off_create(who=actor(request), project=project, data=data)
        return Response(
            SignOffSerializer(sign_offs_of(project).get(pk=sign_off.pk)).data,
            status=status.HTTP_201_CREATED,
        )


class CriterionRowSerializer(serializers.Serializer[Any]):
    """A criterion of the plan and its verdict in the latest sign-off."""

    id = serializers.UUIDField()
    text = serializers.CharField()
    method = serializers.CharField()
    responsible = serializers.CharField()
    planned_date = serializers.DateField(allow_null=True)
    met = serializers.BooleanField(allow_null=True)


class AcceptanceSerializer(serializers.Serializer[Any]):
    """A deliverable's acceptance, from its latest sign-off."""

    id = serializers.UUIDField()
    name = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    status = serializers.CharField()
    decision = serializers.CharField(help_text="Empty until signed off.")
    accepted = serializers.BooleanField()
    signed_by = serializers.CharField()
    signed_on = serializers.DateField(allow_null=True)
    conditions = serializers.CharField()
    criteria_met = serializers.IntegerField()
    criteria = CriterionRowSerializer(many=True)
    sign_offs = serializers.IntegerField()
    runs = serializers.IntegerField()
    pass_rate = serializers.FloatField(allow_null=True)


class OpenDefectSerializer(serializers.Serializer[Any]):
    """A defect still needing work."""

    id = serializers.UUIDField()
    key = serializers.CharField()
    title = serializers.CharField()
    severity = serializers.CharField()
    status = serializers.CharField()
    deliverable = serializers.CharField()
    owner = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)


class SummarySerializer(serializers.Serializer[Any]):
    """The project's quality figures."""

    deliverables = AcceptanceSerializer(many=True)
    accepted = serializers.IntegerField()
    defects = serializers.DictField(
        child=serializers.DictField(child=serializers.IntegerField()),
        help_text="severity → status → count",
    )
    open_by_severity = serializers.DictField(child=serializers.IntegerField())
    critical_open = serializers.IntegerField()
    open_defects = OpenDefectSerializer(many=True)
    pass_rate = serializers.FloatField(allow_null=True)
    cases_run = serializers.IntegerField()
    cases_passed = serializers.IntegerField()
    test_runs = serializers.IntegerField()
    criteria_planned = serializers.IntegerField()
    criteria_total = serializers.IntegerField()


class QualitySummaryView(APIView):
    """The project's quality in one read."""

    @extend_schema(summary="Read the quality summary", responses=SummarySerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Acceptance per deliverable, defects by severity and status, the pass rate."""
        project = project_get(who=actor(request), project_id=project_id)
        return Response(SummarySerializer(quality_summary(project=project)).data)


class CriteriaFromScopeView(APIView):
    """Start a deliverable's quality plan from its scope's criteria (one per line)."""

    @extend_schema(
        summary="Take a deliverable's criteria from the scope",
        request=None,
        responses={201: CRITERIA.serializer(many=True)},
    )
    def post(self, request: Request, project_id: str, deliverable_id: str) -> Response:
        """Adds the lines not yet in the plan; answers the criteria added (maybe none)."""
        project = project_get(who=actor(request), project_id=project_id)
        deliverable = get_by_public_id(Deliverable.objects.filter(project=project), deliverable_id)
        made = criteria_from_scope(who=actor(request), deliverable=deliverable)
        return Response(CRITERIA.serializer(made, many=True).data, status=status.HTTP_201_CREATED)
