"""Specifications shared with the team: files attached to a task or a deliverable."""

from __future__ import annotations

import uuid

from django.db import models
from django.db.models import Q

from keystage.core.models import AttachedFile
from keystage.planning.models.scope import Deliverable
from keystage.planning.models.wbs import Task
from keystage.portfolio.models import Project


def _plan_file_path(instance: PlanFile, filename: str) -> str:
    """A name of our own under the project's folder; the user's file name is never a path."""
    return f"plan/{instance.project.public_id}/{uuid.uuid4().hex}"


class PlanFile(AttachedFile):
    """A file on exactly one task or one deliverable of the project (``core.files`` checks,
    stores and serves it; downloads go through a view that checks the project)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="plan_files")
    task = models.ForeignKey(
        Task, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    deliverable = models.ForeignKey(
        Deliverable, null=True, blank=True, on_delete=models.CASCADE, related_name="files"
    )
    file = models.FileField(upload_to=_plan_file_path, max_length=200)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(task__isnull=False) & Q(deliverable__isnull=True))
                | (Q(task__isnull=True) & Q(deliverable__isnull=False)),
                name="plan_file_on_one_record",
            )
        ]
