"""Template filters of the plan table: durations and floats in working days, hours of work."""

from __future__ import annotations

from decimal import Decimal

from django import template

from keystage.planning.selectors.wbs import duration_text

register = template.Library()


@register.filter
def days(minutes: int | None, minutes_per_day: int) -> str:
    """Working minutes as days, MS Project style: ``5d``, ``2.5d``, ``-1d`` (empty for None)."""
    if minutes is None:
        return ""
    sign = "-" if minutes < 0 else ""
    return sign + duration_text(abs(minutes), minutes_per_day or 480)


@register.filter
def hours(value: Decimal | None) -> str:
    """Hours of work: ``40h``, ``7.5h`` (empty for None)."""
    if value is None:
        return ""
    text = f"{value:f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return f"{text}h"
