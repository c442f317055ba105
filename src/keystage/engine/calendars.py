"""Working time arithmetic over half-open periods ``[start, end)``.

A :class:`Calendar` describes working weekdays (several shifts a day), holidays
and exceptions (non-working days, extra working days with their own hours).
:class:`WorkIndex` compiles a calendar over a horizon into numpy arrays of
working periods with the cumulative working minutes before each one, so
converting between instants and working-minute *positions* is a binary search
(vectorised over arrays).

Instants are measured in whole minutes from the index's origin (a midnight).
A position ``p`` is "the p-th working minute": the instant of a position is
ambiguous on a period boundary, so two conventions exist: the *start*
convention picks the start of the next period (where work would begin), the
*finish* convention the end of the previous one (where work ended).
"""

from __future__ import annotations

import itertools
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import numpy as np
import numpy.typing as npt

from keystage.engine.errors import CalendarError, HorizonError

MINUTES_PER_DAY = 1440
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True, slots=True, order=True)
class Shift:
    """A working period within one day, in minutes from midnight, half-open."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start < self.end <= MINUTES_PER_DAY:
            raise ValueError(f"shift {self.start}-{self.end} is not within one day")

    @classmethod
    def parse(cls, text: str) -> Shift:
        """Build a shift from ``"08:00-12:00"`` (``24:00`` allowed as an end)."""
        try:
            left, right = text.split("-")
            return cls(_minutes(left), _minutes(right))
        except ValueError as exc:
            raise ValueError(f"bad shift {text!r}: expected HH:MM-HH:MM ({exc})") from None

    @property
    def minutes(self) -> int:
        """Length of the shift in minutes."""
        return self.end - self.start


def _minutes(text: str) -> int:
    hours, minutes = text.strip().split(":")
    value = int(hours) * 60 + int(minutes)
    if not (0 <= int(minutes) < 60 and 0 <= value <= MINUTES_PER_DAY):
        raise ValueError(f"{text!r} is not a time of day")
    return value


STANDARD_DAY = (Shift(8 * 60, 12 * 60), Shift(13 * 60, 17 * 60))


@dataclass(frozen=True, slots=True)
class CalendarException:
    """Working time of one date replacing the weekday's: no shifts = non-working day."""

    day: date
    shifts: tuple[Shift, ...] = ()


@dataclass(frozen=True)
class Calendar:
    """Working weekdays (Monday first) with exceptions; immutable."""

    id: str
    week: tuple[tuple[Shift, ...], ...] = (STANDARD_DAY,) * 5 + ((), ())
    exceptions: tuple[CalendarException, ...] = ()
    name: str = ""
    _by_day: dict[date, tuple[Shift, ...]] = field(
        init=False, repr=False, compare=False, hash=False
    )

    def __post_init__(self) -> None:
        if len(self.week) != 7:
            raise CalendarError(self.id, "the week must list 7 days, Monday first")
        by_day: dict[date, tuple[Shift, ...]] = {}
        for day_shifts in (*self.week, *(e.shifts for e in self.exceptions)):
            _check_overlap(self.id, day_shifts)
        for exc in self.exceptions:
            by_day[exc.day] = tuple(sorted(exc.shifts))
        object.__setattr__(self, "_by_day", by_day)
        if self.weekly_minutes == 0 and not any(by_day.values()):
            raise CalendarError(self.id, "has no working time")

    @property
    def weekly_minutes(self) -> int:
        """Working minutes in a regular week (without exceptions)."""
        return sum(s.minutes for day in self.week for s in day)

    def shifts_on(self, day: date) -> tuple[Shift, ...]:
        """Working shifts on a date, exceptions taken into account."""
        found = self._by_day.get(day)
        return found if found is not None else self.week[day.weekday()]

    def index(self, origin: date, days: int) -> WorkIndex:
        """Compile the working periods of ``days`` days from ``origin`` (midnight)."""
        return WorkIndex.build(self, origin, days)


def _check_overlap(calendar_id: str, shifts: tuple[Shift, ...]) -> None:
    ordered = sorted(shifts)
    for first, second in itertools.pairwise(ordered):
        if second.start < first.end:
            raise CalendarError(calendar_id, f"shifts {first} and {second} overlap")


