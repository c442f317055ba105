"""End-user training: who is to be trained, the sessions held, and who attended."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.portfolio.models import Project

MAX_TRAINEES = 100_000


class TrainingPlan(BaseModel):
    """Who must be trained (one per project): a number, or a list of names."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="training_plan")
    users_to_train = models.PositiveIntegerField(
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_TRAINEES)],
        help_text="How many end users must be trained (the list below counts instead, if any).",
    )
    trainees = long_text(20000, help_text="The end users to train, one name per line.")

    def __str__(self) -> str:
        return f"Training plan of {self.project.code}"

    @property
    def trainee_names(self) -> list[str]:
        """The listed end users, in order, without blanks or repeats (ignoring case)."""
        seen: set[str] = set()
        names = []
        for line in self.trainees.splitlines():
            name = " ".join(line.split())
            if name and name.lower() not in seen:
                seen.add(name.lower())
                names.append(name)
        return names


class TrainingSession(BaseModel):
    """One training session for end users."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="training_sessions")
    title = models.CharField(max_length=200)
    audience = models.CharField(max_length=200, help_text="Who it is for, e.g. sales managers.")
    session_date = models.DateField()
    trainer = models.CharField(max_length=200)
    invited = models.PositiveIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(10_000)],
        help_text="How many people were invited; attendance cannot exceed it.",
    )
    materials_link = models.URLField(max_length=500, blank=True)
    notes = long_text(2000)

    class Meta:
        ordering = ["session_date", "created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class TrainingAttendance(models.Model):
    """One person who attended a session: a user of the organisation, or a name."""

    session = models.ForeignKey(
        TrainingSession, on_delete=models.CASCADE, related_name="attendance"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(max_length=200)

    class Meta:
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["session", "name"], name="attendance_once"),
        ]

    def __str__(self) -> str:
        return self.name
