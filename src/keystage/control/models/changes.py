"""Change requests: a proposed set of plan edits, its computed impact, the sponsor's
decision and, once applied, the baseline that records the re-planned project."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.planning.models import Baseline
from keystage.portfolio.models import Project


class ChangeCategory(models.TextChoices):
    """What the change is mainly about."""

    SCOPE = "scope", "Scope"
    SCHEDULE = "schedule", "Schedule"
    COST = "cost", "Cost"
    QUALITY = "quality", "Quality"
    OTHER = "other", "Other"


class ChangeStatus(models.TextChoices):
    """Draft → submitted → approved → applied, or rejected by the sponsor."""

    DRAFT = "draft", "Draft"
    SUBMITTED = "submitted", "Awaiting decision"
    APPROVED = "approved", "Approved"
    REJECTED = "rejected", "Rejected"
    APPLIED = "applied", "Applied"


class ChangeRequest(BaseModel):
    """One change request of a project, numbered CR-1, CR-2… per project.

    ``edits`` is the change itself: a list of plan edits (see ``control.changes.edits``).
    ``impact`` is the what-if result computed against the plan whose fingerprint is
    ``impact_fingerprint``; applying refuses when the plan moved since.
    """

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="change_requests")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    description = long_text(4000)
    reason = long_text(4000)
    category = models.CharField(
        max_length=10, choices=ChangeCategory.choices, default=ChangeCategory.SCOPE
    )
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(
        max_length=10, choices=ChangeStatus.choices, default=ChangeStatus.DRAFT
    )
    edits = models.JSONField(default=list, blank=True)
    impact = models.JSONField(null=True, blank=True)
    impact_fingerprint = models.CharField(max_length=64, blank=True)
    impact_at = models.DateTimeField(null=True, blank=True)
    finish_delta_days = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Working days the finish moves (from the impact).",
    )
    cost_delta = models.DecimalField(
        max_digits=16,
        decimal_places=2,
        null=True,
        blank=True,
        help_text="Change of the cost baseline (from the impact).",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_comment = long_text(4000)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    applied_at = models.DateTimeField(null=True, blank=True)
    baseline = models.ForeignKey(
        Baseline,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The baseline captured when the change was applied.",
    )

    class Meta:
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="change_request_unique"),
            models.CheckConstraint(
                condition=models.Q(status__in=ChangeStatus.values),
                name="change_request_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"CR-{self.number} {self.title}"

    @property
    def code(self) -> str:
        """The request's number as people quote it: ``CR-3``."""
        return f"CR-{self.number}"

    @property
    def is_open(self) -> bool:
        """Whether its edits may still change (a draft)."""
        return self.status == ChangeStatus.DRAFT
