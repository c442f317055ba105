"""API shapes of the initiation records. Input serializers check types; services hold the rules."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.initiation.models import (
    FEASIBILITY_DIMENSIONS,
    BusinessCase,
    CashFlowLine,
    FeasibilityStudy,
    FlowKind,
    Proposal,
    Recommendation,
    Recurrence,
    ResearchAttachment,
    ResearchNote,
    Stakeholder,
)

MAX_PERIOD = 50  # the business case horizon: periods (years) after period 0
VERSION_HELP = "The version you edit; required once the record exists (or send If-Match)."


def _out(model: type, fields: list[str]) -> Any:
    """A read-only ModelSerializer with the public id as ``id``."""

    class Meta:
        pass

    Meta.model = model  # type: ignore[attr-defined]
    Meta.fields = ["id", *fields, "version", "created_at", "updated_at"]  # type: ignore[attr-defined]
    Meta.read_only_fields = Meta.fields  # type: ignore[attr-defined]
    return Meta


class ProposalSerializer(serializers.ModelSerializer[Proposal]):
    """The project proposal."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    Meta = _out(
        Proposal,
        [
            "objective",
            "problem",
            "options",
            "requested_by",
            "estimated_budget",
            "estimated_duration_days",
        ],
    )


class ProposalWriteSerializer(serializers.Serializer[Any]):
    """Write or edit the proposal (all fields; ``version`` once it exists)."""

    objective = serializers.CharField(max_length=1000)
    problem = serializers.CharField(max_length=4000)
    options = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    requested_by = serializers.CharField(max_length=200)
    estimated_budget = serializers.DecimalField(max_digits=14, decimal_places=2)
    estimated_duration_days = serializers.IntegerField(min_value=1, max_value=3650)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class CashFlowLineSerializer(serializers.ModelSerializer[CashFlowLine]):
    """A cost or benefit line with its low / likely / high amount."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    Meta = _out(
        CashFlowLine,
        [
            "name",
            "kind",
            "recurrence",
            "period_start",
            "period_end",
            "amount_low",
            "amount_likely",
            "amount_high",
        ],
    )


class CashFlowLineWriteSerializer(serializers.Serializer[Any]):
    """Add a line; on PATCH every field is optional and ``version`` is required."""

    name = serializers.CharField(max_length=200)
    kind = serializers.ChoiceField(choices=FlowKind.choices)
    recurrence = serializers.ChoiceField(choices=Recurrence.choices, required=False)
    period_start = serializers.IntegerField(required=False, min_value=0, max_value=MAX_PERIOD)
    period_end = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=MAX_PERIOD
    )
    amount_low = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount_likely = serializers.DecimalField(max_digits=14, decimal_places=2)
    amount_high = serializers.DecimalField(max_digits=14, decimal_places=2)
    version = serializers.IntegerField(min_value=1, required=False)


def _rate(help_text: str) -> serializers.DecimalField:
    """An optional percentage per period."""
    return serializers.DecimalField(
        max_digits=5, decimal_places=2, required=False, allow_null=True, help_text=help_text
    )


class BusinessCaseWriteSerializer(serializers.Serializer[Any]):
    """Set the discount rate (percent per period) and horizon (periods)."""

    discount_rate = serializers.DecimalField(max_digits=5, decimal_places=2)
    horizon = serializers.IntegerField(min_value=1, max_value=MAX_PERIOD)
    finance_rate = _rate("MIRR finance rate, % per period (null: the discount rate).")
    reinvest_rate = _rate("MIRR reinvestment rate, % per period (null: the discount rate).")
    rate_low = _rate("Lowest simulated discount rate, % (null with rate_high: certain).")
    rate_high = _rate("Highest simulated discount rate, %.")
    correlation = serializers.DecimalField(
        max_digits=3,
        decimal_places=2,
        required=False,
        min_value=Decimal("0"),
        max_value=Decimal("0.95"),
        help_text="Rank correlation between the lines, 0 to 0.95.",
    )
    simulation_runs = serializers.IntegerField(
        min_value=100, max_value=100_000, required=False, help_text="Monte Carlo runs."
    )
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class CaseResultsSerializer(serializers.Serializer[Any]):
    """Deterministic figures; IRR / ROI / payback are null with a note when undefined."""

    cash_flows = serializers.ListField(child=serializers.CharField())
    total_costs = serializers.CharField()
    total_benefits = serializers.CharField()
    npv = serializers.CharField()
    irr = serializers.FloatField(allow_null=True, help_text="Per period, as a fraction.")
    irr_note = serializers.CharField(allow_null=True)
    roi = serializers.FloatField(allow_null=True)
    roi_note = serializers.CharField(allow_null=True)
    payback_periods = serializers.FloatField(allow_null=True)
    payback_note = serializers.CharField()
    discounted_payback_periods = serializers.FloatField(allow_null=True)
    discounted_payback_note = serializers.CharField()
    irr_rates = serializers.ListField(
        child=serializers.FloatField(), help_text="Every IRR of the flow (fractions)."
    )
    irr_kind = serializers.CharField(help_text="investment, borrowing, mixed or none.")
    irr_warning = serializers.CharField(allow_null=True)
    mirr = serializers.FloatField(allow_null=True, help_text="Per period, as a fraction.")
    mirr_note = serializers.CharField(allow_null=True)
    finance_rate = serializers.FloatField(help_text="MIRR's finance rate used (fraction).")
    reinvest_rate = serializers.FloatField(help_text="MIRR's reinvestment rate used.")
    tornado = serializers.ListField(
        child=serializers.DictField(), help_text="name, npv_low, npv_high; widest swing first."
    )


class SimulationSerializer(serializers.Serializer[Any]):
    """Monte Carlo NPV: seeded per project, so the same data gives the same figures."""

    runs = serializers.IntegerField()
    seed = serializers.IntegerField()
    mean = serializers.CharField()
    p10 = serializers.CharField()
    p50 = serializers.CharField()
    p90 = serializers.CharField()
    probability_negative = serializers.FloatField()
    correlation = serializers.FloatField()
    rate_low = serializers.FloatField(allow_null=True)
    rate_high = serializers.FloatField(allow_null=True)
    histogram_counts = serializers.ListField(child=serializers.IntegerField())
    histogram_edges = serializers.ListField(child=serializers.FloatField())


class BusinessCaseSerializer(serializers.ModelSerializer[BusinessCase]):
    """The business case with its lines and computed figures."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    lines = serializers.SerializerMethodField()
    note = serializers.SerializerMethodField()
    results = serializers.SerializerMethodField()
    simulation = serializers.SerializerMethodField()
    Meta = _out(
        BusinessCase,
        [
            "discount_rate",
            "horizon",
            "finance_rate",
            "reinvest_rate",
            "rate_low",
            "rate_high",
            "correlation",
            "simulation_runs",
            "lines",
            "note",
            "results",
            "simulation",
        ],
    )

    def _figures(self) -> dict[str, Any]:
        return self.context.get("figures") or {"note": "", "results": None, "simulation": None}

    @extend_schema_field(CashFlowLineSerializer(many=True))
    def get_lines(self, obj: BusinessCase) -> list[dict[str, Any]]:
        """The cost and benefit lines."""
        return CashFlowLineSerializer(self.context.get("lines", []), many=True).data  # type: ignore[return-value]

    def get_note(self, obj: BusinessCase) -> str:
        """Why figures are missing, if they are."""
        return str(self._figures()["note"])

    @extend_schema_field(CaseResultsSerializer(allow_null=True))
    def get_results(self, obj: BusinessCase) -> dict[str, Any] | None:
        """NPV, IRR, payback, ROI."""
        return self._figures()["results"]

    @extend_schema_field(SimulationSerializer(allow_null=True))
    def get_simulation(self, obj: BusinessCase) -> dict[str, Any] | None:
        """The Monte Carlo NPV."""
        return self._figures()["simulation"]


