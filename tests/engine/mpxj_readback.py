"""Read an MSPDI file back with MPXJ's own reader: what a tool that trusts the file sees."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from tests.engine import mpxj_oracle


def _dt(value: object) -> datetime | None:
    return None if value is None else datetime.fromisoformat(str(value))


@dataclass
class ReadBack:
    """Counts and dates of a plan as MPXJ read it (tasks without the project summary)."""

    tasks: dict[str, dict[str, datetime | None]] = field(default_factory=dict)
    links: set[tuple[str, str, str]] = field(default_factory=set)
    calendars: dict[str, set[date]] = field(default_factory=dict)
    resources: dict[str, float] = field(default_factory=dict)  # name -> standard rate
    assignments: dict[tuple[str, str], tuple[float, float, datetime | None]] = field(
        default_factory=dict
    )  # (task, resource) -> (units %, work minutes, start)
    baselines: dict[tuple[int, str], tuple[datetime | None, datetime | None]] = field(
        default_factory=dict
    )
    wbs: dict[str, str] = field(default_factory=dict)
    notes: dict[str, str] = field(default_factory=dict)


def read_mspdi(xml: bytes, baselines: int = 0) -> ReadBack:
    """Everything the export test compares, read through ``org.mpxj.mspdi.MSPDIReader``."""
    mpxj_oracle._jvm()
    from java.io import ByteArrayInputStream  # type: ignore[import-not-found]
    from org.mpxj import TimeUnit  # type: ignore[import-not-found]
    from org.mpxj.mspdi import MSPDIReader  # type: ignore[import-not-found]

    project = MSPDIReader().read(ByteArrayInputStream(xml))
    props = project.getProjectProperties()
    out = ReadBack()
    for task in project.getTasks():
        if int(task.getUniqueID()) == 0:
            continue
        name = str(task.getName())
        out.tasks[name] = {
            "start": _dt(task.getStart()),
            "finish": _dt(task.getFinish()),
            "actual_start": _dt(task.getActualStart()),
            "actual_finish": _dt(task.getActualFinish()),
            "constraint_date": _dt(task.getConstraintDate()),
            "deadline": _dt(task.getDeadline()),
        }
        out.wbs[name] = str(task.getWBS())
        if task.getNotes():
            out.notes[name] = str(task.getNotes())
        for relation in task.getPredecessors():
            pred = str(relation.getPredecessorTask().getName())
            out.links.add((pred, name, str(relation.getType())))
        for number in range(baselines):
            start = task.getBaselineStart(number) if number else task.getBaselineStart()
            finish = task.getBaselineFinish(number) if number else task.getBaselineFinish()
            if start is not None:
                out.baselines[(number, name)] = (_dt(start), _dt(finish))
    for calendar in project.getCalendars():
        out.calendars[str(calendar.getName())] = {
            datetime.fromisoformat(str(e.getFromDate())).date()
            if "T" in str(e.getFromDate())
            else date.fromisoformat(str(e.getFromDate()))
            for e in calendar.getCalendarExceptions()
        }
    for resource in project.getResources():
        if int(resource.getUniqueID()) == 0:
            continue
        rate = resource.getStandardRate()
        out.resources[str(resource.getName())] = float(rate.getAmount()) if rate else 0.0
    for item in project.getResourceAssignments():
        task, resource = item.getTask(), item.getResource()
        if resource is None:
            continue
        work = item.getWork()
        minutes = float(work.convertUnits(TimeUnit.MINUTES, props).getDuration()) if work else 0
        out.assignments[(str(task.getName()), str(resource.getName()))] = (
            float(item.getUnits()),
            minutes,
            _dt(item.getStart()),
        )
    return out
