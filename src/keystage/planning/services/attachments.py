"""Files on tasks and deliverables (specifications shared with the team), through
``core.files``: hashed, size-limited, stored under names of our own, journaled.

Contributors attach; a file is removed by its uploader or whoever edits the project.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import QuerySet

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core.audit import audit_record
from keystage.core.files import (
    check_upload,
    delete_file_after_commit,
    removal_changes,
    store_upload,
)
from keystage.core.models import AuditAction
from keystage.core.versioning import bump_version
from keystage.planning.models import Deliverable, PlanFile, Task
from keystage.portfolio.access import require_own_contribution, require_perm

MAX_PER_RECORD = 50


def files_of(record: Task | Deliverable) -> QuerySet[PlanFile]:
    """The files of one task or deliverable, oldest first."""
    if isinstance(record, Task):
        return PlanFile.objects.filter(task=record)
    return PlanFile.objects.filter(deliverable=record)


def _holder(file: PlanFile) -> tuple[str, str]:
    if file.task_id is not None:
        return "task", file.task.name  # type: ignore[union-attr]
    return "deliverable", file.deliverable.name  # type: ignore[union-attr]


@transaction.atomic
def plan_file_create(*, who: User, record: Task | Deliverable, upload: Any) -> PlanFile:
    """Attach a file to a task or a deliverable (contributors of its project)."""
    project = record.project
    require_perm(who=who, project=project, perm=Perm.CONTRIBUTE)
    upload = check_upload(
        upload,
        held=files_of(record).count(),
        max_held=MAX_PER_RECORD,
        holder="task" if isinstance(record, Task) else "deliverable",
    )
    file = PlanFile(project=project, uploaded_by=who)
    if isinstance(record, Task):
        file.task = record
    else:
        file.deliverable = record
    changes = store_upload(file, upload)
    kind, name = _holder(file)
    audit_record(
        who=who,
        obj=file,
        action=AuditAction.CREATE,
        project=project,
        changes={kind: [None, str(record.public_id)], **changes},
        summary=f"Attached '{file.original_name}' to {kind} '{name}'",
    )
    return file


@transaction.atomic
def plan_file_delete(*, who: User, file: PlanFile, version: int) -> None:
    """Remove a file (its uploader, or the project manager); the stored file goes once
    the transaction commits."""
    project = file.project
    require_own_contribution(who=who, project=project, owner_id=file.uploaded_by_id, noun="file")
    bump_version(file, version)
    kind, name = _holder(file)
    audit_record(
        who=who,
        obj=file,
        action=AuditAction.DELETE,
        project=project,
        changes=removal_changes(file),
        summary=f"Removed '{file.original_name}' from {kind} '{name}'",
    )
    delete_file_after_commit(file)
