"""Write a :class:`Project` or a whole :class:`PlanDocument` as MS Project XML (MSPDI).

Only the standard library is used (``xml.etree``). The element order follows
the MSPDI schema (``mspdi_pj12.xsd``): MS Project rejects files whose elements
are out of order, even though lenient readers such as MPXJ accept them.

From a :class:`PlanDocument` the file also carries the resources (with rates and
calendars), the assignments (units, work, actual work), the WBS codes and the
notes. A maximum lag, which MS Project lacks, is written as its minimum lag with the
limit in the successor's notes (:func:`max_lag_losses` lists them). Tasks carry their
scheduled start and finish when the project schedules
(``dates=True``), else the project start, as before.
"""

from __future__ import annotations

from datetime import datetime, time
from decimal import Decimal
from xml.etree import ElementTree as ET

from keystage.engine.calendars import Calendar, Shift
from keystage.engine.compiler import remaining_of
from keystage.engine.cpm import schedule
from keystage.engine.errors import ScheduleError
from keystage.engine.interchange import Loss, PlanDocument, ResourceKind
from keystage.engine.network import Activity, ConstraintType, Kind, LagUnit, LinkType, Project
from keystage.engine.result import ActivitySchedule

NS = "http://schemas.microsoft.com/project"
MAX_LAG_NOTE = "Maximum lag (not in MS Project): "
LINK_TYPE = {LinkType.FF: 0, LinkType.FS: 1, LinkType.SF: 2, LinkType.SS: 3}
CONSTRAINT = {
    ConstraintType.ASAP: 0, ConstraintType.ALAP: 1, ConstraintType.MSO: 2,
    ConstraintType.MFO: 3, ConstraintType.SNET: 4, ConstraintType.SNLT: 5,
    ConstraintType.FNET: 6, ConstraintType.FNLT: 7,
}  # fmt: skip
LAG_FORMAT = {LagUnit.WORKING: 3, LagUnit.ELAPSED: 4, LagUnit.PERCENT: 19}  # 3 = m, 4 = em
DURATION_FORMAT_MINUTES, DURATION_FORMAT_ELAPSED_MINUTES = 3, 4
RESOURCE_TYPE = {ResourceKind.MATERIAL: 0, ResourceKind.WORK: 1, ResourceKind.COST: 2}
XML_UNSAFE = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


def _dt(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def _duration(minutes: int) -> str:
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def _sub(parent: ET.Element, tag: str, text: object | None = None) -> ET.Element:
    node = ET.SubElement(parent, tag)
    if text is not None:
        node.text = str(text).translate(XML_UNSAFE)  # XML 1.0 cannot hold these characters
    return node


def _money(value: Decimal | float) -> str:
    return f"{Decimal(str(value)):.2f}"


def _working_times(parent: ET.Element, shifts: tuple[Shift, ...]) -> None:
    times = _sub(parent, "WorkingTimes")
    for shift in shifts:
        wt = _sub(times, "WorkingTime")
        _sub(wt, "FromTime", _clock(shift.start))
        _sub(wt, "ToTime", _clock(shift.end % 1440))


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}:00"


def _calendar(parent: ET.Element, calendar: Calendar, uid: int) -> None:
    node = _sub(parent, "Calendar")
    _sub(node, "UID", uid)
    _sub(node, "Name", calendar.name or calendar.id)
    _sub(node, "IsBaseCalendar", 1)
    _sub(node, "BaseCalendarUID", -1)
    days = _sub(node, "WeekDays")
    for weekday, shifts in enumerate(calendar.week):
        day = _sub(days, "WeekDay")
        _sub(day, "DayType", (weekday + 1) % 7 + 1)  # 1 = Sunday ... 7 = Saturday
        _sub(day, "DayWorking", int(bool(shifts)))
        if shifts:
            _working_times(day, shifts)
    for exc in sorted(calendar.exceptions, key=lambda e: e.day):
        day = _sub(days, "WeekDay")
        _sub(day, "DayType", 0)
        _sub(day, "DayWorking", int(bool(exc.shifts)))
        period = _sub(day, "TimePeriod")
        _sub(period, "FromDate", _dt(datetime.combine(exc.day, time())))
        _sub(period, "ToDate", _dt(datetime.combine(exc.day, time(23, 59))))
        if exc.shifts:
            _working_times(day, exc.shifts)


