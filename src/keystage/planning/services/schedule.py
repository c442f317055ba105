"""Schedule runs: place the plan's tasks by critical path, levelling or optimisation, as a job.

``schedule_request`` records a queued :class:`ScheduleRun`, journals it and enqueues the
background job in the same transaction (with the database task backend the job row and the
run commit together, so a worker never picks up a job whose run it cannot see).
``execute_run`` is the job's body: it claims the run, reports progress on the run row as it
goes (reading 10 %, solving 30–85 %, writing 90 %, done 100 %), solves outside any
transaction, then writes the dates and the outcome in one transaction — refused when the
plan changed meanwhile. Problems with the plan end the run as *failed* with one readable
line (e.g. the task and the person whose capacity it exceeds); they are never raised.
``schedule_now_as_system`` runs one synchronously for the command line.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import threading
import time
from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core.audit import audit_record, jsonable
from keystage.core.errors import DomainError, InvalidInput
from keystage.core.models import AuditAction
from keystage.planning import engine, rcpsp
from keystage.planning.models import (
    Assignment,
    Dependency,
    Holiday,
    ProjectCalendar,
    RunStatus,
    ScheduleMethod,
    ScheduleRun,
    Task,
)
from keystage.planning.services.plan_lock import plan_lock
from keystage.planning.services.schedule_runs import (
    HEARTBEAT_EVERY,
    RunStopped,
    checkpoint,
    end_stopped,
    queue_check,
    schedule_job,
)
from keystage.planning.services.schedule_summary import (
    day,
    done_message,
    empty_summary,
    outcome_summary,
)
from keystage.planning.services.wbs import calendar_of, reschedule
from keystage.portfolio.access import require_open, require_perm
from keystage.portfolio.models import Project
from keystage.resources.selectors import team_profiles

logger = logging.getLogger(__name__)

TIME_LIMIT_MIN = 1
TIME_LIMIT_MAX = 600
TIME_LIMIT_DEFAULT = 10
CLI_METHODS = {"cpm": "cpm", "level-float": "level_float", "level": "level", "optimise": "optimise"}


def check_request(method: Any, time_limit: Any) -> tuple[str, int]:
    """The method and time limit of a request, or field errors."""
    errors: dict[str, str] = {}
    if method not in ScheduleMethod.values:
        errors["method"] = f"Choose one of: {', '.join(ScheduleMethod.values)}."
    if time_limit is None or time_limit == "":
        limit = TIME_LIMIT_DEFAULT
    else:
        try:
            limit = int(time_limit)
            if isinstance(time_limit, float | bool) or str(limit) != str(time_limit).strip():
                raise ValueError
        except (TypeError, ValueError):
            errors["time_limit_seconds"] = "Give a whole number of seconds."
            limit = TIME_LIMIT_DEFAULT
        else:
            if not TIME_LIMIT_MIN <= limit <= TIME_LIMIT_MAX:
                errors["time_limit_seconds"] = (
                    f"The time limit is {TIME_LIMIT_MIN} to {TIME_LIMIT_MAX} seconds."
                )
    if errors:
        raise InvalidInput(errors)
    return str(method), limit


def _create(
    *, who: User | None, project: Project, method: str, time_limit: int, summary: str
) -> ScheduleRun:
    run = ScheduleRun.objects.create(
        project=project, method=method, time_limit_seconds=time_limit, requested_by=who
    )
    audit_record(
        who=who,
        obj=run,
        action=AuditAction.CREATE,
        project=project,
        changes={"method": [None, method], "time_limit_seconds": [None, time_limit]},
        summary=summary,
    )
    return run


@transaction.atomic
def schedule_request(
    *, who: User, project: Project, method: Any, time_limit: Any = None
) -> ScheduleRun:
    """Queue a schedule run of ``project`` (project editors); the worker executes it."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    method, limit = check_request(method, time_limit)
    queue_check(project)
    run = _create(
        who=who,
        project=project,
        method=method,
        time_limit=limit,
        summary=f"Requested a schedule run: {ScheduleMethod(method).label}",
    )
    job = schedule_job().enqueue(run.pk)
    ScheduleRun.objects.filter(pk=run.pk).update(job_id=str(job.id)[:64])
    run.refresh_from_db()
    return run


def schedule_now_as_system(
    *, project: Project, method: Any, time_limit: Any = None, via: str = "keystage CLI"
) -> ScheduleRun:
    """Record and execute a run right here, as the system actor (the command line);
    refused on a closed or cancelled project like every write."""
    require_open(project)
    method, limit = check_request(method, time_limit)
    with transaction.atomic():
        run = _create(
            who=None,
            project=project,
            method=method,
            time_limit=limit,
            summary=f"Requested a schedule run as the system ({via}): "
            f"{ScheduleMethod(method).label}",
        )
    execute_run(run.pk)
    run.refresh_from_db()
    return run


# ------------------------------------------------------------------ the job


def _progress(run: ScheduleRun, percent: int, message: str) -> None:
    """Report progress and a heartbeat on the run row at once (outside the final
    transaction); stops the job (RunStopped) when the run was cancelled meanwhile."""
    checkpoint(run, percent, message)