@dataclass(frozen=True)
class WorkIndex:
    """Working periods of a calendar over a horizon, as sorted numpy arrays."""

    calendar: Calendar
    origin: date
    days: int
    starts: IntArray  # instant (minutes from origin) where each period starts
    ends: IntArray
    cum: IntArray  # working minutes before each period

    @classmethod
    def build(cls, calendar: Calendar, origin: date, days: int) -> WorkIndex:
        """Lay the calendar's shifts out over ``days`` days from ``origin``."""
        patterns: list[tuple[Shift, ...]] = list(calendar.week)
        day_pattern = (origin.weekday() + np.arange(days, dtype=np.int64)) % 7
        end_day = origin + timedelta(days=days)
        for exc in calendar.exceptions:
            if origin <= exc.day < end_day:
                day_pattern[(exc.day - origin).days] = len(patterns)
                patterns.append(tuple(sorted(exc.shifts)))
        width = max(1, max(len(p) for p in patterns))
        p_start = np.zeros((len(patterns), width), dtype=np.int64)
        p_end = np.zeros((len(patterns), width), dtype=np.int64)
        p_count = np.array([len(p) for p in patterns], dtype=np.int64)
        for i, pattern in enumerate(patterns):
            for k, shift in enumerate(pattern):
                p_start[i, k], p_end[i, k] = shift.start, shift.end
        counts = p_count[day_pattern]
        total = int(counts.sum())
        day_of = np.repeat(np.arange(days, dtype=np.int64), counts)
        first = np.cumsum(counts) - counts
        k_of = np.arange(total, dtype=np.int64) - np.repeat(first, counts)
        pat = day_pattern[day_of]
        starts = day_of * MINUTES_PER_DAY + p_start[pat, k_of]
        ends = day_of * MINUTES_PER_DAY + p_end[pat, k_of]
        cum = np.zeros(total, dtype=np.int64)
        if total:
            np.cumsum((ends - starts)[:-1], out=cum[1:])
        return cls(calendar, origin, days, starts, ends, cum)

    @property
    def total(self) -> int:
        """Working minutes in the whole horizon."""
        return int(self.cum[-1] + self.ends[-1] - self.starts[-1]) if self.cum.size else 0

    @property
    def horizon(self) -> int:
        """Length of the horizon in minutes."""
        return self.days * MINUTES_PER_DAY

    def position(self, instant: npt.ArrayLike) -> IntArray:
        """Working minutes from the origin up to each instant (vectorised)."""
        instant = np.asarray(instant, dtype=np.int64)  # type: ignore[assignment]
        i = np.searchsorted(self.starts, instant, side="right") - 1
        ic = np.maximum(i, 0)
        inside = np.minimum(instant - self.starts[ic], self.ends[ic] - self.starts[ic])
        return np.where(i < 0, 0, self.cum[ic] + inside)

    def instant_start(self, position: npt.ArrayLike) -> IntArray:
        """Instant where work at ``position`` begins (start of the next period on a boundary)."""
        position = np.asarray(position, dtype=np.int64)  # type: ignore[assignment]
        i = np.maximum(np.searchsorted(self.cum, position, side="right") - 1, 0)
        return self.starts[i] + position - self.cum[i]

    def instant_finish(self, position: npt.ArrayLike) -> IntArray:
        """Instant where work up to ``position`` ends (end of the period on a boundary)."""
        position = np.asarray(position, dtype=np.int64)  # type: ignore[assignment]
        i = np.maximum(np.searchsorted(self.cum, position, side="left") - 1, 0)
        return self.starts[i] + position - self.cum[i]

    def to_datetime(self, instant: npt.ArrayLike) -> npt.NDArray[np.datetime64]:
        """Instants (minutes from origin) to ``datetime64[m]`` values."""
        base = np.datetime64(self.origin, "m")
        return base + np.asarray(instant, dtype=np.int64).astype("timedelta64[m]")

    def instant_of(self, when: datetime) -> int:
        """Minutes from the origin to a naive datetime (seconds are dropped)."""
        delta = when - datetime.combine(self.origin, time())
        return int(delta.total_seconds() // 60)


class CalendarClock:
    """A calendar's index that grows its horizon on demand; scalar and vector helpers.

    Scalar conversions use :mod:`bisect` on list copies of the index (much faster than
    numpy for one value at a time); vector conversions use :class:`WorkIndex`.
    """

    def __init__(self, calendar: Calendar, origin: date, days: int = 366) -> None:
        self.calendar = calendar
        self.origin = origin
        self._set(calendar.index(origin, max(days, 7)))

    def _set(self, work: WorkIndex) -> None:
        self.work = work
        self._starts: list[int] = work.starts.tolist()
        self._ends: list[int] = work.ends.tolist()
        self._cum: list[int] = work.cum.tolist()
        self._total = work.total

    def _grow(self, days: int) -> None:
        if days > 200 * 366:
            raise HorizonError(self.calendar.id)
        self._set(self.calendar.index(self.origin, days))

    def ensure_position(self, position: int) -> WorkIndex:
        """Make the horizon cover ``position`` working minutes (plus one period)."""
        while self._total <= position:
            self._grow(self.work.days * 2)
        return self.work

    def ensure_instant(self, instant: int) -> WorkIndex:
        """Make the horizon cover ``instant`` and one working period after it."""
        while not self._ends or self._ends[-1] <= instant:
            self._grow(self.work.days * 2)
        return self.work

    def position(self, instant: int) -> int:
        """Working minutes from the origin up to ``instant``."""
        self.ensure_instant(instant)
        i = bisect_right(self._starts, instant) - 1
        if i < 0:
            return 0
        return self._cum[i] + min(instant - self._starts[i], self._ends[i] - self._starts[i])

    def start(self, position: int) -> int:
        """Instant where work at ``position`` begins (start of the next period on a boundary)."""
        self.ensure_position(position)
        i = max(bisect_right(self._cum, position) - 1, 0)
        return self._starts[i] + position - self._cum[i]

    def finish(self, position: int) -> int:
        """Instant where work up to ``position`` ends (end of the period on a boundary)."""
        self.ensure_position(position)
        i = max(bisect_left(self._cum, position) - 1, 0)
        return self._starts[i] + position - self._cum[i]

    def next_working(self, instant: int) -> int:
        """The first working instant at or after ``instant``."""
        return self.start(self.position(instant))

    def add(self, instant: int, minutes: int) -> int:
        """Instant after working ``minutes`` from ``instant`` (negative goes back)."""
        target = self.position(instant) + minutes
        if minutes > 0:
            return self.finish(target)
        return self.start(max(target, 0))

    def working_between(self, first: int, second: int) -> int:
        """Working minutes in ``[first, second)`` (negative if second < first)."""
        return self.position(second) - self.position(first)
