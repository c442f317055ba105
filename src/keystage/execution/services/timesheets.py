"""Writes to timesheets: time entries, a whole week's grid, submit, approve, reject, settings.

A person logs their own time (``Perm.RECORD_WORK``: team members and the project manager);
every entry obeys ``timesheet_rules.check_entries`` (400 with field messages, nothing
written). Entries are versioned; any change to a week's entries also advances the week's
version, so a grid saved from a stale page is refused (409). Only the project's manager
(``Perm.APPROVE_TIME``) approves or rejects a submitted week, never their own; approval prices
each entry at the person's cost rate of its day (``resources.rates``) and stores it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.audit import audit_record, jsonable
from keystage.core.errors import Conflict, Forbidden, InvalidInput, NotFound, VersionRequired
from keystage.core.lookup import parse_public_id
from keystage.core.models import AuditAction
from keystage.core.versioning import compare_and_set
from keystage.engine.money import to_cents
from keystage.execution.models import TimeEntry, Timesheet, TimesheetSettings, TimesheetStatus
from keystage.execution.services import labour
from keystage.execution.services.notices import tell_timesheet_decided
from keystage.execution.services.timesheet_rules import (
    Candidate,
    check_entries,
    label,
    lock_people,
    week_start,
)
from keystage.planning.models import Task
from keystage.portfolio.access import is_closed, require_perm
from keystage.portfolio.models import Project
from keystage.portfolio.project_events import project_figures_moved
from keystage.resources.rates import rate_book

ENTRY_FIELDS = ("task", "day", "hours", "note")
#: Weeks their owner edits and submits: new, sent back, or reopened after approval.
EDITABLE_STATUSES = frozenset(
    {TimesheetStatus.DRAFT, TimesheetStatus.REJECTED, TimesheetStatus.REOPENED}
)


def today() -> dt.date:
    """Today in the server's time zone (a seam for tests)."""
    return timezone.localdate()


def parse_hours(raw: Any, field: str = "hours") -> Decimal:
    """Hours from a number or text; a field error when it is not a number."""
    if isinstance(raw, Decimal):
        return raw
    try:
        value = Decimal(str(raw).strip().replace(",", "."))
    except (InvalidOperation, ValueError):
        raise InvalidInput({field: "Enter the hours as a number, e.g. 7.5."}) from None
    if not value.is_finite():
        raise InvalidInput({field: "Enter the hours as a number, e.g. 7.5."})
    return value


def parse_day(raw: Any, field: str = "day") -> dt.date:
    """A date from a date or ISO text; a field error otherwise."""
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw).strip())
    except ValueError:
        raise InvalidInput({field: "Enter a date as YYYY-MM-DD."}) from None


def project_task(project: Project, ref: Any, field: str = "task") -> Task:
    """A task of ``project`` from a task or its public id (a field error for any other)."""
    if isinstance(ref, Task):
        if ref.project_id == project.pk:
            return ref
        raise InvalidInput({field: f"Choose a task of {project.code}."})
    try:
        found = Task.objects.filter(project=project, public_id=parse_public_id(ref)).first()
    except NotFound:
        found = None
    if found is None:
        raise InvalidInput({field: f"Choose a task of {project.code}."})
    return found


def _raise(problems: list[tuple[int, str, str]], prefix: Any = None) -> None:
    if not problems:
        return
    errors: dict[str, list[str]] = {}
    for index, name, message in problems:
        text = f"{prefix(index)}{message}" if prefix else message
        errors.setdefault(name, []).append(text)
    raise InvalidInput(errors)


def _week_for(project: Project, person: User, day: dt.date) -> Timesheet:
    """The person's week of ``day`` in the project, created as a draft when new."""
    sheet, _ = Timesheet.objects.get_or_create(
        project=project, person=person, week_start=week_start(day)
    )
    return sheet


def _touch(sheet: Timesheet) -> None:
    """Advance the week's version: its entries changed."""
    Timesheet.objects.filter(pk=sheet.pk).update(version=F("version") + 1)


def _require_editable(sheet: Timesheet) -> None:
    if sheet.locked:
        raise InvalidInput(
            {"day": f"The week of {label(sheet.week_start)} is {sheet.status}: its time is locked."}
        )


