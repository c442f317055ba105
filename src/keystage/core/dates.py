"""One rule for plausible dates, checked by every model's validation.

Every date and date-time a user can set must lie between 1 Jan 1990 and 31 Dec 2200
(:mod:`keystage.engine.daterange`, the one definition). A record that belongs to a
project must also be dated within a window around it: from
:data:`YEARS_BEFORE_START` years before the project's start to :data:`YEARS_AFTER_TARGET`
years after its target. :class:`keystage.core.models.BaseModel` applies both in
``clean_fields``, so every service that validates a record (``records.clean`` or
``full_clean``) refuses such a date as a field error before anything computes with it.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import models

from keystage.core.errors import InvalidInput
from keystage.engine.daterange import EARLIEST, LATEST, MESSAGE, plausible

__all__ = [
    "EARLIEST",
    "LATEST",
    "MESSAGE",
    "date_errors",
    "parse_day",
    "plausible",
    "project_window",
]

YEARS_BEFORE_START = 10
YEARS_AFTER_TARGET = 20


def _years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def _label(day: dt.date) -> str:
    return f"{day.day} {day:%b %Y}"


def parse_day(raw: str, field: str) -> dt.date:
    """A query parameter's ``YYYY-MM-DD`` as a plausible date, else a field error, so no
    date arithmetic on it can run off the calendar (``date.max`` plus a week)."""
    try:
        day = dt.date.fromisoformat(raw.strip())
    except ValueError:
        raise InvalidInput({field: "Give a date as YYYY-MM-DD."}) from None
    if not plausible(day):
        raise InvalidInput({field: MESSAGE})
    return day


def project_window(start: dt.date, target: dt.date) -> tuple[dt.date, dt.date]:
    """The first and last day a record of a project running ``start … target`` may carry."""
    return _years(start, -YEARS_BEFORE_START), _years(target, YEARS_AFTER_TARGET)


def _day(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    return None


def _project_of(instance: models.Model) -> Any:
    """The project a record belongs to (None for the project itself and org records)."""
    if getattr(instance, "project_id", None) is None:
        return None
    return instance.project  # type: ignore[attr-defined]


def date_errors(instance: models.Model, exclude: set[str]) -> dict[str, list[str]]:
    """Field errors for user-set dates outside the plausible span or the project's window."""
    errors: dict[str, list[str]] = {}
    window: tuple[dt.date, dt.date] | None = None
    looked_up = False
    for field in instance._meta.concrete_fields:
        if not isinstance(field, models.DateField) or field.name in exclude:
            continue
        if not field.editable:  # timestamps the system sets (created_at, updated_at)
            continue
        day = _day(getattr(instance, field.attname, None))
        if day is None:
            continue
        if not plausible(day):
            errors[field.name] = [MESSAGE]
            continue
        if not looked_up:
            looked_up = True
            project = _project_of(instance)
            if project is not None and project.start_date and project.target_date:
                window = project_window(project.start_date, project.target_date)
        if window is not None and not window[0] <= day <= window[1]:
            errors[field.name] = [
                f"Enter a date between {_label(window[0])} and {_label(window[1])} "
                f"({YEARS_BEFORE_START} years before the project's start to "
                f"{YEARS_AFTER_TARGET} years after its target)."
            ]
    return errors