def execute_run(run_id: int) -> str:
    """Execute a queued run to its end and return its final status.

    A run that is no longer queued (executed already, or by another worker) is left
    alone. Errors in the plan fail the run with a readable message; only an interrupted
    worker (``SystemExit``, ``KeyboardInterrupt``) propagates, after marking the run failed.
    """
    now = timezone.now()
    claimed = ScheduleRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING,
        started_at=now,
        heartbeat_at=now,
        progress=5,
        message="Reading the plan",
    )
    run = ScheduleRun.objects.select_related("project", "requested_by").filter(pk=run_id).first()
    if run is None:  # the project was deleted meanwhile
        return "missing"
    if not claimed:
        return run.status
    try:
        _execute(run)
    except RunStopped:
        end_stopped(run)
    except rcpsp.ScheduleFailure as exc:
        _fail(run, str(exc))
    except InvalidInput as exc:
        _fail(run, "; ".join(m for msgs in exc.errors.values() for m in msgs))
    except DomainError as exc:
        _fail(run, exc.message)
    except Exception as exc:
        logger.exception("Schedule run %s failed", run_id)
        _fail(run, f"The run failed unexpectedly ({type(exc).__name__}); see the server log.")
    except BaseException:
        _fail(run, "The run was interrupted: the worker stopped. Request it again.")
        raise
    return ScheduleRun.objects.filter(pk=run_id).values_list("status", flat=True).get()


def _fail(run: ScheduleRun, message: str) -> None:
    with transaction.atomic():
        # Only a run still running fails here: one cancelled or given up meanwhile stays so.
        if not ScheduleRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING).update(
            status=RunStatus.FAILED, message=message[:1000], finished_at=timezone.now()
        ):
            return
        run.status = RunStatus.FAILED
        audit_record(
            who=run.requested_by,
            obj=run,
            action=AuditAction.UPDATE,
            project=run.project,
            changes={"status": [RunStatus.RUNNING, RunStatus.FAILED], "message": [None, message]},
            summary=f"Schedule run failed ({run.get_method_display()}): {message}",
        )


def _fingerprint(project: Project) -> str:
    """Changes whenever a task, link, assignment, holiday, the calendar or the project's
    start (where the schedule begins) is edited."""
    parts: list[Any] = [
        list(model.objects.filter(project=project).order_by("pk").values_list("pk", "version"))
        for model in (Task, Dependency, Assignment, Holiday, ProjectCalendar)
    ]
    parts.append(Project.objects.filter(pk=project.pk).values_list("start_date", flat=True).first())
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _latest_finish(project: Project) -> dt.datetime | None:
    return Task.objects.filter(project=project).aggregate(m=Max("finish_at"))["m"]


def _execute(run: ScheduleRun) -> None:
    project = run.project
    require_open(project)  # closed since the run was queued: the run fails, the plan stays
    if not Task.objects.filter(project=project, is_summary=False).exists():
        raise rcpsp.ScheduleFailure("The plan has no tasks yet; add tasks before scheduling.")
    if run.method == ScheduleMethod.CPM:
        _execute_cpm(run)
        return
    if Task.objects.filter(project=project, actual_start__isnull=False).exists():
        raise rcpsp.ScheduleFailure(
            "Levelling and optimising do not take recorded progress into account yet; "
            "reschedule by critical path from the data date instead."
        )
    _progress(run, 10, "Building the model: tasks, links, people and the calendar")
    before = _fingerprint(project)
    tasks = list(Task.objects.filter(project=project).order_by("row"))
    dependencies = list(Dependency.objects.filter(project=project))
    assignments = list(Assignment.objects.filter(project=project).select_related("person"))
    calendar_row = calendar_of(project)
    calendar = engine.engine_calendar(calendar_row, Holiday.objects.filter(project=project))
    data_date = calendar_row.data_date if calendar_row else None
    network = engine.engine_project(project.start_date, tasks, dependencies, calendar, data_date)
    cpm = engine.run_cpm(network)
    finish_before = cpm.finish_at  # levelling and optimising are measured against it
    people = {
        p.user.pk: rcpsp.PersonResource(p.user.pk, p.name, p.capacity_percent, tuple(p.absences))
        for p in team_profiles(project=project)
    }
    model = rcpsp.build(
        tasks=tasks,
        project=network,
        assignments=assignments,
        people=people,
        cpm=cpm,
        calendar=calendar,
        origin=project.start_date,
        per_day=engine.minutes_per_day(calendar_row),
        anchored=run.method == ScheduleMethod.OPTIMISE,
    )
    if run.method == ScheduleMethod.OPTIMISE:
        _progress(run, 30, "Optimising: heuristic first, then the CP-SAT solver")
        limit = run.time_limit_seconds

        def tick(elapsed: float) -> None:
            percent = 30 + int(55 * min(1.0, elapsed / limit))
            if percent != run.progress or _beat_due(run):
                _progress(run, percent, f"Optimising: {elapsed:.0f} s of at most {limit} s")

        outcome = _in_thread(lambda: rcpsp.optimise(model, time_limit=limit), tick)
    else:
        within = run.method == ScheduleMethod.LEVEL_WITHIN_FLOAT
        doing = "Levelling " + ("within float" if within else "the resources")
        _progress(run, 30, doing)

        def beat(elapsed: float) -> None:
            if _beat_due(run):
                _progress(run, 30, f"{doing}: {elapsed:.0f} s")

        limit = run.time_limit_seconds  # used when maximum lags need the exact solver
        outcome = _in_thread(
            lambda: rcpsp.level(model, within_float=within, time_limit=limit), beat
        )
    _progress(run, 90, "Writing the dates")
    with transaction.atomic():
        plan_lock(project)  # before the fingerprint: no plan edit can slip in between
        if _fingerprint(project) != before:
            raise rcpsp.ScheduleFailure(
                "The plan changed while the run was solving; nothing was written. "
                "Request the run again."
            )
        reschedule(project, tasks)
        leaf_dates = rcpsp.checked_dates(model, outcome)
        _write_dates(tasks, rcpsp.roll_up(tasks, leaf_dates))
        finish_after = max(f for _, f in leaf_dates.values())
        summary = outcome_summary(run, model, outcome, finish_before, finish_after, len(people))
        _finish(run, finish_before, finish_after, summary, done_message(run, outcome, summary))


