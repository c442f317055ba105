"""Activities, links, constraints, baselines and projects: frozen, validated inputs."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Self

from keystage.engine.calendars import Calendar
from keystage.engine.errors import (
    CycleError,
    DuplicateActivityError,
    InvalidActivityError,
    NegativeDurationError,
    PositiveCycleError,
    UnknownActivityError,
    UnknownCalendarError,
)


class Kind(StrEnum):
    """What an activity is: work, a zero-length event, or a WBS parent."""

    TASK = "task"
    MILESTONE = "milestone"
    SUMMARY = "summary"


class Labelled(StrEnum):
    """A string enum whose members also carry a human label (forms, API schema, exports)."""

    _value_: str
    label: str

    # Members are declared as ``NAME = value, label``. ``LinkType("FS")`` is a lookup by
    # value, not a call of ``__new__``; the default only lets type checkers see that.
    def __new__(cls, value: str, label: str = "") -> Self:
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls) -> list[tuple[str, str]]:
        """``(value, label)`` pairs in definition order, as Django fields and forms want them."""
        return [(member.value, member.label) for member in cls]


class LinkType(Labelled):
    """Dependency types: the first letter is the predecessor's end, the second the successor's.

    The one definition of the concept: the CPM and RCPSP models, the planning
    app's ``Dependency.type`` choices, the API schema and the Gantt use it.
    """

    FS = "FS", "Finish-to-start"
    SS = "SS", "Start-to-start"
    FF = "FF", "Finish-to-finish"
    SF = "SF", "Start-to-finish"


class LagUnit(StrEnum):
    """How a lag is measured."""

    WORKING = "working"  # working minutes of the project calendar
    ELAPSED = "elapsed"  # wall-clock minutes
    PERCENT = "percent"  # percent of the predecessor's duration


class ConstraintType(Labelled):
    """Date constraints, as in MS Project (the one definition; ``Task.constraint_type`` uses it)."""

    ASAP = "ASAP", "As soon as possible"
    ALAP = "ALAP", "As late as possible"
    SNET = "SNET", "Start no earlier than"
    SNLT = "SNLT", "Start no later than"
    FNET = "FNET", "Finish no earlier than"
    FNLT = "FNLT", "Finish no later than"
    MSO = "MSO", "Must start on"
    MFO = "MFO", "Must finish on"


DATED_CONSTRAINTS = frozenset(ConstraintType) - {ConstraintType.ASAP, ConstraintType.ALAP}


@dataclass(frozen=True, slots=True)
class Activity:
    """One activity; durations are in minutes (working, or wall-clock when ``elapsed``)."""

    id: str
    name: str = ""
    duration: int = 0
    elapsed: bool = False
    kind: Kind = Kind.TASK
    parent: str | None = None
    calendar: str | None = None
    constraint: ConstraintType = ConstraintType.ASAP
    constraint_date: datetime | None = None
    deadline: datetime | None = None
    actual_start: datetime | None = None
    actual_finish: datetime | None = None
    percent_complete: float = 0.0
    remaining: int | None = None
    work: float = 0.0
    cost: float = 0.0

    def __post_init__(self) -> None:
        if not self.id:
            raise InvalidActivityError(self.id, "the id is empty")
        if self.duration < 0:
            raise NegativeDurationError(self.id, self.duration)
        if self.remaining is not None and self.remaining < 0:
            raise NegativeDurationError(self.id, self.remaining)
        if self.kind is Kind.MILESTONE and self.duration:
            raise InvalidActivityError(self.id, "a milestone has no duration")
        if (self.constraint in DATED_CONSTRAINTS) != (self.constraint_date is not None):
            raise InvalidActivityError(
                self.id, f"constraint {self.constraint} and its date must come together"
            )
        if not 0.0 <= self.percent_complete <= 100.0:
            raise InvalidActivityError(self.id, "percent complete must be within 0..100")
        if self.actual_finish is not None:
            if self.actual_start is None:
                raise InvalidActivityError(self.id, "an actual finish needs an actual start")
            if self.actual_finish < self.actual_start:
                raise InvalidActivityError(self.id, "the actual finish is before the actual start")
        if self.percent_complete > 0 and self.actual_start is None:
            raise InvalidActivityError(self.id, "percent complete needs an actual start")

    @property
    def started(self) -> bool:
        """True once the activity has an actual start."""
        return self.actual_start is not None

    @property
    def finished(self) -> bool:
        """True once the activity has an actual finish."""
        return self.actual_finish is not None


@dataclass(frozen=True, slots=True)
class Link:
    """A dependency from ``pred`` to ``succ`` with a lag (negative = lead).

    ``max_lag`` (same unit as ``lag``; ``None`` = no limit) bounds the gap from above:
    for an FS link, ``succ.start − pred.finish`` lies within ``lag..max_lag``.
    """

    pred: str
    succ: str
    type: LinkType = LinkType.FS
    lag: float = 0
    lag_unit: LagUnit = LagUnit.WORKING
    max_lag: float | None = None

    def __post_init__(self) -> None:
        if self.pred == self.succ:
            raise CycleError([self.pred])
        if self.max_lag is not None and self.max_lag < self.lag:
            raise PositiveCycleError(
                [self.pred, self.succ], [self.label], round(self.lag - self.max_lag)
            )

    @property
    def label(self) -> str:
        """Short text such as ``A→B FS+480`` or ``A→B FS max+1440``."""
        unit = "%" if self.lag_unit is LagUnit.PERCENT else ""
        lag = f"{self.lag:+g}{unit}" if self.lag else ""
        most = f" max{self.max_lag:+g}{unit}" if self.max_lag is not None else ""
        return f"{self.pred}→{self.succ} {self.type}{lag}{most}"


@dataclass(frozen=True, slots=True)
class BaselineEntry:
    """Planned dates of one activity in a baseline."""

    activity: str
    start: datetime
    finish: datetime
    duration: int


@dataclass(frozen=True, slots=True)
class Baseline:
    """A named snapshot of planned dates."""

    name: str
    entries: tuple[BaselineEntry, ...] = ()


@dataclass(frozen=True)
class Project:
    """Everything the scheduler needs; validated on construction."""

    start: datetime
    activities: tuple[Activity, ...]
    links: tuple[Link, ...] = ()
    calendars: tuple[Calendar, ...] = (Calendar("standard"),)
    calendar: str = "standard"
    data_date: datetime | None = None
    baselines: tuple[Baseline, ...] = ()
    index: dict[str, int] = field(init=False, repr=False, compare=False, hash=False)
    has_max_lags: bool = field(init=False, repr=False, compare=False, hash=False)

    def __post_init__(self) -> None:
        index: dict[str, int] = {}
        for i, act in enumerate(self.activities):
            if act.id in index:
                raise DuplicateActivityError(act.id)
            index[act.id] = i
        object.__setattr__(self, "index", index)
        calendar_ids = {c.id for c in self.calendars}
        if self.calendar not in calendar_ids:
            raise UnknownCalendarError(self.calendar, "(project)")
        for act in self.activities:
            if act.calendar is not None and act.calendar not in calendar_ids:
                raise UnknownCalendarError(act.calendar, act.id)
            if act.parent is not None:
                parent = self.activities[index[act.parent]] if act.parent in index else None
                if parent is None:
                    raise UnknownActivityError(act.parent, f"parent of {act.id!r}", act.id)
                if parent.kind is not Kind.SUMMARY:
                    raise InvalidActivityError(parent.id, "has children but is not a summary")
        has_max_lags = False
        for link in self.links:
            if link.max_lag is not None:
                has_max_lags = True
            for end in (link.pred, link.succ):
                if end not in index:
                    raise UnknownActivityError(
                        end, f"link {link.label}", link.succ if end == link.pred else link.pred
                    )
                if self.activities[index[end]].kind is Kind.SUMMARY:
                    raise InvalidActivityError(end, "summary tasks cannot be linked")
        object.__setattr__(self, "has_max_lags", has_max_lags)
        for baseline in self.baselines:
            for entry in baseline.entries:
                if entry.activity not in index:
                    raise UnknownActivityError(entry.activity, f"baseline {baseline.name!r}")

    @property
    def calendars_by_id(self) -> dict[str, Calendar]:
        """Calendars keyed by id."""
        return {c.id: c for c in self.calendars}

    def calendar_of(self, activity: Activity) -> Calendar:
        """The calendar an activity works on (its own, else the project's)."""
        return self.calendars_by_id[activity.calendar or self.calendar]

    def baseline(self, name: str) -> Baseline:
        """The baseline called ``name``."""
        for baseline in self.baselines:
            if baseline.name == name:
                return baseline
        raise KeyError(f"no baseline named {name!r}")
