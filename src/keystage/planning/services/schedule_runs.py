"""The life cycle of schedule runs around the job: queue bounds, heartbeat, cancel, recovery.

A run is *queued* → *running* → *done*, *failed* or *cancelled*. This module holds the rules
that keep that life cycle honest when things go wrong:

- **Bounds.** At most ``KEYSTAGE_SCHEDULE_RUNS_PER_PROJECT`` (3) runs of one project and
  ``KEYSTAGE_SCHEDULE_RUNS_PER_ORGANISATION`` (10) of one organisation are queued or running
  at once; one more is refused with :class:`RunQueueFull` (429) and nothing is written.
- **Heartbeat.** The worker stamps ``heartbeat_at`` when it claims a run and whenever it
  reports progress (at least every ``HEARTBEAT_EVERY`` seconds while the solver works).
  :func:`checkpoint` is that stamp; it raises :class:`RunStopped` when the run was cancelled
  or given up meanwhile, so the worker stops between phases.
- **Recovery.** :func:`schedule_runs_fail_stale` fails running runs whose heartbeat is older
  than ``KEYSTAGE_SCHEDULE_RUN_TIMEOUT`` seconds (120) and queued runs whose job the task
  backend no longer has (or has finished without running them). Listing runs, requesting
  one and ``keystage manage schedule_runs_recover`` (run at start-up) call it.
- **Cancel.** :func:`schedule_run_cancel` (project editors) cancels a queued run at once, and
  asks a running one to stop: the worker ends it as *cancelled* at its next checkpoint, and
  its final write is conditional on no cancel having arrived, so a cancelled run never
  writes dates.

Every change of status is journaled.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from keystage.accounts.models import Organisation, User
from keystage.accounts.roles import Perm
from keystage.core.audit import audit_record
from keystage.core.errors import Conflict, DomainError
from keystage.core.models import AuditAction
from keystage.planning.models import RunStatus, ScheduleRun
from keystage.portfolio.access import require_perm
from keystage.portfolio.models import Project

logger = logging.getLogger(__name__)

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
HEARTBEAT_EVERY = 5  # seconds between heartbeats while a solver works
STALE_MESSAGE = (
    "The worker running this run stopped answering (no sign of life for {seconds} s); "
    "the run was given up and nothing was written. Request it again."
)
LOST_JOB_MESSAGE = (
    "The background job of this run is gone (the queue was cleared or the job failed "
    "before it started); nothing was written. Request it again."
)


class RunQueueFull(DomainError):
    """Too many schedule runs are waiting or running: the request is refused (429)."""

    status_code = 429


class RunStopped(Exception):
    """The run is no longer running as this worker thinks (cancelled or given up)."""


def per_project_limit() -> int:
    """Queued or running runs allowed per project (``KEYSTAGE_SCHEDULE_RUNS_PER_PROJECT``)."""
    return int(getattr(settings, "KEYSTAGE_SCHEDULE_RUNS_PER_PROJECT", 3))


def per_organisation_limit() -> int:
    """Queued or running runs allowed per organisation."""
    return int(getattr(settings, "KEYSTAGE_SCHEDULE_RUNS_PER_ORGANISATION", 10))


def stale_after() -> int:
    """Seconds without a heartbeat after which a running run is given up."""
    return int(getattr(settings, "KEYSTAGE_SCHEDULE_RUN_TIMEOUT", 120))


# ------------------------------------------------------------------ bounds


def queue_check(project: Project) -> None:
    """Refuse one more run of ``project`` when its project or organisation is at the bound.

    Call inside the requesting transaction: it locks the organisation's row so that two
    requests cannot both take the last place, and gives up stale runs first so that dead
    runs never block the queue.
    """
    no_key = connection.features.has_select_for_no_key_update
    Organisation.objects.select_for_update(no_key=no_key).filter(pk=project.organisation_id).first()
    schedule_runs_fail_stale(organisation_id=project.organisation_id)
    active = ScheduleRun.objects.filter(status__in=ACTIVE)
    limit = per_project_limit()
    if active.filter(project=project).count() >= limit:
        raise RunQueueFull(
            f"This project already has {limit} schedule run(s) waiting or running; wait for "
            "one to finish or cancel one, then request again."
        )
    limit = per_organisation_limit()
    if active.filter(project__organisation_id=project.organisation_id).count() >= limit:
        raise RunQueueFull(
            f"Your organisation already has {limit} schedule runs waiting or running; "
            "wait for one to finish, then request again."
        )


# --------------------------------------------------------------- heartbeat


def checkpoint(run: ScheduleRun, percent: int, message: str) -> None:
    """Report progress and a heartbeat; RunStopped when the run was cancelled or given up."""
    now = timezone.now()
    touched = ScheduleRun.objects.filter(
        pk=run.pk, status=RunStatus.RUNNING, cancel_requested_at__isnull=True
    ).update(progress=percent, message=message[:1000], heartbeat_at=now)
    if not touched:
        raise RunStopped()
    run.progress, run.message, run.heartbeat_at = percent, message, now


def end_stopped(run: ScheduleRun) -> None:
    """The worker saw RunStopped: end a cancelled run as *cancelled* (a given-up run stays)."""
    with transaction.atomic():
        ended = ScheduleRun.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, cancel_requested_at__isnull=False
        ).update(
            status=RunStatus.CANCELLED,
            message="Cancelled; nothing was written.",
            finished_at=timezone.now(),
        )
        if ended:
            run.status = RunStatus.CANCELLED
            audit_record(
                who=None,
                obj=run,
                action=AuditAction.UPDATE,
                project=run.project,
                changes={"status": [RunStatus.RUNNING, RunStatus.CANCELLED]},
                summary=f"Schedule run stopped on request ({run.get_method_display()})",
            )


# ---------------------------------------------------------------- recovery


def schedule_runs_fail_stale(
    *,
    now: dt.datetime | None = None,
    project: Project | None = None,
    organisation_id: int | None = None,
    timeout: int | None = None,
) -> int:
    """Fail the runs nobody is working on any more; returns how many were failed.

    Running runs whose heartbeat (or start) is older than ``timeout`` seconds (the
    setting by default; 0 gives up every running run — for a start-up when no other
    worker can be alive), and queued runs whose job the task backend no longer holds or has
    finished. Limited to ``project`` or ``organisation_id`` when given. Each is journaled as
    the system.
    """
    now = now or timezone.now()
    seconds = stale_after() if timeout is None else timeout
    runs = ScheduleRun.objects.filter(status__in=ACTIVE).select_related("project")
    if project is not None:
        runs = runs.filter(project=project)
    if organisation_id is not None:
        runs = runs.filter(project__organisation_id=organisation_id)
    cutoff = now - dt.timedelta(seconds=seconds)
    failed = 0
    for run in runs:
        if run.status == RunStatus.RUNNING:
            beat = run.heartbeat_at or run.started_at or run.created_at
            if beat <= cutoff:
                failed += _give_up(run, RunStatus.RUNNING, STALE_MESSAGE.format(seconds=seconds))
        elif _job_gone(run):
            failed += _give_up(run, RunStatus.QUEUED, LOST_JOB_MESSAGE)
    return failed


def _give_up(run: ScheduleRun, status: str, message: str) -> int:
    with transaction.atomic():
        touched = ScheduleRun.objects.filter(pk=run.pk, status=status).update(
            status=RunStatus.FAILED, message=message[:1000], finished_at=timezone.now()
        )
        if touched:
            audit_record(
                who=None,
                obj=run,
                action=AuditAction.UPDATE,
                project=run.project,
                changes={"status": [status, RunStatus.FAILED], "message": [None, message]},
                summary=f"Schedule run given up ({run.get_method_display()}): {message}",
            )
    if touched:
        logger.warning("Schedule run %s failed: %s", run.public_id, message)
    return touched


# ------------------------------------------------------------------ the job

#: How to get the background job that executes a run. ``planning.tasks`` defines it on
#: top of ``services.schedule.execute_run``; ``PlanningConfig.ready`` registers a loader
#: for it here, so the services enqueue it without importing the task module back (no
#: import cycle; an import-linter contract forbids it) and the solver is imported on
#: first use only.
_JOB_LOADER: dict[str, Callable[[], Any]] = {}


def register_schedule_job(loader: Callable[[], Any]) -> None:
    """Register how to load the schedule-run job (called once by ``PlanningConfig.ready``)."""
    _JOB_LOADER["run_schedule"] = loader


def schedule_job() -> Any:
    """The schedule-run job (``keystage.planning.tasks.run_schedule``)."""
    try:
        loader = _JOB_LOADER["run_schedule"]
    except KeyError:
        message = "The schedule-run job is not registered (PlanningConfig.ready does it)."
        raise RuntimeError(message) from None
    return loader()


def _job_gone(run: ScheduleRun) -> bool:
    """True when the task backend can tell that the run's job will never run it."""
    if not run.job_id:
        return False
    from django.tasks import TaskResultStatus
    from django.tasks.exceptions import TaskResultDoesNotExist

    job = schedule_job()
    try:
        if not job.get_backend().supports_get_result:
            return False
        result = job.get_result(run.job_id)
    except TaskResultDoesNotExist:
        return True
    except Exception:  # a backend that cannot answer cannot tell us it is gone
        logger.exception("Could not read the job of schedule run %s", run.public_id)
        return False
    return result.status in (TaskResultStatus.FAILED, TaskResultStatus.SUCCESSFUL)