def _beat_due(run: ScheduleRun) -> bool:
    """Whether the run's last heartbeat is HEARTBEAT_EVERY seconds old."""
    last = run.heartbeat_at
    return last is None or (timezone.now() - last).total_seconds() >= HEARTBEAT_EVERY


def _in_thread[T](solve: Callable[[], T], tick: Callable[[float], None]) -> T:
    """Solve in a helper thread (no database there) while this one reports progress.

    The thread is a daemon: a worker told to stop marks the run failed and exits without
    waiting for the solver to reach its time limit.
    """
    outcome: list[T] = []
    errors: list[BaseException] = []

    def target() -> None:
        try:
            outcome.append(solve())
        except BaseException as exc:  # handed to the caller's thread
            errors.append(exc)

    began = time.monotonic()
    thread = threading.Thread(target=target, name="schedule-run", daemon=True)
    thread.start()
    while True:
        thread.join(timeout=0.5)
        if not thread.is_alive():
            break
        tick(time.monotonic() - began)
    if errors:
        raise errors[0]
    return outcome[0]


def _write_dates(tasks: list[Task], spans: dict[int, tuple[dt.datetime, dt.datetime]]) -> None:
    """Store the run's start and finish on every task (results: no version change)."""
    changed = []
    for task in tasks:
        span = spans.get(task.pk)
        if span is not None and (task.start_at, task.finish_at) != span:
            task.start_at, task.finish_at = span
            changed.append(task)
    if changed:
        changed.sort(key=lambda t: t.pk)  # one row order for every writer
        Task.objects.bulk_update(changed, ["start_at", "finish_at"], batch_size=500)


def _execute_cpm(run: ScheduleRun) -> None:
    project = run.project
    _progress(run, 30, "Calculating the critical path")
    with transaction.atomic():
        plan_lock(project)
        finish_before = _latest_finish(project)
        result = reschedule(project)
        assert result is not None  # there are tasks
        tasks = Task.objects.filter(project=project, is_summary=False).count()
        summary = {
            **empty_summary(run),
            "tasks": tasks,
            "finish_before": jsonable(finish_before),
            "finish_after": jsonable(result.finish_at),
            "critical_tasks": result.critical_count,
            "solver_status": "scheduled",
            "solved_by": "critical path",
        }
        message = (
            f"Critical path: finish {day(result.finish_at)}, "
            f"{result.critical_count} critical task(s)."
        )
        _finish(run, finish_before, result.finish_at, summary, message)


def _finish(
    run: ScheduleRun,
    finish_before: dt.datetime | None,
    finish_after: dt.datetime,
    summary: dict[str, Any],
    message: str,
) -> None:
    """Record the outcome, in the transaction that wrote the dates; RunStopped (which rolls
    the dates back) when the run was cancelled or given up while it was solving."""
    if not ScheduleRun.objects.filter(
        pk=run.pk, status=RunStatus.RUNNING, cancel_requested_at__isnull=True
    ).update(
        status=RunStatus.DONE,
        progress=100,
        message=message[:1000],
        finished_at=timezone.now(),
        project_finish_at=finish_after,
        summary=summary,
    ):
        raise RunStopped()
    run.status = RunStatus.DONE
    audit_record(
        who=run.requested_by,
        obj=run,
        action=AuditAction.UPDATE,
        project=run.project,
        changes={
            "status": [RunStatus.RUNNING, RunStatus.DONE],
            "project_finish_at": [jsonable(finish_before), jsonable(finish_after)],
            "tasks_moved": [None, len(summary["moves"])],
        },
        summary=f"Schedule run done ({run.get_method_display()}): {message}",
    )
