"""REST endpoints beyond the kit's CRUD: a risk occurred, escalating an issue, carrying the
initiation's risks forward, the heat map's counts and the organisation's matrix. Thin."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.api import IF_MATCH, expected_version, optional_version, valid_input
from keystage.core.parsers import StrictJSONParser
from keystage.portfolio.selectors import project_get
from keystage.risks.matrix import DEFAULT_RULES, LEVELS
from keystage.risks.models import Severity
from keystage.risks.records import ISSUES, RISKS
from keystage.risks.selectors.register import figures_of, heat_counts
from keystage.risks.services import matrix as matrix_services
from keystage.risks.services.register import issue_escalate, risk_occurred, risks_carry_forward


class OccurredSerializer(serializers.Serializer[Any]):
    """The issue a risk becomes (each field defaults to the risk's own)."""

    title = serializers.CharField(max_length=200, required=False)
    description = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    severity = serializers.ChoiceField(choices=Severity.choices, required=False)
    due_date = serializers.DateField(required=False, allow_null=True)
    version = serializers.IntegerField(min_value=1, required=False)


class RiskOccurredView(APIView):
    """The risk happened: it becomes an issue (linked), its status → occurred."""

    parser_classes = [StrictJSONParser]

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The stored risk, for a 409."""
        return RISKS.serializer(current).data if current is not None else None  # type: ignore[no-any-return]

    @extend_schema(
        summary="Record that a risk occurred (it becomes an issue)",
        request=OccurredSerializer,
        responses={201: ISSUES.serializer},
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, project_id: str, risk_id: str) -> Response:
        """At the risk's ``version``; 409 when it changed meanwhile."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id, perm=Perm.CONTRIBUTE)
        risk = RISKS.get_record(who=who, project=project, record_id=risk_id)
        data = valid_input(OccurredSerializer, request)
        issue = risk_occurred(who=who, risk=risk, version=expected_version(request), data=data)
        return Response(ISSUES.serializer(issue).data, status=status.HTTP_201_CREATED)


class EscalateSerializer(serializers.Serializer[Any]):
    """Why the sponsor must step in."""

    reason = serializers.CharField(max_length=4000)
    version = serializers.IntegerField(min_value=1, required=False)


class IssueEscalateView(APIView):
    """Escalate an issue to the project's sponsor (the project manager)."""

    parser_classes = [StrictJSONParser]

    def conflict_payload(self, current: Any) -> dict[str, Any] | None:
        """The stored issue, for a 409."""
        return ISSUES.serializer(current).data if current is not None else None  # type: ignore[no-any-return]

    @extend_schema(
        summary="Escalate an issue to the sponsor",
        request=EscalateSerializer,
        responses=ISSUES.serializer,
        parameters=[IF_MATCH],
    )
    def post(self, request: Request, project_id: str, issue_id: str) -> Response:
        """Records who, when and why; notifies the sponsor; at the issue's ``version``."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id, perm=Perm.EDIT)
        issue = ISSUES.get_record(who=who, project=project, record_id=issue_id)
        data = valid_input(EscalateSerializer, request)
        fresh = issue_escalate(
            who=who, issue=issue, version=expected_version(request), reason=data["reason"]
        )
        return Response(ISSUES.serializer(fresh).data)


class CarriedSerializer(serializers.Serializer[Any]):
    """What the carry-forward did."""

    added = serializers.ListField(child=serializers.CharField(), help_text="RSK-n added.")
    already = serializers.IntegerField(help_text="Initiation risks already in the register.")


class CarryForwardView(APIView):
    """Carry the feasibility study's and business case's risks into the register, once."""

    @extend_schema(
        summary="Carry the initiation's risks into the register",
        request=None,
        responses=CarriedSerializer,
    )
    def post(self, request: Request, project_id: str) -> Response:
        """Idempotent: a second run adds nothing."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id, perm=Perm.EDIT)
        done = risks_carry_forward(who=who, project=project)
        body = {"added": [r.key for r in done.added], "already": done.already}
        return Response(body, status=status.HTTP_201_CREATED if done.added else 200)


class HeatMapSerializer(serializers.Serializer[Any]):
    """The register's counts per matrix cell and its figures."""

    probability_labels = serializers.ListField(child=serializers.CharField())
    impact_labels = serializers.ListField(child=serializers.CharField())
    ratings = serializers.ListField(child=serializers.ListField(child=serializers.CharField()))
    before = serializers.ListField(
        child=serializers.ListField(child=serializers.IntegerField()),
        help_text="before[p][i]: open risks at probability level p+1, impact level i+1.",
    )
    after = serializers.ListField(child=serializers.ListField(child=serializers.IntegerField()))
    live = serializers.IntegerField()
    high = serializers.IntegerField()
    high_after = serializers.IntegerField()
    exposure = serializers.DecimalField(max_digits=18, decimal_places=2)
    exposure_after = serializers.DecimalField(max_digits=18, decimal_places=2)
    overdue_responses = serializers.IntegerField()


class HeatMapView(APIView):
    """The heat map of the project's open risks, before and after their responses."""

    @extend_schema(summary="Read the risk heat map", responses=HeatMapSerializer)
    def get(self, request: Request, project_id: str) -> Response:
        """Counts per cell of the organisation's matrix, and the register's figures."""
        who = actor(request)
        project = project_get(who=who, project_id=project_id)
        risks = RISKS.rows(who=who, project=project)
        matrix = matrix_services.matrix_of(project.organisation_id)
        figures = figures_of(risks, today=timezone.localdate())
        body = {
            "probability_labels": list(matrix.probability_labels),
            "impact_labels": list(matrix.impact_labels),
            "ratings": [
                [matrix.rating((p + 1) * (i + 1)) for i in range(LEVELS)] for p in range(LEVELS)
            ],
            "before": heat_counts(risks, after=False),
            "after": heat_counts(risks, after=True),
            "live": figures.live,
            "high": figures.high,
            "high_after": figures.high_after,
            "exposure": figures.exposure,
            "exposure_after": figures.exposure_after,
            "overdue_responses": len(figures.overdue_responses),
        }
        return Response(HeatMapSerializer(body).data)


class MatrixSerializer(serializers.Serializer[Any]):
    """The organisation's probability × impact matrix."""

    version = serializers.IntegerField(allow_null=True, read_only=True)
    is_default = serializers.BooleanField(read_only=True)
    can_edit = serializers.BooleanField(read_only=True)
    probability_bounds = serializers.ListField(
        child=serializers.FloatField(),
        help_text="Upper bounds (inclusive) of probability levels 1-4; above: level 5.",
    )
    schedule_bounds = serializers.ListField(
        child=serializers.FloatField(), help_text="Likely delay, working days, levels 1-4."
    )
    cost_bounds = serializers.ListField(
        child=serializers.FloatField(), help_text="Likely cost impact, money, levels 1-4."
    )
    probability_labels = serializers.ListField(child=serializers.CharField())
    impact_labels = serializers.ListField(child=serializers.CharField())
    medium_from = serializers.IntegerField(help_text="Score from which a risk is medium.")
    high_from = serializers.IntegerField(help_text="Score from which a risk is high.")


class MatrixWriteSerializer(serializers.Serializer[Any]):
    """The whole matrix (a key left out returns to its default) and the version read."""

    rules = serializers.DictField(
        help_text=f"Any of {', '.join(DEFAULT_RULES)} (see the read shape)."
    )
    version = serializers.IntegerField(min_value=1, required=False)


def _sheet(sheet: matrix_services.MatrixSheet) -> dict[str, Any]:
    return {
        "version": sheet.version,
        "is_default": sheet.is_default,
        "can_edit": sheet.can_edit,
        **sheet.matrix.rules(),
    }


class RiskMatrixView(APIView):
    """My organisation's risk matrix: every member reads it, administrators and portfolio
    owners replace it."""

    parser_classes = [StrictJSONParser]

    def conflict_payload(self, current: object) -> dict[str, object]:
        """The stored matrix, for a 409."""
        return _sheet(matrix_services.matrix_sheet(who=actor(self.request)))

    @extend_schema(summary="Read the risk matrix", responses=MatrixSerializer)
    def get(self, request: Request) -> Response:
        """Bands, labels and rating boundaries."""
        return Response(
            MatrixSerializer(_sheet(matrix_services.matrix_sheet(who=actor(request)))).data
        )

    @extend_schema(
        summary="Replace the risk matrix (admins, portfolio owners)",
        request=MatrixWriteSerializer,
        responses=MatrixSerializer,
        parameters=[IF_MATCH],
    )
    def put(self, request: Request) -> Response:
        """With the version read (none on the first save); 409 when stale."""
        version = optional_version(request)
        data = valid_input(MatrixWriteSerializer, request)
        sheet = matrix_services.matrix_save(
            who=actor(request), version=version, rules=data["rules"]
        )
        return Response(MatrixSerializer(_sheet(sheet)).data)
