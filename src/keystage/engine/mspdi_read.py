"""Read MS Project XML (MSPDI) into a :class:`~keystage.engine.interchange.PlanDocument`.

The XML is parsed with :mod:`defusedxml`: a document type declaration of any kind
is refused before expansion, so external entities (XXE), billion laughs and the
quadratic blowup never reach the parser's entity expansion — such files fail at
once with :class:`PlanReadError`.

What the reader keeps: tasks and the WBS tree (from ``OutlineLevel`` in ``ID``
order), durations in every ``DurationFormat`` unit (elapsed ones as elapsed),
milestones, the four link types with their lags (``LinkLag`` is in tenths of a
minute; ``LagFormat`` says working, elapsed or percent), constraints, deadlines,
calendars (base calendars flattened into the calendars derived from them, weekdays
with their working times, exceptions as single days), resources with their rates,
assignments, baselines 0–10 and progress (actual start and finish, % complete,
remaining duration).

Everything else that matters for the schedule but cannot be represented becomes
a :class:`~keystage.engine.interchange.Loss` naming where and what: links on
summary tasks, leveling delays, manually scheduled tasks, cost resources,
inactive tasks, external tasks and cross-project links, recurring calendar
exceptions other than daily ones, and so on.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from xml.etree import ElementTree as ET
from xml.etree.ElementTree import Element
from xml.parsers import expat

from keystage.engine.calendars import STANDARD_DAY, Calendar, CalendarException, Shift
from keystage.engine.errors import ScheduleError
from keystage.engine.interchange import Assignment, Loss, PlanDocument, Resource, ResourceKind
from keystage.engine.network import (
    DATED_CONSTRAINTS,
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

SUMMARY_LINK_PAIRS = 64  # a summary link spread over more pairs than this is a loss

CONSTRAINTS = {
    0: ConstraintType.ASAP, 1: ConstraintType.ALAP, 2: ConstraintType.MSO,
    3: ConstraintType.MFO, 4: ConstraintType.SNET, 5: ConstraintType.SNLT,
    6: ConstraintType.FNET, 7: ConstraintType.FNLT,
}  # fmt: skip
LINK_TYPES = {0: LinkType.FF, 1: LinkType.FS, 2: LinkType.SF, 3: LinkType.SS}
#: DurationFormat / LagFormat codes that are elapsed (wall-clock) units, estimated ones included.
ELAPSED_FORMATS = frozenset({4, 6, 8, 10, 12, 20, 36, 38, 40, 42, 44, 52})
PERCENT_FORMATS = frozenset({19, 20, 51, 52})
KNOWN_FORMATS = frozenset(range(3, 13)) | PERCENT_FORMATS | frozenset(range(35, 45)) | {21, 53}
RESOURCE_KINDS = {0: ResourceKind.MATERIAL, 1: ResourceKind.WORK, 2: ResourceKind.COST}
DURATION = re.compile(
    r"^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)D)?"
    r"(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$"
)
NO_ASSIGNEE = -65535
MAX_BASELINES = 11
WEEKDAY_OF_DAYTYPE = {1: 6, 2: 0, 3: 1, 4: 2, 5: 3, 6: 4, 7: 5}  # MSPDI 1 = Sunday; ours 0 = Monday


_Week = tuple[tuple[Shift, ...], ...]


class PlanReadError(ScheduleError):
    """The file cannot be read as a plan; the message says why (never echoes the file)."""


def _strip_namespaces(root: Element) -> None:
    for node in root.iter():
        tag = node.tag
        if isinstance(tag, str) and tag[:1] == "{":
            node.tag = tag[tag.find("}") + 1 :]


class _Fields:
    """One element's children by tag (the first of each) for the many one-field reads of a
    task: ``find`` of a plain tag is a dictionary look-up instead of a scan of its forty
    children (a third of reading a 10,000-task file)."""

    __slots__ = ("_by_tag", "node")

    def __init__(self, node: Element) -> None:
        by_tag: dict[str, Element] = {}
        for child in node:
            by_tag.setdefault(child.tag, child)
        self._by_tag = by_tag
        self.node = node

    def find(self, tag: str) -> Element | None:
        """The first child called ``tag`` (a plain tag, not a path)."""
        return self._by_tag.get(tag)

    def iterfind(self, tag: str) -> Iterator[Element]:
        """Every child called ``tag``, in document order."""
        return self.node.iterfind(tag)


_Node = Element | _Fields


def _refuse_dtd(*_: object) -> int:
    raise _DtdFound


class _DtdFound(Exception):
    pass


def parse_xml(data: bytes, what: str = "MS Project XML") -> Element:
    """Parse untrusted XML; any DTD, entity or external reference is refused.

    The same rule as ``defusedxml``'s ``forbid_dtd`` (without a document type declaration
    no entity can be declared, so XXE, billion laughs and the quadratic blowup cannot
    happen), checked by expat's own handlers in C, before the tree is built by the C
    ElementTree parser: a 10,000-task file parses about four times faster than through
    ``defusedxml.ElementTree``'s Python-level parser.
    """
    guard = expat.ParserCreate()
    guard.StartDoctypeDeclHandler = _refuse_dtd  # type: ignore[assignment]
    guard.EntityDeclHandler = _refuse_dtd  # type: ignore[assignment]
    guard.UnparsedEntityDeclHandler = _refuse_dtd  # type: ignore[assignment]
    guard.ExternalEntityRefHandler = _refuse_dtd
    try:
        guard.Parse(data, True)
        root = ET.fromstring(data)  # noqa: S314  (no DTD: checked just above)
    except _DtdFound:
        raise PlanReadError(
            f"The {what} file declares a document type or entities; such files are refused "
            "(they can expand to gigabytes or read files on the server)."
        ) from None
    except (expat.ExpatError, ET.ParseError) as exc:
        line, column = getattr(exc, "lineno", 0), getattr(exc, "offset", 0)
        if isinstance(exc, ET.ParseError):
            line, column = exc.position
        raise PlanReadError(
            f"The file is not well-formed XML (line {line}, column {column})."
        ) from None
    _strip_namespaces(root)
    return root


def _text(node: _Node | None, tag: str, default: str = "") -> str:
    if node is None:
        return default
    child = node.find(tag)
    if child is None or child.text is None:
        return default
    return child.text.strip()


def _int(node: _Node | None, tag: str, default: int = 0) -> int:
    raw = _text(node, tag)
    if not raw:
        return default
    try:
        return int(float(raw))
    except ValueError:
        raise PlanReadError(f"{tag} is not a number.") from None


def _float(node: _Node | None, tag: str, default: float = 0.0) -> float:
    raw = _text(node, tag)
    if not raw:
        return default
    try:
        return float(raw)
    except ValueError:
        raise PlanReadError(f"{tag} is not a number.") from None


def _decimal(node: _Node | None, tag: str) -> Decimal:
    raw = _text(node, tag)
    if not raw:
        return Decimal(0)
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise PlanReadError(f"{tag} is not a number.") from None
    if not value.is_finite():
        raise PlanReadError(f"{tag} is not a finite number.")
    return value


def _bool(node: _Node | None, tag: str) -> bool:
    return _text(node, tag).lower() in ("1", "true")


def _datetime(node: _Node | None, tag: str) -> datetime | None:
    raw = _text(node, tag)
    if not raw or raw.startswith("NA"):
        return None
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:
        raise PlanReadError(f"{tag} {raw[:32]!r} is not a date and time.") from None
    return value.replace(tzinfo=None, second=0, microsecond=0)


def _clock(raw: str) -> int:
    try:
        hour, minute, *_ = raw.split(":")
        value = int(hour) * 60 + int(minute)
    except ValueError:
        raise PlanReadError(f"{raw[:16]!r} is not a time of day.") from None
    if not 0 <= value <= 1440:
        raise PlanReadError(f"{raw[:16]!r} is not a time of day.")
    return value


def duration_minutes(raw: str, minutes_per_day: int = 480, days_per_month: int = 20) -> int:
    """Minutes of an ISO-8601 duration such as ``PT8H0M0S`` (days count as working days)."""
    if not raw:
        return 0
    match = DURATION.match(raw.strip())
    if match is None:
        raise PlanReadError(f"{raw[:32]!r} is not a duration.")
    sign, years, months, days, hours, minutes, seconds = match.groups()
    total = (
        float(years or 0) * 12 * days_per_month * minutes_per_day
        + float(months or 0) * days_per_month * minutes_per_day
        + float(days or 0) * minutes_per_day
        + float(hours or 0) * 60
        + float(minutes or 0)
        + float(seconds or 0) / 60
    )
    return -round(total) if sign else round(total)


@dataclass
class _Settings:
    minutes_per_day: int = 480
    days_per_month: int = 20
    default_start: int = 8 * 60


@dataclass
class _Spread:
    """The work tasks under each summary task, to carry links set on summaries."""

    kinds: dict[str, Kind]
    parent_of: dict[str, str | None]
    children: dict[str, list[str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for act_id, parent in self.parent_of.items():
            if parent is not None:
                self.children.setdefault(parent, []).append(act_id)

    def leaves(self, act_id: str) -> list[str]:
        """The work tasks and milestones under ``act_id``, in outline order."""
        out: list[str] = []
        stack = [act_id]
        while stack:
            here = stack.pop()
            if self.kinds[here] is not Kind.SUMMARY:
                out.append(here)
            stack.extend(reversed(self.children.get(here, [])))
        return out

    def contains(self, outer: str, inner: str) -> bool:
        """True when ``inner`` sits under the summary ``outer``."""
        here = self.parent_of.get(inner)
        while here is not None:
            if here == outer:
                return True
            here = self.parent_of.get(here)
        return False


@dataclass
class _Reader:
    root: Element
    losses: list[Loss] = field(default_factory=list)
    settings: _Settings = field(default_factory=_Settings)

    def loss(self, where: str, what: str) -> None:
        self.losses.append(Loss(where, what))

    # ------------------------------------------------------------ calendars

    def calendars(self) -> tuple[list[Calendar], dict[int, str]]:
        nodes = {}
        for node in self._each("Calendars", "Calendar"):
            uid = _int(node, "UID", -1)
            nodes[uid] = node
        resolved: dict[int, tuple[_Week, dict[date, tuple[Shift, ...]]]] = {}

        def resolve(uid: int, seen: tuple[int, ...]) -> Any:
            if uid in resolved:
                return resolved[uid]
            node = nodes[uid]
            base_uid = _int(node, "BaseCalendarUID", -1)
            derived = not _bool(node, "IsBaseCalendar") and base_uid in nodes
            if derived and base_uid in seen:
                self.loss(self._cal_where(node), "its base calendars form a loop; the loop was cut")
                derived = False
            if derived:
                base_week, base_days = resolve(base_uid, (*seen, uid))
                week = list(base_week)
                days = dict(base_days)
            else:
                week = [STANDARD_DAY] * 5 + [(), ()]
                days = {}
            self._read_days(node, week, days)
            resolved[uid] = (tuple(week), days)
            return resolved[uid]

        calendars: list[Calendar] = []
        ids: dict[int, str] = {}
        for uid, node in nodes.items():
            week, days = resolve(uid, (uid,))
            cal_id = f"cal-{uid}"
            name = _text(node, "Name") or cal_id
            exceptions = tuple(CalendarException(d, s) for d, s in sorted(days.items()))
            if not any(week) and not any(s for _, s in days.items()):
                self.loss(self._cal_where(node), "has no working time; the standard week was used")
                week = (STANDARD_DAY,) * 5 + ((), ())
            try:
                calendars.append(Calendar(cal_id, week=week, exceptions=exceptions, name=name))
            except (ValueError, ScheduleError) as exc:
                where = self._cal_where(node)
                self.loss(where, f"cannot be used ({exc}); the standard week was used")
                calendars.append(Calendar(cal_id, name=name))
            ids[uid] = cal_id
        return calendars, ids

    def _cal_where(self, node: Element) -> str:
        return f"calendar {_text(node, 'Name') or _int(node, 'UID', -1)!r}"

    def _shifts(self, node: Element, where: str) -> tuple[Shift, ...]:
        shifts: list[Shift] = []
        for wt in node.iterfind("WorkingTimes/WorkingTime"):
            start = _clock(_text(wt, "FromTime") or "00:00")
            end = _clock(_text(wt, "ToTime") or "00:00")
            if end == 0:
                end = 1440
            if end <= start:
                self.loss(where, f"a working time {_text(wt, 'FromTime')}–{_text(wt, 'ToTime')} "
                          "crosses midnight; it was dropped")  # fmt: skip
                continue
            shifts.append(Shift(start, end))
        shifts.sort()
        merged: list[Shift] = []
        for shift in shifts:
            if merged and shift.start <= merged[-1].end:
                merged[-1] = Shift(merged[-1].start, max(merged[-1].end, shift.end))
            else:
                merged.append(shift)
        return tuple(merged)

    def _day_shifts(self, node: Element, where: str) -> tuple[Shift, ...]:
        if not _bool(node, "DayWorking"):
            return ()
        return self._shifts(node, where) or STANDARD_DAY

    def _read_days(
        self,
        node: Element,
        week: list[tuple[Shift, ...]],
        days: dict[date, tuple[Shift, ...]],
    ) -> None:
        where = self._cal_where(node)
        for day in node.iterfind("WeekDays/WeekDay"):
            day_type = _int(day, "DayType", -1)
            shifts = self._day_shifts(day, where)
            if day_type in WEEKDAY_OF_DAYTYPE:
                week[WEEKDAY_OF_DAYTYPE[day_type]] = shifts
            elif day_type == 0:
                period = day.find("TimePeriod")
                self._span(days, period, shifts, where)
        for exc in node.iterfind("Exceptions/Exception"):
            shifts = self._day_shifts(exc, where)
            recurrence = _int(exc, "Type", 1)
            period = exc.find("TimePeriod")
            if recurrence == 1:  # daily, i.e. every day of the period
                self._span(days, period, shifts, where)
            else:
                name = _text(exc, "Name") or "an exception"
                self.loss(where, f"recurring exception {name!r} (recurrence type {recurrence}) "
                          "is not supported; it was dropped")  # fmt: skip
        if node.find("WorkWeeks/WorkWeek") is not None:
            self.loss(where, "alternative work weeks are not supported; the default week is used")

    def _span(
        self,
        days: dict[date, tuple[Shift, ...]],
        period: Element | None,
        shifts: tuple[Shift, ...],
        where: str,
    ) -> None:
        first = _datetime(period, "FromDate")
        last = _datetime(period, "ToDate")
        if first is None or last is None:
            return
        count = (last.date() - first.date()).days + 1
        if count > 366 * 20:
            self.loss(where, f"an exception of {count} days was cut to 20 years")
            count = 366 * 20
        for offset in range(max(count, 0)):
            days[first.date() + timedelta(days=offset)] = shifts

    # ---------------------------------------------------------------- tasks

    def _each(self, group: str, tag: str) -> Iterator[Element]:
        holder = self.root.find(group)
        if holder is not None:
            yield from holder.iterfind(tag)

    def tasks(
        self, calendar_ids: dict[int, str]
    ) -> tuple[list[Activity], list[Link], list[Baseline], dict[str, str], dict[str, str]]:
        rows = []
        for element in self._each("Tasks", "Task"):
            node = _Fields(element)
            uid = _int(node, "UID", -1)
            level = _int(node, "OutlineLevel", 1)
            if uid == 0 or level == 0:
                continue  # the project summary task
            where = f"task {_int(node, 'ID', uid)} {_text(node, 'Name')[:80]!r}"
            if _bool(node, "IsNull"):
                continue  # a blank row
            if _bool(node, "ExternalTask"):
                self.loss(where, "is an external task (from another project); it was left out")
                continue
            rows.append((_int(node, "ID", uid), uid, level, node, where))
        rows.sort(key=lambda r: r[0])
        seen: set[int] = set()
        stack: list[tuple[int, str]] = []  # (level, activity id)
        parent_of: dict[str, str | None] = {}
        has_children: set[str] = set()
        order: list[tuple[str, _Fields, str]] = []
        for _, uid, level, node, where in rows:
            if uid in seen:
                raise PlanReadError(f"Task UID {uid} appears twice.")
            seen.add(uid)
            act_id = str(uid)
            while stack and stack[-1][0] >= level:
                stack.pop()
            if stack and level > stack[-1][0] + 1:
                self.loss(where, f"outline level {level} skips a level; placed one level down")
            parent = stack[-1][1] if stack else None
            parent_of[act_id] = parent
            if parent is not None:
                has_children.add(parent)
            stack.append((level if not stack else min(level, stack[-1][0] + 1), act_id))
            order.append((act_id, node, where))

        activities: list[Activity] = []
        links: list[Link] = []
        baselines: dict[int, list[BaselineEntry]] = {}
        outline: dict[str, str] = {}
        notes: dict[str, str] = {}
        durations: dict[str, int] = {}
        where_of = {act_id: where for act_id, _, where in order}
        for act_id, node, where in order:
            summary = act_id in has_children
            activity = self._activity(act_id, node, where, summary, parent_of[act_id], calendar_ids)
            activities.append(activity)
            durations[act_id] = activity.duration
            wbs = _text(node, "WBS") or _text(node, "OutlineNumber")
            if wbs:
                outline[act_id] = wbs[:60]
            note = _text(node, "Notes")
            if note:
                notes[act_id] = note
            for base in node.iterfind("Baseline"):
                number = _int(base, "Number", 0)
                start, finish = _datetime(base, "Start"), _datetime(base, "Finish")
                if not 0 <= number < MAX_BASELINES or start is None or finish is None:
                    continue
                minutes = duration_minutes(_text(base, "Duration"), self.settings.minutes_per_day)
                baselines.setdefault(number, []).append(
                    BaselineEntry(act_id, start, max(finish, start), max(minutes, 0))
                )
        kinds = {a.id: a.kind for a in activities}
        spread = _Spread(kinds, parent_of)
        implied: list[Link] = []
        for act_id, node, where in order:
            for link_node in node.iterfind("PredecessorLink"):
                link = self._link(act_id, link_node, where, kinds, where_of)
                if link is None:
                    continue
                if Kind.SUMMARY in (kinds[link.pred], kinds[link.succ]):
                    implied += self._summary_link(link, spread, where_of)
                else:
                    links.append(link)
        seen_pairs: set[tuple[str, str]] = set()
        unique_links = []
        for link in links:
            if (link.pred, link.succ) in seen_pairs:
                again = f"a second link from {where_of[link.pred]} was dropped"
                self.loss(where_of[link.succ], again)
                continue
            seen_pairs.add((link.pred, link.succ))
            unique_links.append(link)
        for link in implied:  # a task's own link wins over one it inherits from a summary
            if (link.pred, link.succ) not in seen_pairs:
                seen_pairs.add((link.pred, link.succ))
                unique_links.append(link)
        baseline_list = [
            Baseline("Baseline" if n == 0 else f"Baseline {n}", tuple(entries))
            for n, entries in sorted(baselines.items())
        ]
        return activities, unique_links, baseline_list, outline, notes

    def _activity(
        self,
        act_id: str,
        node: _Fields,
        where: str,
        summary: bool,
        parent: str | None,
        calendar_ids: dict[int, str],
    ) -> Activity:
        fmt = _int(node, "DurationFormat", 7)
        minutes = duration_minutes(
            _text(node, "Duration"), self.settings.minutes_per_day, self.settings.days_per_month
        )
        if minutes < 0:
            self.loss(where, "has a negative duration; it was set to 0")
            minutes = 0
        elapsed = fmt in ELAPSED_FORMATS
        if fmt not in KNOWN_FORMATS:
            self.loss(where, f"duration format {fmt} is unknown; read as working time")
        if _bool(node, "Manual"):
            self.loss(where, "is manually scheduled; Keystage schedules it automatically")
        if _text(node, "Active") in ("0", "false"):
            self.loss(where, "is inactive in the source; it was imported as an active task")
        delay = _int(node, "LevelingDelay", 0)
        if delay:
            self.loss(where, "has a leveling delay; it was dropped")
        kind = Kind.TASK
        if summary:
            kind = Kind.SUMMARY
            minutes, elapsed = 0, False
        elif _bool(node, "Milestone"):
            if minutes:
                self.loss(where, "is a milestone with a duration; imported as a task")
            else:
                kind = Kind.MILESTONE
        elif _bool(node, "Summary"):
            self.loss(where, "is marked summary but has no sub-tasks; imported as a task")
        constraint = CONSTRAINTS.get(_int(node, "ConstraintType", 0), ConstraintType.ASAP)
        constraint_date = _datetime(node, "ConstraintDate")
        if constraint in DATED_CONSTRAINTS and constraint_date is None:
            self.loss(where, f"constraint {constraint} has no date; it was dropped")
            constraint = ConstraintType.ASAP
        if constraint not in DATED_CONSTRAINTS:
            constraint_date = None
        if summary and constraint is not ConstraintType.ASAP:
            self.loss(where, f"a summary task's constraint {constraint} was dropped")
            constraint, constraint_date = ConstraintType.ASAP, None
        calendar_uid = _int(node, "CalendarUID", -1)
        calendar = calendar_ids.get(calendar_uid) if calendar_uid >= 0 else None
        if calendar_uid >= 0 and calendar is None:
            self.loss(where, f"names calendar {calendar_uid}, which the file lacks")
        actual_start = _datetime(node, "ActualStart")
        actual_finish = _datetime(node, "ActualFinish")
        percent = min(max(_float(node, "PercentComplete"), 0.0), 100.0)
        remaining: int | None = None
        if summary:
            actual_start = actual_finish = None
            percent = 0.0
        else:
            if actual_finish is not None and actual_start is None:
                self.loss(where, "has an actual finish without an actual start; it was dropped")
                actual_finish = None
            if actual_finish is not None and actual_start is not None:
                if actual_finish < actual_start:
                    self.loss(where, "finished before it started; the actual finish was dropped")
                    actual_finish = None
                else:
                    percent = 100.0
            if percent > 0 and actual_start is None:
                self.loss(where, f"is {percent:g} % complete without an actual start; dropped")
                percent = 0.0
            left = _text(node, "RemainingDuration")
            if actual_start is not None and actual_finish is None and left:
                remaining = max(duration_minutes(left, self.settings.minutes_per_day), 0)
        deadline = _datetime(node, "Deadline")
        return Activity(
            act_id,
            name=_text(node, "Name")[:255],
            duration=minutes,
            elapsed=elapsed,
            kind=kind,
            parent=parent,
            calendar=calendar,
            constraint=constraint,
            constraint_date=constraint_date,
            deadline=deadline,
            actual_start=actual_start,
            actual_finish=actual_finish,
            percent_complete=percent,
            remaining=remaining,
            work=duration_minutes(_text(node, "Work"), self.settings.minutes_per_day) / 60,
            cost=float(_decimal(node, "Cost")),
        )

    def _link(
        self,
        succ: str,
        node: Element,
        where: str,
        kinds: dict[str, Kind],
        where_of: dict[str, str],
    ) -> Link | None:
        pred = str(_int(node, "PredecessorUID", -1))
        if _bool(node, "CrossProject") or pred not in kinds:
            self.loss(where, "a link from another project or an unknown task was dropped")
            return None
        link_type = LINK_TYPES.get(_int(node, "Type", 1))
        if link_type is None:
            self.loss(where, f"link type {_text(node, 'Type')[:8]} is unknown; read as FS")
            link_type = LinkType.FS
        if pred == succ:
            self.loss(where, "a link to itself was dropped")
            return None
        raw = _int(node, "LinkLag", 0)
        fmt = _int(node, "LagFormat", 7)
        if fmt in PERCENT_FORMATS:
            unit, lag = LagUnit.PERCENT, float(raw)
            if fmt == 20:
                self.loss(where, "an elapsed percent lag was read as a working percent lag")
        else:
            unit = LagUnit.ELAPSED if fmt in ELAPSED_FORMATS else LagUnit.WORKING
            lag = raw / 10
        return Link(pred, succ, link_type, lag, unit)

    def _summary_link(self, link: Link, spread: _Spread, where_of: dict[str, str]) -> list[Link]:
        """A link on a summary task, as links on its work tasks when that means the same.

        A link reaching a summary's start (FS, SS) holds every task under it; one leaving
        a summary's finish (FS, FF) waits for every task under it. Links on the other
        ends (a summary's earliest start, its latest finish) and percent lags of a
        summary have no such equivalent and are dropped; both cases are listed.
        """
        pred_summary = spread.kinds[link.pred] is Kind.SUMMARY
        end = link.pred if pred_summary else link.succ
        other = where_of[link.succ] if pred_summary else where_of[link.pred]
        what = f"a link with {other} ({link.type})"
        from_finish = link.type in (LinkType.FS, LinkType.FF)
        to_start = link.type in (LinkType.FS, LinkType.SS)
        succ_summary = spread.kinds[link.succ] is Kind.SUMMARY
        exact = (from_finish or not pred_summary) and (to_start or not succ_summary)
        if pred_summary and link.lag_unit is LagUnit.PERCENT:
            exact = False
        if spread.contains(link.pred, link.succ) or spread.contains(link.succ, link.pred):
            self.loss(where_of[end], f"{what} joins a summary task and its own sub-task; dropped")
            return []
        if not exact:
            self.loss(where_of[end], f"{what} was dropped: summary tasks are not linked")
            return []
        preds = spread.leaves(link.pred) if pred_summary else [link.pred]
        succs = spread.leaves(link.succ) if succ_summary else [link.succ]
        pairs = len(preds) * len(succs)
        if pairs > max(SUMMARY_LINK_PAIRS, 4 * (len(preds) + len(succs))):
            # Every pair is a link: two summaries of 1,000 tasks would make a million.
            self.loss(where_of[end], f"{what} was dropped: it would need {pairs} links")
            return []
        out = [
            Link(p, s, link.type, link.lag, link.lag_unit) for p in preds for s in succs if p != s
        ]
        self.loss(
            where_of[end],
            f"{what} was set on the {len(preds) * len(succs)} pair(s) of work tasks it holds: "
            "summary tasks are not linked",
        )
        return out

    # ------------------------------------------------------ resources, work

    def resources(self, calendar_ids: dict[int, str]) -> list[Resource]:
        out: list[Resource] = []
        seen: set[str] = set()
        for node in self._each("Resources", "Resource"):
            uid = _int(node, "UID", -1)
            name = _text(node, "Name")
            if (uid == 0 and not name) or _bool(node, "IsNull"):
                continue
            where = f"resource {name[:80]!r}"
            kind = RESOURCE_KINDS.get(_int(node, "Type", 1), ResourceKind.WORK)
            if kind is ResourceKind.COST:
                self.loss(where, "is a cost resource; its costs are kept only in this report")
            res_id = str(uid)
            if res_id in seen:
                raise PlanReadError(f"Resource UID {uid} appears twice.")
            seen.add(res_id)
            calendar = calendar_ids.get(_int(node, "CalendarUID", -1))
            max_units = _float(node, "MaxUnits", 1.0)
            out.append(
                Resource(
                    res_id,
                    name or f"Resource {uid}",
                    kind=kind,
                    max_units=max_units,
                    standard_rate=_decimal(node, "StandardRate"),
                    overtime_rate=_decimal(node, "OvertimeRate"),
                    cost_per_use=_decimal(node, "CostPerUse"),
                    calendar=calendar,
                    email=_text(node, "EmailAddress")[:254],
                    group=_text(node, "Group")[:120],
                )
            )
        return out

    def assignments(self, activity_ids: set[str], resource_ids: set[str]) -> list[Assignment]:
        out: list[Assignment] = []
        pairs: set[tuple[str, str]] = set()
        for node in self._each("Assignments", "Assignment"):
            task, res = str(_int(node, "TaskUID", -1)), _int(node, "ResourceUID", NO_ASSIGNEE)
            if res == NO_ASSIGNEE or task not in activity_ids:
                continue
            where = f"assignment {_int(node, 'UID', -1)}"
            if str(res) not in resource_ids:
                self.loss(where, f"names resource {res}, which the file lacks; it was dropped")
                continue
            if (task, str(res)) in pairs:
                self.loss(where, "assigns the same resource twice to one task; merged")
                continue
            pairs.add((task, str(res)))
            work = _text(node, "Work")
            out.append(
                Assignment(
                    task,
                    str(res),
                    units=_float(node, "Units", 1.0),
                    work=duration_minutes(work, self.settings.minutes_per_day) if work else None,
                    actual_work=duration_minutes(
                        _text(node, "ActualWork"), self.settings.minutes_per_day
                    ),
                    cost=_decimal(node, "Cost") if _text(node, "Cost") else None,
                )
            )
        return out


def read_mspdi(data: bytes) -> PlanDocument:
    """Read MSPDI bytes into a plan document; :class:`PlanReadError` says what is wrong."""
    return read_mspdi_tree(parse_xml(data))


def read_mspdi_with_dates(data: bytes) -> tuple[PlanDocument, dict[str, tuple[datetime, datetime]]]:
    """The plan document and the file's own dates (:func:`file_dates`), parsing once."""
    root = parse_xml(data)
    return read_mspdi_tree(root), _dates_of(root)


def read_mspdi_tree(root: Element) -> PlanDocument:
    """Read a parsed MSPDI tree (from :func:`parse_xml`) into a plan document."""
    if root.tag != "Project":
        raise PlanReadError("This is XML but not MS Project XML (the root is not <Project>).")
    reader = _Reader(root)
    reader.settings = _Settings(
        minutes_per_day=_int(root, "MinutesPerDay", 480) or 480,
        days_per_month=_int(root, "DaysPerMonth", 20) or 20,
    )
    if _text(root, "ScheduleFromStart") in ("0", "false"):
        reader.loss("file", "the plan is scheduled from its finish; Keystage schedules forward")
    calendars, calendar_ids = reader.calendars()
    if not calendars:
        calendars, calendar_ids = [Calendar("standard", name="Standard")], {}
    project_calendar = calendar_ids.get(_int(root, "CalendarUID", -1), calendars[0].id)
    activities, links, baselines, outline, notes = reader.tasks(calendar_ids)
    start = _datetime(root, "StartDate")
    if start is None:
        starts = [a.actual_start for a in activities if a.actual_start] + [
            d for node in reader._each("Tasks", "Task") if (d := _datetime(node, "Start"))
        ]
        if not starts:
            raise PlanReadError("The plan has no start date and no task has a start.")
        start = min(starts)
        reader.loss("file", "the plan has no start date; the earliest task start was used")
    resources = reader.resources(calendar_ids)
    assignments = reader.assignments({a.id for a in activities}, {r.id for r in resources})
    try:
        plan = Project(
            start=start,
            activities=tuple(activities),
            links=tuple(links),
            calendars=tuple(calendars),
            calendar=project_calendar,
            data_date=_datetime(root, "StatusDate"),
            baselines=tuple(baselines),
        )
        return PlanDocument(
            title=(_text(root, "Title") or _text(root, "Name") or "Imported plan")[:200],
            plan=plan,
            resources=tuple(resources),
            assignments=tuple(assignments),
            currency=_text(root, "CurrencyCode")[:3],
            source_format="mspdi",
            outline_codes=outline,
            notes=notes,
            losses=tuple(reader.losses),
        )
    except ValueError as exc:
        raise PlanReadError(f"The plan is not consistent: {exc}") from None


__all__ = [
    "PlanReadError", "duration_minutes", "file_dates", "parse_xml", "read_mspdi",
    "read_mspdi_tree", "read_mspdi_with_dates",
]  # fmt: skip


def file_dates(data: bytes) -> dict[str, tuple[datetime, datetime]]:
    """Start and finish the file carries for each task that has both (as MS Project computed
    them), keyed by the activity ids :func:`read_mspdi` gives; for comparing schedules."""
    return _dates_of(parse_xml(data))


def _dates_of(root: Element) -> dict[str, tuple[datetime, datetime]]:
    out: dict[str, tuple[datetime, datetime]] = {}
    holder = root.find("Tasks")
    for node in holder.iterfind("Task") if holder is not None else ():
        start, finish = _datetime(node, "Start"), _datetime(node, "Finish")
        uid = _int(node, "UID", -1)
        if start is not None and finish is not None and uid > 0:
            out[str(uid)] = (start, finish)
    return out
