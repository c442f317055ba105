"""Importing time entries from CSV (`keystage timesheet import FILE.csv`), all or nothing.

Columns (``docs/timesheets.md``): ``person_email, project_code, task, date, hours`` and an
optional ``note``; ``task`` is the task's WBS code (e.g. ``1.2.3``) or its id. Every row obeys
the same rules as the grid (``timesheet_rules.check_entries``) and the person must be a member
of the project who records work (team member or project manager). Any error: nothing is
written and every error comes back as one line naming the CSV line. Otherwise the entries go
in with bulk inserts in one transaction (drafts weeks created as needed), with one journal
entry per project; the command runs as the system actor.
"""

from __future__ import annotations

import csv
import datetime as dt
import os
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import connection, transaction
from django.db.models import F
from django.db.models.functions import Lower
from django.utils import timezone

from keystage.accounts.models import User
from keystage.accounts.roles import PROJECT_ROLE_PERMS, Perm
from keystage.core.audit import audit_record
from keystage.core.errors import InvalidInput
from keystage.core.models import AuditAction
from keystage.execution.models import TimeEntry, Timesheet
from keystage.execution.services.timesheet_rules import (
    Candidate,
    check_entries,
    lock_people,
    week_start,
)
from keystage.execution.services.timesheets import parse_hours, today
from keystage.planning.models import Task
from keystage.portfolio.models import Project, ProjectMembership

COLUMNS = ("person_email", "project_code", "task", "date", "hours")
OPTIONAL = ("note",)
BATCH = 5000


@dataclass
class ImportResult:
    """What an import did (or would do, in a dry run), or every error found."""

    rows: int = 0
    hours: Decimal = Decimal(0)
    weeks_created: int = 0
    projects: dict[str, int] = field(default_factory=dict)  # code → entries
    errors: list[str] = field(default_factory=list)


@dataclass
class _Row:
    line: int
    email: str
    code: str
    task: str
    day: dt.date
    hours: Decimal
    note: str


def _parse(reader: Any, header: list[str], errors: list[str]) -> list[_Row]:
    """The CSV's rows (the header read already), each checked alone: values, date, hours."""
    rows: list[_Row] = []
    width = len(header)
    at = {name: header.index(name) for name in COLUMNS}
    note_at = header.index("note") if "note" in header else None
    fromisoformat = dt.date.fromisoformat
    for raw in reader:
        line = reader.line_num
        if len(raw) > width:
            errors.append(f"line {line}: more values than columns")
            continue
        values = [v.strip() for v in raw] + [""] * (width - len(raw))
        if not any(values):
            continue
        email, code, task, day_text, hours_text = (values[at[c]] for c in COLUMNS)
        if not (email and code and task and day_text and hours_text):
            missing = [c for c in COLUMNS if not values[at[c]]]
            errors.append(f"line {line}: {', '.join(missing)}: required")
            continue
        try:
            day = fromisoformat(day_text)
        except ValueError:
            errors.append(f"line {line}: date: Enter a date as YYYY-MM-DD.")
            continue
        try:
            hours = parse_hours(hours_text)
        except InvalidInput as exc:
            errors.append(f"line {line}: hours: {exc.errors['hours'][0]}")
            continue
        note = values[note_at] if note_at is not None else ""
        if len(note) > 500:
            errors.append(f"line {line}: note: at most 500 characters")
            continue
        rows.append(_Row(line, email.lower(), code.upper(), task, day, hours, note))
    return rows


def _people(emails: set[str]) -> dict[str, User | None]:
    """Users by lower-cased e-mail; None where two users share it (ambiguous)."""
    found: dict[str, User | None] = {}
    for user in User.objects.annotate(le=Lower("email")).filter(le__in=emails, is_active=True):
        key = user.email.lower()
        found[key] = None if key in found else user
    return found


