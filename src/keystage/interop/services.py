"""Import a plan into a project: preview what will be created, then write it in one go.

:func:`plan_preview` maps a :class:`~keystage.engine.interchange.PlanDocument` onto what a
Keystage project holds — one project calendar with holidays, a WBS of tasks (durations in
working minutes, constraint dates as days), dependencies with lags in working minutes,
assignments of the organisation's people (members first; other active users of the
organisation join the team on import), baselines, progress — and lists, beside the
reader's own losses, everything that mapping cannot keep (task calendars, elapsed
durations and lags, percent lags, resources who match no user, material resources, …).
It writes nothing. ``keystage.interop.new_project`` opens a new project for a plan.

:func:`plan_import` writes the preview into an empty project in ONE transaction, under the
plan lock and the project-edit permission (project managers; closed projects refuse),
journals every record it creates, reschedules the plan and completes the
:class:`~keystage.interop.models.ImportReport`. :func:`import_upload` reads an uploaded file
and stores its preview; :func:`import_confirm` imports a stored preview.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core.audit import audit_record, audit_records
from keystage.core.dates import plausible
from keystage.core.errors import Conflict, InvalidInput
from keystage.core.lookup import get_by_public_id
from keystage.core.models import AuditAction
from keystage.core.versioning import versioned_update
from keystage.engine import cpm
from keystage.engine.calendars import Calendar, Shift
from keystage.engine.errors import ScheduleError
from keystage.engine.interchange import Loss, PlanDocument, ResourceKind
from keystage.engine.mspdi_read import PlanReadError
from keystage.engine.network import DATED_CONSTRAINTS, Kind, LagUnit
from keystage.interop import readers
from keystage.interop.models import ImportReport, ImportStatus
from keystage.planning import engine
from keystage.planning.models import (
    Assignment,
    Baseline,
    BaselineTask,
    Dependency,
    Holiday,
    ProjectCalendar,
    Task,
    TaskKind,
)
from keystage.planning.services.plan_lock import plan_lock
from keystage.planning.services.wbs import MAX_DEPTH, renumber
from keystage.portfolio import services as portfolio
from keystage.portfolio.access import require_open, require_perm
from keystage.portfolio.models import Project, ProjectMembership

MAX_UPLOAD = 50 * 1024 * 1024
MAX_MINUTES = 60 * 24 * 3650
MAX_TASKS = 50_000
PREVIEW_ROWS = 500
PREVIEW_DAYS = 1
BATCH = 1000
WEEK_MINUTES = 7 * 1440
SCHEDULED = (
    "start_at", "finish_at", "early_start_at", "early_finish_at", "late_start_at",
    "late_finish_at", "total_float_minutes", "free_float_minutes", "is_critical",
)  # fmt: skip


@dataclass(frozen=True)
class TaskRow:
    """One task as it will be created."""

    key: str  # the activity id in the document
    parent: str | None
    level: int
    wbs: str
    name: str
    kind: str  # "task", "milestone", "summary"
    duration_minutes: int
    constraint_type: str
    constraint_date: dt.date | None
    deadline: dt.date | None
    actual_start: dt.date | None
    actual_finish: dt.date | None
    percent_complete: int
    remaining_minutes: int | None
    work_hours: Decimal | None
    notes: str
    predecessors: int = 0


@dataclass(frozen=True)
class LinkRow:
    """One dependency as it will be created."""

    pred: str
    succ: str
    type: str
    lag_minutes: int
    max_lag_minutes: int | None = None


@dataclass(frozen=True)
class AssignmentRow:
    """One assignment of a project member as it will be created."""

    task: str
    person_id: int
    person: str
    units_percent: int
    work_hours: Decimal | None


@dataclass
class Preview:
    """What an import will create and everything it cannot keep."""

    title: str
    source_format: str
    start: dt.date
    weekdays: str
    shifts: str
    holidays: list[tuple[dt.date, dt.date]]
    data_date: dt.date | None
    tasks: list[TaskRow]
    links: list[LinkRow]
    assignments: list[AssignmentRow]
    baselines: list[tuple[str, list[tuple[str, dt.datetime, dt.datetime, int]]]]
    resources: list[dict[str, Any]]
    losses: list[Loss] = field(default_factory=list)
    error: str = ""
    finish: dt.date | None = None  # the scheduled finish of the plan, when it schedules
    # The tasks as the import will write them, already scheduled (schedule_preview).
    scheduled: dict[str, Task] | None = field(default=None, repr=False)
    joining: list[tuple[int, str]] = field(default_factory=list)  # (user pk, name) to add

    @property
    def counts(self) -> dict[str, int]:
        """How many of each kind will be created."""
        return {
            "tasks": len(self.tasks),
            "summaries": sum(1 for t in self.tasks if t.kind == "summary"),
            "milestones": sum(1 for t in self.tasks if t.kind == "milestone"),
            "links": len(self.links),
            "calendars": 1,
            "holidays": len(self.holidays),
            "resources": len(self.resources),
            "resources_matched": sum(1 for r in self.resources if r["member"]),
            "team_additions": len(self.joining),
            "assignments": len(self.assignments),
            "baselines": len(self.baselines),
            "with_progress": sum(1 for t in self.tasks if t.actual_start is not None),
            "losses": len(self.losses),
        }

    @property
    def count_rows(self) -> list[tuple[str, str, int]]:
        """``(kind, label, count)`` for the page."""
        return [(k, k.replace("_", " "), n) for k, n in self.counts.items()]

    def as_json(self, rows: int = PREVIEW_ROWS) -> dict[str, Any]:
        """The preview as JSON: counts, the first ``rows`` tasks, every loss."""
        return {
            "title": self.title,
            "format": self.source_format,
            "start": self.start.isoformat(),
            "calendar": {"working_weekdays": self.weekdays, "shifts": self.shifts},
            "counts": self.counts,
            "tasks": [
                {
                    "wbs": t.wbs,
                    "name": t.name,
                    "kind": t.kind,
                    "duration_minutes": t.duration_minutes,
                    "constraint": t.constraint_type,
                    "constraint_date": t.constraint_date.isoformat() if t.constraint_date else None,
                    "percent_complete": t.percent_complete,
                    "predecessors": t.predecessors,
                }
                for t in self.tasks[:rows]
            ],
            "resources": self.resources,
            "losses": [{"where": loss.where, "what": loss.what} for loss in self.losses],
            "error": self.error,
        }


# ------------------------------------------------------------------ mapping


def _shift_text(shifts: Iterable[Shift]) -> str:
    def clock(minute: int) -> str:
        return f"{minute // 60:02d}:{minute % 60:02d}"

    return ",".join(f"{clock(s.start)}-{clock(s.end)}" for s in shifts)


def _calendar(
    calendar: Calendar, losses: list[Loss]
) -> tuple[str, str, list[tuple[dt.date, dt.date]]]:
    """The project calendar as weekdays, one set of shifts and holiday ranges."""
    where = f"calendar {calendar.name or calendar.id!r}"
    working = [day for day in calendar.week if day]
    common = Counter(working).most_common(1)
    shifts = common[0][0] if common else ()
    if any(day != shifts for day in working):
        losses.append(
            Loss(
                where,
                "working hours differ between weekdays; every working day "
                f"now has {_shift_text(shifts)}",
            )
        )
    weekdays = "".join(str(i + 1) for i, day in enumerate(calendar.week) if day)
    days: list[dt.date] = []
    odd = 0
    for exc in sorted(calendar.exceptions, key=lambda e: e.day):
        if exc.shifts:
            if calendar.week[exc.day.weekday()] != exc.shifts:
                odd += 1
        elif calendar.week[exc.day.weekday()] and plausible(exc.day):
            days.append(exc.day)
    if odd:
        losses.append(
            Loss(
                where,
                f"{odd} exception(s) with their own working hours were "
                "dropped (a day's working hours are those of the week)",
            )
        )
    ranges: list[tuple[dt.date, dt.date]] = []
    for day in days:
        if ranges and (day - ranges[-1][1]).days <= 1:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return weekdays or "12345", _shift_text(shifts) or "09:00-13:00,14:00-18:00", ranges


def _day(value: dt.datetime | None) -> dt.date | None:
    return value.date() if value is not None else None


def _members(project: Project | None, who: Any) -> list[User]:
    """The project's active members; for a new project, its manager-to-be ``who``."""
    if project is None:
        return [who] if isinstance(who, User) and who.is_active else []
    return [
        m.user
        for m in ProjectMembership.objects.filter(project=project).select_related("user")
        if m.user.is_active
    ]


