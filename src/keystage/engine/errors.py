"""Engine errors: each names its culprit so a user can fix the input.

:class:`FieldError` is the one family for "this input field holds a value the
engine cannot use" (business case, earned value, cost plan, charts); the app
turns it into a field message in one place (``keystage.core.engine_errors``).
:class:`ScheduleError` and its subclasses are the scheduling errors.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime


class FieldError(ValueError):
    """An input field holds a value the engine cannot use.

    ``field`` names the culprit (for example ``"lines[2].amount.low"``) and
    ``message`` says what is wrong, so a form or an API response can attach the
    message to the right input.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field}: {message}")


class ScheduleError(ValueError):
    """Base class of every error raised by the scheduling engine."""


class CycleError(ScheduleError):
    """The dependency links form a cycle; `cycle` lists the activities on it in order."""

    def __init__(self, cycle: Sequence[str]) -> None:
        self.cycle = tuple(cycle)
        path = " -> ".join([*self.cycle, self.cycle[0]]) if self.cycle else "?"
        super().__init__(f"dependency cycle: {path}")


class UnknownActivityError(ScheduleError):
    """A link or a parent refers to an activity id that does not exist."""

    def __init__(self, activity_id: str, where: str, referrer: str | None = None) -> None:
        self.activity_id = activity_id
        self.where = where
        self.referrer = referrer  # the activity whose parent or link names the unknown one
        super().__init__(f"{where} refers to unknown activity {activity_id!r}")


class DuplicateActivityError(ScheduleError):
    """Two activities share the same id."""

    def __init__(self, activity_id: str) -> None:
        self.activity_id = activity_id
        super().__init__(f"activity id {activity_id!r} is used twice")


class NegativeDurationError(ScheduleError):
    """An activity has a negative duration or remaining duration."""

    def __init__(self, activity_id: str, minutes: float) -> None:
        self.activity_id = activity_id
        self.minutes = minutes
        super().__init__(f"activity {activity_id!r} has a negative duration ({minutes} min)")


class InvalidActivityError(ScheduleError):
    """An activity's fields contradict each other (bad percent, constraint without date...)."""

    def __init__(self, activity_id: str, reason: str) -> None:
        self.activity_id = activity_id
        super().__init__(f"activity {activity_id!r}: {reason}")


class ImpossibleConstraintError(ScheduleError):
    """A constraint date cannot be met (before the project start or outside the horizon)."""

    def __init__(self, activity_id: str, when: datetime, reason: str) -> None:
        self.activity_id = activity_id
        self.when = when
        super().__init__(
            f"activity {activity_id!r}: constraint date {when:%Y-%m-%d %H:%M} {reason}"
        )


class CalendarError(ScheduleError):
    """A calendar is malformed or has no working time at all."""

    def __init__(self, calendar_id: str, reason: str) -> None:
        self.calendar_id = calendar_id
        super().__init__(f"calendar {calendar_id!r}: {reason}")


class HorizonError(CalendarError):
    """A calendar ran out of the 200 years the scheduler covers (see :class:`TooLongError`)."""

    def __init__(self, calendar_id: str) -> None:
        super().__init__(calendar_id, "has no working time within 200 years")


class TooLongError(ScheduleError):
    """The work does not fit in the 200 years of calendar the scheduler covers.

    ``activity_id`` names the activity with the most working time for its calendar
    (the likely typing mistake) and the message says how long it is.
    """

    def __init__(self, activity_id: str, reason: str) -> None:
        self.activity_id = activity_id
        super().__init__(f"activity {activity_id!r}: {reason}")


class UnknownCalendarError(ScheduleError):
    """An activity refers to a calendar id that does not exist."""

    def __init__(self, calendar_id: str, activity_id: str) -> None:
        self.calendar_id = calendar_id
        self.activity_id = activity_id
        super().__init__(f"activity {activity_id!r} uses unknown calendar {calendar_id!r}")


class PositiveCycleError(CycleError):
    """Minimum and maximum lags that cannot all hold: a cycle of links that gains time.

    ``cycle`` lists the activities on it in order and ``links`` the links (labels such
    as ``A→B FS max+1440``); ``gain`` is how many working minutes an activity on the
    cycle would have to start after itself.
    """

    def __init__(self, cycle: Sequence[str], links: Sequence[str], gain: int) -> None:
        self.cycle = tuple(cycle)
        self.links = tuple(links)
        self.gain = gain
        path = " -> ".join([*self.cycle, self.cycle[0]]) if self.cycle else "?"
        first = self.cycle[0] if self.cycle else "?"
        ScheduleError.__init__(
            self,
            f"maximum lags cannot all hold: the links {', '.join(self.links)} form the cycle "
            f"{path}, which would make {first!r} start {gain:,} working minutes after itself",
        )


class MaxLagConflictError(ScheduleError):
    """A maximum lag would pull its predecessor past the predecessor's own constraint.

    ``activity_id`` is the predecessor, ``link`` the link's label and ``constraint`` the
    constraint that holds the predecessor (``"SNLT 2025-03-03 08:00"``).
    """

    def __init__(self, activity_id: str, link: str, constraint: str, excess: int) -> None:
        self.activity_id = activity_id
        self.link = link
        self.constraint = constraint
        self.excess = excess
        super().__init__(
            f"link {link} cannot hold: its maximum lag would pull {activity_id!r} "
            f"{excess:,} working minutes past its constraint {constraint}"
        )


class MaxLagUnsupportedError(ScheduleError):
    """Maximum lags are scheduled on the project calendar only (named activity or link)."""

    def __init__(self, activity_id: str, reason: str) -> None:
        self.activity_id = activity_id
        super().__init__(f"activity {activity_id!r}: {reason}")
