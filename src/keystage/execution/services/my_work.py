"""The writes *My work* makes: today's time on a task. Progress goes straight to
``services.progress.update_progress``; this module only picks the timesheet service to call,
so the rules stay in ``timesheet_rules`` and ``services.timesheets``.
"""

from __future__ import annotations

from typing import Any

from keystage.core.errors import InvalidInput, VersionRequired
from keystage.execution.models import TimeEntry
from keystage.execution.selectors.progress import progress_task
from keystage.execution.services import timesheets


def log_today(
    *, who: Any, task_id: Any, hours: Any, note: str = "", version: int | None = None
) -> TimeEntry | None:
    """Set the hours ``who`` worked today on a task (create, change, or with 0 remove them).

    One entry per person, task and day: when today's exists, ``version`` is its version
    (428 without, 409 when stale). Every timesheet rule applies (field errors, nothing
    written). Returns the entry, or None when 0 hours removed it (or there was none).
    """
    task = progress_task(who=who, task_id=task_id)
    day = timesheets.today()
    existing = (
        TimeEntry.objects.select_related("timesheet", "project", "task")
        .filter(person_id=who.pk, task=task, day=day)
        .first()
    )
    if hours in (None, ""):
        raise InvalidInput({"hours": "Enter the hours worked today, e.g. 2.5."})
    value = timesheets.parse_hours(hours)
    if existing is None:
        if value == 0:
            return None
        data = {"task": task, "day": day, "hours": value, "note": note}
        return timesheets.time_entry_create(who=who, project=task.project, data=data)
    if version is None:
        raise VersionRequired()
    if value == 0:
        timesheets.time_entry_delete(who=who, entry=existing, version=version)
        return None
    return timesheets.time_entry_update(
        who=who, entry=existing, version=version, changes={"hours": value, "note": note}
    )
