"""Writes to the project calendar (working weekdays, daily shifts) and its holidays; every
write reschedules the plan under the plan lock, like the WBS."""

from __future__ import annotations

from typing import Any

from keystage.accounts.models import User
from keystage.core import records
from keystage.core.errors import InvalidInput, VersionRequired
from keystage.planning import engine
from keystage.planning.models import (
    Holiday,
    ProjectCalendar,
)
from keystage.planning.services.plan_lock import plan_write
from keystage.planning.services.wbs import calendar_of, reschedule
from keystage.portfolio.models import Project

CALENDAR_FIELDS = ("name", "working_weekdays", "shifts")
HOLIDAY_FIELDS = ("name", "start_date", "end_date")


@plan_write
def calendar_save(
    *, who: User, project: Project, version: int | None, data: dict[str, Any]
) -> ProjectCalendar:
    """Set the project's working weekdays and daily shifts (``version`` once it exists)."""
    data = records.editable(data, CALENDAR_FIELDS)
    errors = {}
    if "working_weekdays" in data:
        days = data["working_weekdays"]
        if not days or not set(days) <= set("1234567") or len(set(days)) != len(days):
            errors["working_weekdays"] = "List working weekdays as digits, Monday = 1 … Sunday = 7."
        else:
            data["working_weekdays"] = "".join(sorted(days))
    if "shifts" in data:
        try:
            engine.parse_shifts(data["shifts"])
        except ValueError as exc:
            errors["shifts"] = str(exc)
    if errors:
        raise InvalidInput(errors)
    existing = calendar_of(project)
    if existing is None:
        calendar = records.create(
            who=who,
            instance=ProjectCalendar(project=project, **data),
            project=project,
            fields=CALENDAR_FIELDS,
            summary="Set the project calendar",
        )
    else:
        if version is None:
            raise VersionRequired()
        calendar = records.update(
            who=who,
            instance=existing,
            version=version,
            changes=data,
            project=project,
            summary="Edited the project calendar",
        )
    reschedule(project)
    return calendar


@plan_write
def holiday_create(*, who: User, project: Project, data: dict[str, Any]) -> Holiday:
    """Add a non-working period to the project calendar."""
    data = records.editable(data, HOLIDAY_FIELDS)
    start, end = data.get("start_date"), data.get("end_date") or data.get("start_date")
    data["end_date"] = end
    if start and end and end < start:
        raise InvalidInput({"end_date": "The holiday ends before it starts."})
    holiday = records.create(
        who=who,
        instance=Holiday(project=project, **data),
        project=project,
        fields=HOLIDAY_FIELDS,
        summary=f"Added holiday '{data.get('name', '')}'",
    )
    reschedule(project)
    return holiday


@plan_write
def holiday_delete(*, who: User, project: Project, holiday: Holiday, version: int) -> None:
    """Remove a holiday at ``version``."""
    records.delete(
        who=who,
        instance=holiday,
        version=version,
        project=project,
        fields=HOLIDAY_FIELDS,
        summary=f"Removed holiday '{holiday.name}'",
    )
    reschedule(project)
