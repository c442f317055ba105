"""The demo's execution history of ERP-CLOUD: progress, timesheets, the data date, then the
weekly status updates and task comments (``demo/execution_status.py``).

Every record goes through the execution services as the people themselves would write
them (each person saves their week, the project manager approves it; the project manager
records progress and sets the data date). The services stamp "now"; ``dated`` then moves
the journal entries, notifications and records a call wrote to the day it happened, never
after the real today.

The story, relative to today: tasks planned to finish before the data date (the end of last
week) are done, on time or a few days late (``LATE``; their successors start late
and catch up by their planned finish); a task that slipped past the data date is in
progress with a % complete. Each
team member logs the days of their tasks' actual dates; past weeks are submitted and
approved, one was rejected and resubmitted, the current week is in draft (one submitted).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal

from django.utils import timezone

from keystage.accounts.models import User
from keystage.demo.execution_status import load_comments, load_status_updates
from keystage.demo.history import LATE, Actual, at, dated
from keystage.execution.models import TimeEntry, Timesheet
from keystage.execution.services import progress, timesheets
from keystage.execution.services.timesheet_rules import week_start
from keystage.planning.models import Assignment, Dependency, Task, TaskKind
from keystage.planning.services.wbs import calendar_of
from keystage.portfolio.models import Project

D = Decimal
# Hours a person books on a working day (varied a little, all tasks of the day together).
DAY_HOURS = (D("8"), D("7.5"), D("8"), D("8.5"), D("7"))
REJECTED_REASON = (
    "{day} shows {hours} h on '{task}'. Overtime needs my OK beforehand: "
    "please book the hours you worked and resubmit."
)


def _workday(day: dt.date) -> dt.date:
    """``day``, or the Monday after it when it falls on a weekend."""
    while day.weekday() >= 5:
        day += dt.timedelta(days=1)
    return day


def _add_workdays(day: dt.date, count: int) -> dt.date:
    while count > 0:
        day = _workday(day + dt.timedelta(days=1))
        count -= 1
    return day


def _workdays(first: dt.date, last: dt.date) -> list[dt.date]:
    days = [first + dt.timedelta(days=n) for n in range((last - first).days + 1)]
    return [d for d in days if d.weekday() < 5]


def plan_actuals(project: Project, data_date: dt.date) -> list[Actual]:
    """Each leaf task's actual dates and % complete at ``data_date``, in planned order."""
    tasks = list(
        Task.objects.filter(project=project, is_summary=False, start_at__isnull=False).order_by(
            "start_at", "row"
        )
    )
    preds: dict[int, list[int]] = defaultdict(list)
    for pred, succ in Dependency.objects.filter(project=project, type="FS").values_list(
        "predecessor_id", "successor_id"
    ):
        preds[succ].append(pred)
    ends: dict[int, dt.date] = {}
    out: list[Actual] = []
    for task in tasks:
        start = timezone.localtime(task.start_at).date()
        finish = timezone.localtime(task.finish_at).date() if task.finish_at else start
        milestone = task.kind == TaskKind.MILESTONE
        begin = _workday(start)
        for pred in preds[task.pk]:
            if pred in ends and ends[pred] >= begin:
                # Starts once its predecessor actually finished.
                begin = ends[pred] if milestone else _add_workdays(ends[pred], 1)
        # A late start is caught up by the end of the task (the team absorbs it), unless
        # the task itself is one that slipped.
        end = _add_workdays(max(_workday(finish), begin), LATE.get(task.name, 0))
        if milestone:
            begin = end
        ends[task.pk] = end
        actual = Actual(task, start, finish, None, None, begin, end)
        if end <= data_date:
            actual.start, actual.finish, actual.percent = begin, end, 100
        elif begin <= data_date:
            done, total = len(_workdays(begin, data_date)), len(_workdays(begin, end))
            actual.start = begin
            actual.percent = max(5, min(95, round(100 * done / max(total, 1) / 5) * 5))
        out.append(actual)
    return out


def load_progress(*, project: Project, pm: User, actuals: list[Actual], data_date: dt.date) -> None:
    """The project manager records each task's progress on its day, then the data date; the
    plan is rescheduled once at the end (``progress_batch``), not after every record."""
    with progress.progress_batch():
        for a in sorted((a for a in actuals if a.start), key=lambda a: a.finish or data_date):
            task = Task.objects.get(pk=a.task.pk)
            data: dict[str, object] = {"actual_start": a.start, "percent_complete": a.percent}
            if a.finish is not None:
                data["actual_finish"] = a.finish
            with dated(at(a.finish or data_date, 17)):
                progress.update_progress(
                    who=pm, task_id=task.public_id, version=task.version, data=data
                )
        calendar = calendar_of(project)
        with dated(at(data_date + dt.timedelta(days=1), 9)):
            progress.set_data_date(
                who=pm,
                project_id=project.public_id,
                data_date=data_date,
                version=calendar.version if calendar else None,
            )