def _resolve(rows: list[_Row], errors: list[str]) -> tuple[list[Candidate], list[_Row]]:
    people = _people({r.email for r in rows})
    projects = {
        (p.organisation_id, p.code): p
        for p in Project.objects.filter(code__in={r.code for r in rows})
    }
    tasks_by_ref: dict[tuple[int, str], Task] = {}
    for task in Task.objects.filter(project__in=list(projects.values())).only(
        "id", "project_id", "public_id", "wbs_code", "is_summary", "name", "row"
    ):
        tasks_by_ref[(task.project_id, task.wbs_code)] = task
        tasks_by_ref[(task.project_id, str(task.public_id))] = task
    recorders = {
        (project_id, user_id)
        for project_id, user_id, role in ProjectMembership.objects.filter(
            project__in=list(projects.values())
        ).values_list("project_id", "user_id", "role")
        if Perm.RECORD_WORK in PROJECT_ROLE_PERMS[role]
    }
    candidates: list[Candidate] = []
    kept: list[_Row] = []
    for row in rows:
        if row.email not in people:
            errors.append(f"line {row.line}: person_email: nobody active has '{row.email}'")
            continue
        person = people[row.email]
        if person is None:
            errors.append(f"line {row.line}: person_email: '{row.email}' names several people")
            continue
        project = projects.get((person.organisation_id or 0, row.code))
        if project is None or (project.pk, person.pk) not in recorders:
            errors.append(
                f"line {row.line}: project_code: {row.email} records no work in a project "
                f"'{row.code}'"
            )
            continue
        found = tasks_by_ref.get((project.pk, row.task.lower()))
        if found is None:
            errors.append(f"line {row.line}: task: {row.code} has no task '{row.task}'")
            continue
        candidates.append(Candidate(person.pk, project, found, row.day, row.hours))
        kept.append(row)
    return candidates, kept


ENTRY_COLUMNS = ("project_id", "timesheet_id", "task_id", "person_id", "day", "hours", "note")


def _copy_text(value: str) -> str:
    """A text value escaped for COPY's text format."""
    return (
        value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
    )