# ------------------------------------------------------------------ entries


@transaction.atomic
def time_entry_create(*, who: User, project: Project, data: dict[str, Any]) -> TimeEntry:
    """Log hours on a task of the project for oneself, on one day."""
    require_perm(who=who, project=project, perm=Perm.RECORD_WORK)
    lock_people([who.pk])
    data = records.editable(data, ENTRY_FIELDS)
    missing = {f: "This field is required." for f in ("task", "day", "hours") if f not in data}
    if missing:
        raise InvalidInput(missing)
    task = project_task(project, data["task"])
    day = parse_day(data["day"])
    hours = parse_hours(data["hours"])
    _raise(check_entries([Candidate(who.pk, project, task, day, hours)], today=today()))
    sheet = _week_for(project, who, day)
    entry = TimeEntry(
        project=project,
        timesheet=sheet,
        task=task,
        person=who,
        day=day,
        hours=hours,
        note=data.get("note") or "",
    )
    created = records.create(
        who=who,
        instance=entry,
        project=project,
        fields=ENTRY_FIELDS,
        summary=f"Logged {hours.normalize():f} h on '{task.name}' on {label(day)}",
    )
    _touch(sheet)
    return created


def _own_entry(who: User, entry: TimeEntry) -> None:
    require_perm(who=who, project=entry.project, perm=Perm.RECORD_WORK)
    if entry.person_id != who.pk:
        raise Forbidden("You change only your own time.")
    lock_people([who.pk])
    entry.timesheet.refresh_from_db()  # its status as of the lock, not as first read
    _require_editable(entry.timesheet)


@transaction.atomic
def time_entry_update(
    *, who: User, entry: TimeEntry, version: int, changes: dict[str, Any]
) -> TimeEntry:
    """Change one's own entry at ``version`` (a task or day in another week moves it there)."""
    _own_entry(who, entry)
    changes = records.editable(changes, ENTRY_FIELDS)
    project = entry.project
    if "task" in changes:
        changes["task"] = project_task(project, changes["task"])
    if "day" in changes:
        changes["day"] = parse_day(changes["day"])
    if "hours" in changes:
        changes["hours"] = parse_hours(changes["hours"])
    if "note" in changes and changes["note"] is None:
        changes["note"] = ""
    task = changes.get("task", entry.task)
    day = changes.get("day", entry.day)
    hours = changes.get("hours", entry.hours)
    _raise(
        check_entries(
            [Candidate(who.pk, project, task, day, hours)], replaced=[entry.pk], today=today()
        )
    )
    if week_start(day) != entry.timesheet.week_start:
        changes["timesheet"] = _week_for(project, who, day)
    updated = records.update(
        who=who,
        instance=entry,
        version=version,
        changes=changes,
        project=project,
        summary=f"Changed the time on '{task.name}' on {label(day)}",
    )
    _touch(entry.timesheet)
    if updated.timesheet_id != entry.timesheet_id:
        _touch(updated.timesheet)
    return updated


@transaction.atomic
def time_entry_delete(*, who: User, entry: TimeEntry, version: int) -> None:
    """Remove one's own entry at ``version``."""
    _own_entry(who, entry)
    sheet = entry.timesheet
    records.delete(
        who=who,
        instance=entry,
        version=version,
        project=entry.project,
        fields=ENTRY_FIELDS,
        summary=f"Removed the time on '{entry.task.name}' on {label(entry.day)}",
    )
    _touch(sheet)


# --------------------------------------------------------------------- week


@dataclass(frozen=True)
class GridRow:
    """One row of a week's grid: a task, its seven days' hours (None = empty) and a note."""

    task: Any
    hours: Sequence[Any]
    note: str = ""


