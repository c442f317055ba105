"""Acceptance sign-offs: immutable; a new one supersedes the last, the history stays."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.initiation.models import Stakeholder
from keystage.planning.models import Deliverable
from keystage.portfolio.models import Project
from keystage.quality.models.plan import Criterion


class Decision(models.TextChoices):
    """The customer's verdict on a deliverable."""

    ACCEPTED = "accepted", "Accepted"
    CONDITIONAL = "accepted_with_conditions", "Accepted with conditions"
    REJECTED = "rejected", "Rejected"


#: Decisions that count as accepted (the conditions are followed up, not blocking).
ACCEPTING = (Decision.ACCEPTED, Decision.CONDITIONAL)


class SignOff(BaseModel):
    """A deliverable accepted, accepted with conditions, or rejected by a named stakeholder
    (of the initiation's register) or a project member, on a day, against its criteria."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="+")
    deliverable = models.ForeignKey(Deliverable, on_delete=models.CASCADE, related_name="sign_offs")
    decision = models.CharField(max_length=30, choices=Decision.choices)
    conditions = long_text(2000, help_text="What must still happen (accepted with conditions).")
    comment = long_text(2000)
    stakeholder = models.ForeignKey(
        Stakeholder, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    signer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A project member who signs (when not a registered stakeholder).",
    )
    #: The signer's name and role as they were when signing (the record outlives them).
    signed_by = models.CharField(max_length=420, editable=False)
    signed_on = models.DateField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="superseded_by"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(decision__in=Decision.values), name="quality_sign_off_decision_valid"
            ),
            models.CheckConstraint(
                condition=Q(stakeholder__isnull=True) | Q(signer__isnull=True),
                name="quality_sign_off_one_signer",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.deliverable}: {self.get_decision_display()}"

    @property
    def accepts(self) -> bool:
        """Accepted, with or without conditions."""
        return self.decision in ACCEPTING


class CriterionResult(models.Model):
    """One criterion as judged in a sign-off: met or not, with a note."""

    sign_off = models.ForeignKey(SignOff, on_delete=models.CASCADE, related_name="results")
    criterion = models.ForeignKey(
        Criterion, null=True, on_delete=models.SET_NULL, related_name="results"
    )
    #: The criterion's words when judged (a later edit of the plan leaves the record be).
    criterion_text = models.CharField(max_length=500)
    met = models.BooleanField()
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["id"]
        constraints = [
            models.UniqueConstraint(
                fields=["sign_off", "criterion"], name="quality_result_once_per_criterion"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion_text}: {'met' if self.met else 'not met'}"
