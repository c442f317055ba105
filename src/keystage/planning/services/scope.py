"""Writes to the scope: the statement (one per project), deliverables, in / out of scope
items, assumptions and constraints. Keyword-only, ``who=`` first; every change is validated
as field errors, version-checked (428 without, 409 when stale) and journaled."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import Max, Model

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.audit import audit_record
from keystage.core.errors import InvalidInput, NotFound, VersionRequired
from keystage.core.lookup import parse_public_id
from keystage.core.models import AuditAction
from keystage.core.versioning import compare_and_set
from keystage.planning.models.scope import (
    Deliverable,
    ScopeItem,
    ScopeNote,
    ScopeStatement,
)
from keystage.planning.models.wbs import Task
from keystage.portfolio.access import require_perm
from keystage.portfolio.models import Project

STATEMENT_FIELDS = ("statement",)
DELIVERABLE_FIELDS = (
    "name",
    "description",
    "acceptance_criteria",
    "due_date",
    "owner",
    "status",
    "order",
)
ITEM_FIELDS = ("text", "in_scope", "order")
NOTE_FIELDS = ("kind", "text", "order")


def project_member(project: Project, ref: Any, field: str = "owner") -> User | None:
    """A member of ``project`` from a user, a user id (UUID) or a username; None for empty."""
    if ref in (None, ""):
        return None
    members = User.objects.filter(memberships__project=project)
    if isinstance(ref, User):
        found = members.filter(pk=ref.pk).first()
    else:
        text = str(ref).strip()
        try:
            found = members.filter(public_id=parse_public_id(text)).first()
        except NotFound:
            found = members.filter(username=text).first()
    if found is None:
        raise InvalidInput({field: "Choose a member of this project."})
    return found


def next_order(model: type[Model], project: Project, **filters: Any) -> int:
    """The position after the last record of ``model`` in ``project``."""
    top = model._default_manager.filter(project=project, **filters).aggregate(m=Max("order"))["m"]
    return (top or 0) + 1


# ----------------------------------------------------------------- statement


@transaction.atomic
def statement_save(
    *, who: User, project: Project, version: int | None, data: dict[str, Any]
) -> ScopeStatement:
    """Write the scope statement, or edit it at ``version`` once it exists."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    data = records.editable(data, STATEMENT_FIELDS)
    existing = ScopeStatement.objects.filter(project=project).first()
    if existing is None:
        return records.create(
            who=who,
            instance=ScopeStatement(project=project, **data),
            project=project,
            fields=STATEMENT_FIELDS,
            summary="Wrote the scope statement",
        )
    if version is None:
        raise VersionRequired()
    return records.update(
        who=who,
        instance=existing,
        version=version,
        changes=data,
        project=project,
        summary="Edited the scope statement",
    )


# --------------------------------------------------------------- deliverables


def _deliverable_data(project: Project, data: dict[str, Any]) -> dict[str, Any]:
    data = records.editable(data, DELIVERABLE_FIELDS)
    if "owner" in data:
        data["owner"] = project_member(project, data["owner"])
    return data


MAX_LINKED_TASKS = 500


def linked_tasks(project: Project, raw: Any) -> list[Task]:
    """The tasks named by public id, all of ``project`` (a field error on ``tasks``
    otherwise: another project's task is never linked, nor told apart from a missing one)."""
    if not isinstance(raw, list | tuple):
        raise InvalidInput({"tasks": "Give a list of task ids."})
    if len(raw) > MAX_LINKED_TASKS:
        raise InvalidInput({"tasks": f"Link at most {MAX_LINKED_TASKS} tasks."})
    try:
        ids = {parse_public_id(item) for item in raw}
    except NotFound:
        raise InvalidInput({"tasks": "A task id is not valid."}) from None
    tasks = list(Task.objects.filter(project=project, public_id__in=ids).order_by("row"))
    if len(tasks) != len(ids):
        raise InvalidInput({"tasks": "Link only tasks of this project's plan."})
    return tasks


def _set_tasks(
    who: User, deliverable: Deliverable, tasks: list[Task], *, bump: bool = True
) -> Deliverable:
    """Replace the linked tasks, journaled; an edit of links advances the version."""
    before = sorted(str(t.public_id) for t in deliverable.tasks.all())
    after = sorted(str(t.public_id) for t in tasks)
    if before == after:
        return deliverable
    if bump:
        deliverable = compare_and_set(deliverable, deliverable.version, {})
    deliverable.tasks.set(tasks)
    names = ", ".join(f"'{t.name}'" for t in tasks) or "no task"
    audit_record(
        who=who,
        obj=deliverable,
        action=AuditAction.UPDATE,
        project=deliverable.project,
        changes={"tasks": [before, after]},
        summary=f"Deliverable '{deliverable.name}' is produced by {names}",
    )
    return deliverable


