"""Tasks and deliverables as records with a comment thread (``notifications.threads``):
their pages, and the resolvers registered in ``PlanningConfig.ready``."""

from __future__ import annotations

import uuid

from django.urls import reverse

from keystage.planning.models import Deliverable, Task
from keystage.portfolio.models import Project


def task_url(project: Project, task: Task) -> str:
    """The task page."""
    return reverse("planning:plan-task-detail", args=[project.public_id, task.public_id])


def deliverable_url(project: Project, deliverable: Deliverable) -> str:
    """The deliverable page."""
    return reverse("planning:deliverable-detail", args=[project.public_id, deliverable.public_id])


def thread_task(project: Project, record_id: uuid.UUID) -> tuple[str, str] | None:
    """The thread resolver of tasks: label and page of the project's task, else None."""
    task = Task.objects.filter(project=project, public_id=record_id).first()
    return (task.name, task_url(project, task)) if task else None


def thread_deliverable(project: Project, record_id: uuid.UUID) -> tuple[str, str] | None:
    """The thread resolver of deliverables: label and page of the project's one, else None."""
    found = Deliverable.objects.filter(project=project, public_id=record_id).first()
    return (found.name, deliverable_url(project, found)) if found else None