def _random_ids(count: int) -> list[str]:
    """``count`` random (version 4) UUIDs as text, from one read of the system's randomness."""
    hexes = os.urandom(16 * count).hex()
    out = []
    for i in range(0, 32 * count, 32):
        h = hexes[i : i + 32]
        variant = "89ab"[int(h[16], 16) & 3]
        out.append(f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{variant}{h[17:20]}-{h[20:]}")
    return out


def _insert_entries(values: list[tuple[Any, ...]]) -> None:
    """Insert the entries: PostgreSQL's COPY (one stream of text), else bulk INSERTs."""
    if connection.vendor == "postgresql":
        stamp = timezone.now().isoformat()
        table = TimeEntry._meta.db_table
        columns = ", ".join(("public_id", "created_at", "updated_at", "version", *ENTRY_COLUMNS))
        ids = _random_ids(len(values))
        with connection.cursor() as cursor:
            raw = cursor.cursor  # psycopg's own cursor
            with raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for start in range(0, len(values), BATCH):
                    copy.write(
                        "".join(
                            f"{ids[start + i]}\t{stamp}\t{stamp}\t1\t{project}\t{sheet}\t"
                            f"{task}\t{person}\t{day.isoformat()}\t{hours}\t{_copy_text(note)}\n"
                            for i, (project, sheet, task, person, day, hours, note) in enumerate(
                                values[start : start + BATCH]
                            )
                        )
                    )
        return
    TimeEntry.objects.bulk_create(
        (TimeEntry(**dict(zip(ENTRY_COLUMNS, row, strict=True))) for row in values),
        batch_size=BATCH,
    )


def _write(candidates: list[Candidate], rows: list[_Row], result: ImportResult, name: str) -> None:
    keys = {(c.project.id, c.person_id, week_start(c.day)) for c in candidates}
    first = min(k[2] for k in keys)
    last = max(k[2] for k in keys)
    weeks = {
        (s.project_id, s.person_id, s.week_start): s.pk
        for s in Timesheet.objects.filter(
            project_id__in={k[0] for k in keys},
            person_id__in={k[1] for k in keys},
            week_start__gte=first,
            week_start__lte=last,
        ).only("id", "project_id", "person_id", "week_start")
    }
    touched = [weeks[k] for k in keys if k in weeks]
    new = [
        Timesheet(project_id=k[0], person_id=k[1], week_start=k[2]) for k in keys if k not in weeks
    ]
    Timesheet.objects.bulk_create(new, batch_size=BATCH)
    result.weeks_created = len(new)
    if new:
        weeks.update(
            {
                (s.project_id, s.person_id, s.week_start): s.pk
                for s in Timesheet.objects.filter(public_id__in=[s.public_id for s in new]).only(
                    "id", "project_id", "person_id", "week_start"
                )
            }
        )
    for start in range(0, len(touched), BATCH):
        Timesheet.objects.filter(pk__in=touched[start : start + BATCH]).update(
            version=F("version") + 1
        )
    _insert_entries(
        [
            (
                c.project.id,
                weeks[(c.project.id, c.person_id, week_start(c.day))],
                c.task.id,
                c.person_id,
                c.day,
                c.hours,
                row.note,
            )
            for c, row in zip(candidates, rows, strict=True)
        ]
    )
    by_project: dict[int, Project] = {c.project.pk: c.project for c in candidates}
    hours: dict[int, Decimal] = defaultdict(Decimal)
    for c in candidates:
        hours[c.project.pk] += c.hours
    for project in by_project.values():
        audit_record(
            who=None,
            obj=project,
            action=AuditAction.CREATE,
            project=project,
            changes={"time entries": [None, result.projects[project.code]]},
            summary=f"Imported {result.projects[project.code]} time entries "
            f"({hours[project.pk]:f} h) from {name}"[:500],
        )


def import_time_entries(
    lines: Iterable[str], *, name: str = "CSV", dry_run: bool = False, on: dt.date | None = None
) -> ImportResult:
    """Check every row of the CSV ``lines`` and, when all are valid and not ``dry_run``,
    write them in one transaction. Errors are returned, one line each, naming the CSV line."""
    result = ImportResult()
    reader = csv.reader(lines)
    header = [h.strip().lower() for h in next(reader, [])]
    absent = [c for c in COLUMNS if c not in header]
    if absent:
        result.errors.append(f"line 1: missing column(s): {', '.join(absent)}")
        return result
    unknown = [h for h in header if h not in COLUMNS + OPTIONAL]
    if unknown:
        result.errors.append(f"line 1: unknown column(s): {', '.join(unknown)}")
        return result
    rows = _parse(reader, header, result.errors)
    with transaction.atomic():  # checks and writes see the same data
        _check_and_write(rows, result, name=name, dry_run=dry_run, on=on)
    return result


def _check_and_write(
    rows: list[_Row], result: ImportResult, *, name: str, dry_run: bool, on: dt.date | None
) -> None:
    candidates, kept = _resolve(rows, result.errors)
    lock_people(c.person_id for c in candidates)
    by_line = {i: row.line for i, row in enumerate(kept)}
    for index, field_name, message in check_entries(candidates, today=on or today()):
        column = {"day": "date", "project": "project_code"}.get(field_name, field_name)
        result.errors.append(f"line {by_line[index]}: {column}: {message}")
    if result.errors:
        result.errors.sort(key=lambda e: int(e.split(":")[0].removeprefix("line ")))
        return
    result.rows = len(candidates)
    result.hours = sum((c.hours for c in candidates), Decimal(0))
    for c in candidates:
        result.projects[c.project.code] = result.projects.get(c.project.code, 0) + 1
    if not dry_run and candidates:
        _write(candidates, kept, result, name)
