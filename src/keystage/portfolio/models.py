"""Projects, their members, and the gate decisions between stages."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q

from keystage.accounts.roles import ProjectRole
from keystage.core.models import BaseModel
from keystage.portfolio.lifecycle import (
    GateOutcome,
    ProjectKind,
    ProjectStatus,
    Stage,
    monitoring_active,
)

project_code_validator = RegexValidator(
    r"^[A-Z0-9][A-Z0-9-]{1,19}$",
    "Use 2–20 capital letters, digits or hyphens, e.g. ERP-26.",
)


class Project(BaseModel):
    """An IT project, from idea to closure."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.PROTECT, related_name="projects"
    )
    name = models.CharField(max_length=200)
    code = models.CharField(max_length=20, validators=[project_code_validator])
    kind = models.CharField(max_length=30, choices=ProjectKind.choices)
    description = models.TextField(max_length=5000, blank=True)
    start_date = models.DateField()
    target_date = models.DateField()
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.INITIATION)
    status = models.CharField(
        max_length=20, choices=ProjectStatus.choices, default=ProjectStatus.ACTIVE
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "code"], name="project_code_unique"),
            models.CheckConstraint(
                condition=Q(target_date__gte=F("start_date")), name="project_target_after_start"
            ),
            models.CheckConstraint(condition=Q(kind__in=ProjectKind.values), name="project_kind"),
            models.CheckConstraint(condition=Q(stage__in=Stage.values), name="project_stage"),
            models.CheckConstraint(
                condition=Q(status__in=ProjectStatus.values), name="project_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @property
    def monitoring_active(self) -> bool:
        """Whether monitoring & control runs now (Planning onwards, until closed)."""
        return monitoring_active(self.stage, self.status)


class ProjectMembership(BaseModel):
    """A user's role in one project; one role per user and one project manager per project."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="memberships")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(max_length=20, choices=ProjectRole.choices)

    class Meta:
        ordering = ["role", "user__last_name", "user__username"]
        constraints = [
            models.UniqueConstraint(fields=["project", "user"], name="membership_unique"),
            models.UniqueConstraint(
                fields=["project"],
                condition=Q(role=ProjectRole.PROJECT_MANAGER),
                name="membership_one_project_manager",
            ),
            models.CheckConstraint(
                condition=Q(role__in=ProjectRole.values), name="membership_role_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"


class GateDecision(models.Model):
    """A decision at a stage gate: who decided, when, what and why. Never edited."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="gate_decisions")
    from_stage = models.CharField(max_length=20, choices=Stage.choices)
    to_stage = models.CharField(max_length=20, choices=Stage.choices)
    outcome = models.CharField(max_length=10, choices=GateOutcome.choices)
    resulting_stage = models.CharField(max_length=20, choices=Stage.choices)
    resulting_status = models.CharField(max_length=20, choices=ProjectStatus.choices)
    rationale = models.TextField(max_length=4000)
    conditions = models.TextField(max_length=4000, blank=True)
    override_reason = models.TextField(
        max_length=4000,
        blank=True,
        help_text="Why the sponsor gave a 'go' although checklist items were missing.",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["decided_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome__in=GateOutcome.values), name="gate_outcome_valid"
            ),
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_from_stage_display()} → {self.get_to_stage_display()}: "
            f"{self.get_outcome_display()}"
        )
