"""Equipment a project needs: what, how many, what it costs, when, and where it stands."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q

from keystage.core.fields import long_text, money
from keystage.core.models import BaseModel
from keystage.portfolio.models import Project


class CostBasis(models.TextChoices):
    """Whether the unit cost is paid once or for every day the equipment is needed."""

    ONE_OFF = "one_off", "One-off"
    PER_DAY = "per_day", "Per day"


class EquipmentStatus(models.TextChoices):
    """Where the equipment stands."""

    PLANNED = "planned", "Planned"
    BOOKED = "booked", "Booked"
    IN_USE = "in_use", "In use"
    RETURNED = "returned", "Returned"


class Equipment(BaseModel):
    """An item of equipment for the project (test devices, rented servers, a lab…)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="equipment")
    name = models.CharField(max_length=200)
    category = models.CharField(max_length=100, blank=True, help_text="e.g. Servers, Test lab.")
    quantity = models.PositiveIntegerField(
        default=1, validators=[MinValueValidator(1, message="At least one.")]
    )
    unit_cost = money(default=Decimal("0.00"))
    cost_basis = models.CharField(
        max_length=10, choices=CostBasis.choices, default=CostBasis.ONE_OFF
    )
    needed_from = models.DateField(null=True, blank=True)
    needed_until = models.DateField(null=True, blank=True)
    status = models.CharField(
        max_length=10, choices=EquipmentStatus.choices, default=EquipmentStatus.PLANNED
    )
    notes = long_text(2000)

    class Meta:
        ordering = [F("needed_from").asc(nulls_last=True), "name", "id"]
        verbose_name_plural = "equipment"
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gte=1), name="equipment_quantity_min_1"),
            models.CheckConstraint(
                condition=Q(unit_cost__gte=0), name="equipment_cost_not_negative"
            ),
            models.CheckConstraint(
                condition=Q(cost_basis__in=CostBasis.values), name="equipment_cost_basis_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=EquipmentStatus.values), name="equipment_status_valid"
            ),
            models.CheckConstraint(
                condition=Q(needed_from__isnull=True)
                | Q(needed_until__isnull=True)
                | Q(needed_until__gte=F("needed_from")),
                name="equipment_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def days(self) -> int | None:
        """Calendar days needed, both ends included (None without both dates)."""
        if self.needed_from is None or self.needed_until is None:
            return None
        return (self.needed_until - self.needed_from).days + 1

    @property
    def total_cost(self) -> Decimal | None:
        """Quantity × unit cost, × days for a per-day cost (None when the days are unknown)."""
        base = self.unit_cost * self.quantity
        if self.cost_basis == CostBasis.ONE_OFF:
            return base
        days = self.days
        return None if days is None else base * days