def _grid_tasks(project: Project, rows: Sequence[GridRow]) -> dict[int, Task]:
    """The task of each row (by index) that names one of the project's, in one query."""
    ids: dict[int, Any] = {}
    for r, row in enumerate(rows):
        if isinstance(row.task, Task):
            continue
        try:
            ids[r] = parse_public_id(row.task)
        except NotFound:
            continue
    by_id = {
        t.public_id: t
        for t in Task.objects.filter(project=project, public_id__in=set(ids.values()))
    }
    found = {r: by_id[i] for r, i in ids.items() if i in by_id}
    for r, row in enumerate(rows):
        if isinstance(row.task, Task) and row.task.project_id == project.pk:
            found[r] = row.task
    return found


class GridInvalid(InvalidInput):
    """A refused week's grid: the field messages, and where each problem sits, so the page
    shows it on the offending cell (``cells``: (row index, day index) → messages) or row
    (``rows``: row index → messages). Indexes are those of the rows given to ``week_save``."""

    def __init__(
        self,
        errors: dict[str, list[str]],
        cells: dict[tuple[int, int], list[str]],
        rows: dict[int, list[str]],
    ) -> None:
        """Keep the messages and their places."""
        super().__init__(errors)
        self.cells = cells
        self.rows = rows


@dataclass
class _GridProblems:
    errors: dict[str, list[str]] = field(default_factory=dict)
    cells: dict[tuple[int, int], list[str]] = field(default_factory=dict)
    rows: dict[int, list[str]] = field(default_factory=dict)

    def add(self, name: str, text: str, row: int, day: int | None = None, short: str = "") -> None:
        self.errors.setdefault(name, []).append(text)
        if day is None:
            self.rows.setdefault(row, []).append(short or text)
        else:
            self.cells.setdefault((row, day), []).append(short or text)

    def raise_any(self) -> None:
        if self.errors:
            raise GridInvalid(self.errors, self.cells, self.rows)


def _grid_candidates(
    who: User, project: Project, monday: dt.date, rows: Sequence[GridRow], found: _GridProblems
) -> tuple[list[Candidate], list[str], list[tuple[int, int]]]:
    """The entries the grid asks for, each row's note and each entry's (row, day) place."""
    candidates: list[Candidate] = []
    notes: list[str] = []
    places: list[tuple[int, int]] = []
    seen: set[int] = set()
    tasks = _grid_tasks(project, rows)
    for r, row in enumerate(rows):
        task = tasks.get(r)
        if task is None:
            found.add("rows", f"Row {r + 1}: Choose a task of {project.code}.", r)
            continue
        if task.pk in seen:
            found.add("rows", f"Row {r + 1}: '{task.name}' is listed twice.", r)
            continue
        seen.add(task.pk)
        if len(row.hours) != 7:
            found.add("rows", f"Row {r + 1}: give 7 days, Monday to Sunday.", r)
            continue
        note = (row.note or "").strip()
        if len(note) > 500:
            found.add(
                "note",
                f"'{task.name}': at most 500 characters.",
                r,
                None,
                "Note: at most 500 characters.",
            )
        for d, raw in enumerate(row.hours):
            if raw in (None, ""):
                continue
            day = monday + dt.timedelta(days=d)
            try:
                hours = parse_hours(raw)
            except InvalidInput:
                found.add(
                    "hours",
                    f"'{task.name}', {label(day)}: enter the hours as a number, e.g. 7.5.",
                    r,
                    d,
                    "Enter the hours as a number, e.g. 7.5.",
                )
                continue
            if hours == 0:
                continue
            candidates.append(Candidate(who.pk, project, task, day, hours))
            notes.append(note)
            places.append((r, d))
    return candidates, notes, places