def _outline(project: Project) -> list[tuple[Activity, int, str]]:
    """Activities in outline order with their level and outline number."""
    kids: dict[str | None, list[Activity]] = {}
    for act in project.activities:
        kids.setdefault(act.parent, []).append(act)
    out: list[tuple[Activity, int, str]] = []

    def walk(parent: str | None, level: int, prefix: str) -> None:
        for k, act in enumerate(kids.get(parent, []), start=1):
            number = f"{prefix}{k}"
            out.append((act, level, number))
            walk(act.id, level + 1, number + ".")

    walk(None, 1, "")
    return out


def _scheduled(project: Project, dates: bool) -> dict[str, ActivitySchedule]:
    """The activities' scheduled dates, or none when the plan does not schedule."""
    if not dates:
        return {}
    try:
        return dict(schedule(project).by_id)
    except ScheduleError:
        return {}


def max_lag_losses(project: Project) -> tuple[Loss, ...]:
    """What an MSPDI file cannot carry: each maximum lag (MS Project has none).

    :func:`to_mspdi` writes such a link with its minimum lag only and records the
    limit as a line of the successor's notes (``Maximum lag (not in MS Project): …``),
    so that it is neither enforced by MS Project nor lost without a trace.
    """
    return tuple(
        Loss(
            f"link {link.label}",
            "MS Project has no maximum lag: written with its minimum lag only, "
            "the limit as a line of the successor's notes",
        )
        for link in project.links
        if link.max_lag is not None
    )


