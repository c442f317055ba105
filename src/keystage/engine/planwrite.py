"""Write a :class:`Project` as a plan file (``docs/plan-format.md``), the inverse of planfile.

Every field the reader knows is written in its most exact form, so that
``parse_plan(to_toml(p))`` gives back the same activities, links, calendars and
baselines: dates as local date-times, durations and lags in whole minutes
(``"90em"`` when elapsed, ``"50%"`` for a percentage lag), links as ``[[links]]``
tables, calendars with every weekday's shifts and every exception.

Pure: no Django, no I/O. The text is TOML 1.0.
"""

from __future__ import annotations

from datetime import datetime

from keystage.engine.calendars import Calendar, Shift
from keystage.engine.network import Activity, ConstraintType, Kind, LagUnit, Link, Project

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def quote(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = ['"']
    for char in text:
        code = ord(char)
        if char in '"\\':
            out.append("\\" + char)
        elif code < 0x20 or code == 0x7F:
            out.append(f"\\u{code:04x}")
        else:
            out.append(char)
    out.append('"')
    return "".join(out)


def _when(value: datetime) -> str:
    return value.strftime("%Y-%m-%dT%H:%M:%S")


def _number(value: float) -> str:
    """An integer when whole, else the shortest exact float text."""
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


def _clock(minute: int) -> str:
    return f"{minute // 60:02d}:{minute % 60:02d}"


def _shifts(shifts: tuple[Shift, ...]) -> str:
    return "[" + ", ".join(quote(f"{_clock(s.start)}-{_clock(s.end)}") for s in shifts) + "]"


def _calendar(calendar: Calendar) -> list[str]:
    lines = [f"[calendars.{quote(calendar.id)}]"]
    lines.append(f"name = {quote(calendar.name or calendar.id)}")
    working = ", ".join(quote(DAYS[i]) for i, day in enumerate(calendar.week) if day)
    lines.append(f"days = [{working}]")
    week = ", ".join(f"{DAYS[i]} = {_shifts(day)}" for i, day in enumerate(calendar.week))
    lines.append(f"week = {{ {week} }}")
    holidays = sorted(e.day for e in calendar.exceptions if not e.shifts)
    if holidays:
        lines.append("holidays = [" + ", ".join(d.isoformat() for d in holidays) + "]")
    for exc in sorted((e for e in calendar.exceptions if e.shifts), key=lambda e: e.day):
        lines.append("")
        lines.append(f"[[calendars.{quote(calendar.id)}.exceptions]]")
        lines.append(f"date = {exc.day.isoformat()}")
        lines.append(f"hours = {_shifts(exc.shifts)}")
    return lines


def _duration(minutes: float, elapsed: bool) -> str:
    return quote(f"{_number(minutes)}em") if elapsed else _number(minutes)


def _activity(act: Activity) -> list[str]:
    lines = ["[[activities]]", f"id = {quote(act.id)}"]
    if act.name:
        lines.append(f"name = {quote(act.name)}")
    if act.kind is not Kind.TASK:
        lines.append(f"kind = {quote(act.kind.value)}")
    if act.duration or act.elapsed:
        lines.append(f"duration = {_duration(act.duration, act.elapsed)}")
    if act.parent is not None:
        lines.append(f"parent = {quote(act.parent)}")
    if act.calendar is not None:
        lines.append(f"calendar = {quote(act.calendar)}")
    if act.constraint is not ConstraintType.ASAP:
        lines.append(f"constraint = {quote(act.constraint.value)}")
    dates: tuple[tuple[str, datetime | None], ...] = (
        ("constraint_date", act.constraint_date),
        ("deadline", act.deadline),
        ("actual_start", act.actual_start),
        ("actual_finish", act.actual_finish),
    )
    lines += [f"{key} = {_when(value)}" for key, value in dates if value is not None]
    if act.percent_complete:
        lines.append(f"percent_complete = {_number(act.percent_complete)}")
    if act.remaining is not None:
        lines.append(f"remaining = {act.remaining}")
    if act.work:
        lines.append(f"work = {_number(act.work)}")
    if act.cost:
        lines.append(f"cost = {_number(act.cost)}")
    return lines


def _lag(link: Link, amount: float | None = None) -> str:
    amount = link.lag if amount is None else amount
    if link.lag_unit is LagUnit.PERCENT:
        return quote(f"{_number(amount)}%")
    return _duration(amount, link.lag_unit is LagUnit.ELAPSED)


def to_toml(project: Project, *, title: str = "", baseline: str | None = None) -> str:
    """The project as plan-file text that ``planfile.parse_plan`` reads back unchanged."""
    lines: list[str] = []
    if title:
        lines.append("# " + " ".join(title.split()))
    lines.append("[project]")
    lines.append(f"start = {_when(project.start)}")
    lines.append(f"calendar = {quote(project.calendar)}")
    if project.data_date is not None:
        lines.append(f"data_date = {_when(project.data_date)}")
    if baseline is not None:
        lines.append(f"baseline = {quote(baseline)}")
    for calendar in project.calendars:
        lines.append("")
        lines += _calendar(calendar)
    for act in project.activities:
        lines.append("")
        lines += _activity(act)
    for link in project.links:
        lines.append("")
        lines += ["[[links]]", f"from = {quote(link.pred)}", f"to = {quote(link.succ)}"]
        if link.type.value != "FS":
            lines.append(f"type = {quote(link.type.value)}")
        if link.lag or link.lag_unit is not LagUnit.WORKING:
            lines.append(f"lag = {_lag(link)}")
        if link.max_lag is not None:
            lines.append(f"max_lag = {_lag(link, link.max_lag)}")
    for base in project.baselines:
        lines += ["", "[[baselines]]", f"name = {quote(base.name)}"]
        if base.entries:
            lines += ["", "[baselines.activities]"]
        for entry in base.entries:
            lines.append(
                f"{quote(entry.activity)} = {{ start = {_when(entry.start)}, "
                f"finish = {_when(entry.finish)}, duration = {entry.duration} }}"
            )
    return "\n".join(lines) + "\n"


__all__ = ["quote", "to_toml"]