@transaction.atomic
def week_save(
    *, who: User, project: Project, week: dt.date, version: int | None, rows: Sequence[GridRow]
) -> Timesheet:
    """Replace one's whole week in the project with the grid ``rows``, in one transaction.

    ``version`` is the week's version (none while the week has never been saved). An empty
    cell (or 0) means no time; the row's note goes on each of the row's entries.
    """
    require_perm(who=who, project=project, perm=Perm.RECORD_WORK)
    lock_people([who.pk])
    monday = week_start(week)
    sheet = (
        Timesheet.objects.select_for_update()
        .filter(project=project, person=who, week_start=monday)
        .first()
    )
    if sheet is not None:
        if version is None:
            raise VersionRequired()
        if sheet.version != version:
            raise Conflict(current=sheet)
        _require_editable(sheet)
    problems = _GridProblems()
    candidates, notes, places = _grid_candidates(who, project, monday, rows, problems)
    problems.raise_any()
    old = list(sheet.entries.select_related("task")) if sheet is not None else []
    for i, name, message in check_entries(candidates, replaced=[e.pk for e in old], today=today()):
        c = candidates[i]
        problems.add(name, f"'{c.task.name}', {label(c.day)}: {message}", *places[i], message)
    problems.raise_any()
    if sheet is None:
        sheet = Timesheet.objects.create(project=project, person=who, week_start=monday)
    else:
        sheet = compare_and_set(sheet, version, {})  # type: ignore[arg-type]
    before = {(e.task_id, e.day): (e.hours, e.note) for e in old}
    TimeEntry.objects.filter(pk__in=[e.pk for e in old]).delete()
    TimeEntry.objects.bulk_create(
        TimeEntry(
            project=project,
            timesheet=sheet,
            task=c.task,
            person=who,
            day=c.day,
            hours=c.hours,
            note=note,
        )
        for c, note in zip(candidates, notes, strict=True)
    )
    after = {(c.task.pk, c.day): (c.hours, note) for c, note in zip(candidates, notes, strict=True)}
    names = {c.task.pk: c.task.name for c in candidates} | {e.task_id: e.task.name for e in old}
    delta = {
        f"{names[task_id]} {day.isoformat()}": [
            jsonable(before.get((task_id, day), (None,))[0]),
            jsonable(after.get((task_id, day), (None,))[0]),
        ]
        for task_id, day in sorted(set(before) | set(after), key=lambda k: (k[1], k[0]))
        if before.get((task_id, day)) != after.get((task_id, day))
    }
    total = sum((c.hours for c in candidates), Decimal(0))
    audit_record(
        who=who,
        obj=sheet,
        action=AuditAction.UPDATE,
        project=project,
        changes=delta,
        summary=f"Saved the week of {label(monday)}: {total.normalize():f} h",
    )
    return Timesheet.objects.get(pk=sheet.pk)


# ----------------------------------------------------------------- approval


def _decide(
    who: User, sheet: Timesheet, version: int, changes: dict[str, Any], summary: str
) -> Timesheet:
    return records.update(
        who=who,
        instance=sheet,
        version=version,
        changes=changes,
        project=sheet.project,
        summary=summary,
    )


@transaction.atomic
def timesheet_submit(*, who: User, timesheet: Timesheet, version: int) -> Timesheet:
    """Send one's draft, rejected or reopened week to the project manager; locked from now."""
    require_perm(who=who, project=timesheet.project, perm=Perm.RECORD_WORK)
    if timesheet.person_id != who.pk:
        raise Forbidden("You submit only your own timesheet.")
    lock_people([who.pk])
    timesheet.refresh_from_db()
    if timesheet.status not in EDITABLE_STATUSES:
        raise InvalidInput({"status": f"This week is already {timesheet.status}."})
    if is_closed(timesheet.project):
        raise InvalidInput({"project": f"{timesheet.project.code} is closed."})
    if not timesheet.entries.exists():
        raise InvalidInput({"status": "The week has no time yet; log some before submitting."})
    return _decide(
        who,
        timesheet,
        version,
        {
            "status": TimesheetStatus.SUBMITTED,
            "submitted_at": timezone.now(),
            "decided_by": None,
            "decided_at": None,
            "reason": "",
        },
        f"Submitted the week of {label(timesheet.week_start)}",
    )


def _require_approver(who: User, timesheet: Timesheet) -> None:
    require_perm(who=who, project=timesheet.project, perm=Perm.APPROVE_TIME)
    if timesheet.person_id == who.pk:
        raise Forbidden("Nobody approves or rejects their own timesheet.")
    if timesheet.status != TimesheetStatus.SUBMITTED:
        raise InvalidInput(
            {"status": f"Only a submitted week is decided; this one is {timesheet.status}."}
        )


