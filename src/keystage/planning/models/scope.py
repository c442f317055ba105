"""Scope: the statement, deliverables with acceptance criteria, in / out of scope items,
assumptions and constraints."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.portfolio.models import Project


class ScopeStatement(BaseModel):
    """What the project will deliver and where its boundaries lie (one per project)."""

    project = models.OneToOneField(
        Project, on_delete=models.CASCADE, related_name="scope_statement"
    )
    statement = long_text(8000, blank=False, help_text="The product scope, in a few paragraphs.")

    def __str__(self) -> str:
        return f"Scope statement of {self.project.code}"


class DeliverableStatus(models.TextChoices):
    """Where a deliverable stands."""

    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SUBMITTED = "submitted", "Submitted for acceptance"
    ACCEPTED = "accepted", "Accepted"
    REJECTED = "rejected", "Rejected"


class Deliverable(BaseModel):
    """A product of the project, accepted against its acceptance criteria."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="deliverables")
    name = models.CharField(max_length=200)
    description = long_text(2000)
    acceptance_criteria = long_text(
        4000, blank=False, help_text="How the sponsor will judge that it is done."
    )
    due_date = models.DateField(null=True, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="A member of the project.",
    )
    status = models.CharField(
        max_length=20, choices=DeliverableStatus.choices, default=DeliverableStatus.PLANNED
    )
    order = models.PositiveIntegerField(default=0)
    tasks = models.ManyToManyField(
        "planning.Task",
        blank=True,
        related_name="deliverables",
        help_text="The WBS tasks that produce it (same project).",
    )

    class Meta:
        ordering = ["order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=DeliverableStatus.values), name="deliverable_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ScopeItem(BaseModel):
    """One line of the scope boundary: explicitly in scope or explicitly out of it."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scope_items")
    text = models.CharField(max_length=500)
    in_scope = models.BooleanField(default=True)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-in_scope", "order", "id"]

    def __str__(self) -> str:
        return f"{'In' if self.in_scope else 'Out of'} scope: {self.text}"


class ScopeNoteKind(models.TextChoices):
    """An assumption taken as true, or a constraint the project must live with."""

    ASSUMPTION = "assumption", "Assumption"
    CONSTRAINT = "constraint", "Constraint"


class ScopeNote(BaseModel):
    """An assumption or a constraint of the project's scope."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="scope_notes")
    kind = models.CharField(max_length=20, choices=ScopeNoteKind.choices)
    text = long_text(1000, blank=False)
    order = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["kind", "order", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ScopeNoteKind.values), name="scope_note_kind_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"
