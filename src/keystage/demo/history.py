"""What the demo's execution history shares: the tasks that slipped, a task's actuals, and
dating a service call's journal entries and notifications to the day it happened.

``dated`` exists because the services stamp "now": the demo writes months of history in
one go, then moves what a call wrote to its day (never after the real now).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from django.utils import timezone

from keystage.core.models import AuditEntry
from keystage.notifications.models import Notification
from keystage.planning.models import Task

# Tasks that finished late (working days beyond their planned finish, a slip their
# successors inherit).
LATE = {
    "Data volume and quality profiling": 2,
    "Build extraction jobs": 3,
    "Port custom reports": 4,
}


@dataclass
class Actual:
    """What happened to one leaf task up to the data date (``finish`` None: not finished)."""

    task: Task
    planned_start: dt.date
    planned_finish: dt.date
    start: dt.date | None
    finish: dt.date | None
    begin: dt.date
    projected_finish: dt.date
    percent: int = 0


def at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    """``day`` at ``hour:minute`` UTC, never after the real now."""
    moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=dt.UTC)
    return min(moment, timezone.now())


def _last_pk(model: type) -> int:
    return model.objects.order_by("-pk").values_list("pk", flat=True).first() or 0  # type: ignore[attr-defined,no-any-return]


@contextmanager
def dated(moment: dt.datetime) -> Iterator[None]:
    """Give the journal entries and notifications written inside the block ``moment``."""
    audit, notes = _last_pk(AuditEntry), _last_pk(Notification)
    yield
    AuditEntry.objects.filter(pk__gt=audit).update(at=moment)
    Notification.objects.filter(pk__gt=notes).update(created_at=moment, updated_at=moment)
