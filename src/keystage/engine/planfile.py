"""Plan as code: read a TOML plan (see ``docs/plan-format.md``) into a :class:`Project`."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, time
from typing import Any, TypeVar

import rtoml

from keystage.engine import daterange
from keystage.engine.calendars import STANDARD_DAY, Calendar, CalendarException, Shift
from keystage.engine.errors import DuplicateActivityError, ScheduleError, UnknownActivityError
from keystage.engine.network import (
    Activity,
    Baseline,
    BaselineEntry,
    ConstraintType,
    Kind,
    LagUnit,
    Link,
    LinkType,
    Project,
)

T = TypeVar("T")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
DURATION = re.compile(r"^\s*(-?\d+(?:\.\d+)?)\s*(e?)(m|min|h|d|w)?\s*$")
LINK = re.compile(r"^\s*(\S+?)\s*(?:\s(FS|SS|FF|SF)\s*(?:([+-])\s*(\S+))?)?\s*$")
FINISH_CONSTRAINTS = {ConstraintType.FNET, ConstraintType.FNLT, ConstraintType.MFO}
ACTIVITY_FIELDS = frozenset(
    {
        "id", "name", "duration", "kind", "parent", "calendar", "constraint", "constraint_date",
        "deadline", "actual_start", "actual_finish", "percent_complete", "remaining", "work",
        "cost", "predecessors",
    }
)  # fmt: skip
LINK_FIELDS = ("from", "to", "type", "lag", "max_lag")
SIMPLE_FIELDS = frozenset(("id", "name", "duration", "kind", "predecessors"))
DATE_FIELDS = ("constraint_date", "deadline", "actual_start", "actual_finish")


class PlanError(ScheduleError):
    """The plan file is malformed; the message names the line or the field."""


def load_plan(path: str) -> tuple[Project, str | None]:
    """Read a plan file; returns the project and the baseline to compare with (if any)."""
    try:
        with open(path, "rb") as handle:
            text = handle.read().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise PlanError(f"{path}: not UTF-8 text ({exc.reason})") from None
    return parse_plan(text, path)


def parse_plan(text: str, source: str = "plan") -> tuple[Project, str | None]:
    """Parse TOML plan text; errors name the line (syntax) or the field (values)."""
    data = read_toml(text, source)
    reader = _Reader(text, source)
    try:
        return reader.project(data)
    except PlanError:
        raise
    except ScheduleError as exc:
        raise PlanError(f"{reader.locate(exc)}{exc}") from None


def read_toml(text: str, source: str = "plan") -> dict[str, Any]:
    """TOML text as a dict, read by rtoml (Rust, ~6x faster than ``tomllib``).

    rtoml reads TOML 1.1, a superset of the TOML 1.0 that ``tomllib`` reads. On a syntax
    error the text is read again with ``tomllib`` so that the message is the familiar
    one, ``... (at line 3, column 7)``; rtoml's own (also with the line) is the fallback.
    """
    try:
        data: dict[str, Any] = rtoml.loads(text)
    except rtoml.TomlParsingError as exc:
        import tomllib  # only for its message; not imported on the fast path

        try:
            tomllib.loads(text)
        except tomllib.TOMLDecodeError as strict:
            raise PlanError(f"{source}: {strict}") from None
        raise PlanError(f"{source}: {exc}") from None
    return data


def line_of(text: str, activity_id: str | None, occurrence: int = 1) -> int | None:
    """Line number of the ``occurrence``-th ``id = "<activity_id>"`` in plan text, if present."""
    if activity_id is None:
        return None
    pattern = re.compile(rf"""^[ \t]*id\s*=\s*["']{re.escape(activity_id)}["']""", re.M)
    for n, found in enumerate(pattern.finditer(text), start=1):
        if n == occurrence:
            return text.count("\n", 0, found.start()) + 1
    return None


def error_line(text: str, exc: Exception) -> int | None:
    """The line an engine error is about: the duplicate's (not the first copy's) line, the
    line of the activity whose link or parent names an unknown activity, or the line of the
    activity (the first of a cycle) the error names."""
    if isinstance(exc, DuplicateActivityError):
        return line_of(text, exc.activity_id, occurrence=2)
    if isinstance(exc, UnknownActivityError):
        return line_of(text, exc.referrer)
    culprit = getattr(exc, "activity_id", None) or next(iter(getattr(exc, "cycle", ())), None)
    return line_of(text, culprit)


class _Reader:
    def __init__(self, text: str, source: str) -> None:
        self.text = text
        self.source = source
        self.minutes_per_day = 480
        # parsed unit strings: "3h" -> (180.0, False); link tails "SS+2d" -> (type, lag, unit)
        self.durations: dict[str, tuple[float, bool]] = {}
        self.link_tails: dict[str, tuple[LinkType, float, LagUnit]] = {}

    def locate(self, exc: Exception) -> str:
        """``source:line: `` for an engine error (see :func:`error_line`)."""
        line = error_line(self.text, exc)
        return f"{self.source}: " if line is None else f"{self.source}:{line}: "

    def links_line(self, i: int) -> int | str:
        """Line of the ``i``-th ``[[links]]`` header (``?`` if not found)."""
        found = list(re.finditer(r"^[ \t]*\[\[[ \t]*links[ \t]*\]\]", self.text, re.M))
        return self.text.count("\n", 0, found[i].start()) + 1 if i < len(found) else "?"

    def where(self, activity_id: str | None) -> str:
        """``source:line: `` of the activity's ``id = "..."`` line, when found."""
        line = line_of(self.text, activity_id)
        return f"{self.source}: " if line is None else f"{self.source}:{line}: "

    def fail(self, field: str, message: str, activity_id: str | None = None) -> PlanError:
        """A :class:`PlanError` naming the field (and the activity's line)."""
        return PlanError(f"{self.where(activity_id)}{field}: {message}")

    def get(
        self,
        table: dict[str, Any],
        key: str,
        kind: type | tuple[type, ...],
        field: str,
        default: Any = None,
        act: str | None = None,
    ) -> Any:
        """``table[key]`` checked against ``kind`` (a wrong type names the field)."""
        value = table.get(key, default)
        if value is None or (isinstance(value, kind) and not isinstance(value, bool)):
            return value
        raise self.fail(f"{field}.{key}", f"expected {_kind_name(kind)}, got {value!r}", act)

    def project(self, data: dict[str, Any]) -> tuple[Project, str | None]:
        """The whole plan: project, calendars, activities, links, baselines."""
        known = {"project", "calendars", "activities", "links", "baselines"}
        for key in data:
            if key not in known:
                raise self.fail(key, f"unknown section (expected one of {sorted(known)})")
        head = data.get("project")
        if not isinstance(head, dict):
            raise self.fail("project", "the [project] table is required")
        start = self.when(head.get("start"), "project.start", finish=False)
        if start is None:
            raise self.fail("project.start", "a start date is required")
        calendars = self.calendars(data.get("calendars", {}))
        calendar_id = self.get(head, "calendar", str, "project", "standard")
        if calendar_id not in {c.id for c in calendars}:
            raise self.fail("project.calendar", f"unknown calendar {calendar_id!r}")
        cal = next(c for c in calendars if c.id == calendar_id)
        self.minutes_per_day = max(sum(s.minutes for s in day) for day in cal.week) or 480
        self.durations.clear()  # "d" and "w" depend on the working day
        self.link_tails.clear()
        acts = data.get("activities", [])
        if not isinstance(acts, list) or not acts:
            raise self.fail("activities", "at least one [[activities]] entry is required")
        activities, links = [], []
        for i, table in enumerate(acts):
            activity, inline = self.activity(table, i)
            activities.append(activity)
            links += inline
        ids = {a.id for a in activities}
        for i, table in enumerate(data.get("links", [])):
            link = self.link(table, i)
            for end in (link.pred, link.succ):
                if end not in ids:
                    line = self.links_line(i)
                    raise PlanError(
                        f"{self.source}:{line}: links[{i}] refers to unknown activity {end!r}"
                    )
            links.append(link)
        baselines = tuple(self.baseline(t, i) for i, t in enumerate(data.get("baselines", [])))
        project = Project(
            start=start,
            activities=tuple(activities),
            links=tuple(links),
            calendars=tuple(calendars),
            calendar=calendar_id,
            data_date=self.when(head.get("data_date"), "project.data_date", finish=False),
            baselines=baselines,
        )
        baseline = self.get(head, "baseline", str, "project")
        if baseline is not None and baseline not in {b.name for b in baselines}:
            raise self.fail("project.baseline", f"no baseline named {baseline!r}")
        return project, baseline

    def when(
        self, value: Any, field: str, *, finish: bool, act: str | None = None
    ) -> datetime | None:
        """A TOML date or datetime; a bare date means the day's start (or its end for finishes)."""
        if isinstance(value, date) and not daterange.plausible(value):
            raise self.fail(field, daterange.MESSAGE, act)
        if value is None or isinstance(value, datetime):
            if isinstance(value, datetime) and value.tzinfo is not None:
                raise self.fail(field, "use a local date-time without a time zone", act)
            return value
        if isinstance(value, date):
            return datetime.combine(value, time(23, 59) if finish else time())
        raise self.fail(
            field, f"expected a date like 2025-03-03 or 2025-03-03T08:00, got {value!r}", act
        )

    def minutes(self, value: Any, field: str, act: str | None = None) -> tuple[float, bool]:
        """A duration such as ``5d``, ``3h``, ``90m``, ``2ew`` (elapsed); numbers are minutes."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return self.bounded(float(value), field, act), False
        if type(value) is str and value in self.durations:
            return self.durations[value]
        found = DURATION.match(value) if isinstance(value, str) else None
        if found is None:
            raise self.fail(field, f"bad duration {value!r} (try 5d, 3h, 90m or 2ed)", act)
        amount, elapsed, unit = float(found[1]), bool(found[2]), found[3] or "m"
        day = 1440 if elapsed else self.minutes_per_day
        scale = {"m": 1, "min": 1, "h": 60, "d": day, "w": (7 if elapsed else 5) * day}[unit]
        result = self.bounded(amount * scale, field, act), elapsed
        if type(value) is str:
            self.durations[value] = result
        return result

    def bounded(self, minutes: float, field: str, act: str | None) -> float:
        """A duration or lag within ten years either way (checked before any scheduling)."""
        if not abs(minutes) <= daterange.MAX_SPAN_MINUTES:  # also refuses NaN and infinity
            raise self.fail(field, daterange.SPAN_MESSAGE, act)
        return minutes

    def shifts(self, value: Any, field: str) -> tuple[Shift, ...]:
        """A list of ``"HH:MM-HH:MM"`` shifts."""
        if not isinstance(value, list):
            raise self.fail(field, 'expected a list like ["08:00-12:00", "13:00-17:00"]')
        try:
            return tuple(Shift.parse(v) for v in value)
        except (ValueError, AttributeError) as exc:
            raise self.fail(field, str(exc)) from None

    def calendars(self, tables: Any) -> list[Calendar]:
        """``[calendars.<id>]`` tables (plus the standard calendar)."""
        result = [] if "standard" in tables else [Calendar("standard", name="Standard")]
        for cid, table in tables.items():
            field = f"calendars.{cid}"
            hours = self.shifts(
                table.get("hours", ["08:00-12:00", "13:00-17:00"]), field + ".hours"
            )
            days = table.get("days", list(DAYS[:5]))
            if not isinstance(days, list) or any(d not in DAYS for d in days):
                raise self.fail(field + ".days", f"expected day names from {list(DAYS)}")
            week = [hours if d in days else () for d in DAYS]
            for day, shifts in table.get("week", {}).items():
                if day not in DAYS:
                    raise self.fail(f"{field}.week.{day}", "not a day name")
                week[DAYS.index(day)] = self.shifts(shifts, f"{field}.week.{day}")
            exceptions = [
                CalendarException(self.day(d, f"{field}.holidays"))
                for d in table.get("holidays", [])
            ]
            for j, exc in enumerate(table.get("exceptions", [])):
                efield = f"{field}.exceptions[{j}]"
                exceptions.append(
                    CalendarException(
                        self.day(exc.get("date"), efield + ".date"),
                        self.shifts(exc.get("hours", []), efield + ".hours"),
                    )
                )
            result.append(
                Calendar(
                    cid,
                    tuple(week) if week else (STANDARD_DAY,) * 5 + ((), ()),
                    tuple(exceptions),
                    name=table.get("name", cid),
                )
            )
        return result

    def day(self, value: Any, field: str) -> date:
        """A TOML date (not a date-time)."""
        if isinstance(value, date) and not isinstance(value, datetime):
            if not daterange.plausible(value):
                raise self.fail(field, daterange.MESSAGE)
            return value
        raise self.fail(field, f"expected a date like 2025-12-25, got {value!r}")

    def activity(self, table: Any, i: int) -> tuple[Activity, list[Link]]:
        """One ``[[activities]]`` table and the links in its ``predecessors``."""
        if not isinstance(table, dict) or not isinstance(table.get("id"), str):
            raise self.fail(f"activities[{i}].id", "each activity needs a string id")
        aid = table["id"]
        field = f"activities[{i}] ({aid})"
        if not ACTIVITY_FIELDS.issuperset(table):
            unknown = next(key for key in table if key not in ACTIVITY_FIELDS)
            raise self.fail(f"{field}.{unknown}", "unknown field", aid)
        get = table.get
        value = get("kind")
        kind = Kind.TASK if value is None else self.choice(Kind, value, f"{field}.kind", aid)
        value = get("duration", 0)
        if type(value) is str and value in self.durations:
            duration, elapsed = self.durations[value]
        else:
            duration, elapsed = self.minutes(value, f"{field}.duration", aid)
        if SIMPLE_FIELDS.issuperset(table):  # the common case: no dates, costs or progress
            name = get("name", "")
            if type(name) is not str:
                name = self.get(table, "name", str, field, "", aid)
            activity = Activity(aid, name, round(duration), elapsed, kind)
        else:
            activity = self.full_activity(table, aid, field, kind, duration, elapsed)
        predecessors = get("predecessors")
        if predecessors is None:
            return activity, []
        return activity, [
            self.inline_link(text, aid, field, j) for j, text in enumerate(predecessors)
        ]

    def full_activity(
        self, table: dict[str, Any], aid: str, field: str, kind: Kind, duration: float,
        elapsed: bool,
    ) -> Activity:  # fmt: skip
        """An activity with any of the optional fields (constraints, dates, progress, costs)."""
        get = table.get
        value = get("constraint")
        constraint = (
            ConstraintType.ASAP
            if value is None
            else self.choice(ConstraintType, value, f"{field}.constraint", aid)
        )
        remaining = get("remaining")
        rest = None if remaining is None else self.minutes(remaining, f"{field}.remaining", aid)[0]
        texts = [get("name", ""), get("parent"), get("calendar")]
        if any(v is not None and type(v) is not str for v in texts):
            texts = [
                self.get(table, "name", str, field, "", aid),
                self.get(table, "parent", str, field, None, aid),
                self.get(table, "calendar", str, field, None, aid),
            ]
        dates: dict[str, datetime | None] = {}
        for key in DATE_FIELDS:
            value = get(key)
            if value is not None:
                finish = (
                    constraint in FINISH_CONSTRAINTS
                    if key == "constraint_date"
                    else (key != "actual_start")
                )
                dates[key] = self.when(value, f"{field}.{key}", finish=finish, act=aid)
        numbers = [get("percent_complete", 0), get("work", 0), get("cost", 0)]
        if any(type(v) is not int and type(v) is not float for v in numbers):
            numbers = [
                self.get(table, "percent_complete", (int, float), field, 0, aid),
                self.get(table, "work", (int, float), field, 0, aid),
                self.get(table, "cost", (int, float), field, 0, aid),
            ]
        return Activity(
            aid,
            texts[0],
            round(duration),
            elapsed,
            kind,
            texts[1],
            texts[2],
            constraint,
            dates.get("constraint_date"),
            dates.get("deadline"),
            dates.get("actual_start"),
            dates.get("actual_finish"),
            float(numbers[0]),
            None if rest is None else round(rest),
            float(numbers[1]),
            float(numbers[2]),
        )

    def choice(self, enum: Callable[[str], T], value: Any, field: str, act: str | None) -> T:
        """A value of an enumeration, case-insensitive for codes."""
        try:
            return enum(value.upper() if enum is not Kind else value)
        except (ValueError, AttributeError):
            options = [e.value for e in enum]  # type: ignore[attr-defined]
            raise self.fail(field, f"{value!r} is not one of {options}", act) from None

    def lag(self, value: Any, field: str, act: str | None) -> tuple[float, LagUnit]:
        """A lag: duration (working or elapsed) or a percentage ``"50%"``."""
        if isinstance(value, str) and value.strip().endswith("%"):
            try:
                return float(value.strip()[:-1]), LagUnit.PERCENT
            except ValueError:
                raise self.fail(field, f"bad percent lag {value!r}", act) from None
        minutes, elapsed = self.minutes(value, field, act)
        return minutes, LagUnit.ELAPSED if elapsed else LagUnit.WORKING

    def inline_link(self, text: Any, succ: str, field: str, j: int) -> Link:
        """A link written as ``"A"``, ``"A SS"`` or ``"A FF+2d"``."""
        parts = text.split(None, 1) if type(text) is str else ()
        if len(parts) == 1:
            return Link(parts[0], succ, LinkType.FS, 0.0, LagUnit.WORKING)
        if len(parts) == 2:
            spec = self.link_tails.get(parts[1])
            if spec is not None:
                return Link(parts[0], succ, *spec)
        found = LINK.match(text) if isinstance(text, str) else None
        where = f"{field}.predecessors[{j}]"
        if found is None:
            raise self.fail(where, f'bad link {text!r} (try "A", "A SS", "A FS+2d")', succ)
        lag, unit = (0.0, LagUnit.WORKING)
        if found[4]:
            lag, unit = self.lag(found[4], where, succ)
            lag = -lag if found[3] == "-" else lag
        spec = (LinkType(found[2] or "FS"), lag, unit)
        if len(parts) == 2:
            self.link_tails[parts[1]] = spec
        return Link(found[1], succ, *spec)

    def link(self, table: Any, i: int) -> Link:
        """One ``[[links]]`` table."""
        field = f"links[{i}]"
        if not isinstance(table, dict) or "from" not in table or "to" not in table:
            raise self.fail(field, "each link needs 'from' and 'to'")
        for key in table:
            if key not in LINK_FIELDS:
                raise self.at_link(i, key, f"unknown field (expected one of {list(LINK_FIELDS)})")
        kind = self.choice(LinkType, table.get("type", "FS"), f"{field}.type", None)
        lag, unit = self.lag(table.get("lag", 0), f"{field}.lag", None)
        most = None
        if "max_lag" in table:
            most, most_unit = self.lag(table["max_lag"], f"{field}.max_lag", None)
            if "lag" not in table and unit is LagUnit.WORKING:
                unit = most_unit  # no lag given: it is 0 in the maximum's unit
            if most_unit is not unit:
                raise self.at_link(
                    i, "max_lag", f"use the unit of lag ({unit.value}), not {most_unit.value}"
                )
        try:
            return Link(str(table["from"]), str(table["to"]), kind, lag, unit, most)
        except ScheduleError as exc:
            raise self.at_link(i, "max_lag", str(exc)) from None

    def at_link(self, i: int, key: str, message: str) -> PlanError:
        """A :class:`PlanError` at the line of the ``i``-th ``[[links]]`` table."""
        return PlanError(f"{self.source}:{self.links_line(i)}: links[{i}].{key}: {message}")

    def baseline(self, table: Any, i: int) -> Baseline:
        """One ``[[baselines]]`` table."""
        field = f"baselines[{i}]"
        if not isinstance(table, dict) or not isinstance(table.get("name"), str):
            raise self.fail(field + ".name", "each baseline needs a name")
        entries = []
        for aid, row in table.get("activities", {}).items():
            afield = f"{field}.activities.{aid}"
            start = self.when(row.get("start"), afield + ".start", finish=False)
            finish = self.when(row.get("finish"), afield + ".finish", finish=True)
            if start is None or finish is None:
                raise self.fail(afield, "needs start and finish")
            duration, _ = self.minutes(row.get("duration", 0), afield + ".duration")
            entries.append(BaselineEntry(aid, start, finish, round(duration)))
        return Baseline(table["name"], tuple(entries))


def _kind_name(kind: type | tuple[type, ...]) -> str:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    names = dict.fromkeys("number" if k in (int, float) else k.__name__ for k in kinds)
    return " or ".join(names)