class AttachmentSerializer(serializers.ModelSerializer[ResearchAttachment]):
    """A file attached to a research note; download it from ``download``."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    uploaded_by = UserBriefSerializer(read_only=True, allow_null=True)
    download = serializers.SerializerMethodField()
    Meta = _out(
        ResearchAttachment,
        ["original_name", "content_type", "size", "sha256", "uploaded_by", "download"],
    )

    def get_download(self, obj: ResearchAttachment) -> str:
        """The API path that sends the file (with access checked)."""
        note = obj.note
        return reverse(
            "api:initiation-attachment-download",
            kwargs={
                "project_id": note.project.public_id,
                "note_id": note.public_id,
                "attachment_id": obj.public_id,
            },
        )


class AttachmentUploadSerializer(serializers.Serializer[Any]):
    """A file sent as multipart/form-data (at most 20 MB by default)."""

    file = serializers.FileField(allow_empty_file=True, use_url=False)


class ResearchNoteSerializer(serializers.ModelSerializer[ResearchNote]):
    """A research note."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    author = UserBriefSerializer(read_only=True, allow_null=True)
    attachments = AttachmentSerializer(many=True, read_only=True)
    Meta = _out(ResearchNote, ["title", "body", "link", "author", "attachments"])


class ResearchNoteWriteSerializer(serializers.Serializer[Any]):
    """Add a note; on PATCH fields are optional and ``version`` is required."""

    title = serializers.CharField(max_length=200)
    body = serializers.CharField(max_length=10000)
    link = serializers.CharField(max_length=500, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False)


