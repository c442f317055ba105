"""Who works on which task: the skills a task needs and the people assigned to it.

A task's skill needs (``TaskSkill``) drive the recommender: it ranks the
project's team for the task by skill match, level, free capacity, load and
cost. An ``Assignment`` gives a task to one person at a share of their time
(``units_percent``: 100 = full time, 50 = half time, 200 = two people's worth,
as in MS Project). Its work is the task's duration × units unless the
project manager sets ``work_hours``.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from keystage.core.models import BaseModel
from keystage.planning.models.wbs import Task
from keystage.portfolio.models import Project
from keystage.resources.models import Skill


class TaskSkill(BaseModel):
    """A skill a task needs, with the minimum level (1–5) its assignee must have."""

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="skill_needs")
    skill = models.ForeignKey(Skill, on_delete=models.PROTECT, related_name="+")
    min_level = models.PositiveSmallIntegerField(
        default=1,
        validators=[
            MinValueValidator(1, message="Levels run from 1 to 5."),
            MaxValueValidator(5, message="Levels run from 1 to 5."),
        ],
    )

    class Meta:
        ordering = ["task", "skill__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "skill"], name="task_skill_unique"),
            models.CheckConstraint(
                condition=Q(min_level__gte=1) & Q(min_level__lte=5), name="task_skill_level_1_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.skill} ≥ {self.min_level}"


class AssignmentSource(models.TextChoices):
    """How an assignment came about."""

    MANUAL = "manual", "Chosen by the project manager"
    RECOMMENDED = "recommended", "Accepted recommendation"
    OPTIMISED = "optimised", "Chosen by the optimiser"


class Assignment(BaseModel):
    """One person on one task, at ``units_percent`` of full time."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="planning_assignments"
    )
    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="assignments")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="planning_assignments"
    )
    units_percent = models.PositiveSmallIntegerField(
        default=100,
        validators=[
            MinValueValidator(1, message="Units are at least 1 %."),
            MaxValueValidator(1000, message="Units are at most 1000 %."),
        ],
        help_text="Share of the person's full time on this task (100 = full time).",
    )
    work_hours = models.DecimalField(
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"), message="Work is never negative.")],
        help_text="Planned hours; empty means the task's duration × units.",
    )
    source = models.CharField(
        max_length=12, choices=AssignmentSource.choices, default=AssignmentSource.MANUAL
    )
    note = models.CharField(max_length=500, blank=True, help_text="Why this person.")

    class Meta:
        ordering = ["task__row", "person__username", "id"]
        constraints = [
            models.UniqueConstraint(fields=["task", "person"], name="assignment_unique_person"),
            models.CheckConstraint(
                condition=Q(units_percent__gte=1) & Q(units_percent__lte=1000),
                name="assignment_units_1_1000",
            ),
            models.CheckConstraint(
                condition=Q(work_hours__isnull=True) | Q(work_hours__gte=0),
                name="assignment_work_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person} on {self.task} ({self.units_percent} %)"