def _colleagues(project: Project | None, who: Any) -> list[User]:
    """Active users of the project's organisation (a new project: the importer's) who are
    not members yet: a resource naming one of them joins the team. Never another
    organisation's people."""
    organisation_id = project.organisation_id if project is not None else who.organisation_id
    if organisation_id is None:
        return []
    users = User.objects.filter(organisation_id=organisation_id, is_active=True)
    if project is not None:
        users = users.exclude(memberships__project=project)
    elif isinstance(who, User):
        users = users.exclude(pk=who.pk)
    return list(users.order_by("pk"))


class People:
    """Users to match resources against, indexed once by e-mail and by name (an
    organisation of thousands and a plan of hundreds of resources stay linear)."""

    def __init__(self, users: list[User]) -> None:
        self.by_email: dict[str, User] = {}
        self.by_name: dict[str, User] = {}
        for user in users:  # the first of two users with the same key wins, as before
            if user.email:
                self.by_email.setdefault(user.email.lower(), user)
        for user in users:
            for name in (user.get_full_name().lower(), user.username.lower()):
                if name:
                    self.by_name.setdefault(name, user)

    def match(self, resource_name: str, email: str) -> User | None:
        """The user a resource names: by e-mail, then full name, then user name."""
        if email and email.lower() in self.by_email:
            return self.by_email[email.lower()]
        name = " ".join(resource_name.lower().split())
        return self.by_name.get(name) if name else None


