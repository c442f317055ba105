"""The risk register: risks (cause, event, effect; probability and three-point impacts)
and their responses (each with the residual position it leaves the risk in)."""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Max, Q

from keystage.core.fields import long_text, money
from keystage.core.models import BaseModel
from keystage.portfolio.models import Project

if TYPE_CHECKING:
    from keystage.risks.matrix import Position
    from keystage.risks.positions import Assessment

RISK_TEXT_MAX = 4000


def next_number(model: type[models.Model], project_id: int) -> int:
    """The next free number of ``model``'s records in the project (1 for the first)."""
    last = model._default_manager.filter(project_id=project_id).aggregate(m=Max("number"))["m"]
    return (last or 0) + 1


MAX_IMPACT_DAYS = Decimal("9999")


class RiskCategory(models.TextChoices):
    """What kind of risk it is."""

    TECHNICAL = "technical", "Technical"
    SCHEDULE = "schedule", "Schedule"
    COST = "cost", "Cost"
    RESOURCES = "resources", "Resources & skills"
    SUPPLIER = "supplier", "Supplier & contract"
    SCOPE = "scope", "Scope & requirements"
    ORGANISATION = "organisation", "Organisation & change"
    SECURITY = "security", "Security & compliance"
    EXTERNAL = "external", "External"
    OTHER = "other", "Other"


class RiskStatus(models.TextChoices):
    """Where a risk stands: open and mitigating ones are live."""

    OPEN = "open", "Open"
    MITIGATING = "mitigating", "Mitigating"
    CLOSED = "closed", "Closed"
    OCCURRED = "occurred", "Occurred"


LIVE_STATUSES = (RiskStatus.OPEN, RiskStatus.MITIGATING)


class RiskSource(models.TextChoices):
    """Where a risk came from."""

    REGISTER = "register", "Raised in the register"
    FEASIBILITY = "feasibility", "Feasibility study"
    BUSINESS_CASE = "business_case", "Business case"


class Strategy(models.TextChoices):
    """A response's strategy."""

    AVOID = "avoid", "Avoid"
    MITIGATE = "mitigate", "Mitigate"
    TRANSFER = "transfer", "Transfer"
    ACCEPT = "accept", "Accept"


class ResponseStatus(models.TextChoices):
    """How far a response has come."""

    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    DONE = "done", "Done"


def _probability(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        max_digits=4,
        decimal_places=3,
        validators=[
            MinValueValidator(Decimal("0"), message="A probability lies between 0 and 1."),
            MaxValueValidator(Decimal("1"), message="A probability lies between 0 and 1."),
        ],
        **kwargs,  # type: ignore[arg-type]
    )


def _days(**kwargs: object) -> models.DecimalField[Decimal, Decimal]:
    return models.DecimalField(
        max_digits=6,
        decimal_places=1,
        default=Decimal("0"),
        validators=[
            MinValueValidator(Decimal("0"), message="A delay is never negative."),
            MaxValueValidator(MAX_IMPACT_DAYS, message="At most 9999 working days."),
        ],
        **kwargs,  # type: ignore[arg-type]
    )


class ThreePointImpact(BaseModel):
    """Probability and schedule (working days) and cost impacts, each low / likely / high."""

    schedule_low = _days(verbose_name="schedule impact, low (working days)")
    schedule_likely = _days(verbose_name="schedule impact, likely (working days)")
    schedule_high = _days(verbose_name="schedule impact, high (working days)")
    cost_low = money(default=Decimal("0"), verbose_name="cost impact, low")
    cost_likely = money(default=Decimal("0"), verbose_name="cost impact, likely")
    cost_high = money(default=Decimal("0"), verbose_name="cost impact, high")

    class Meta:
        abstract = True


class Risk(ThreePointImpact):
    """One risk of a project, numbered ``RSK-n`` within it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="risks")
    number = models.PositiveIntegerField(editable=False)
    title = models.CharField(max_length=200)
    category = models.CharField(
        max_length=20, choices=RiskCategory.choices, default=RiskCategory.TECHNICAL
    )
    cause = long_text(RISK_TEXT_MAX, help_text="Because of … (the fact or condition)")
    event = long_text(RISK_TEXT_MAX, help_text="… this may happen … (the uncertain event)")
    effect = long_text(RISK_TEXT_MAX, help_text="… which would lead to … (the consequence)")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A member of the project.",
    )
    probability = _probability(help_text="Chance it happens, 0 to 1 (0.3 = 30 %).")
    proximity = models.DateField(
        null=True, blank=True, help_text="When it could happen, at the earliest."
    )
    status = models.CharField(max_length=12, choices=RiskStatus.choices, default=RiskStatus.OPEN)
    tasks = models.ManyToManyField(
        "planning.Task", blank=True, related_name="risks", help_text="The tasks it would hit."
    )
    source = models.CharField(
        max_length=20, choices=RiskSource.choices, default=RiskSource.REGISTER, editable=False
    )
    source_key = models.CharField(max_length=60, blank=True, default="", editable=False)

    # Set by ``risks.positions.attach`` on a risk read for display (never stored).
    residual: RiskResponse | None
    before: Assessment
    after: Assessment
    before_at: Position
    after_at: Position

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="risk_number_unique"),
            models.UniqueConstraint(
                fields=["project", "source_key"],
                condition=~Q(source_key=""),
                name="risk_source_unique",
            ),
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=1),
                name="risk_probability_range",
            ),
            models.CheckConstraint(
                condition=Q(schedule_low__lte=F("schedule_likely"))
                & Q(schedule_likely__lte=F("schedule_high")),
                name="risk_schedule_ordered",
            ),
            models.CheckConstraint(
                condition=Q(cost_low__lte=F("cost_likely")) & Q(cost_likely__lte=F("cost_high")),
                name="risk_cost_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.key} {self.title}"

    @property
    def key(self) -> str:
        """The id people use: ``RSK-3``."""
        return f"RSK-{self.number}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """A new risk takes the project's next number (the service locks the project)."""
        if not self.number:
            self.number = next_number(Risk, self.project_id)
        super().save(*args, **kwargs)


class RiskResponse(ThreePointImpact):
    """A planned answer to a risk, and where it leaves the risk (the residual position)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="responses")
    strategy = models.CharField(max_length=10, choices=Strategy.choices)
    description = models.CharField(max_length=300)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A member of the project.",
    )
    due_date = models.DateField(null=True, blank=True)
    cost = money(default=Decimal("0"), help_text="What the response itself costs.")
    status = models.CharField(
        max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.PLANNED
    )
    probability = _probability(
        verbose_name="residual probability", help_text="Chance it still happens, afterwards."
    )

    class Meta:
        ordering = ["risk", "due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(probability__gte=0) & Q(probability__lte=1),
                name="response_probability_range",
            ),
            models.CheckConstraint(
                condition=Q(schedule_low__lte=F("schedule_likely"))
                & Q(schedule_likely__lte=F("schedule_high")),
                name="response_schedule_ordered",
            ),
            models.CheckConstraint(
                condition=Q(cost_low__lte=F("cost_likely")) & Q(cost_likely__lte=F("cost_high")),
                name="response_cost_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_strategy_display()}: {self.description}"
