"""The final budget (the PM's explanations, and each reconciliation as it was recorded) and the
issued final reports (immutable numbered snapshots, like the status reports)."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.portfolio.models import Project


class FinalBudget(BaseModel):
    """What the project manager writes about the final budget: a variance explanation per cost
    category (key → text) and what becomes of the released contingency and reserve. The
    figures themselves are never stored here: they come from the cost plan and the actuals."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="final_budget")
    explanations = models.JSONField(default=dict, blank=True)
    release_note = long_text(
        2000, help_text="What happens to the unspent contingency and management reserve."
    )

    def __str__(self) -> str:
        return f"Final budget of {self.project}"


class _InsertOnly(models.Model):
    """A record written once and never changed (reconciliations, issued reports)."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    number = models.PositiveIntegerField()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: the record is kept as it was."""
        if not self._state.adding:
            raise ValueError(f"A {self._meta.verbose_name} is immutable.")
        super().save(*args, **kwargs)


class BudgetReconciliation(_InsertOnly):
    """One reconciliation of the final budget: who, when, and every figure as it was then
    (``figures``). ``fingerprint`` is what a later reconciliation must differ in: when the
    live figures or explanations no longer match it, this reconciliation is stale."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="budget_reconciliations"
    )
    reconciled_at = models.DateTimeField(default=timezone.now)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reconciled_by_label = models.CharField(max_length=200)
    figures = models.JSONField()
    fingerprint = models.CharField(max_length=64)

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["project", "number"], name="budget_reconciliation_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="budget_reconciliation_number_ge_1"
            ),
        ]

    def __str__(self) -> str:
        return f"Budget reconciliation {self.number} of {self.project.code}"


class FinalReport(_InsertOnly):
    """One issued final report: content (JSON), page body (HTML) and PDF frozen at issue time.
    A later issue gets the next number; the earlier ones stay as they were."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="final_reports")
    issued_at = models.DateTimeField(default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    issued_by_label = models.CharField(max_length=200)
    content = models.JSONField()
    html = models.TextField(help_text="The report's body as rendered when issued.")
    pdf = models.BinaryField()

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="final_report_unique"),
            models.CheckConstraint(
                condition=models.Q(number__gte=1), name="final_report_number_ge_1"
            ),
        ]

    def __str__(self) -> str:
        return f"Final report {self.number} of {self.project.code}"