def _working_lag(lag: float, unit: LagUnit, pred_minutes: float, week_minutes: float) -> float:
    """A lag (or maximum lag) of a plan file in working minutes of the project calendar."""
    if unit is LagUnit.ELAPSED:
        return lag * week_minutes / WEEK_MINUTES
    if unit is LagUnit.PERCENT:
        return pred_minutes * lag / 100
    return lag


def _clamped(minutes: float) -> int:
    """Whole minutes within the model's bounds."""
    return max(-MAX_MINUTES, min(MAX_MINUTES, round(minutes)))


def plan_preview(
    *, project: Project | None, document: PlanDocument, who: Any = None, schedule: bool = True
) -> Preview:
    """Map the document onto a project's records; nothing is written.

    ``project`` is None for an import into a new project, whose manager will be ``who``.
    Work resources are matched to the project's members, then to the other active users
    of its organisation, who join the team when the plan is imported. ``schedule``: find
    the plan's finish (an import that writes schedules the rows it writes instead)."""
    plan = document.plan
    losses = list(document.losses)
    if len(plan.activities) > MAX_TASKS:
        raise InvalidInput(
            {
                "file": f"The plan has {len(plan.activities)} tasks; at most "
                f"{MAX_TASKS} can be imported at once."
            }
        )
    if not plan.activities:
        raise InvalidInput({"file": "The plan has no tasks."})
    calendar = plan.calendars_by_id[plan.calendar]
    weekdays, shifts, holidays = _calendar(calendar, losses)
    week_minutes = calendar.weekly_minutes or 2400
    acts = {a.id: a for a in plan.activities}
    children: dict[str | None, list[str]] = {}
    for act in plan.activities:
        children.setdefault(act.parent, []).append(act.id)
    rows: list[TaskRow] = []
    times = 0
    preds = Counter(link.succ for link in plan.links)

    def walk(parent: str | None, level: int, prefix: str) -> None:
        nonlocal times
        for number, key in enumerate(children.get(parent, []), start=1):
            act = acts[key]
            where = f"task {document.outline_codes.get(key, key)} {act.name[:80]!r}"
            wbs = f"{prefix}{number}"
            if level > MAX_DEPTH:
                raise InvalidInput(
                    {"file": f"The WBS is deeper than {MAX_DEPTH} levels (at {where})."}
                )
            duration = act.duration
            if act.elapsed and duration:
                duration = round(duration * week_minutes / WEEK_MINUTES)
                losses.append(
                    Loss(where, f"its elapsed duration was converted to {duration} working minutes")
                )
            if act.calendar and act.calendar != plan.calendar:
                name = plan.calendars_by_id[act.calendar].name or act.calendar
                losses.append(
                    Loss(
                        where,
                        f"works on calendar {name!r}; it is scheduled on the project calendar",
                    )
                )
            if duration > MAX_MINUTES:
                losses.append(Loss(where, "its duration was cut to ten years"))
                duration = MAX_MINUTES
            for value in (act.constraint_date, act.deadline, act.actual_start, act.actual_finish):
                if value is not None and value.time() not in (dt.time(0), calendar_start(calendar)):
                    times += 1
            dates = [act.constraint_date, act.deadline, act.actual_start, act.actual_finish]
            if any(d is not None and not plausible(d.date()) for d in dates):
                raise InvalidInput({"file": f"{where} has a date outside 1990–2200."})
            kind = {Kind.SUMMARY: "summary", Kind.MILESTONE: "milestone"}.get(act.kind, "task")
            notes = document.notes.get(key, "")
            if len(notes) > 4000:
                losses.append(Loss(where, "its notes were cut to 4,000 characters"))
            remaining = act.remaining
            if remaining is not None and act.elapsed:
                remaining = round(remaining * week_minutes / WEEK_MINUTES)
            rows.append(
                TaskRow(
                    key=key,
                    parent=parent,
                    level=level,
                    wbs=wbs,
                    name=(act.name.strip() or f"Task {key}")[:255],
                    kind=kind,
                    duration_minutes=0 if kind != "task" else duration,
                    constraint_type=str(act.constraint),
                    constraint_date=_day(act.constraint_date)
                    if act.constraint in DATED_CONSTRAINTS
                    else None,
                    deadline=_day(act.deadline),
                    actual_start=_day(act.actual_start),
                    actual_finish=_day(act.actual_finish),
                    percent_complete=round(act.percent_complete),
                    remaining_minutes=min(remaining, MAX_MINUTES)
                    if remaining is not None
                    else None,
                    work_hours=Decimal(str(round(act.work, 2))) if 0 < act.work < 10**8 else None,
                    notes=notes[:4000],
                    predecessors=preds.get(key, 0),
                )
            )
            walk(key, level + 1, wbs + ".")

    walk(None, 1, "")
    if times:
        losses.append(
            Loss(
                "tasks",
                f"{times} constraint, deadline or actual date(s) carried a "
                "time of day; Keystage keeps their days",
            )
        )
    links = []
    last = {(k.pred, k.succ): k for k in plan.links}  # a project links two tasks once
    for link in plan.links:
        where = f"link {acts[link.pred].name[:60]!r} → {acts[link.succ].name[:60]!r}"
        if last[link.pred, link.succ] is not link:
            losses.append(Loss(where, "a later link between these tasks replaced this one"))
            continue
        lag = _working_lag(link.lag, link.lag_unit, acts[link.pred].duration, week_minutes)
        if link.lag_unit is LagUnit.ELAPSED and lag:
            losses.append(
                Loss(where, f"its elapsed lag was converted to {round(lag)} working minutes")
            )
        elif link.lag_unit is LagUnit.PERCENT and lag:
            losses.append(
                Loss(where, f"its {link.lag:g} % lag became {round(lag)} working minutes")
            )
        most = None
        if link.max_lag is not None:
            most = _working_lag(link.max_lag, link.lag_unit, acts[link.pred].duration, week_minutes)
            if link.lag_unit is not LagUnit.WORKING:
                losses.append(Loss(where, f"its maximum lag became {round(most)} working minutes"))
        links.append(
            LinkRow(
                link.pred,
                link.succ,
                str(link.type),
                _clamped(lag),
                None if most is None else _clamped(most),
            )
        )
    members = People(_members(project, who))
    colleagues: People | None = None
    joining: dict[int, str] = {}
    matched: dict[str, User] = {}
    resources: list[dict[str, Any]] = []
    assigned = Counter(a.resource for a in document.assignments)
    for res in document.resources:
        user = members.match(res.name, res.email) if res.kind is ResourceKind.WORK else None
        joins = False
        if user is None and res.kind is ResourceKind.WORK:
            if colleagues is None:
                colleagues = People(_colleagues(project, who))
            user = colleagues.match(res.name, res.email)
            joins = user is not None
        if user is not None:
            matched[res.id] = user
            if joins:
                joining[user.pk] = user.get_full_name() or user.username
        resources.append(
            {
                "name": res.name,
                "kind": str(res.kind),
                "email": res.email,
                "max_units": res.max_units,
                "standard_rate": str(res.standard_rate),
                "overtime_rate": str(res.overtime_rate),
                "cost_per_use": str(res.cost_per_use),
                "member": user.get_full_name() or user.username if user else "",
                "joins": joins,
                "assignments": assigned.get(res.id, 0),
            }
        )
        count = assigned.get(res.id, 0)
        if user is None and res.kind is ResourceKind.WORK:
            losses.append(
                Loss(
                    f"resource {res.name[:80]!r}",
                    "matches no user of the organisation (by e-mail, full name or user "
                    f"name); its {count} assignment(s) are kept only in this report",
                )
            )
        elif res.kind is ResourceKind.MATERIAL:
            losses.append(
                Loss(
                    f"resource {res.name[:80]!r}",
                    f"is a material resource; its {count} assignment(s) are kept only in "
                    "this report",
                )
            )
    assignments: list[AssignmentRow] = []
    taken: set[tuple[str, int]] = set()
    for assignment in document.assignments:
        user = matched.get(assignment.resource)
        if user is None:
            continue
        where = f"task {acts[assignment.activity].name[:80]!r}"
        if acts[assignment.activity].kind is Kind.SUMMARY:
            losses.append(Loss(where, f"{user.username} is assigned to a summary task; dropped"))
            continue
        if (assignment.activity, user.pk) in taken:
            losses.append(
                Loss(where, f"two resources are the same person ({user.username}); merged")
            )
            continue
        taken.add((assignment.activity, user.pk))
        units = max(1, min(1000, round(assignment.units * 100)))
        work = assignment.work
        assignments.append(
            AssignmentRow(
                assignment.activity,
                user.pk,
                user.get_full_name() or user.username,
                units,
                Decimal(work) / 60 if work is not None and work < 6 * 10**8 else None,
            )
        )
    baselines = [
        (
            b.name[:200],
            [(e.activity, e.start, e.finish, min(e.duration, MAX_MINUTES)) for e in b.entries],
        )
        for b in plan.baselines
    ]
    preview = Preview(
        title=document.title,
        source_format=document.source_format,
        start=plan.start.date(),
        weekdays=weekdays,
        shifts=shifts,
        holidays=holidays,
        data_date=_day(plan.data_date),
        tasks=rows,
        links=links,
        assignments=assignments,
        baselines=baselines,
        resources=resources,
        losses=losses,
        joining=sorted(joining.items(), key=lambda item: item[1]),
    )
    if schedule:
        try:
            preview.finish = cpm.schedule(plan).finish.date()
        except ScheduleError as exc:
            preview.error = f"The plan cannot be scheduled: {exc}"
    return preview


