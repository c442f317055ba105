"""A person as a resource: capacity, cost rate, personal calendar, and absences."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import (
    MaxValueValidator,
    MinValueValidator,
    RegexValidator,
)
from django.db import models
from django.db.models import F, Q

from keystage.core.fields import ZERO
from keystage.core.models import BaseModel

DEFAULT_CAPACITY = 100
DEFAULT_RATE = Decimal("0.00")
DEFAULT_HOURS = Decimal("8.00")
DEFAULT_WEEKDAYS = "12345"
WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

weekdays_validator = RegexValidator(
    r"^[1-7]{1,7}$", "Use the digits 1 (Monday) to 7 (Sunday), e.g. 12345."
)


class ResourceProfile(BaseModel):
    """Capacity, cost and personal calendar of one person; absent means the defaults."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resource_profile"
    )
    capacity_percent = models.PositiveSmallIntegerField(
        default=DEFAULT_CAPACITY,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        help_text="Share of full time available for project work, 0–100 %.",
    )
    cost_rate = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        default=DEFAULT_RATE,
        validators=[MinValueValidator(ZERO, message="A cost rate is never negative.")],
        help_text="Cost per hour, in the organisation's currency.",
    )
    job_title = models.CharField(max_length=120, blank=True)
    hours_per_day = models.DecimalField(
        max_digits=4,
        decimal_places=2,
        default=DEFAULT_HOURS,
        validators=[
            MinValueValidator(Decimal("0.5"), message="At least half an hour a day."),
            MaxValueValidator(Decimal("24"), message="A day has 24 hours."),
        ],
        help_text="Working hours on a working day.",
    )
    working_weekdays = models.CharField(
        max_length=7,
        default=DEFAULT_WEEKDAYS,
        validators=[weekdays_validator],
        help_text="Working days, 1 = Monday … 7 = Sunday, e.g. 12345.",
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=Q(capacity_percent__gte=0, capacity_percent__lte=100),
                name="profile_capacity_0_to_100",
            ),
            models.CheckConstraint(condition=Q(cost_rate__gte=0), name="profile_rate_not_negative"),
            models.CheckConstraint(
                condition=Q(hours_per_day__gt=0, hours_per_day__lte=24),
                name="profile_hours_per_day_range",
            ),
        ]

    def __str__(self) -> str:
        return f"Resource profile of {self.user}"

    @property
    def weekday_labels(self) -> str:
        """The working days as names, e.g. 'Mon Tue Wed Thu Fri'."""
        return " ".join(WEEKDAY_NAMES[int(d) - 1] for d in sorted(set(self.working_weekdays)))


#: The day a profile's first rate takes effect: it prices every day before a later change.
RATE_SINCE_ALWAYS = dt.date(1990, 1, 1)


class CostRate(models.Model):
    """A cost rate per hour and the day it takes effect, for pricing time on its day.

    ``ResourceProfile.cost_rate`` stays the current rate (what planning reads); each change of
    it adds or replaces the row of its effective day. Insert-only in spirit: the journal of the
    profile records who changed the rate; rows are never edited except by a same-day change.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="cost_rates"
    )
    effective_from = models.DateField()
    rate = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        validators=[MinValueValidator(ZERO, message="A cost rate is never negative.")],
    )

    class Meta:
        ordering = ["user", "effective_from"]
        constraints = [
            models.UniqueConstraint(fields=["user", "effective_from"], name="cost_rate_unique_day"),
            models.CheckConstraint(condition=Q(rate__gte=0), name="cost_rate_not_negative"),
        ]

    def __str__(self) -> str:
        return f"{self.rate}/h from {self.effective_from}"


class Absence(BaseModel):
    """A holiday or leave of one person, both days included."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="absences"
    )
    start_date = models.DateField()
    end_date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start_date", "id"]
        indexes = [models.Index(fields=["user", "end_date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=F("start_date")), name="absence_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} absent {self.start_date}–{self.end_date}"

    @property
    def days(self) -> int:
        """Calendar days, both ends included."""
        return (self.end_date - self.start_date).days + 1
