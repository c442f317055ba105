"""Writes of the schedule-risk analysis: estimates, the default spread, simulation runs.

Every write goes through the permission chokepoint (project editors; a closed or
cancelled project is read-only) and is journaled. A run is queued and executed by the
background worker (``keystage.risks.simulation.tasks.run_simulation``) like a schedule
run: it reports progress while it draws, and stores its result as JSON.
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import random
import time
from decimal import Decimal, InvalidOperation
from typing import Any

import numpy as np
from django.db import transaction
from django.utils import timezone

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core.audit import audit_record, diff_fields
from keystage.core.errors import Conflict, DomainError, InvalidInput
from keystage.core.models import AuditAction, AuditEntry
from keystage.core.versioning import versioned_update
from keystage.engine.errors import FieldError, ScheduleError
from keystage.engine.risk import check_memory, simulate
from keystage.planning.models import RunStatus, Task
from keystage.portfolio.access import require_open, require_perm
from keystage.portfolio.models import Project
from keystage.risks.engine import default_settings, simulation_input
from keystage.risks.models import (
    Distribution,
    SimulationRun,
    SimulationSettings,
    TaskEstimate,
)
from keystage.risks.models.simulation import RUNS_MAX, RUNS_MIN
from keystage.risks.simulation.outcome import outcome

logger = logging.getLogger(__name__)

ACTIVE = (RunStatus.QUEUED, RunStatus.RUNNING)
PER_PROJECT = 2  # queued or running simulations per project
MAX_ROWS = 5000
SEED_MAX = 2**53
STALE_AFTER = 120  # seconds without progress after which a running simulation is given up
STALE_MESSAGE = (
    "The worker running this simulation stopped answering; it was given up and nothing "
    "was kept. Run it again."
)


class SimulationStopped(Exception):
    """The run was cancelled (or given up) while it was drawing: stop between chunks."""


class SimulationQueueFull(DomainError):
    """Too many simulations of the project are waiting or running (429)."""

    status_code = 429


# ----------------------------------------------------------------- estimates


def _days(raw: Any, field: str, errors: dict[str, str]) -> Decimal | None:
    """Working days from a request value (≥ 0, at most two decimals)."""
    if isinstance(raw, bool) or raw is None or raw == "":
        errors[field] = "Give a number of working days."
        return None
    try:
        value = Decimal(str(raw).strip())
    except InvalidOperation:
        errors[field] = "Give a number of working days."
        return None
    if not value.is_finite() or value < 0 or value > 3650:
        errors[field] = "Working days lie between 0 and 3650."
        return None
    return value


def estimates_put(
    *, who: User, project: Project, rows: Any, minutes_per_day: int
) -> list[TaskEstimate]:
    """Set (or, with ``clear``, remove) the estimates of the listed tasks, all or nothing.

    Each row: ``task`` (its id), ``optimistic_days`` ≤ ``likely_days`` ≤
    ``pessimistic_days``, ``distribution`` (triangular or pert), and ``version`` when it
    changes an existing estimate (409 when stale). Field errors name the row
    (``rows[2].likely_days``).
    """
    require_perm(who=who, project=project, perm=Perm.EDIT)
    if not isinstance(rows, list) or not rows:
        raise InvalidInput({"rows": "Send a non-empty list of rows."})
    if len(rows) > MAX_ROWS:
        raise InvalidInput({"rows": f"At most {MAX_ROWS} rows at once."})
    tasks = {str(t.public_id): t for t in Task.objects.filter(project=project)}
    errors: dict[str, str] = {}
    plans: list[tuple[Task, dict[str, Any] | None, int | None]] = []
    seen: set[str] = set()
    for i, row in enumerate(rows):
        at = f"rows[{i}]"
        if not isinstance(row, dict):
            errors[at] = "Each row is an object."
            continue
        task = tasks.get(str(row.get("task", "")))
        if task is None:
            errors[f"{at}.task"] = "No such task in this project."
            continue
        if str(task.public_id) in seen:
            errors[f"{at}.task"] = "This task is listed twice."
            continue
        seen.add(str(task.public_id))
        if task.is_summary or task.kind != "task":
            errors[f"{at}.task"] = "Only tasks (not summaries or milestones) take estimates."
            continue
        version = row.get("version")
        if version is not None and (isinstance(version, bool) or not isinstance(version, int)):
            errors[f"{at}.version"] = "The version is a whole number."
            continue
        if row.get("clear"):
            plans.append((task, None, version))
            continue
        amounts = [
            _days(row.get(k), f"{at}.{k}", errors)
            for k in ("optimistic_days", "likely_days", "pessimistic_days")
        ]
        kind = row.get("distribution", Distribution.TRIANGULAR)
        if kind not in Distribution.values:
            errors[f"{at}.distribution"] = f"Choose one of: {', '.join(Distribution.values)}."
        if any(v is None for v in amounts):
            continue
        low, likely, high = (round(v * minutes_per_day) for v in amounts)  # type: ignore[operator]
        if not low <= likely <= high:
            errors[f"{at}.likely_days"] = (
                "Optimistic ≤ most likely ≤ pessimistic: these three are out of order."
            )
            continue
        plans.append(
            (
                task,
                {
                    "optimistic_minutes": low,
                    "likely_minutes": likely,
                    "pessimistic_minutes": high,
                    "distribution": kind,
                },
                version,
            )
        )
    if errors:
        raise InvalidInput(errors)
    return _write_estimates(who=who, project=project, plans=plans)


def _entry(
    who: User, obj: TaskEstimate, action: str, project: Project, changes: dict[str, Any],
    summary: str,
) -> AuditEntry:  # fmt: skip
    """An unsaved journal entry, as ``audit_record`` writes it (saved in bulk)."""
    return AuditEntry(
        actor=who if getattr(who, "is_authenticated", False) else None, project=project,
        object_type="taskestimate", object_id=obj.public_id, object_label=str(obj)[:300],
        action=action, changes=changes, summary=summary[:500],
    )  # fmt: skip


def _write_estimates(
    *, who: User, project: Project, plans: list[tuple[Task, dict[str, Any] | None, int | None]]
) -> list[TaskEstimate]:
    """Write the checked rows in one transaction and a constant number of queries: lock the
    rows, refuse any stale version (409, nothing written), then delete, create and update
    in bulk, each change journaled."""
    out: list[TaskEstimate] = []
    with transaction.atomic():
        current = {
            e.task_id: e
            for e in TaskEstimate.objects.select_for_update().filter(
                task__in=[task.pk for task, _, _ in plans]
            )
        }
        for task, _, version in plans:
            found = current.get(task.pk)
            if found is not None and version is not None and found.version != version:
                raise Conflict(current=found)  # also for a removal
        now = timezone.now()
        gone: list[TaskEstimate] = []
        fresh: list[TaskEstimate] = []
        changed: list[TaskEstimate] = []
        entries: list[AuditEntry] = []
        for task, values, _ in plans:
            found = current.get(task.pk)
            if found is not None:
                found.task = task  # str() names the task without reading it again
            if values is None:
                if found is not None:
                    gone.append(found)
                    summary = f"Removed the three-point estimate of {task}"
                    entries.append(_entry(who, found, AuditAction.DELETE, project, {}, summary))
                continue
            if found is None:
                made = TaskEstimate(task=task, project=project, **values)
                fresh.append(made)
                entries.append(_entry(who, made, AuditAction.CREATE, project,
                                      {k: [None, v] for k, v in values.items()},
                                      f"Estimated {task}"))  # fmt: skip
                out.append(made)
                continue
            delta = diff_fields({k: getattr(found, k) for k in values}, values)
            if delta:
                for field, value in values.items():
                    setattr(found, field, value)
                found.version += 1
                found.updated_at = now
                changed.append(found)
                entries.append(_entry(who, found, AuditAction.UPDATE, project, delta,
                                      f"Changed the estimate of {task}"))  # fmt: skip
            out.append(found)
        if gone:
            TaskEstimate.objects.filter(pk__in=[e.pk for e in gone]).delete()
        if fresh:
            TaskEstimate.objects.bulk_create(fresh)
        if changed:
            TaskEstimate.objects.bulk_update(
                changed, [*ESTIMATE_FIELDS, "version", "updated_at"], batch_size=500
            )
        if entries:
            AuditEntry.objects.bulk_create(entries, batch_size=500)
    return out


ESTIMATE_FIELDS = ("optimistic_minutes", "likely_minutes", "pessimistic_minutes", "distribution")


def settings_update(
    *, who: User, project: Project, data: dict[str, Any], version: int | None
) -> SimulationSettings:
    """Change the default spread (−low % / +high %) and distribution; journaled, versioned."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    errors: dict[str, str] = {}
    values: dict[str, Any] = {}
    for field, top in (("low_percent", 100), ("high_percent", 1000)):
        if field not in data:
            continue
        try:
            value = Decimal(str(data[field]).strip())
            if isinstance(data[field], bool) or not value.is_finite():
                raise InvalidOperation
        except InvalidOperation:
            errors[field] = "Give a percentage."
            continue
        if not 0 <= value <= top:
            errors[field] = f"A percentage between 0 and {top}."
            continue
        values[field] = value.quantize(Decimal("0.1"))
    if "distribution" in data:
        if data["distribution"] not in Distribution.values:
            errors["distribution"] = f"Choose one of: {', '.join(Distribution.values)}."
        else:
            values["distribution"] = data["distribution"]
    if errors:
        raise InvalidInput(errors)
    with transaction.atomic():
        current = SimulationSettings.objects.select_for_update().filter(project=project).first()
        if current is None:
            current = SimulationSettings.objects.create(project=project, **values)
            audit_record(
                who=who, obj=current, action=AuditAction.CREATE, project=project,
                changes={k: [None, str(v)] for k, v in values.items()},
                summary=f"Set the default estimate spread: {current}",
            )  # fmt: skip
            return current
        current = versioned_update(
            who=who, instance=current, project=project, changes=values,
            expected_version=current.version if version is None else version,
            summary="Changed the default estimate spread",
        )  # fmt: skip
    return current


