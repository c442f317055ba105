"""Optimistic locking: compare-and-set updates that never overwrite silently.

``select_for_update`` does nothing on SQLite, so every versioned edit is an
``UPDATE … WHERE version = expected``; zero rows touched means somebody else
won, and the caller gets :class:`~keystage.core.errors.Conflict` with the
current record.
"""

from __future__ import annotations

from typing import Any

from django.db import models
from django.db.models import F

from keystage.core.audit import audit_record, diff_fields
from keystage.core.errors import Conflict, InvalidInput, VersionRequired
from keystage.core.limits import MAX_VERSION
from keystage.core.models import AuditAction, BaseModel


def parse_version(raw: Any) -> int:
    """The expected version from a request value; missing or malformed is refused."""
    if raw is None or raw == "":
        raise VersionRequired()
    text = str(raw).strip().strip('"').removeprefix("W/").strip('"')
    try:
        version = int(text)
    except ValueError:
        raise VersionRequired() from None
    if version < 1:
        raise VersionRequired()
    if version > MAX_VERSION:
        raise InvalidInput({"version": f"Must be a version between 1 and {MAX_VERSION}."})
    return version


def versioned_update[M: BaseModel](
    *,
    who: Any,
    instance: M,
    expected_version: int,
    changes: dict[str, Any],
    project: Any = None,
    summary: str = "",
) -> M:
    """Apply ``changes`` if the stored version still equals ``expected_version``.

    Must run inside ``transaction.atomic``. Journals the old → new values and
    returns the refreshed instance. Raises Conflict with the current record
    when the version is stale.
    """
    model = type(instance)
    current = model._default_manager.filter(pk=instance.pk).first()
    if current is None or current.version != expected_version:
        raise Conflict(current=current)
    before = {field: getattr(current, field) for field in changes}
    delta = diff_fields(before, changes)
    if not delta:
        return current
    fresh = compare_and_set(instance, expected_version, changes)
    audit_record(
        who=who,
        obj=fresh,
        action=AuditAction.UPDATE,
        project=project,
        changes=delta,
        summary=summary,
    )
    return fresh


def compare_and_set[M: BaseModel](instance: M, expected_version: int, changes: dict[str, Any]) -> M:
    """Write ``changes`` and advance the version only if it still equals ``expected_version``.

    Writes no journal entry: the caller journals the change it belongs to.
    """
    model = type(instance)
    if not 1 <= expected_version <= MAX_VERSION:
        # No stored version can match; never hand the database an integer it cannot hold.
        raise Conflict(current=model._default_manager.filter(pk=instance.pk).first())
    touched = model._default_manager.filter(pk=instance.pk, version=expected_version).update(
        **changes, version=F("version") + 1, updated_at=_now()
    )
    if touched != 1:
        raise Conflict(current=model._default_manager.filter(pk=instance.pk).first())
    return model._default_manager.get(pk=instance.pk)


def bump_version(instance: models.Model, expected_version: int) -> None:
    """Advance the version of a record changed through its children (e.g. a gate)."""
    compare_and_set(instance, expected_version, {})  # type: ignore[type-var]


def _now() -> Any:
    from django.utils import timezone

    return timezone.now()
