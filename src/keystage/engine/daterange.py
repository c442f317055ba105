"""The span of plausible dates, defined once for the engine and every app.

A plan, a budget or a journal entry dated in year 1 or 9999 is a typing mistake or an
attack, never a real project: such dates overflow calendar arithmetic (day 9999-12-31
plus one) and make period loops run for centuries. Everything outside
:data:`EARLIEST` … :data:`LATEST` is refused where it enters.
"""

from __future__ import annotations

from datetime import date, datetime

EARLIEST = date(1990, 1, 1)
LATEST = date(2200, 12, 31)
MESSAGE = "Enter a date between 1 Jan 1990 and 31 Dec 2200."
# The longest duration or lag: ten years of elapsed minutes (as the task model allows).
MAX_SPAN_MINUTES = 60 * 24 * 3650
SPAN_MESSAGE = "a duration or lag is at most ten years (5,256,000 minutes) either way"


def plausible(value: date | datetime) -> bool:
    """Whether a date (or the day of a date-time) lies within the plausible span."""
    day = value.date() if isinstance(value, datetime) else value
    return EARLIEST <= day <= LATEST