# ---------------------------------------------------------------------- runs


def _whole(raw: Any) -> int | None:
    """A non-negative whole number written in ASCII digits (at most 16), else None:
    ``str.isdigit`` also takes "²" and other digits ``int`` refuses."""
    text = str(raw).strip()
    if isinstance(raw, bool) or not (text.isascii() and text.isdigit()) or len(text) > 16:
        return None
    return int(text)


def check_request(runs: Any, seed: Any) -> tuple[int, int]:
    """The run count and seed of a request (a random seed when none), or field errors."""
    errors: dict[str, str] = {}
    count = 0
    if runs is None or runs == "":
        count = 5000
    elif _whole(runs) is None:
        errors["runs"] = "Give a whole number of runs."
    else:
        count = _whole(runs) or 0
        if not RUNS_MIN <= count <= RUNS_MAX:
            errors["runs"] = f"Between {RUNS_MIN:,} and {RUNS_MAX:,} runs."
    value = 0
    if seed is None or seed == "":
        value = random.SystemRandom().randrange(SEED_MAX)
    elif _whole(seed) is None:
        errors["seed"] = "The seed is a whole number ≥ 0."
    else:
        value = _whole(seed) or 0
        if value >= SEED_MAX:
            errors["seed"] = f"The seed is below {SEED_MAX}."
    if errors:
        raise InvalidInput(errors)
    return count, value


