"""The project charter, versioned: every regeneration writes a new, immutable version."""

from __future__ import annotations

import uuid
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from keystage.portfolio.models import Project


class CharterVersion(models.Model):
    """One generated charter: the content as a JSON snapshot and the rendered PDF. Never edited."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="charter_versions")
    number = models.PositiveIntegerField()
    generated_at = models.DateTimeField(default=timezone.now)
    generated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    generated_by_label = models.CharField(
        max_length=200, help_text="Who generated it, as shown (also for the system actor)."
    )
    content = models.JSONField()
    pdf = models.BinaryField()

    class Meta:
        db_table = "planning_charterversion"  # kept from planning: see the ADR on the apps cut
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="charter_version_unique"),
            models.CheckConstraint(condition=models.Q(number__gte=1), name="charter_number_ge_1"),
        ]

    def __str__(self) -> str:
        return f"Charter v{self.number} of {self.project.code}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        """Insert only: a written version is never changed."""
        if not self._state.adding:
            raise ValueError("A charter version is immutable once written.")
        super().save(*args, **kwargs)
