"""Initiation records: proposal, business case and its cash flows, research notes,
feasibility study and the stakeholder register with sign-offs."""

from __future__ import annotations

import uuid
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from keystage.core.fields import ZERO, long_text, money
from keystage.core.models import AttachedFile, BaseModel
from keystage.portfolio.models import Project


def score(low: int, high: int, **kwargs: Any) -> models.PositiveSmallIntegerField[Any, Any]:
    """An integer score within ``low … high``."""
    return models.PositiveSmallIntegerField(
        validators=[MinValueValidator(low), MaxValueValidator(high)], **kwargs
    )


class Proposal(BaseModel):
    """Why the project is needed: the objective, the problem or opportunity, the options."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="proposal")
    objective = long_text(
        1000, blank=False, help_text="The core objective, in one or two sentences."
    )
    problem = long_text(4000, blank=False, help_text="The problem to solve or the opportunity.")
    options = long_text(4000, help_text="Options considered, including doing nothing.")
    requested_by = models.CharField(max_length=200)
    estimated_budget = money(help_text="Rough order of magnitude, before the business case.")
    estimated_duration_days = score(1, 3650, help_text="Calendar days.")

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(estimated_budget__gte=0), name="proposal_budget_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(estimated_duration_days__gte=1), name="proposal_duration_positive"
            ),
        ]

    def __str__(self) -> str:
        return f"Proposal for {self.project.code}"


def _percent(help_text: str) -> models.DecimalField[Any, Any]:
    """An optional rate in percent per period, 0 to 100."""
    return models.DecimalField(
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        help_text=help_text,
    )


class BusinessCase(BaseModel):
    """The settings the cash flows are judged with: discount rate and horizon (in years)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="business_case")
    discount_rate = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("100"))],
        help_text="Percent per period, e.g. 8.00.",
    )
    horizon = score(1, 50, help_text="Periods (years) after period 0.")
    finance_rate = _percent(
        "MIRR: what money put in costs, % per period (empty: the discount rate)."
    )
    reinvest_rate = _percent(
        "MIRR: what money coming out earns when reinvested, % per period "
        "(empty: the discount rate)."
    )
    rate_low = _percent("Simulation: the lowest discount rate, % (empty: the rate is certain).")
    rate_high = _percent("Simulation: the highest discount rate, % (empty: the rate is certain).")
    correlation = models.DecimalField(
        max_digits=3,
        decimal_places=2,
        default=ZERO,
        validators=[MinValueValidator(ZERO), MaxValueValidator(Decimal("0.95"))],
        help_text="Simulation: how strongly the lines move together, 0 (independent) to 0.95.",
    )
    simulation_runs = models.PositiveIntegerField(
        default=5000,
        validators=[
            MinValueValidator(100, message="At least 100 runs."),
            MaxValueValidator(100_000, message="At most 100,000 runs."),
        ],
        help_text="Simulation: how many runs (100 to 100,000).",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(discount_rate__gte=0, discount_rate__lte=100),
                name="business_case_rate_range",
            ),
            models.CheckConstraint(
                condition=Q(simulation_runs__gte=100, simulation_runs__lte=100_000),
                name="business_case_runs_range",
            ),
            models.CheckConstraint(
                condition=Q(correlation__gte=0, correlation__lte=Decimal("0.95")),
                name="business_case_correlation_range",
            ),
            models.CheckConstraint(
                condition=Q(horizon__gte=1, horizon__lte=50), name="business_case_horizon_range"
            ),
        ]

    def __str__(self) -> str:
        return f"Business case for {self.project.code}"


class FlowKind(models.TextChoices):
    """Whether a line takes money out or brings it in."""

    COST = "cost", "Cost"
    BENEFIT = "benefit", "Benefit"


class Recurrence(models.TextChoices):
    """Once, or every period of a range."""

    ONE_OFF = "one_off", "One-off"
    RECURRING = "recurring", "Recurring"


