"""Capturing and deleting baselines: named, immutable snapshots of the schedule, work and cost.

A capture copies every task of the current plan (``selectors.plan_snapshot.plan_snapshot``)
and the cost plan into one ``Baseline`` with its ``BaselineTask`` rows, in one
transaction, and journals it. Nothing edits a baseline afterwards — not even its name:
the baseline is the record the project is measured against. It can only be deleted
(versioned and journaled). The command line captures as the system actor.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import Max

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.audit import audit_record, jsonable
from keystage.core.errors import Conflict, InvalidInput
from keystage.core.models import AuditAction
from keystage.planning.models import Baseline, BaselineTask
from keystage.planning.selectors.plan_snapshot import plan_snapshot
from keystage.portfolio.access import require_open, require_perm
from keystage.portfolio.models import Project

NAME_MAX = 200
NOTE_MAX = 2000


def _capture(
    *, who: User | None, project: Project, name: str, note: str, via: str = ""
) -> Baseline:
    Project.objects.select_for_update().filter(pk=project.pk).first()  # serialise numbering
    name, note = (name or "").strip(), (note or "").strip()
    errors: dict[str, str] = {}
    if len(name) > NAME_MAX:
        errors["name"] = f"At most {NAME_MAX} characters."
    if len(note) > NOTE_MAX:
        errors["note"] = f"At most {NOTE_MAX} characters."
    if errors:
        raise InvalidInput(errors)
    last = Baseline.objects.filter(project=project).aggregate(m=Max("number"))["m"]
    number = (last or 0) + 1
    name = name or f"Baseline {number}"
    if Baseline.objects.filter(project=project, name__iexact=name).exists():
        raise InvalidInput(
            {"name": f"{project.code} already has a baseline named '{name}'; choose another name."}
        )
    snapshot = plan_snapshot(project)
    if snapshot.finish_at is None:
        raise InvalidInput(
            {
                "non_field_errors": f"{project.code} has no scheduled plan yet: add tasks to the "
                "work breakdown before capturing a baseline."
            }
        )
    baseline = Baseline(
        project=project,
        number=number,
        name=name,
        note=note,
        captured_by=who,
        start_at=snapshot.start_at,
        finish_at=snapshot.finish_at,
        work_hours=snapshot.work_hours,
        cost=snapshot.cost,
        budget=snapshot.budget,
    )
    records.clean(baseline, exclude=["project", "captured_by"])
    try:
        with transaction.atomic():
            baseline.save()
    except IntegrityError:
        raise Conflict(
            current=None,
            message="Someone captured a baseline with this number or name at the same moment; "
            "reload and try again.",
        ) from None
    BaselineTask.objects.bulk_create(
        [
            BaselineTask(
                baseline=baseline,
                task_id=row.task_pk,
                task_public_id=row.task_public_id,
                row=row.row,
                wbs_code=row.wbs_code,
                outline_level=row.outline_level,
                name=row.name,
                kind=row.kind,
                is_summary=row.is_summary,
                is_critical=row.is_critical,
                start_at=row.start_at,
                finish_at=row.finish_at,
                duration_minutes=row.duration_minutes,
                work_hours=row.work_hours,
                cost=row.cost,
            )
            for row in snapshot.rows
        ],
        batch_size=500,
    )
    audit_record(
        who=who,
        obj=baseline,
        action=AuditAction.CREATE,
        project=project,
        changes={
            f: [None, jsonable(getattr(baseline, f))]
            for f in ("number", "name", "note", "finish_at", "work_hours", "cost")
        },
        summary=f"Captured baseline {number} '{name}' ({len(snapshot.rows)} tasks)"
        + (f" as the system ({via})" if via else ""),
    )
    return baseline


@transaction.atomic
def baseline_capture(*, who: User, project: Project, name: str = "", note: str = "") -> Baseline:
    """Capture the current plan as the next baseline (project editors).

    ``name`` defaults to "Baseline N" and must be new in the project (ignoring case).
    Refused while no task is scheduled.
    """
    require_perm(who=who, project=project, perm=Perm.EDIT)
    return _capture(who=who, project=project, name=name, note=note)


@transaction.atomic
def baseline_capture_as_system(
    *, project: Project, name: str = "", note: str = "", via: str = "keystage CLI"
) -> Baseline:
    """Capture a baseline as the system actor (the command line has no signed-in user);
    refused on a closed or cancelled project like every write."""
    require_open(project)
    return _capture(who=None, project=project, name=name, note=note, via=via)


@transaction.atomic
def baseline_delete(*, who: User, baseline: Baseline, version: int) -> None:
    """Delete a baseline at ``version`` (project editors); the journal keeps its figures."""
    require_perm(who=who, project=baseline.project, perm=Perm.EDIT)
    records.delete(
        who=who,
        instance=baseline,
        version=version,
        project=baseline.project,
        fields=("number", "name", "finish_at", "work_hours", "cost"),
        summary=f"Deleted baseline {baseline.number} '{baseline.name}'",
    )
