"""The project's cost plan: contingency and management reserve, and cost lines.

Labour, equipment and procurement costs are derived (assignments × rates,
the equipment list, the procurement items) and task fixed costs come from the
WBS; ``BudgetLine`` holds what is planned by hand (services, licences, travel,
training…). A line is spread evenly over its task's dates, or over
``start_date``–``end_date``, or falls on ``start_date`` alone.
The budget is *set* when the project manager records ``set_at`` (the gate
to execution checks it).
"""

from __future__ import annotations

import uuid
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import F, Q

from keystage.core.fields import long_text, money
from keystage.core.models import BaseModel
from keystage.planning.models.wbs import Task
from keystage.portfolio.models import Project


class CostCategory(models.TextChoices):
    """Categories of the cost plan; contingency and reserve sit on the budget itself."""

    LABOUR = "labour", "Labour"
    EQUIPMENT = "equipment", "Equipment"
    PROCUREMENT = "procurement", "Procurement"
    SERVICES = "services", "Services"
    LICENCES = "licences", "Licences"
    TRAVEL = "travel", "Travel"
    TRAINING = "training", "Training"
    OTHER = "other", "Other"


class ProjectBudget(BaseModel):
    """Budget settings of one project: contingency share, management reserve, who set it."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="planning_budget"
    )
    contingency_percent = models.DecimalField(
        max_digits=5,
        decimal_places=2,
        default=Decimal("10.00"),
        validators=[
            MinValueValidator(Decimal("0"), message="Contingency is never negative."),
            MaxValueValidator(Decimal("100"), message="Contingency is at most 100 %."),
        ],
        help_text="Share of the cost plan held for known risks (part of the cost baseline).",
    )
    management_reserve = money(
        default=Decimal("0.00"),
        help_text="Held by the sponsor for unknown risks (outside the cost baseline).",
    )
    notes = long_text(2000)
    set_at = models.DateTimeField(null=True, blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        db_table = "planning_projectbudget"  # kept from planning: see the ADR on the apps cut
        constraints = [
            models.CheckConstraint(
                condition=Q(contingency_percent__gte=0) & Q(contingency_percent__lte=100),
                name="budget_contingency_0_100",
            ),
            models.CheckConstraint(
                condition=Q(management_reserve__gte=0), name="budget_reserve_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"Budget of {self.project}"


class BudgetLine(BaseModel):
    """A cost planned by hand, in one category, optionally tied to a task or a period."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="budget_lines")
    category = models.CharField(
        max_length=12, choices=CostCategory.choices, default=CostCategory.SERVICES
    )
    name = models.CharField(max_length=200)
    amount = money()
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="budget_lines"
    )
    start_date = models.DateField(null=True, blank=True)
    end_date = models.DateField(null=True, blank=True)
    notes = long_text(2000)

    class Meta:
        db_table = "planning_budgetline"  # kept from planning: see the ADR on the apps cut
        ordering = ["category", "name", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="budget_line_not_negative"),
            models.CheckConstraint(
                condition=Q(category__in=CostCategory.values), name="budget_line_category_valid"
            ),
            models.CheckConstraint(
                condition=Q(start_date__isnull=True)
                | Q(end_date__isnull=True)
                | Q(end_date__gte=F("start_date")),
                name="budget_line_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_category_display()})"


def _attachment_path(instance: CostEntry, filename: str) -> str:
    # A random name under the project's folder; the original name is kept in a field.
    return f"costs/{instance.project.public_id}/{uuid.uuid4().hex}"


class CostKind(models.TextChoices):
    """An actual cost is an expense (paid or claimed) or a supplier's invoice."""

    EXPENSE = "expense", "Expense"
    INVOICE = "invoice", "Supplier invoice"


class CostEntry(BaseModel):
    """An actual cost: an expense or a supplier invoice, in one category of the cost plan.

    It may name the task or the procurement item it pays for (both of the same project).
    An invoice's reference (its number) is unique per supplier within the project.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="cost_entries")
    kind = models.CharField(max_length=10, choices=CostKind.choices, default=CostKind.INVOICE)
    category = models.CharField(
        max_length=12, choices=CostCategory.choices, default=CostCategory.SERVICES
    )
    description = models.CharField(max_length=200)
    amount = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01"), message="Enter an amount above zero.")],
        help_text="In the organisation's currency, to the cent.",
    )
    date = models.DateField(help_text="The invoice or expense date.")
    supplier = models.CharField(max_length=200, blank=True)
    reference = models.CharField(
        max_length=100, blank=True, help_text="The invoice number (unique per supplier)."
    )
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.SET_NULL, related_name="cost_entries"
    )
    procurement_item = models.ForeignKey(
        "resources.ProcurementItem",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="cost_entries",
    )
    notes = long_text(2000)
    attachment = models.FileField(
        upload_to=_attachment_path, max_length=200, blank=True, editable=False
    )
    attachment_name = models.CharField(max_length=200, blank=True, editable=False)
    attachment_type = models.CharField(max_length=100, blank=True, editable=False)
    attachment_size = models.PositiveBigIntegerField(null=True, blank=True, editable=False)
    attachment_sha256 = models.CharField(max_length=64, blank=True, editable=False)

    class Meta:
        ordering = ["-date", "-id"]
        verbose_name = "cost entry"
        verbose_name_plural = "cost entries"
        indexes = [models.Index(fields=["project", "date"], name="cost_entry_project_date")]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="cost_entry_amount_positive"),
            models.CheckConstraint(
                condition=Q(kind__in=CostKind.values), name="cost_entry_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(category__in=CostCategory.values), name="cost_entry_category_valid"
            ),
            models.UniqueConstraint(
                fields=["project", "supplier", "reference"],
                condition=~Q(reference=""),
                name="cost_entry_reference_unique",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.description} ({self.get_kind_display()})"