class CashFlowLine(BaseModel):
    """A cost or benefit with a three-point amount (low / likely / high) per period."""

    case = models.ForeignKey(BusinessCase, on_delete=models.CASCADE, related_name="lines")
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=FlowKind.choices)
    recurrence = models.CharField(
        max_length=10, choices=Recurrence.choices, default=Recurrence.ONE_OFF
    )
    period_start = score(0, 50, default=0)
    period_end = score(0, 50, null=True, blank=True, help_text="Recurring lines only.")
    amount_low = money()
    amount_likely = money()
    amount_high = money()

    class Meta:
        ordering = ["-kind", "period_start", "id"]  # costs first
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=FlowKind.values), name="cash_flow_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(recurrence__in=Recurrence.values), name="cash_flow_recurrence_valid"
            ),
            models.CheckConstraint(
                condition=Q(amount_low__gte=0)
                & Q(amount_likely__gte=F("amount_low"))
                & Q(amount_high__gte=F("amount_likely")),
                name="cash_flow_amounts_ordered",
            ),
            models.CheckConstraint(
                condition=Q(period_end__isnull=True)
                | (Q(recurrence=Recurrence.RECURRING) & Q(period_end__gte=F("period_start"))),
                name="cash_flow_period_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.name}"


class ResearchNote(BaseModel):
    """What was found out while preparing the case (market, vendors, benchmarks…)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="research_notes")
    title = models.CharField(max_length=200)
    body = long_text(10000, blank=False)
    link = models.URLField(max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Recommendation(models.TextChoices):
    """The feasibility study's conclusion."""

    PROCEED = "proceed", "Proceed"
    PROCEED_WITH_CONDITIONS = "proceed_with_conditions", "Proceed with conditions"
    DO_NOT_PROCEED = "do_not_proceed", "Do not proceed"


FEASIBILITY_DIMENSIONS: tuple[tuple[str, str], ...] = (
    ("technical", "Technical"),
    ("economic", "Economic"),
    ("operational", "Operational"),
    ("schedule", "Schedule"),
    ("legal", "Legal"),
)


class FeasibilityStudy(BaseModel):
    """Five dimensions scored 1 (not feasible) to 5 (clearly feasible) and a recommendation."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="feasibility")
    technical_score = score(1, 5)
    technical_findings = long_text(2000)
    economic_score = score(1, 5)
    economic_findings = long_text(2000)
    operational_score = score(1, 5)
    operational_findings = long_text(2000)
    schedule_score = score(1, 5)
    schedule_findings = long_text(2000)
    legal_score = score(1, 5)
    legal_findings = long_text(2000)
    recommendation = models.CharField(max_length=30, choices=Recommendation.choices)
    conditions = long_text(2000, help_text="Conditions attached to the recommendation.")

    class Meta:
        verbose_name_plural = "feasibility studies"
        constraints = [
            models.CheckConstraint(
                condition=Q(**{f"{d}_score__gte": 1 for d, _ in FEASIBILITY_DIMENSIONS})
                & Q(**{f"{d}_score__lte": 5 for d, _ in FEASIBILITY_DIMENSIONS}),
                name="feasibility_scores_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(recommendation__in=Recommendation.values),
                name="feasibility_recommendation_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"Feasibility study for {self.project.code}"

    @property
    def scores(self) -> list[tuple[str, str, int, str]]:
        """(key, label, score, findings) per dimension."""
        return [
            (key, label, getattr(self, f"{key}_score"), getattr(self, f"{key}_findings"))
            for key, label in FEASIBILITY_DIMENSIONS
        ]


class Stakeholder(BaseModel):
    """A person or group with a stake in the project, and their due-diligence sign-off."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="stakeholders")
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    influence = score(1, 10, help_text="Power over the project, 1–10.")
    interest = score(1, 10, help_text="Interest in the outcome, 1–10.")
    expectations = long_text(2000)
    strategy = long_text(2000, help_text="How we engage them.")
    is_key = models.BooleanField(default=False, help_text="Key stakeholders must sign off.")
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    signed_off_date = models.DateField(null=True, blank=True)
    sign_off_comment = long_text(2000)

    class Meta:
        ordering = ["-is_key", "-influence", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(influence__gte=1, influence__lte=10, interest__gte=1, interest__lte=10),
                name="stakeholder_scores_1_to_10",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_by__isnull=True, signed_off_date__isnull=True)
                | Q(signed_off_by__isnull=False, signed_off_date__isnull=False),
                name="stakeholder_sign_off_complete",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def signed_off(self) -> bool:
        """Whether the stakeholder's sign-off is recorded."""
        return self.signed_off_by_id is not None


def _attachment_path(instance: ResearchAttachment, filename: str) -> str:
    """A name of our own under the project's folder; the user's file name is never a path."""
    return f"research/{instance.note.project.public_id}/{uuid.uuid4().hex}"


class ResearchAttachment(AttachedFile):
    """A file attached to a research note, downloaded only through a view that checks access.

    The stored file has a random name under the data directory's media folder; the
    original name (sanitised) and the content type we serve it with are kept here.
    """

    note = models.ForeignKey(ResearchNote, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=200)

    class Meta:
        ordering = ["created_at", "id"]


# The charter's model lives beside its selectors and services; Django finds it here.
from keystage.initiation.charter.models import CharterVersion  # noqa: E402, F401


class IntakeStatus(models.TextChoices):
    """Where a submitted idea stands in the intake queue."""

    SUBMITTED = "submitted", "Submitted"
    INFO_REQUESTED = "info_requested", "More information requested"
    REJECTED = "rejected", "Rejected"
    PROMOTED = "promoted", "Promoted to a project"


INTAKE_OPEN = (IntakeStatus.SUBMITTED, IntakeStatus.INFO_REQUESTED)


class IntakeProposal(BaseModel):
    """An idea for a project, submitted by any member of the organisation, before any
    project exists; the PMO scores it, asks for more, rejects it or promotes it to a
    project (whose initiation proposal it then fills)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="intake_proposals"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intake_proposals"
    )
    title = models.CharField(max_length=200)
    problem = long_text(4000, blank=False, help_text="The problem to solve or the opportunity.")
    benefits = long_text(4000, blank=False, help_text="The benefits expected, in words.")
    rough_cost = money(help_text="Rough one-off cost, before any business case.")
    rough_duration_days = score(1, 3650, help_text="Rough duration in calendar days.")
    annual_benefit = money(
        null=True, blank=True, help_text="Expected benefit per year, if it can be put in money."
    )
    benefit_years = score(1, 20, default=3, help_text="Years the benefit runs.")
    suggested_sponsor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        max_length=20, choices=IntakeStatus.choices, default=IntakeStatus.SUBMITTED
    )
    strategic_score = score(1, 5, null=True, blank=True, help_text="Strategic fit, 1–5 (PMO).")
    feasibility_score = score(1, 5, null=True, blank=True, help_text="Feasibility, 1–5 (PMO).")
    decision_note = long_text(4000, help_text="The question asked or the reason given.")
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    project = models.OneToOneField(
        Project,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="intake_proposal",
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=IntakeStatus.values), name="intake_status_valid"
            ),
            models.CheckConstraint(condition=Q(rough_cost__gte=0), name="intake_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(annual_benefit__isnull=True) | Q(annual_benefit__gte=0),
                name="intake_benefit_not_negative",
            ),
            models.CheckConstraint(
                condition=Q(project__isnull=True) | Q(status=IntakeStatus.PROMOTED),
                name="intake_project_only_when_promoted",
            ),
        ]
        indexes = [models.Index(fields=["organisation", "status"], name="intake_org_status")]

    def __str__(self) -> str:
        return f"Proposal: {self.title}"