def schedule_preview(preview: Preview) -> dict[str, Task]:
    """Schedule the tasks the preview will write, on the calendar it will write, before
    anything is written; kept on the preview (with its finish) for the import to reuse.
    A plan that cannot be scheduled is a field error on ``file``."""
    calendar = ProjectCalendar(
        working_weekdays=preview.weekdays, shifts=preview.shifts, data_date=preview.data_date
    )
    holidays = [Holiday(start_date=a, end_date=b) for a, b in preview.holidays]
    preview.scheduled = _scheduled_tasks(preview, calendar, holidays)
    finishes = [t.finish_at for t in preview.scheduled.values() if t.finish_at is not None]
    preview.finish = timezone.localdate(max(finishes)) if finishes else preview.start
    return preview.scheduled


def calendar_start(calendar: Calendar) -> dt.time:
    """The start of the first working period of the calendar's first working day."""
    for day in calendar.week:
        if day:
            return dt.time(day[0].start // 60, day[0].start % 60)
    return dt.time(8)


# ------------------------------------------------------------------ writing


def _journal(who: Any, project: Project, records: list[Any], summary: str) -> None:
    audit_records(
        who=who,
        action=AuditAction.CREATE,
        project=project,
        entries=[(record, {}, summary.format(record=record)) for record in records],
    )


def move_project_dates(
    who: Any, project: Project, dates: dict[str, dt.date], *, summary: str
) -> None:
    """Set the project's ``dates`` (start_date, target_date) that differ, under a new
    version (an edit made from an older form gets its 409), journaled with each change."""
    fresh = versioned_update(
        who=who,
        instance=project,
        expected_version=project.version,
        changes=dict(dates),
        project=project,
        summary=summary,
    )
    project.version = fresh.version
    for name in dates:
        setattr(project, name, getattr(fresh, name))


def _write(who: Any, project: Project, preview: Preview) -> dict[str, Task]:
    """Create every record of the preview (inside the caller's transaction)."""
    if Task.objects.filter(project=project).exists():
        raise InvalidInput(
            {
                "project": f"{project.code} already has a plan; a plan can only be "
                "imported into a project without tasks."
            }
        )
    if preview.error:
        raise InvalidInput({"file": preview.error})
    if project.start_date != preview.start:
        move_project_dates(
            who,
            project,
            {"start_date": preview.start, "target_date": max(project.target_date, preview.start)},
            summary=f"Start date set to {preview.start:%d %b %Y} by a plan import",
        )
    calendar, _ = ProjectCalendar.objects.update_or_create(
        project=project,
        defaults={
            "working_weekdays": preview.weekdays,
            "shifts": preview.shifts,
            "data_date": preview.data_date,
        },
    )
    _join(who, project, preview)
    holidays = Holiday.objects.bulk_create(
        [
            Holiday(project=project, name="Non-working (imported)", start_date=a, end_date=b)
            for a, b in preview.holidays
        ],
        batch_size=BATCH,
    )
    if preview.scheduled is None:
        tasks = _scheduled_tasks(preview, calendar, holidays)
    else:  # scheduled on the same calendar before the project was opened
        tasks, preview.scheduled = preview.scheduled, None
    by_level: dict[int, list[TaskRow]] = {}
    for row in preview.tasks:
        by_level.setdefault(row.level, []).append(row)
    for level in sorted(by_level):
        batch = []
        for row in by_level[level]:
            task = tasks[row.key]
            task.pk = None
            task.project = project
            task.parent = tasks[row.parent] if row.parent else None
            batch.append(task)
        Task.objects.bulk_create(batch, batch_size=BATCH)
    dependencies = Dependency.objects.bulk_create(
        [
            Dependency(
                project=project,
                predecessor=tasks[k.pred],
                successor=tasks[k.succ],
                type=k.type,
                lag_minutes=k.lag_minutes,
                max_lag_minutes=k.max_lag_minutes,
            )
            for k in preview.links
        ],
        batch_size=BATCH,
    )
    people = User.objects.in_bulk({a.person_id for a in preview.assignments})
    if len(people) < len({a.person_id for a in preview.assignments}):  # deleted since
        raise Conflict(current=None, message="The team changed since the preview; try again.")
    assignments = Assignment.objects.bulk_create(
        [
            Assignment(
                project=project,
                task=tasks[a.task],
                person=people[a.person_id],  # loaded once: the journal names each person
                units_percent=a.units_percent,
                work_hours=a.work_hours,
                note="Imported with the plan",
            )
            for a in preview.assignments
        ],
        batch_size=BATCH,
    )
    renumber(project)  # rows, WBS codes and levels were set in order: nothing to change
    baselines = _baselines(who, project, preview, tasks)
    _journal(who, project, [calendar], "Calendar set by a plan import")
    _journal(who, project, holidays, "Non-working day imported")
    _journal(who, project, list(tasks.values()), "Imported task '{record.name}'")
    _journal(who, project, dependencies, "Imported link")
    _journal(who, project, assignments, "Imported assignment")
    _journal(who, project, baselines, "Imported baseline '{record.name}'")
    return tasks


def _join(who: Any, project: Project, preview: Preview) -> None:
    """Add the people the plan's resources name to the team, through the membership
    service, all at once (each journaled; the command line's system actor as itself)."""
    people = User.objects.in_bulk([pk for pk, _ in preview.joining])
    already = set(
        ProjectMembership.objects.filter(project=project, user__in=list(people)).values_list(
            "user", flat=True
        )
    )
    joining = []
    for pk, _ in preview.joining:
        if pk in already:  # joined since the preview: their assignments still go in
            continue
        user = people.get(pk)
        if user is None or not user.is_active or user.organisation_id != project.organisation_id:
            raise Conflict(current=None, message="The team changed since the preview; try again.")
        joining.append(user)
    portfolio.team_members_add(who=who, project=project, users=joining)


def _scheduled_tasks(
    preview: Preview, calendar: ProjectCalendar, holidays: list[Holiday]
) -> dict[str, Task]:
    """The tasks to insert (without their project), with their scheduled dates already
    set; the plan starts at the preview's start.

    The plan is scheduled before anything is inserted (the rows carry provisional ids), so
    the dates go in with the rows instead of a second pass of updates over every row.
    """
    tasks: dict[str, Task] = {}
    provisional: dict[str, int] = {row.key: i for i, row in enumerate(preview.tasks, start=1)}
    for row in preview.tasks:
        task = Task(
            pk=provisional[row.key],
            parent_id=provisional[row.parent] if row.parent else None,
            position=provisional[row.key] - 1,
            name=row.name,
            kind=TaskKind.MILESTONE if row.kind == "milestone" else TaskKind.TASK,
            duration_minutes=row.duration_minutes,
            work_hours=row.work_hours,
            constraint_type=row.constraint_type,
            constraint_date=row.constraint_date,
            deadline=row.deadline,
            notes=row.notes,
            actual_start=row.actual_start,
            actual_finish=row.actual_finish,
            percent_complete=row.percent_complete,
            remaining_minutes=row.remaining_minutes,
            row=provisional[row.key],
            wbs_code=row.wbs[:60],
            outline_level=row.level,
            is_summary=row.kind == "summary",
        )
        tasks[row.key] = task
    links = [
        Dependency(
            predecessor_id=provisional[k.pred],
            successor_id=provisional[k.succ],
            type=k.type,
            lag_minutes=k.lag_minutes,
            max_lag_minutes=k.max_lag_minutes,
        )
        for k in preview.links
    ]
    by_id = {t.pk: t for t in tasks.values()}
    try:
        result = engine.run_cpm(
            engine.engine_project(
                preview.start,
                list(tasks.values()),
                links,
                engine.engine_calendar(calendar, holidays),
                calendar.data_date,
            )
        )
    except InvalidInput as exc:
        reason = "; ".join(m for messages in exc.errors.values() for m in messages)
        raise InvalidInput({"file": f"The plan cannot be scheduled: {reason}"}) from None
    for dates in result.dates:
        task = by_id[dates.task_id]
        for name in SCHEDULED:
            setattr(task, name, getattr(dates, name))
    return tasks


def _baselines(
    who: Any, project: Project, preview: Preview, tasks: dict[str, Task]
) -> list[Baseline]:
    made = []
    fresh = {t.pk: t for t in Task.objects.filter(project=project)}
    for number, (name, entries) in enumerate(preview.baselines, start=1):
        if not entries:
            continue
        starts = [timezone.make_aware(e[1]) for e in entries]
        finishes = [timezone.make_aware(e[2]) for e in entries]
        baseline = Baseline.objects.create(
            project=project,
            number=number,
            name=name,
            note="Imported with the plan",
            captured_by=who if getattr(who, "is_authenticated", False) else None,
            start_at=min(starts),
            finish_at=max(finishes),
        )
        rows = []
        for (key, _, _, minutes), start, finish in zip(entries, starts, finishes, strict=True):
            task = fresh[tasks[key].pk]
            rows.append(
                BaselineTask(
                    baseline=baseline,
                    task=task,
                    task_public_id=task.public_id,
                    row=task.row,
                    wbs_code=task.wbs_code,
                    outline_level=task.outline_level,
                    name=task.name,
                    kind=task.kind,
                    is_summary=task.is_summary,
                    start_at=start,
                    finish_at=finish,
                    duration_minutes=minutes,
                )
            )
        BaselineTask.objects.bulk_create(rows, batch_size=BATCH)
        made.append(baseline)
    return made


def _dates_equal(
    tasks: dict[str, Task], file_dates: dict[str, tuple[dt.datetime, dt.datetime]]
) -> float | None:
    """Share (%) of the file's dated leaf tasks whose scheduled dates equal the file's."""
    fresh = {t.pk: t for t in Task.objects.filter(pk__in=[t.pk for t in tasks.values()])}
    total = same = 0
    for key, (start, finish) in file_dates.items():
        task = tasks.get(key)
        if task is None:
            continue
        task = fresh[task.pk]
        if task.is_summary or task.start_at is None or task.finish_at is None:
            continue
        total += 1
        ours = (timezone.make_naive(task.start_at), timezone.make_naive(task.finish_at))
        same += ours == (start, finish)
    return round(100 * same / total, 3) if total else None


def _check_size(data: bytes) -> None:
    if len(data) > MAX_UPLOAD:
        raise InvalidInput(
            {
                "file": f"The file is {len(data) / 2**20:.1f} MB; the limit is "
                f"{MAX_UPLOAD // 2**20} MB."
            }
        )
    if not data:
        raise InvalidInput({"file": "The file is empty."})


def read_upload(
    name: str, data: bytes, fmt: str = "", start: dt.date | None = None
) -> tuple[PlanDocument, dict[str, Any]]:
    """Read an uploaded plan; a field error on ``file`` says why it cannot be read.
    ``start`` (the project's start) anchors a CSV/XLSX task list's undated tasks."""
    _check_size(data)
    try:
        document, file_dates = readers.read_plan_with_dates(data, name, fmt, start)
    except PlanReadError as exc:
        raise InvalidInput({"file": str(exc)}) from None
    return document, file_dates


def plan_import(
    *,
    who: Any,
    project: Project,
    document: PlanDocument,
    source: dict[str, Any],
    dry_run: bool = False,
    file_dates: dict[str, tuple[dt.datetime, dt.datetime]] | None = None,
    report: ImportReport | None = None,
    preview: Preview | None = None,
) -> tuple[ImportReport, Preview]:
    """Import ``document`` into the empty ``project`` (or only preview it with ``dry_run``).

    ``who`` needs the project-edit permission (``None`` is the system actor of the command
    line, refused on closed projects only). ``source`` carries ``name``, ``format``,
    ``size`` and ``sha256`` of the file. Returns the report (stored unless ``dry_run``) and
    the preview. Everything is written in one transaction; any error writes nothing.
    ``preview`` (of this document, for this project) saves mapping the document again.
    """
    _allowed(who, project)
    preview = preview or plan_preview(project=project, document=document, who=who, schedule=dry_run)
    report = report_of(project, source, document, preview, report)
    if dry_run:
        return report, preview
    with transaction.atomic():
        _allowed(who, project)
        plan_lock(project)
        tasks = _write(who, project, preview)
        report.project = project
        report.status = ImportStatus.IMPORTED
        report.imported_by = who if getattr(who, "is_authenticated", False) else None
        report.imported_at = timezone.now()
        report.data = None
        report.dates_equal_percent = _dates_equal(tasks, file_dates or {})
        report.save()
        counts = ", ".join(f"{n} {k}" for k, n in preview.counts.items() if n and k != "calendars")
        audit_record(
            who=who,
            obj=report,
            action=AuditAction.CREATE,
            project=project,
            changes={"counts": [None, report.counts]},
            summary=f"Imported plan '{report.file_name}' ({counts})",
        )
    return report, preview


def report_of(
    project: Project | None,
    source: dict[str, Any],
    document: PlanDocument,
    preview: Preview,
    report: ImportReport | None = None,
) -> ImportReport:
    """The (unsaved) report of an import: ``report`` or a new one, with the preview's
    counts and losses."""
    report = report or ImportReport(
        project=project,
        file_name=str(source.get("name", ""))[:255],
        file_format=str(source.get("format", document.source_format))[:20],
        file_size=int(source.get("size", 0)),
        sha256=str(source.get("sha256", ""))[:64],
    )
    report.title = preview.title[:200]
    report.counts = preview.counts
    report.losses = [{"where": loss.where, "what": loss.what} for loss in preview.losses]
    return report


def _allowed(who: Any, project: Project) -> None:
    if who is None:
        require_open(project)
    else:
        require_perm(who=who, project=project, perm=Perm.EDIT)


def source_of(name: str, data: bytes, document: PlanDocument) -> dict[str, Any]:
    """The source description an import report keeps."""
    return {
        "name": name,
        "format": document.source_format,
        "size": len(data),
        "sha256": hashlib.sha256(data).hexdigest(),
    }


def import_upload(
    *, who: Any, project: Project, name: str, data: bytes
) -> tuple[ImportReport, Preview]:
    """Read an upload, store it as a preview report and return the report and preview."""
    _allowed(who, project)
    document, _ = read_upload(name, data, start=project.start_date)
    report, preview = plan_import(
        who=who,
        project=project,
        document=document,
        source=source_of(name, data, document),
        dry_run=True,
    )
    if preview.error:
        raise InvalidInput({"file": preview.error})
    report.data = data
    report.imported_by = who if getattr(who, "is_authenticated", False) else None
    stale = timezone.now() - dt.timedelta(days=PREVIEW_DAYS)
    ImportReport.objects.filter(
        project=project, status=ImportStatus.PREVIEW, created_at__lt=stale
    ).delete()  # abandoned previews do not keep their uploads for ever
    report.save()
    return report, preview


def import_confirm(*, who: Any, project: Project, report_id: Any) -> ImportReport:
    """Import a previewed upload; the preview's own bytes are read again."""
    _allowed(who, project)
    report = get_by_public_id(ImportReport.objects.filter(project=project), report_id)
    if report.status != ImportStatus.PREVIEW or report.data is None:
        raise Conflict(current=None, message="This file was already imported.")
    data = bytes(report.data)
    document, file_dates = read_upload(report.file_name, data, start=project.start_date)
    report, _ = plan_import(
        who=who, project=project, document=document, source={}, file_dates=file_dates, report=report
    )
    return report


def import_reports(*, who: Any, project: Project) -> list[ImportReport]:
    """The project's completed imports, newest first (members who see the project)."""
    require_perm(who=who, project=project, perm=Perm.VIEW)
    return list(
        ImportReport.objects.filter(Q(project=project), Q(status=ImportStatus.IMPORTED))
        .defer("data")
        .select_related("imported_by")
    )
