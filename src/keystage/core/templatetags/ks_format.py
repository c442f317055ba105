"""The UI's short date, the same in templates and in script (``Keystage.shortDate``)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

register = template.Library()


def short_date_text(value: Any) -> str:
    """``2027-02-22`` → ``22 Feb 27`` (the format of core/static/keystage/app.js)."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, dt.date):
        return "" if value is None else str(value)
    return f"{value.day} {value:%b} {value:%y}"


@register.filter
def short_date(value: Any) -> str:
    """Template filter: a date (or date-time) as ``22 Feb 27``."""
    return short_date_text(value)
