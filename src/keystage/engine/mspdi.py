"""Write a :class:`Project` or a whole :class:`PlanDocument` as MS Project XML (MSPDI).

Only the standard library is used. The element order follows the MSPDI schema
(``mspdi_pj12.xsd``): MS Project rejects files whose elements are out of order, even
though lenient readers such as MPXJ accept them.

The XML is written as text, element by element, rather than built as an ElementTree
and serialised: for 10,000 tasks the tree and its serialisation took five times the
time of the text. Every text that comes from a user (names, codes, notes, e-mail
addresses) goes through :func:`_text` — the characters XML 1.0 cannot hold removed,
``&``, ``<`` and ``>`` escaped — and the output is byte for byte what ElementTree
wrote.

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

from keystage.engine.calendars import Calendar, Shift
from keystage.engine.compiler import remaining_of
from keystage.engine.cpm import schedule
from keystage.engine.errors import ScheduleError
from keystage.engine.interchange import Loss, PlanDocument, ResourceKind
from keystage.engine.network import (
    Activity,
    ConstraintType,
    Kind,
    LagUnit,
    Link,
    LinkType,
    Project,
)
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
XML_UNSAFE = dict.fromkeys(
    [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), *range(0xD800, 0xE000), 0xFFFE, 0xFFFF]
)  # characters XML 1.0 cannot hold, lone surrogates included (no character reference for them)
XML_DECLARATION = "<?xml version='1.0' encoding='utf-8'?>\n"


def _text(value: object) -> str:
    """Text as XML character data: unsafe characters dropped, markup characters escaped."""
    text = str(value).translate(XML_UNSAFE)  # XML 1.0 cannot hold these characters
    if "&" in text:
        text = text.replace("&", "&amp;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    return text


def _leaf(tag: str, text: str) -> str:
    """``<tag>text</tag>`` for text already safe (numbers, dates or :func:`_text`)."""
    return f"<{tag}>{text}</{tag}>" if text else f"<{tag} />"


def _dt(value: datetime) -> str:
    return value.isoformat(timespec="seconds")[:19]  # as strftime("%Y-%m-%dT%H:%M:%S"), faster


def _duration(minutes: int) -> str:
    return f"PT{minutes // 60}H{minutes % 60}M0S"


def _money(value: Decimal | float) -> str:
    return f"{Decimal(str(value)):.2f}"


def _working_times(out: list[str], shifts: tuple[Shift, ...]) -> None:
    out.append("<WorkingTimes>")
    for shift in shifts:
        out.append(
            f"<WorkingTime><FromTime>{_clock(shift.start)}</FromTime>"
            f"<ToTime>{_clock(shift.end % 1440)}</ToTime></WorkingTime>"
        )
    out.append("</WorkingTimes>")


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}:00"


def _calendar(out: list[str], calendar: Calendar, uid: int) -> None:
    out.append(
        f"<Calendar><UID>{uid}</UID>{_leaf('Name', _text(calendar.name or calendar.id))}"
        "<IsBaseCalendar>1</IsBaseCalendar><BaseCalendarUID>-1</BaseCalendarUID>"
    )
    if not calendar.week and not calendar.exceptions:
        out.append("<WeekDays /></Calendar>")
        return
    out.append("<WeekDays>")
    for weekday, shifts in enumerate(calendar.week):
        out.append(  # DayType 1 = Sunday ... 7 = Saturday
            f"<WeekDay><DayType>{(weekday + 1) % 7 + 1}</DayType>"
            f"<DayWorking>{int(bool(shifts))}</DayWorking>"
        )
        if shifts:
            _working_times(out, shifts)
        out.append("</WeekDay>")
    for exc in sorted(calendar.exceptions, key=lambda e: e.day):
        out.append(
            f"<WeekDay><DayType>0</DayType><DayWorking>{int(bool(exc.shifts))}</DayWorking>"
            f"<TimePeriod><FromDate>{_dt(datetime.combine(exc.day, time()))}</FromDate>"
            f"<ToDate>{_dt(datetime.combine(exc.day, time(23, 59)))}</ToDate></TimePeriod>"
        )
        if exc.shifts:
            _working_times(out, exc.shifts)
        out.append("</WeekDay>")
    out.append("</WeekDays></Calendar>")


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


def _max_lag_text(link: Link, names: dict[str, str]) -> str:
    """``'Deploy' → 'Test' FS, lag +60 min, at most 960 min`` (working minutes, or % of the
    predecessor's duration), by the tasks' names as the MS Project user sees them."""
    unit = " %" if link.lag_unit is LagUnit.PERCENT else " min"
    lag = f", lag {link.lag:+g}{unit}" if link.lag else ""
    return (
        f"'{names[link.pred]}' → '{names[link.succ]}' {link.type}{lag}, "
        f"at most {link.max_lag:g}{unit}"
    )


def to_mspdi(
    source: Project | PlanDocument, name: str | None = None, *, dates: bool = True
) -> bytes:
    """Serialise a project (or a whole plan document) as MSPDI XML (UTF-8 bytes)."""
    doc = source if isinstance(source, PlanDocument) else None
    project = doc.plan if doc is not None else source
    assert isinstance(project, Project)
    name = name or (doc.title if doc is not None else "") or "Keystage plan"
    cal_uid = {c.id: i for i, c in enumerate(project.calendars, start=1)}
    project_cal = project.calendars_by_id[project.calendar]
    minutes_per_day = max((sum(s.minutes for s in d) for d in project_cal.week), default=480)
    scheduled = _scheduled(project, dates)
    title = _text(name)
    out = [
        XML_DECLARATION,
        f'<Project xmlns="{NS}"><SaveVersion>14</SaveVersion>',
        _leaf("Name", title),
        _leaf("Title", title),
        f"<ScheduleFromStart>1</ScheduleFromStart><StartDate>{_dt(project.start)}</StartDate>",
    ]
    if doc is not None and len(doc.currency) == 3 and doc.currency.isalpha():
        out.append(f"<CurrencyCode>{_text(doc.currency.upper())}</CurrencyCode>")
    out.append(
        f"<CalendarUID>{cal_uid[project.calendar]}</CalendarUID>"
        "<DefaultStartTime>08:00:00</DefaultStartTime>"
        "<DefaultFinishTime>17:00:00</DefaultFinishTime>"
        f"<MinutesPerDay>{minutes_per_day}</MinutesPerDay>"
        f"<MinutesPerWeek>{project_cal.weekly_minutes}</MinutesPerWeek>"
        "<DaysPerMonth>20</DaysPerMonth><DurationFormat>7</DurationFormat>"
        "<HonorConstraints>1</HonorConstraints><MultipleCriticalPaths>0</MultipleCriticalPaths>"
    )
    if project.data_date is not None:
        out.append(f"<StatusDate>{_dt(project.data_date)}</StatusDate>")
    if project.calendars:
        out.append("<Calendars>")
        for calendar in project.calendars:
            _calendar(out, calendar, cal_uid[calendar.id])
        out.append("</Calendars>")
    else:
        out.append("<Calendars />")
    out.append(
        f"<Tasks><Task><UID>0</UID><ID>0</ID>{_leaf('Name', title)}<Type>1</Type>"
        "<IsNull>0</IsNull><OutlineNumber>0</OutlineNumber><OutlineLevel>0</OutlineLevel>"
        "<Summary>1</Summary></Task>"
    )
    uid = {a.id: i for i, a in enumerate(project.activities, start=1)}
    preds: dict[str, list[str]] = {}
    for link in project.links:
        # tenths of a minute, except percentages which are stored as the percentage itself
        lag = round(link.lag if link.lag_unit is LagUnit.PERCENT else link.lag * 10)
        preds.setdefault(link.succ, []).append(
            f"<PredecessorLink><PredecessorUID>{uid[link.pred]}</PredecessorUID>"
            f"<Type>{LINK_TYPE[link.type]}</Type><CrossProject>0</CrossProject>"
            f"<LinkLag>{lag}</LinkLag><LagFormat>{LAG_FORMAT[link.lag_unit]}</LagFormat>"
            "</PredecessorLink>"
        )
    baselines = {
        (b_index, e.activity): e
        for b_index, b in enumerate(project.baselines[:11])
        for e in b.entries
    }
    notes = dict(doc.notes) if doc is not None else {}
    names = {a.id: a.name or a.id for a in project.activities}
    for link in project.links:
        if link.max_lag is not None:
            limit = f"{MAX_LAG_NOTE}{_max_lag_text(link, names)}"
            notes[link.succ] = f"{notes[link.succ]}\n{limit}" if notes.get(link.succ) else limit
    extra = _Extra(
        wbs=doc.outline_codes if doc is not None else {},
        notes=notes,
        scheduled=scheduled,
    )
    for position, (act, level, number) in enumerate(_outline(project), start=1):
        _task(out, act, uid[act.id], position, level, number, cal_uid, project, extra)
        out.extend(preds.get(act.id, ()))
        for b_index in range(min(len(project.baselines), 11)):
            entry = baselines.get((b_index, act.id))
            if entry is not None:
                out.append(
                    f"<Baseline><Number>{b_index}</Number><Start>{_dt(entry.start)}</Start>"
                    f"<Finish>{_dt(entry.finish)}</Finish>"
                    f"<Duration>{_duration(entry.duration)}</Duration>"
                    "<DurationFormat>7</DurationFormat></Baseline>"
                )
        out.append("</Task>")
    out.append("</Tasks>")
    if doc is not None:
        _resources(out, doc, cal_uid)
        _assignments(out, doc, uid, scheduled)
    out.append("</Project>")
    return "".join(out).encode("utf-8")


def _resources(out: list[str], doc: PlanDocument, cal_uid: dict[str, int]) -> None:
    """``<Resources>``: UID 0 is MS Project's own empty resource; ours start at 1."""
    if not doc.resources:
        out.append("<Resources />")
        return
    out.append("<Resources>")
    for position, res in enumerate(doc.resources, start=1):
        out.append(
            f"<Resource><UID>{position}</UID><ID>{position}</ID>"
            f"{_leaf('Name', _text(res.name or res.id))}"
            f"<Type>{RESOURCE_TYPE[res.kind]}</Type><IsNull>0</IsNull>"
            f"{_leaf('Code', _text(res.id))}"
        )
        if res.group:
            out.append(_leaf("Group", _text(res.group)))
        if res.email:
            out.append(_leaf("EmailAddress", _text(res.email)))
        if res.kind is ResourceKind.WORK:
            out.append(f"<MaxUnits>{res.max_units:.2f}</MaxUnits>")
        out.append(
            f"<StandardRate>{_money(res.standard_rate)}</StandardRate>"
            "<StandardRateFormat>2</StandardRateFormat>"  # per hour
            f"<OvertimeRate>{_money(res.overtime_rate)}</OvertimeRate>"
            "<OvertimeRateFormat>2</OvertimeRateFormat>"
            f"<CostPerUse>{_money(res.cost_per_use)}</CostPerUse>"
        )
        if res.calendar is not None and res.calendar in cal_uid:
            out.append(f"<CalendarUID>{cal_uid[res.calendar]}</CalendarUID>")
        out.append("</Resource>")
    out.append("</Resources>")


def _assignments(
    out: list[str],
    doc: PlanDocument,
    uid: dict[str, int],
    scheduled: dict[str, ActivitySchedule],
) -> None:
    """``<Assignments>``: one per resource on a task, with units and work."""
    if not doc.assignments:
        out.append("<Assignments />")
        return
    res_uid = {r.id: i for i, r in enumerate(doc.resources, start=1)}
    durations = {a.id: a.duration for a in doc.plan.activities}
    out.append("<Assignments>")
    for position, item in enumerate(doc.assignments, start=1):
        work = item.work if item.work is not None else round(durations[item.activity] * item.units)
        done = min(100, round(100 * item.actual_work / work)) if work else 0
        out.append(
            f"<Assignment><UID>{position}</UID><TaskUID>{uid[item.activity]}</TaskUID>"
            f"<ResourceUID>{res_uid[item.resource]}</ResourceUID>"
            f"<PercentWorkComplete>{done}</PercentWorkComplete>"
            f"<ActualWork>{_duration(item.actual_work)}</ActualWork>"
        )
        if item.cost is not None:
            out.append(f"<Cost>{_money(item.cost)}</Cost>")
        dates = scheduled.get(item.activity)
        if dates is not None:
            out.append(f"<Finish>{_dt(dates.finish)}</Finish>")
        out.append(f"<RemainingWork>{_duration(max(work - item.actual_work, 0))}</RemainingWork>")
        if dates is not None:
            out.append(f"<Start>{_dt(dates.start)}</Start>")
        out.append(f"<Units>{item.units:.2f}</Units><Work>{_duration(work)}</Work></Assignment>")
    out.append("</Assignments>")


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
    out: list[str],
    act: Activity,
    uid: int,
    position: int,
    level: int,
    number: str,
    cal_uid: dict[str, int],
    project: Project,
    extra: _Extra,
) -> None:
    """A ``<Task>`` up to its predecessor links (the caller adds them and closes it)."""
    is_summary = act.kind is Kind.SUMMARY
    duration = 0 if is_summary else act.duration
    dates = extra.scheduled.get(act.id)
    if dates is not None:
        when = f"<Start>{_dt(dates.start)}</Start><Finish>{_dt(dates.finish)}</Finish>"
        if is_summary:
            duration = dates.duration
    else:
        when = f"<Start>{_dt(act.actual_start or project.start)}</Start>"
    fmt = DURATION_FORMAT_ELAPSED_MINUTES if act.elapsed else DURATION_FORMAT_MINUTES
    out.append(
        f"<Task><UID>{uid}</UID><ID>{position}</ID>{_leaf('Name', _text(act.name or act.id))}"
        "<Type>1</Type><IsNull>0</IsNull>"  # fixed duration
        f"{_leaf('WBS', _text(extra.wbs.get(act.id) or number))}"
        f"<OutlineNumber>{number}</OutlineNumber><OutlineLevel>{level}</OutlineLevel>{when}"
        f"<Duration>{_duration(duration)}</Duration><DurationFormat>{fmt}</DurationFormat>"
        f"<Milestone>{int(act.kind is Kind.MILESTONE)}</Milestone>"
        f"<Summary>{int(is_summary)}</Summary>"
    )
    if act.cost and not is_summary:
        out.append(f"<FixedCost>{_money(act.cost)}</FixedCost>")
    out.append(f"<PercentComplete>{round(act.percent_complete)}</PercentComplete>")
    if act.actual_start is not None:
        out.append(f"<ActualStart>{_dt(act.actual_start)}</ActualStart>")
    if act.actual_finish is not None:
        out.append(f"<ActualFinish>{_dt(act.actual_finish)}</ActualFinish>")
    if act.finished:
        remaining = 0
    elif act.started:
        remaining = remaining_of(act)
    else:
        remaining = duration
    out.append(
        f"<ActualDuration>{_duration(max(duration - remaining, 0))}</ActualDuration>"
        f"<RemainingDuration>{_duration(remaining)}</RemainingDuration>"
        f"<ConstraintType>{CONSTRAINT[act.constraint]}</ConstraintType>"
        f"<CalendarUID>{cal_uid[act.calendar] if act.calendar else -1}</CalendarUID>"
    )
    if act.constraint_date is not None:
        out.append(f"<ConstraintDate>{_dt(act.constraint_date)}</ConstraintDate>")
    if act.deadline is not None:
        out.append(f"<Deadline>{_dt(act.deadline)}</Deadline>")
    note = extra.notes.get(act.id)
    if note:
        out.append(_leaf("Notes", _text(note)))


__all__ = ["to_mspdi"]
