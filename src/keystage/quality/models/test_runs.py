"""Test runs: one execution of a deliverable's test cases, with its counts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.planning.models import Deliverable
from keystage.portfolio.models import Project


class TestRun(BaseModel):
    """A test run against a deliverable: cases planned, run, passed, failed and blocked."""

    __test__ = False  # not a pytest class, whatever its name

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="test_runs")
    name = models.CharField(max_length=200, help_text="e.g. 'System test, cycle 2'.")
    run_on = models.DateField("run on")
    tester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The project member who ran it.",
    )
    cases_planned = models.PositiveIntegerField(default=0)
    cases_run = models.PositiveIntegerField(default=0)
    passed = models.PositiveIntegerField(default=0)
    failed = models.PositiveIntegerField(default=0)
    blocked = models.PositiveIntegerField(default=0)
    notes = long_text(2000)

    class Meta:
        ordering = ["-run_on", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cases_run__lte=F("cases_planned")), name="quality_run_within_planned"
            ),
            models.CheckConstraint(
                condition=Q(passed__lte=F("cases_run") - F("failed") - F("blocked")),
                name="quality_run_outcomes_within_run",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def pass_rate(self) -> float | None:
        """Passed ÷ run, in %, or None before any case ran."""
        return self.passed / self.cases_run * 100 if self.cases_run else None
