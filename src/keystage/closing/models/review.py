"""The post-project review (one meeting record per project) and its lessons learned."""

from __future__ import annotations

from django.db import models

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.portfolio.lifecycle import Stage
from keystage.portfolio.models import Project


class Review(BaseModel):
    """The post-project review meeting: when, who, what went well and what did not."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="review")
    held_on = models.DateField(help_text="The day the review meeting was held.")
    facilitator = models.CharField(max_length=200, blank=True)
    attendees = long_text(4000, blank=False, help_text="Who took part, one per line.")
    went_well = long_text(8000, blank=False, help_text="What went well.")
    went_badly = long_text(8000, blank=False, help_text="What did not go well.")
    notes = long_text(8000)

    def __str__(self) -> str:
        return f"Post-project review of {self.project.code}"

    @property
    def attendee_names(self) -> list[str]:
        """The attendees, one per line."""
        return [line.strip() for line in self.attendees.splitlines() if line.strip()]


class LessonCategory(models.TextChoices):
    """What a lesson is about."""

    SCOPE = "scope", "Scope & requirements"
    SCHEDULE = "schedule", "Schedule"
    COST = "cost", "Cost & budget"
    QUALITY = "quality", "Quality & testing"
    RESOURCES = "resources", "People & resources"
    STAKEHOLDERS = "stakeholders", "Stakeholders & communication"
    VENDORS = "vendors", "Vendors & procurement"
    TECHNICAL = "technical", "Technical"
    RISK = "risk", "Risk"
    OTHER = "other", "Other"


class Lesson(BaseModel):
    """One lesson learned: what happened, in which stage, and what to do next time."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="lessons")
    title = models.CharField(max_length=200)
    category = models.CharField(max_length=20, choices=LessonCategory.choices)
    stage = models.CharField(max_length=20, choices=Stage.choices)
    what_happened = long_text(4000, blank=False)
    recommendation = long_text(4000, blank=False)
    tags = models.CharField(
        max_length=300, blank=True, help_text="Comma-separated, e.g. vendor, data migration."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(category__in=LessonCategory.values), name="lesson_category"
            ),
            models.CheckConstraint(condition=models.Q(stage__in=Stage.values), name="lesson_stage"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def tag_list(self) -> list[str]:
        """The tags, trimmed, lower case, without repeats."""
        seen: list[str] = []
        for raw in self.tags.split(","):
            tag = " ".join(raw.split()).lower()
            if tag and tag not in seen:
                seen.append(tag)
        return seen