def check_size(*, project: Project, runs: int) -> None:
    """Refuse (400 on ``runs``) a simulation that would exceed the engine's memory budget.

    Counted from the plan's tasks and open risks before anything is queued; the engine
    checks again with the exact network when it runs.
    """
    from keystage.risks.models import Risk

    tasks = Task.objects.filter(project=project).count()
    events = Risk.objects.filter(project=project).exclude(status="closed").count()
    try:
        check_memory(tasks, runs, events)
    except FieldError as exc:
        raise InvalidInput({"runs": exc.message}) from exc


def fail_stale(*, project: Project) -> int:
    """Fail the project's running simulations whose worker stopped answering (no progress
    for ``STALE_AFTER`` seconds), so that they never block the queue; journaled."""
    cutoff = timezone.now() - dt.timedelta(seconds=STALE_AFTER)
    stale = SimulationRun.objects.filter(
        project=project, status=RunStatus.RUNNING, heartbeat_at__lt=cutoff
    ).select_related("project", "requested_by")
    count = 0
    for run in stale:
        count += _end(run, RunStatus.FAILED, STALE_MESSAGE)
    return count


def _create(*, who: User | None, project: Project, runs: int, seed: int, via: str) -> SimulationRun:
    # Two requests at once must not both see room in the queue.
    Project.objects.select_for_update().filter(pk=project.pk).first()
    fail_stale(project=project)
    active = SimulationRun.objects.filter(project=project, status__in=ACTIVE).count()
    if active >= PER_PROJECT:
        raise SimulationQueueFull(
            f"This project already has {PER_PROJECT} simulations waiting or running; "
            "wait for one to finish, then request again."
        )
    run = SimulationRun.objects.create(project=project, runs=runs, seed=seed, requested_by=who)
    audit_record(
        who=who, obj=run, action=AuditAction.CREATE, project=project,
        changes={"runs": [None, runs], "seed": [None, seed]},
        summary=f"Requested a risk simulation of {runs:,} runs{via}",
    )  # fmt: skip
    return run


