"""The project manager's weekly status update: overall health and the week in words."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.portfolio.models import Project

STATUS_TEXT_MAX = 4000


class Health(models.TextChoices):
    """Overall health as the project manager judges it (shown with a word and an icon)."""

    GREEN = "green", "On track"
    AMBER = "amber", "At risk"
    RED = "red", "Off track"


class StatusUpdate(BaseModel):
    """One status update of a project, for the week starting ``week_of``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="status_updates")
    week_of = models.DateField(help_text="The Monday of the week reported on.")
    health = models.CharField(max_length=5, choices=Health.choices, default=Health.GREEN)
    summary = models.CharField(max_length=200, help_text="One line for the history list.")
    accomplishments = long_text(STATUS_TEXT_MAX)
    next_steps = long_text(STATUS_TEXT_MAX)
    blockers = long_text(STATUS_TEXT_MAX)
    decisions_needed = long_text(STATUS_TEXT_MAX)

    class Meta:
        ordering = ["-week_of", "-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.week_of:%d %b %Y}: {self.summary}"

    def clean(self) -> None:
        """A status update reports on a week: ``week_of`` is its Monday."""
        super().clean()
        if self.week_of is not None and self.week_of.weekday() != 0:
            raise ValidationError({"week_of": "Give the Monday of the week reported on."})

    @property
    def health_icon(self) -> str:
        """A shape per health so it never depends on colour alone."""
        return {"green": "●", "amber": "▲", "red": "■"}.get(self.health, "?")
