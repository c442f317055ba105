"""The organisation's skill catalogue and the level each person has in a skill."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower

from keystage.core.fields import long_text
from keystage.core.models import BaseModel

LEVEL_NAMES = {1: "awareness", 2: "works with help", 3: "works alone", 4: "advanced", 5: "expert"}
LEVELS: tuple[tuple[int, str], ...] = tuple((n, f"{n} — {name}") for n, name in LEVEL_NAMES.items())


class Skill(BaseModel):
    """A skill of the organisation's catalogue (e.g. Python, Networking, Business analysis)."""

    organisation = models.ForeignKey(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="skills"
    )
    name = models.CharField(max_length=100)
    description = long_text(1000)

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.UniqueConstraint(
                "organisation", Lower("name"), name="skill_name_unique_per_organisation"
            ),
        ]

    def __str__(self) -> str:
        return self.name


class PersonSkill(BaseModel):
    """How well one person masters one skill, from 1 (awareness) to 5 (expert)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person_skills"
    )
    skill = models.ForeignKey(Skill, on_delete=models.CASCADE, related_name="people")
    level = models.PositiveSmallIntegerField(
        choices=LEVELS, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )

    class Meta:
        ordering = ["skill__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["user", "skill"], name="person_skill_unique"),
            models.CheckConstraint(
                condition=Q(level__gte=1, level__lte=5), name="person_skill_level_1_to_5"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.skill} {self.level}"

    @property
    def level_name(self) -> str:
        """The level in words, e.g. 'advanced'."""
        return LEVEL_NAMES.get(self.level, "")
