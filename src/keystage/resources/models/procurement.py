"""What the project buys: hardware, software, licences and services, from whom, by when."""

from __future__ import annotations

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
        ]

    def __str__(self) -> str:
        return self.name