def to_mspdi(
    source: Project | PlanDocument, name: str | None = None, *, dates: bool = True
) -> bytes:
    """Serialise a project (or a whole plan document) as MSPDI XML (UTF-8 bytes)."""
    doc = source if isinstance(source, PlanDocument) else None
    project = doc.plan if doc is not None else source
    assert isinstance(project, Project)
    name = name or (doc.title if doc is not None else "") or "Keystage plan"
    ET.register_namespace("", NS)
    root = ET.Element("Project", xmlns=NS)
    cal_uid = {c.id: i for i, c in enumerate(project.calendars, start=1)}
    project_cal = project.calendars_by_id[project.calendar]
    minutes_per_day = max((sum(s.minutes for s in d) for d in project_cal.week), default=480)
    scheduled = _scheduled(project, dates)
    _sub(root, "SaveVersion", 14)
    _sub(root, "Name", name)
    _sub(root, "Title", name)
    _sub(root, "ScheduleFromStart", 1)
    _sub(root, "StartDate", _dt(project.start))
    if doc is not None and len(doc.currency) == 3 and doc.currency.isalpha():
        _sub(root, "CurrencyCode", doc.currency.upper())
    _sub(root, "CalendarUID", cal_uid[project.calendar])
    _sub(root, "DefaultStartTime", "08:00:00")
    _sub(root, "DefaultFinishTime", "17:00:00")
    _sub(root, "MinutesPerDay", minutes_per_day)
    _sub(root, "MinutesPerWeek", project_cal.weekly_minutes)
    _sub(root, "DaysPerMonth", 20)
    _sub(root, "DurationFormat", 7)
    _sub(root, "HonorConstraints", 1)
    _sub(root, "MultipleCriticalPaths", 0)
    if project.data_date is not None:
        _sub(root, "StatusDate", _dt(project.data_date))
    calendars = _sub(root, "Calendars")
    for calendar in project.calendars:
        _calendar(calendars, calendar, cal_uid[calendar.id])
    tasks = _sub(root, "Tasks")
    summary = _sub(tasks, "Task")
    for tag, value in (("UID", 0), ("ID", 0), ("Name", name), ("Type", 1), ("IsNull", 0)):
        _sub(summary, tag, value)
    for tag, value in (("OutlineNumber", 0), ("OutlineLevel", 0), ("Summary", 1)):
        _sub(summary, tag, value)
    uid = {a.id: i for i, a in enumerate(project.activities, start=1)}
    preds: dict[str, list[ET.Element]] = {}
    for link in project.links:
        node = ET.Element("PredecessorLink")
        _sub(node, "PredecessorUID", uid[link.pred])
        _sub(node, "Type", LINK_TYPE[link.type])
        _sub(node, "CrossProject", 0)
        # tenths of a minute, except percentages which are stored as the percentage itself
        lag = round(link.lag if link.lag_unit is LagUnit.PERCENT else link.lag * 10)
        _sub(node, "LinkLag", lag)
        _sub(node, "LagFormat", LAG_FORMAT[link.lag_unit])
        preds.setdefault(link.succ, []).append(node)
    baselines = {
        (b_index, e.activity): e
        for b_index, b in enumerate(project.baselines[:11])
        for e in b.entries
    }
    notes = dict(doc.notes) if doc is not None else {}
    for link in project.links:
        if link.max_lag is not None:
            limit = f"{MAX_LAG_NOTE}{link.label}"
            notes[link.succ] = f"{notes[link.succ]}\n{limit}" if notes.get(link.succ) else limit
    extra = _Extra(
        wbs=doc.outline_codes if doc is not None else {},
        notes=notes,
        scheduled=scheduled,
    )
    for position, (act, level, number) in enumerate(_outline(project), start=1):
        _task(tasks, act, uid[act.id], position, level, number, cal_uid, project, extra)
        node = tasks[-1]
        for link_node in preds.get(act.id, []):
            node.append(link_node)
        for b_index in range(min(len(project.baselines), 11)):
            entry = baselines.get((b_index, act.id))
            if entry is not None:
                base = _sub(node, "Baseline")
                _sub(base, "Number", b_index)
                _sub(base, "Start", _dt(entry.start))
                _sub(base, "Finish", _dt(entry.finish))
                _sub(base, "Duration", _duration(entry.duration))
                _sub(base, "DurationFormat", 7)
    if doc is not None:
        _resources(root, doc, cal_uid)
        _assignments(root, doc, uid, scheduled)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _resources(root: ET.Element, doc: PlanDocument, cal_uid: dict[str, int]) -> None:
    """``<Resources>``: UID 0 is MS Project's own empty resource; ours start at 1."""
    resources = _sub(root, "Resources")
    for position, res in enumerate(doc.resources, start=1):
        node = _sub(resources, "Resource")
        _sub(node, "UID", position)
        _sub(node, "ID", position)
        _sub(node, "Name", res.name or res.id)
        _sub(node, "Type", RESOURCE_TYPE[res.kind])
        _sub(node, "IsNull", 0)
        _sub(node, "Code", res.id)
        if res.group:
            _sub(node, "Group", res.group)
        if res.email:
            _sub(node, "EmailAddress", res.email)
        if res.kind is ResourceKind.WORK:
            _sub(node, "MaxUnits", f"{res.max_units:.2f}")
        _sub(node, "StandardRate", _money(res.standard_rate))
        _sub(node, "StandardRateFormat", 2)  # per hour
        _sub(node, "OvertimeRate", _money(res.overtime_rate))
        _sub(node, "OvertimeRateFormat", 2)
        _sub(node, "CostPerUse", _money(res.cost_per_use))
        if res.calendar is not None and res.calendar in cal_uid:
            _sub(node, "CalendarUID", cal_uid[res.calendar])