_FEAS = [f"{d}_{part}" for d, _ in FEASIBILITY_DIMENSIONS for part in ("score", "findings")]


class FeasibilityStudySerializer(serializers.ModelSerializer[FeasibilityStudy]):
    """The feasibility study."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    Meta = _out(FeasibilityStudy, [*_FEAS, "recommendation", "conditions"])


class FeasibilityWriteSerializer(serializers.Serializer[Any]):
    """Write or edit the study: five scores 1–5 with findings, and a recommendation."""

    technical_score = serializers.IntegerField(min_value=1, max_value=5)
    technical_findings = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    economic_score = serializers.IntegerField(min_value=1, max_value=5)
    economic_findings = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    operational_score = serializers.IntegerField(min_value=1, max_value=5)
    operational_findings = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    schedule_score = serializers.IntegerField(min_value=1, max_value=5)
    schedule_findings = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    legal_score = serializers.IntegerField(min_value=1, max_value=5)
    legal_findings = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    recommendation = serializers.ChoiceField(choices=Recommendation.choices)
    conditions = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class StakeholderSerializer(serializers.ModelSerializer[Stakeholder]):
    """A stakeholder and their sign-off."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    signed_off_by = UserBriefSerializer(read_only=True, allow_null=True)
    Meta = _out(
        Stakeholder,
        [
            "name",
            "role",
            "organisation",
            "influence",
            "interest",
            "expectations",
            "strategy",
            "is_key",
            "signed_off_by",
            "signed_off_date",
            "sign_off_comment",
        ],
    )


class StakeholderWriteSerializer(serializers.Serializer[Any]):
    """Add a stakeholder; on PATCH fields are optional and ``version`` is required."""

    name = serializers.CharField(max_length=200)
    role = serializers.CharField(max_length=200)
    organisation = serializers.CharField(max_length=200, required=False, allow_blank=True)
    influence = serializers.IntegerField(min_value=1, max_value=10)
    interest = serializers.IntegerField(min_value=1, max_value=10)
    expectations = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    strategy = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    is_key = serializers.BooleanField(required=False)
    version = serializers.IntegerField(min_value=1, required=False)


class SignOffSerializer(serializers.Serializer[Any]):
    """Record a sign-off, signed by the caller; ``version`` is the stakeholder entry's."""

    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    date = serializers.DateField(required=False, help_text="Defaults to today.")
    version = serializers.IntegerField(min_value=1, required=False)


class ChecklistItemSerializer(serializers.Serializer[Any]):
    """One item of the go/no-go checklist."""

    key = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    done = serializers.BooleanField()
    detail = serializers.CharField()


class InitiationSummarySerializer(serializers.Serializer[Any]):
    """Where the project's initiation stands."""

    stage = serializers.CharField()
    ready_for_go = serializers.BooleanField()
    checklist = ChecklistItemSerializer(many=True)