@transaction.atomic
def deliverable_create(*, who: User, project: Project, data: dict[str, Any]) -> Deliverable:
    """Add a deliverable with its acceptance criteria (and the tasks that produce it)."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    data = dict(data)
    raw_tasks = data.pop("tasks", None)
    data = _deliverable_data(project, data)
    tasks = linked_tasks(project, raw_tasks) if raw_tasks is not None else []
    if data.get("order") is None:
        data["order"] = next_order(Deliverable, project)
    deliverable = Deliverable(project=project, **data)
    records.create(
        who=who,
        instance=deliverable,
        project=project,
        fields=DELIVERABLE_FIELDS,
        summary=f"Added deliverable '{deliverable.name}'",
    )
    return _set_tasks(who, deliverable, tasks, bump=False)


@transaction.atomic
def deliverable_update(
    *, who: User, deliverable: Deliverable, version: int, changes: dict[str, Any]
) -> Deliverable:
    """Edit a deliverable at ``version``; ``tasks`` (public ids) replaces the linked tasks."""
    project = deliverable.project
    require_perm(who=who, project=project, perm=Perm.EDIT)
    changes = dict(changes)
    raw_tasks = changes.pop("tasks", None)
    changes = _deliverable_data(project, changes)
    tasks = linked_tasks(project, raw_tasks) if raw_tasks is not None else None
    if "order" in changes and changes["order"] is None:
        del changes["order"]
    updated = records.update(
        who=who,
        instance=deliverable,
        version=version,
        changes=changes,
        project=project,
        summary=f"Edited deliverable '{changes.get('name', deliverable.name)}'",
    )
    if tasks is not None:
        updated = _set_tasks(who, updated, tasks)
    return updated


@transaction.atomic
def deliverable_delete(*, who: User, deliverable: Deliverable, version: int) -> None:
    """Remove a deliverable (the journal keeps it)."""
    require_perm(who=who, project=deliverable.project, perm=Perm.EDIT)
    records.delete(
        who=who,
        instance=deliverable,
        version=version,
        project=deliverable.project,
        fields=DELIVERABLE_FIELDS,
        summary=f"Removed deliverable '{deliverable.name}'",
    )


# ------------------------------------------------------------ in / out items


@transaction.atomic
def item_create(*, who: User, project: Project, data: dict[str, Any]) -> ScopeItem:
    """Add an in-scope or out-of-scope item."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    data = records.editable(data, ITEM_FIELDS)
    if data.get("order") is None:
        data["order"] = next_order(ScopeItem, project)
    item = ScopeItem(project=project, **data)
    return records.create(
        who=who,
        instance=item,
        project=project,
        fields=ITEM_FIELDS,
        summary=f"Added {'in' if item.in_scope else 'out-of'}-scope item '{item.text[:80]}'",
    )


@transaction.atomic
def item_update(*, who: User, item: ScopeItem, version: int, changes: dict[str, Any]) -> ScopeItem:
    """Edit a scope item at ``version``."""
    require_perm(who=who, project=item.project, perm=Perm.EDIT)
    changes = records.editable(changes, ITEM_FIELDS)
    if "order" in changes and changes["order"] is None:
        del changes["order"]
    return records.update(
        who=who,
        instance=item,
        version=version,
        changes=changes,
        project=item.project,
        summary=f"Edited scope item '{item.text[:80]}'",
    )


@transaction.atomic
def item_delete(*, who: User, item: ScopeItem, version: int) -> None:
    """Remove a scope item."""
    require_perm(who=who, project=item.project, perm=Perm.EDIT)
    records.delete(
        who=who,
        instance=item,
        version=version,
        project=item.project,
        fields=ITEM_FIELDS,
        summary=f"Removed scope item '{item.text[:80]}'",
    )


# ------------------------------------------------- assumptions and constraints


@transaction.atomic
def note_create(*, who: User, project: Project, data: dict[str, Any]) -> ScopeNote:
    """Add an assumption or a constraint."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    data = records.editable(data, NOTE_FIELDS)
    if data.get("order") is None:
        data["order"] = next_order(ScopeNote, project, kind=data.get("kind"))
    note = ScopeNote(project=project, **data)
    return records.create(
        who=who,
        instance=note,
        project=project,
        fields=NOTE_FIELDS,
        summary=f"Added {note.kind or 'note'} '{note.text[:80]}'",
    )


@transaction.atomic
def note_update(*, who: User, note: ScopeNote, version: int, changes: dict[str, Any]) -> ScopeNote:
    """Edit an assumption or constraint at ``version``."""
    require_perm(who=who, project=note.project, perm=Perm.EDIT)
    changes = records.editable(changes, NOTE_FIELDS)
    if "order" in changes and changes["order"] is None:
        del changes["order"]
    return records.update(
        who=who,
        instance=note,
        version=version,
        changes=changes,
        project=note.project,
        summary=f"Edited {note.kind} '{note.text[:80]}'",
    )


@transaction.atomic
def note_delete(*, who: User, note: ScopeNote, version: int) -> None:
    """Remove an assumption or constraint."""
    require_perm(who=who, project=note.project, perm=Perm.EDIT)
    records.delete(
        who=who,
        instance=note,
        version=version,
        project=note.project,
        fields=NOTE_FIELDS,
        summary=f"Removed {note.kind} '{note.text[:80]}'",
    )