def simulation_request(
    *, who: User, project: Project, runs: Any, seed: Any = None
) -> SimulationRun:
    """Queue a Monte Carlo run (project editors); the background worker executes it."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    count, value = check_request(runs, seed)
    check_size(project=project, runs=count)
    with transaction.atomic():
        run = _create(who=who, project=project, runs=count, seed=value, via="")
    from keystage.risks.simulation.tasks import run_simulation  # the job imports us

    job = run_simulation.enqueue(run.pk)
    SimulationRun.objects.filter(pk=run.pk).update(job_id=str(job.id)[:64])
    run.refresh_from_db()
    return run


def simulate_now_as_system(
    *, project: Project, runs: Any, seed: Any = None, via: str = "keystage CLI"
) -> SimulationRun:
    """Record and execute a run right here as the system actor (the command line)."""
    require_open(project)
    count, value = check_request(runs, seed)
    check_size(project=project, runs=count)
    with transaction.atomic():
        run = _create(who=None, project=project, runs=count, seed=value, via=f" ({via})")
    execute_simulation(run.pk)
    run.refresh_from_db()
    return run


def execute_simulation(run_id: int) -> str:
    """Execute a queued run to its end; returns its final status."""
    now = timezone.now()
    claimed = SimulationRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(
        status=RunStatus.RUNNING, started_at=now, heartbeat_at=now, progress=2,
        message="Reading the plan",
    )  # fmt: skip
    run = SimulationRun.objects.select_related("project", "requested_by").filter(pk=run_id).first()
    if run is None:
        return "missing"
    if not claimed:
        return run.status
    try:
        _execute(run)
    except SimulationStopped:
        _stopped(run)
    except (FieldError, ScheduleError) as exc:
        _end(run, RunStatus.FAILED, f"The plan cannot be simulated: {exc}")
    except DomainError as exc:
        _end(run, RunStatus.FAILED, exc.message)
    except Exception as exc:
        logger.exception("Risk simulation %s failed", run_id)
        _end(run, RunStatus.FAILED, f"The run failed unexpectedly ({type(exc).__name__}).")
    return SimulationRun.objects.filter(pk=run_id).values_list("status", flat=True).get()


def _execute(run: SimulationRun) -> None:
    project = run.project
    require_open(project)
    if not Task.objects.filter(project=project, is_summary=False, kind="task").exists():
        raise DomainError("The plan has no tasks yet; add tasks before simulating.")
    data = simulation_input(project=project)
    last = [0.0]

    def progress(fraction: float) -> None:
        now = time.monotonic()
        if now - last[0] < 0.5 and fraction < 1:
            return
        last[0] = now
        percent = 5 + int(90 * fraction)
        # The stamp doubles as the cancel check: a run cancelled (or given up) meanwhile
        # is no longer running without a stop request, and the engine stops drawing.
        if not SimulationRun.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, cancel_requested_at__isnull=True
        ).update(
            progress=percent, message=f"Simulating: {math.floor(fraction * run.runs):,} runs done",
            heartbeat_at=timezone.now(),
        ):  # fmt: skip
            raise SimulationStopped

    result = simulate(data.model, run.runs, np.random.default_rng(run.seed), progress=progress)
    if not _end(run, RunStatus.DONE, "Done.", outcome(result, data, run.seed)):
        raise SimulationStopped  # a stop asked for after the last chunk: nothing is kept


def _end(
    run: SimulationRun, status: str, message: str, result: dict[str, Any] | None = None
) -> int:
    running = SimulationRun.objects.filter(pk=run.pk, status=RunStatus.RUNNING)
    if status == RunStatus.DONE:  # a result is kept only when nobody asked to stop
        running = running.filter(cancel_requested_at__isnull=True)
    with transaction.atomic():
        touched = running.update(
            status=status,
            message=message[:1000],
            progress=100 if status == RunStatus.DONE else run.progress,
            finished_at=timezone.now(),
            result=result or {},
        )
        if touched:
            audit_record(
                who=run.requested_by, obj=run, action=AuditAction.UPDATE, project=run.project,
                changes={"status": [RunStatus.RUNNING, status]},
                summary=f"Risk simulation {status}: {message}",
            )  # fmt: skip
    return touched


def _stopped(run: SimulationRun) -> int:
    """The worker saw a stop: end a cancelled run as *cancelled* (a given-up one stays)."""
    with transaction.atomic():
        touched = SimulationRun.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, cancel_requested_at__isnull=False
        ).update(
            status=RunStatus.CANCELLED, finished_at=timezone.now(), result={},
            message="Cancelled: stopped between two batches of runs; nothing was kept.",
        )  # fmt: skip
        if touched:
            audit_record(
                who=run.requested_by, obj=run, action=AuditAction.UPDATE, project=run.project,
                changes={"status": [RunStatus.RUNNING, RunStatus.CANCELLED]},
                summary="Risk simulation cancelled while running",
            )  # fmt: skip
    return touched


def simulation_cancel(*, who: User, project: Project, run: SimulationRun) -> SimulationRun:
    """Cancel a queued simulation at once, or ask a running one to stop (project editors).

    The worker stops between two chunks of runs and keeps nothing; journaled. A run that
    has already ended is a Conflict (409) with its current state.
    """
    require_perm(who=who, project=project, perm=Perm.EDIT)
    fail_stale(project=project)
    name = getattr(who, "display_name", "") or str(who)
    now = timezone.now()
    with transaction.atomic():
        if SimulationRun.objects.filter(pk=run.pk, status=RunStatus.QUEUED).update(
            status=RunStatus.CANCELLED, cancel_requested_at=now, finished_at=now,
            message=f"Cancelled by {name} before it started.",
        ):  # fmt: skip
            change: dict[str, Any] = {"status": [RunStatus.QUEUED, RunStatus.CANCELLED]}
            summary = f"Cancelled a queued risk simulation of {run.runs:,} runs"
        elif SimulationRun.objects.filter(
            pk=run.pk, status=RunStatus.RUNNING, cancel_requested_at__isnull=True
        ).update(cancel_requested_at=now, message=f"Cancelling at {name}'s request…"):
            change = {"cancel_requested_at": [None, now.isoformat()]}
            summary = f"Asked a running risk simulation of {run.runs:,} runs to stop"
        else:
            current = SimulationRun.objects.get(pk=run.pk)
            if current.status == RunStatus.RUNNING:
                return current  # a stop was asked for already
            raise Conflict(
                current=current,
                message=f"This run has already ended ({current.get_status_display().lower()}).",
            )
        audit_record(
            who=who, obj=run, action=AuditAction.UPDATE, project=project, changes=change,
            summary=summary,
        )  # fmt: skip
    return SimulationRun.objects.select_related("requested_by").get(pk=run.pk)


__all__ = [
    "SimulationStopped",
    "check_request",
    "check_size",
    "default_settings",
    "estimates_put",
    "execute_simulation",
    "fail_stale",
    "settings_update",
    "simulate_now_as_system",
    "simulation_cancel",
    "simulation_request",
]