# ------------------------------------------------------------------ cancel


def schedule_run_cancel(*, who: User, project: Project, run: ScheduleRun) -> ScheduleRun:
    """Cancel a queued run, or ask a running one to stop (project editors); journaled.

    A run that has already ended is a Conflict (409) with its current state.
    """
    require_perm(who=who, project=project, perm=Perm.EDIT)
    schedule_runs_fail_stale(project=project)
    name = getattr(who, "display_name", "") or str(who)
    now = timezone.now()
    with transaction.atomic():
        if ScheduleRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.CANCELLED,
            message=f"Cancelled by {name} before it started.",
            cancel_requested_at=now,
            finished_at=now,
        ):
            change: dict[str, Any] = {"status": [RunStatus.QUEUED, RunStatus.CANCELLED]}
            summary = f"Cancelled a queued schedule run ({run.get_method_display()})"
        elif ScheduleRun.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, cancel_requested_at__isnull=True
        ).update(cancel_requested_at=now, message=f"Cancelling at {name}'s request…"):
            change = {"cancel_requested_at": [None, now.isoformat()]}
            summary = f"Asked a running schedule run to stop ({run.get_method_display()})"
        else:
            current = ScheduleRun.objects.get(pk=run.pk)
            if current.status == RunStatus.RUNNING:
                return current  # a stop was asked for already: nothing more to do
            raise Conflict(
                current=current,
                message=f"This run has already ended ({current.get_status_display().lower()}).",
            )
        audit_record(
            who=who,
            obj=run,
            action=AuditAction.UPDATE,
            project=project,
            changes=change,
            summary=summary,
        )
    return ScheduleRun.objects.select_related("requested_by").get(pk=run.pk)
