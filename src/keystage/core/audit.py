"""Writing the audit journal: who changed what, when, from which value to which."""

from __future__ import annotations

import datetime as dt
import decimal
import uuid
from typing import Any

from django.db import models

from keystage.core.memo import forget_memo
from keystage.core.models import AuditAction, AuditEntry


def jsonable(value: Any) -> Any:
    """A JSON-safe form of a field value for the journal."""
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", value.pk))
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if isinstance(value, (decimal.Decimal, uuid.UUID)):
        return str(value)
    return value


def diff_fields(before: dict[str, Any], after: dict[str, Any]) -> dict[str, list[Any]]:
    """Fields whose value changed, as ``{field: [old, new]}``."""
    return {
        field: [jsonable(before.get(field)), jsonable(new)]
        for field, new in after.items()
        if jsonable(before.get(field)) != jsonable(new)
    }


def _entry(
    who: Any,
    obj: models.Model,
    action: AuditAction | str,
    project: Any,
    changes: dict[str, Any] | None,
    summary: str,
) -> AuditEntry:
    return AuditEntry(
        actor=who if getattr(who, "is_authenticated", False) else None,
        project=project,
        object_type=obj._meta.model_name or type(obj).__name__.lower(),
        object_id=obj.public_id,  # type: ignore[attr-defined]
        object_label=str(obj)[:300],
        action=action,
        changes=changes or {},
        summary=summary[:500],
    )


def audit_record(
    *,
    who: Any,
    obj: models.Model,
    action: AuditAction | str,
    project: Any = None,
    changes: dict[str, Any] | None = None,
    summary: str = "",
) -> AuditEntry:
    """Append one journal entry; call inside the transaction that made the change."""
    forget_memo()  # a read memoised earlier in this request may no longer hold
    entry = _entry(who, obj, action, project, changes, summary)
    entry.save(force_insert=True)
    return entry


def audit_records(
    *,
    who: Any,
    action: AuditAction | str,
    project: Any,
    entries: list[tuple[models.Model, dict[str, Any], str]],
) -> list[AuditEntry]:
    """Append one journal entry per ``(obj, changes, summary)`` of a batch change, in one
    insert; call inside the transaction that made the changes."""
    if not entries:
        return []
    forget_memo()
    return AuditEntry.objects.bulk_create(
        [_entry(who, obj, action, project, changes, summary) for obj, changes, summary in entries],
        batch_size=1000,
    )
