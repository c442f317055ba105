"""The intake queue's representations: a proposal with its ranking figures, and the inputs."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.initiation.intake import RankedProposal, figures
from keystage.initiation.models import IntakeProposal
from keystage.portfolio.lifecycle import ProjectKind


class IntakePerson(serializers.Serializer[Any]):
    """A person named on a proposal."""

    id = serializers.UUIDField(source="public_id")
    username = serializers.CharField()
    name = serializers.CharField(source="display_name")


class IntakeProposalSerializer(serializers.ModelSerializer[IntakeProposal]):
    """A proposal as its reader sees it, with NPV / ROI / payback (where a yearly benefit
    was given, discounted at 8 %) and the PMO's mean score."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    submitted_by = IntakePerson(read_only=True)
    suggested_sponsor = IntakePerson(read_only=True, allow_null=True)
    decided_by = IntakePerson(read_only=True, allow_null=True)
    project = serializers.SerializerMethodField()
    npv = serializers.SerializerMethodField()
    roi = serializers.SerializerMethodField()
    payback_years = serializers.SerializerMethodField()
    score = serializers.SerializerMethodField()
    rank = serializers.SerializerMethodField()

    class Meta:
        model = IntakeProposal
        fields = [
            "id",
            "title",
            "problem",
            "benefits",
            "rough_cost",
            "rough_duration_days",
            "annual_benefit",
            "benefit_years",
            "suggested_sponsor",
            "submitted_by",
            "status",
            "strategic_score",
            "feasibility_score",
            "decision_note",
            "decided_by",
            "decided_at",
            "project",
            "npv",
            "roi",
            "payback_years",
            "score",
            "rank",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def _figures(self, obj: IntakeProposal) -> Any:
        ranked = self.context.get("ranked", {}).get(obj.pk)
        return ranked.figures if ranked else figures(obj)

    def get_project(self, obj: IntakeProposal) -> str | None:
        """The project it was promoted to (public id), if any."""
        return str(obj.project.public_id) if obj.project else None

    def get_npv(self, obj: IntakeProposal) -> str | None:
        """NPV of the rough cost now against the yearly benefit (8 %), or null."""
        npv = self._figures(obj).npv
        return None if npv is None else str(npv)

    def get_roi(self, obj: IntakeProposal) -> float | None:
        """(Benefits − costs) / costs, undiscounted, or null."""
        return self._figures(obj).roi  # type: ignore[no-any-return]

    def get_payback_years(self, obj: IntakeProposal) -> float | None:
        """Years until the cumulative cash turns positive, or null."""
        return self._figures(obj).payback_years  # type: ignore[no-any-return]

    def get_score(self, obj: IntakeProposal) -> float | None:
        """Mean of the strategic and feasibility scores (1–5), or null until scored."""
        return self._figures(obj).score  # type: ignore[no-any-return]

    def get_rank(self, obj: IntakeProposal) -> int | None:
        """Place in the queue's ranking (lists only)."""
        ranked: RankedProposal | None = self.context.get("ranked", {}).get(obj.pk)
        return ranked.rank if ranked else None


class _OptionalAmount(serializers.DecimalField):
    """A non-negative amount or null; an empty string is no amount (400), as the schema says."""

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        """Refuse "" instead of reading it as null."""
        if data == "":
            self.fail("invalid")
        return super().validate_empty_values(data)  # type: ignore[no-any-return]


class IntakeSubmitSerializer(serializers.Serializer[Any]):
    """A new proposal (or, with ``version``, the submitter's edit of it)."""

    title = serializers.CharField(max_length=200)
    problem = serializers.CharField(max_length=4000)
    benefits = serializers.CharField(max_length=4000)
    rough_cost = serializers.DecimalField(max_digits=14, decimal_places=2, min_value=0)
    rough_duration_days = serializers.IntegerField(min_value=1, max_value=3650)
    annual_benefit = _OptionalAmount(
        max_digits=14, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    benefit_years = serializers.IntegerField(min_value=1, max_value=20, required=False)
    suggested_sponsor = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        allow_null=True,
        help_text="Username or id of a person of the organisation.",
    )
    version = serializers.IntegerField(required=False)


class IntakeScoreSerializer(serializers.Serializer[Any]):
    """The PMO's scores, 1–5 each (null clears one)."""

    strategic_score = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True
    )
    feasibility_score = serializers.IntegerField(
        min_value=1, max_value=5, required=False, allow_null=True
    )
    version = serializers.IntegerField(required=False)


class IntakeNoteSerializer(serializers.Serializer[Any]):
    """A question for the submitter or the reason for a rejection."""

    note = serializers.CharField(max_length=4000)
    version = serializers.IntegerField(required=False)


class IntakePromoteSerializer(serializers.Serializer[Any]):
    """The project opened from the proposal."""

    code = serializers.CharField(max_length=20)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True)
    kind = serializers.ChoiceField(choices=ProjectKind.choices, required=False)
    start_date = serializers.DateField(required=False)
    project_manager = serializers.CharField(
        max_length=150, help_text="Username or id of the project manager."
    )
    sponsor = serializers.CharField(
        max_length=150,
        required=False,
        allow_blank=True,
        help_text="Username or id; the suggested sponsor when left out.",
    )
    note = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    version = serializers.IntegerField(required=False)
