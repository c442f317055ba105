"""The quality plan: each acceptance criterion of a deliverable and how it is verified."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from keystage.core.models import BaseModel
from keystage.planning.models import Deliverable
from keystage.portfolio.models import Project


class Method(models.TextChoices):
    """How a criterion is verified."""

    TEST = "test", "Test"
    INSPECTION = "inspection", "Inspection"
    DEMONSTRATION = "demonstration", "Demonstration"
    REVIEW = "review", "Review"
    ANALYSIS = "analysis", "Analysis"


class Criterion(BaseModel):
    """One acceptance criterion of a deliverable, with its verification method, the person
    responsible for verifying it and the day it is planned."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    deliverable = models.ForeignKey(
        Deliverable, on_delete=models.CASCADE, related_name="quality_criteria"
    )
    text = models.CharField(
        "criterion", max_length=500, help_text="One condition the deliverable must meet."
    )
    method = models.CharField(
        "verification method", max_length=20, choices=Method.choices, default=Method.TEST
    )
    responsible = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The project member who verifies it.",
    )
    planned_date = models.DateField("planned on", null=True, blank=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["deliverable_id", "order", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(
                condition=Q(method__in=Method.values), name="quality_criterion_method_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.text