@transaction.atomic
def timesheet_approve(*, who: User, timesheet: Timesheet, version: int) -> Timesheet:
    """Approve a submitted week: price each entry at the rate of its day; the week stays locked."""
    _require_approver(who, timesheet)
    entries = list(timesheet.entries.all())
    book = rate_book([timesheet.person_id])
    for entry in entries:
        entry.rate = book.rate(timesheet.person_id, entry.day)
        entry.amount = to_cents(entry.hours * entry.rate)
    TimeEntry.objects.bulk_update(entries, ["rate", "amount"])
    labour.count_entries(entries, sign=1)
    total = sum((e.amount or Decimal(0) for e in entries), Decimal(0))
    hours = sum((e.hours for e in entries), Decimal(0))
    decided = _decide(
        who,
        timesheet,
        version,
        {"status": TimesheetStatus.APPROVED, "decided_by": who, "decided_at": timezone.now()},
        f"Approved the week of {label(timesheet.week_start)} of "
        f"{timesheet.person.display_name}: {hours.normalize():f} h, {total:,.2f}",
    )
    tell_timesheet_decided(who, decided)
    project_figures_moved(timesheet.project)
    return decided


@transaction.atomic
def timesheet_reject(*, who: User, timesheet: Timesheet, version: int, reason: str) -> Timesheet:
    """Send a submitted week back with a reason; its owner corrects and resubmits it."""
    _require_approver(who, timesheet)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": "Say why the week is rejected, so it can be corrected."})
    decided = _decide(
        who,
        timesheet,
        version,
        {
            "status": TimesheetStatus.REJECTED,
            "decided_by": who,
            "decided_at": timezone.now(),
            "reason": reason,
        },
        f"Rejected the week of {label(timesheet.week_start)} of {timesheet.person.display_name}",
    )
    tell_timesheet_decided(who, decided)
    return decided


@transaction.atomic
def timesheet_reopen(*, who: User, timesheet: Timesheet, version: int, reason: str) -> Timesheet:
    """Reopen an approved week with a reason (the project manager, never their own): its
    entries lose their approved price, its owner is told, edits it and submits it again."""
    require_perm(who=who, project=timesheet.project, perm=Perm.APPROVE_TIME)
    if timesheet.person_id == who.pk:
        raise Forbidden("Nobody reopens their own timesheet.")
    lock_people([timesheet.person_id])
    timesheet.refresh_from_db()
    if timesheet.status != TimesheetStatus.APPROVED:
        raise InvalidInput(
            {"status": f"Only an approved week is reopened; this one is {timesheet.status}."}
        )
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput({"reason": "Say why the week is reopened, so its owner knows."})
    if len(reason) > 2000:
        raise InvalidInput({"reason": "At most 2,000 characters."})
    reopened = _decide(
        who,
        timesheet,
        version,
        {
            "status": TimesheetStatus.REOPENED,
            "decided_by": who,
            "decided_at": timezone.now(),
            "reason": reason,
        },
        f"Reopened the week of {label(timesheet.week_start)} of "
        f"{timesheet.person.display_name}: {reason}"[:500],
    )
    labour.count_entries(TimeEntry.objects.filter(timesheet=reopened), sign=-1)
    TimeEntry.objects.filter(timesheet=reopened).update(rate=None, amount=None)
    tell_timesheet_decided(who, reopened)
    project_figures_moved(timesheet.project)  # its cost left the actuals: re-check the KPIs
    return reopened


@transaction.atomic
def settings_save(
    *, who: User, project: Project, version: int | None, allow_unassigned: bool
) -> TimesheetSettings:
    """Let team members log time on tasks they are not assigned to, or not (the PM decides)."""
    require_perm(who=who, project=project, perm=Perm.APPROVE_TIME)
    existing = TimesheetSettings.objects.filter(project=project).first()
    if existing is None:
        return records.create(
            who=who,
            instance=TimesheetSettings(project=project, allow_unassigned=allow_unassigned),
            project=project,
            fields=("allow_unassigned",),
            summary="Saved the timesheet settings",
        )
    if version is None:
        raise VersionRequired()
    return records.update(
        who=who,
        instance=existing,
        version=version,
        changes={"allow_unassigned": allow_unassigned},
        project=project,
        summary="Changed the timesheet settings",
    )
