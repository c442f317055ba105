"""The Gantt time scale: zoom levels, window alignment and two-tier header cells."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, tzinfo
from functools import lru_cache
from typing import Literal

__all__ = ["PX_PER_DAY", "Cell", "Zoom", "align_window", "day_offset", "header_cells"]

Zoom = Literal["day", "week", "month"]

PX_PER_DAY: dict[str, float] = {"day": 26.0, "week": 6.0, "month": 1.6}

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
WEEKDAYS = "MTWTFSS"


@dataclass(frozen=True, slots=True)
class Cell:
    """One header cell: ``[start, end)`` in days from the window origin, and its label."""

    start: float
    end: float
    label: str


@lru_cache(maxsize=64)
def _midnight(origin: date, zone: tzinfo | None) -> datetime:
    """The start of ``origin`` in ``zone`` (one per chart: a Gantt asks for it per bar)."""
    return datetime.combine(origin, datetime.min.time(), tzinfo=zone)


def day_offset(value: date, origin: date, *, is_finish: bool = False) -> float:
    """Days from ``origin`` to ``value``; a plain ``date`` finish means the end of that day."""
    if isinstance(value, datetime):
        return (value - _midnight(origin, value.tzinfo)).total_seconds() / 86400.0
    return float((value - origin).days + (1 if is_finish else 0))


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _next_month(day: date) -> date:
    return date(day.year + day.month // 12, day.month % 12 + 1, 1)


def align_window(first: date, last: date, zoom: Zoom) -> tuple[date, date]:
    """Widen ``[first, last]`` to whole header cells plus a little margin; end exclusive."""
    if zoom == "day":
        start = first - timedelta(days=2)
        lo = start - timedelta(days=start.weekday())
        hi = last + timedelta(days=7 - last.weekday() + 7)
    elif zoom == "week":
        start = first - timedelta(days=7)
        lo = start - timedelta(days=start.weekday())
        hi = last + timedelta(days=7 - last.weekday() + 14)
    else:
        lo = _month_start(first - timedelta(days=20))
        hi = _next_month(_next_month(last))
    return lo, hi


def _months(origin: date, end: date, label_year: bool) -> list[Cell]:
    cells = []
    cursor = _month_start(origin)
    while cursor < end:
        nxt = _next_month(cursor)
        label = (
            f"{MONTHS[cursor.month - 1]} {cursor.year}" if label_year else MONTHS[cursor.month - 1]
        )
        start = max(0, (cursor - origin).days)
        cells.append(Cell(float(start), float((min(nxt, end) - origin).days), label))
        cursor = nxt
    return cells


def header_cells(origin: date, end: date, zoom: Zoom) -> tuple[list[Cell], list[Cell]]:
    """Top-tier and bottom-tier cells covering ``[origin, end)`` for ``zoom``."""
    days = (end - origin).days
    if zoom == "day":
        top = _months(origin, end, label_year=True)
        bottom = [
            Cell(float(i), float(i + 1), f"{(origin + timedelta(days=i)).day}") for i in range(days)
        ]
        return top, bottom
    if zoom == "week":
        top = _months(origin, end, label_year=True)
        first_monday = (7 - origin.weekday()) % 7
        bottom = []
        if first_monday:
            bottom.append(Cell(0.0, float(first_monday), ""))
        for i in range(first_monday, days, 7):
            bottom.append(
                Cell(float(i), float(min(i + 7, days)), f"{(origin + timedelta(days=i)).day}")
            )
        return top, bottom
    top = []
    for year in range(origin.year, end.year + 1):
        lo = max(origin, date(year, 1, 1))
        hi = min(end, date(year + 1, 1, 1))
        if lo < hi:
            top.append(Cell(float((lo - origin).days), float((hi - origin).days), str(year)))
    return top, _months(origin, end, label_year=False)


def weekend_days(origin: date, end: date) -> list[int]:
    """Offsets of Saturdays and Sundays in ``[origin, end)`` (shaded in day zoom)."""
    return [i for i in range((end - origin).days) if (origin + timedelta(days=i)).weekday() >= 5]