def _assignments(
    root: ET.Element,
    doc: PlanDocument,
    uid: dict[str, int],
    scheduled: dict[str, ActivitySchedule],
) -> None:
    """``<Assignments>``: one per resource on a task, with units and work."""
    res_uid = {r.id: i for i, r in enumerate(doc.resources, start=1)}
    durations = {a.id: a.duration for a in doc.plan.activities}
    node_list = _sub(root, "Assignments")
    for position, item in enumerate(doc.assignments, start=1):
        work = item.work if item.work is not None else round(durations[item.activity] * item.units)
        node = _sub(node_list, "Assignment")
        _sub(node, "UID", position)
        _sub(node, "TaskUID", uid[item.activity])
        _sub(node, "ResourceUID", res_uid[item.resource])
        done = min(100, round(100 * item.actual_work / work)) if work else 0
        _sub(node, "PercentWorkComplete", done)
        _sub(node, "ActualWork", _duration(item.actual_work))
        if item.cost is not None:
            _sub(node, "Cost", _money(item.cost))
        dates = scheduled.get(item.activity)
        if dates is not None:
            _sub(node, "Finish", _dt(dates.finish))
        _sub(node, "RemainingWork", _duration(max(work - item.actual_work, 0)))
        if dates is not None:
            _sub(node, "Start", _dt(dates.start))
        _sub(node, "Units", f"{item.units:.2f}")
        _sub(node, "Work", _duration(work))


class _Extra:
    """What a task element takes beyond the activity: WBS code, notes, scheduled dates."""

    __slots__ = ("notes", "scheduled", "wbs")

    def __init__(
        self, wbs: dict[str, str], notes: dict[str, str], scheduled: dict[str, ActivitySchedule]
    ) -> None:
        self.wbs = wbs
        self.notes = notes
        self.scheduled = scheduled


def _task(
    tasks: ET.Element,
    act: Activity,
    uid: int,
    position: int,
    level: int,
    number: str,
    cal_uid: dict[str, int],
    project: Project,
    extra: _Extra,
) -> None:
    node = _sub(tasks, "Task")
    is_summary = act.kind is Kind.SUMMARY
    duration = 0 if is_summary else act.duration
    for tag, value in (("UID", uid), ("ID", position), ("Name", act.name or act.id)):
        _sub(node, tag, value)
    _sub(node, "Type", 1)  # fixed duration
    _sub(node, "IsNull", 0)
    _sub(node, "WBS", extra.wbs.get(act.id) or number)
    _sub(node, "OutlineNumber", number)
    _sub(node, "OutlineLevel", level)
    dates = extra.scheduled.get(act.id)
    if dates is not None:
        _sub(node, "Start", _dt(dates.start))
        _sub(node, "Finish", _dt(dates.finish))
        if is_summary:
            duration = dates.duration
    else:
        _sub(node, "Start", _dt(act.actual_start or project.start))
    _sub(node, "Duration", _duration(duration))
    fmt = DURATION_FORMAT_ELAPSED_MINUTES if act.elapsed else DURATION_FORMAT_MINUTES
    _sub(node, "DurationFormat", fmt)
    _sub(node, "Milestone", int(act.kind is Kind.MILESTONE))
    _sub(node, "Summary", int(is_summary))
    if act.cost and not is_summary:
        _sub(node, "FixedCost", _money(act.cost))
    _sub(node, "PercentComplete", round(act.percent_complete))
    if act.actual_start is not None:
        _sub(node, "ActualStart", _dt(act.actual_start))
    if act.actual_finish is not None:
        _sub(node, "ActualFinish", _dt(act.actual_finish))
    if act.finished:
        remaining = 0
    elif act.started:
        remaining = remaining_of(act)
    else:
        remaining = duration
    _sub(node, "ActualDuration", _duration(max(duration - remaining, 0)))
    _sub(node, "RemainingDuration", _duration(remaining))
    _sub(node, "ConstraintType", CONSTRAINT[act.constraint])
    _sub(node, "CalendarUID", cal_uid[act.calendar] if act.calendar else -1)
    if act.constraint_date is not None:
        _sub(node, "ConstraintDate", _dt(act.constraint_date))
    if act.deadline is not None:
        _sub(node, "Deadline", _dt(act.deadline))
    note = extra.notes.get(act.id)
    if note:
        _sub(node, "Notes", note)


__all__ = ["to_mspdi"]
