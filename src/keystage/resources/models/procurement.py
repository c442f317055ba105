"""What the project buys: hardware, software, licences and services, from whom, by when."""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import F, Q

from keystage.core.fields import long_text, money
from keystage.core.models import BaseModel
from keystage.portfolio.models import Project


class ProcurementCategory(models.TextChoices):
    """What kind of purchase."""

    HARDWARE = "hardware", "Hardware"
    SOFTWARE = "software", "Software"
    LICENCE = "licence", "Licence"
    SERVICES = "services", "Services"
    OTHER = "other", "Other"


class ProcurementStatus(models.TextChoices):
    """Where the purchase stands."""

    PLANNED = "planned", "Planned"
    REQUESTED = "requested", "Requested"
    ORDERED = "ordered", "Ordered"
    DELIVERED = "delivered", "Delivered"
    CANCELLED = "cancelled", "Cancelled"


class ProcurementItem(BaseModel):
    """One purchase for the project, with its supplier, cost, status and dates."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="procurement")
    name = models.CharField(max_length=200)
    supplier = models.CharField(max_length=200, blank=True)
    category = models.CharField(
        max_length=10, choices=ProcurementCategory.choices, default=ProcurementCategory.OTHER
    )
    cost = money()
    status = models.CharField(
        max_length=10, choices=ProcurementStatus.choices, default=ProcurementStatus.PLANNED
    )
    order_date = models.DateField(null=True, blank=True)
    delivery_date = models.DateField(
        null=True, blank=True, help_text="Expected, or actual once delivered."
    )
    ordered_amount = money(
        null=True, blank=True, help_text="What the order commits (the plan is the cost)."
    )
    received_date = models.DateField(null=True, blank=True, help_text="When it arrived.")
    received_amount = money(null=True, blank=True, help_text="The value received so far.")
    invoiced_date = models.DateField(null=True, blank=True, help_text="The supplier's invoice.")
    invoiced_amount = money(null=True, blank=True, help_text="What the supplier has invoiced.")
    notes = long_text(2000)

    class Meta:
        ordering = [F("delivery_date").asc(nulls_last=True), "name", "id"]
        verbose_name = "procurement item"
        constraints = [
            models.CheckConstraint(condition=Q(cost__gte=0), name="procurement_cost_not_negative"),
            models.CheckConstraint(
                condition=Q(category__in=ProcurementCategory.values),
                name="procurement_category_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=ProcurementStatus.values), name="procurement_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(order_date__isnull=True)
                | Q(delivery_date__isnull=True)
                | Q(delivery_date__gte=F("order_date")),
                name="procurement_dates_ordered",
            ),
            models.CheckConstraint(
                condition=(Q(ordered_amount__isnull=True) | Q(ordered_amount__gte=0))
                & (Q(received_amount__isnull=True) | Q(received_amount__gte=0))
                & (Q(invoiced_amount__isnull=True) | Q(invoiced_amount__gte=0)),
                name="procurement_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def variance(self) -> Decimal | None:
        """Planned cost minus what is invoiced (or else ordered): negative when over plan."""
        spent = self.invoiced_amount if self.invoiced_amount is not None else self.ordered_amount
        return None if spent is None else Decimal(self.cost) - Decimal(spent)