def _week_hours(
    project: Project, actuals: list[Actual], pm: User, today: dt.date
) -> dict[tuple[int, dt.date], dict[Task, list[D | None]]]:
    """(person, Monday) → task → seven days' hours, from each task's actual dates."""
    people: dict[int, list[int]] = defaultdict(list)
    for task_id, person_id in Assignment.objects.filter(project=project).values_list(
        "task_id", "person_id"
    ):
        if person_id != pm.pk:
            people[task_id].append(person_id)
    busy: dict[tuple[int, dt.date], list[Task]] = defaultdict(list)
    for a in actuals:
        if a.begin > today or a.task.kind == TaskKind.MILESTONE:
            continue
        # Work goes on after the data date: time is logged up to today.
        for day in _workdays(a.begin, min(a.finish or a.projected_finish, today)):
            for person_id in people[a.task.pk]:
                busy[(person_id, day)].append(a.task)
    weeks: dict[tuple[int, dt.date], dict[Task, list[D | None]]] = defaultdict(dict)
    for (person_id, day), tasks in sorted(busy.items(), key=lambda kv: (kv[0][1], kv[0][0])):
        total = DAY_HOURS[(day.toordinal() + person_id) % len(DAY_HOURS)]
        share = (total / len(tasks)).quantize(D("0.25"))
        for task in tasks:
            row = weeks[(person_id, week_start(day))].setdefault(task, [None] * 7)
            row[day.weekday()] = share
    return weeks


def _stamp(sheet: Timesheet, saved: dt.datetime, **moments: dt.datetime | None) -> None:
    Timesheet.objects.filter(pk=sheet.pk).update(created_at=saved, updated_at=saved, **moments)
    TimeEntry.objects.filter(timesheet=sheet).update(created_at=saved, updated_at=saved)


def load_timesheets(*, project: Project, pm: User, actuals: list[Actual], today: dt.date) -> None:
    """Each member's weeks: saved on Friday, submitted, approved by the PM on Monday; one
    week rejected and resubmitted; the current week in draft (the first person submits)."""
    users = {u.pk: u for u in User.objects.filter(memberships__project=project)}
    weeks = _week_hours(project, actuals, pm, today)
    current = week_start(today)
    past = sorted(k for k in weeks if k[1] < current)
    rejected = past[len(past) // 2] if past else None
    now = sorted(k for k in weeks if k[1] == current)
    submitter = now[0] if len(now) > 1 else None
    for key in sorted(weeks, key=lambda k: (k[1], k[0])):
        person, monday = users[key[0]], key[1]
        friday = min(monday + dt.timedelta(days=4), today)
        rows = [timesheets.GridRow(task=t, hours=h) for t, h in weeks[key].items()]
        if key == rejected:
            first = rows[0]
            busiest = max(range(7), key=lambda d: first.hours[d] or 0)
            wrong = list(first.hours)
            wrong[busiest] = D("12")
            rows = [timesheets.GridRow(task=first.task, hours=wrong), *rows[1:]]
        with dated(at(friday, 17)):
            sheet = timesheets.week_save(
                who=person, project=project, week=monday, version=None, rows=rows
            )
        if key[1] == current and key != submitter:
            _stamp(sheet, at(friday, 17))
            continue
        with dated(at(friday, 17, 30)):
            sheet = timesheets.timesheet_submit(who=person, timesheet=sheet, version=sheet.version)
        if key[1] == current:
            _stamp(sheet, at(friday, 17), submitted_at=at(friday, 17, 30))
            continue
        decide = min(monday + dt.timedelta(days=7), today)
        if key == rejected:
            day = monday + dt.timedelta(days=busiest)
            reason = REJECTED_REASON.format(day=f"{day:%a %d %b}", hours=12, task=first.task.name)
            with dated(at(decide, 9, 30)):
                sheet = timesheets.timesheet_reject(
                    who=pm, timesheet=sheet, version=sheet.version, reason=reason
                )
            with dated(at(decide, 11)):
                sheet = timesheets.week_save(
                    who=person,
                    project=project,
                    week=monday,
                    version=sheet.version,
                    rows=[timesheets.GridRow(task=t, hours=h) for t, h in weeks[key].items()],
                )
            with dated(at(decide, 11, 5)):
                sheet = timesheets.timesheet_submit(
                    who=person, timesheet=sheet, version=sheet.version
                )
        with dated(at(decide, 14 if key == rejected else 10)):
            sheet = timesheets.timesheet_approve(who=pm, timesheet=sheet, version=sheet.version)
        _stamp(
            sheet,
            at(friday, 17),
            submitted_at=at(decide, 11, 5) if key == rejected else at(friday, 17, 30),
            decided_at=at(decide, 14 if key == rejected else 10),
        )


def load_execution(*, project: Project, pm: User, today: dt.date) -> None:
    """ERP-CLOUD's execution up to today: progress and data date, timesheets, status."""
    today = min(today, timezone.localdate())
    data_date = week_start(today) - dt.timedelta(days=1)
    actuals = plan_actuals(project, data_date)
    load_progress(project=project, pm=pm, actuals=actuals, data_date=data_date)
    load_timesheets(project=project, pm=pm, actuals=actuals, today=today)
    load_status_updates(project=project, pm=pm, actuals=actuals, data_date=data_date)
    load_comments(project=project, actuals=actuals, data_date=data_date)
