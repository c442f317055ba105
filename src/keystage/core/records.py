"""Journaled create / update / delete of records, with field-level validation.

Every write of the initiation, resources and planning services goes through these
functions, so each change is validated as field errors, version-checked and
journaled in the caller's transaction. ``project`` is None for records that
belong to the organisation rather than to one project (skills, people).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from keystage.core.audit import audit_record, jsonable
from keystage.core.errors import Conflict, InvalidInput, VersionRequired
from keystage.core.middleware import NUL_MESSAGE
from keystage.core.models import AuditAction, BaseModel
from keystage.core.versioning import bump_version, versioned_update

#: A record's whole-record rules: field name → message(s), empty when it is fine.
Rules = Callable[[Any], Mapping[str, str | list[str]] | None]


def clean(instance: BaseModel, exclude: Iterable[str] = (), rules: Rules | None = None) -> None:
    """Model validation (lengths, ranges, choices, URLs) and ``rules``, as field errors.

    Every error comes back at once: the model's field errors and the service's whole-record
    ``rules`` (which may also raise :class:`InvalidInput`) join in one :class:`InvalidInput`.
    A rule's message on a field that already failed its own validation is left out.
    """
    errors: dict[str, list[str]] = {}
    exclude = tuple(exclude)
    try:
        # Field rules here; whole-record rules are checked by the services with field names,
        # and the database constraints stay the last line of defence.
        instance.full_clean(
            exclude=list(exclude), validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        errors = exc.message_dict
        general = errors.pop("__all__", [])
        if general:
            errors.setdefault("non_field_errors", []).extend(general)
    for model_field in instance._meta.concrete_fields:
        value = getattr(instance, model_field.attname, None)
        if isinstance(value, str) and "\x00" in value and model_field.name not in exclude:
            errors.setdefault(model_field.name, []).append(NUL_MESSAGE)  # PostgreSQL refuses NUL
    if rules is not None:
        try:
            raw = rules(instance)
            found = InvalidInput(raw).errors if raw else {}
        except InvalidInput as exc:
            found = exc.errors
        except (TypeError, ValueError, ArithmeticError):
            if not errors:
                raise
            found = {}  # a rule tripped on a value its field already refuses
        for field, messages in found.items():
            if field not in errors:
                errors[field] = list(messages)
    if errors:
        raise InvalidInput(errors)


def create[M: BaseModel](
    *, who: Any, instance: M, project: Any, fields: Iterable[str], summary: str
) -> M:
    """Validate, insert and journal a new record (``fields`` go into the journal)."""
    clean(instance)
    try:
        with transaction.atomic():
            instance.save()
    except IntegrityError:
        # A singleton created concurrently by someone else.
        raise Conflict(
            current=None,
            message="This record was just created by someone else; reload and edit it instead.",
        ) from None
    audit_record(
        who=who,
        obj=instance,
        action=AuditAction.CREATE,
        project=project,
        changes={f: [None, jsonable(getattr(instance, f))] for f in fields},
        summary=summary,
    )
    return instance


def with_changes[M: BaseModel](instance: M, changes: dict[str, Any]) -> M:
    """A fresh copy of the stored record with ``changes`` applied, to validate before a write.

    The caller's instance is left as it was: the write itself is a compare-and-set.
    """
    candidate = type(instance)._default_manager.get(pk=instance.pk)
    for field, value in changes.items():
        setattr(candidate, field, value)
    return candidate


def update[M: BaseModel](
    *,
    who: Any,
    instance: M,
    version: int,
    changes: dict[str, Any],
    project: Any,
    summary: str,
    candidate: M | None = None,
) -> M:
    """Validate ``changes`` on a copy, then compare-and-set at ``version`` and journal.

    ``candidate`` is the copy from :func:`with_changes` when the caller has already
    built it to check its own whole-record rules (saving a second read).
    """
    if candidate is None:
        candidate = with_changes(instance, changes)
    clean(candidate)
    return versioned_update(
        who=who,
        instance=instance,
        expected_version=version,
        changes=changes,
        project=project,
        summary=summary,
    )


def save_singleton[M: BaseModel](
    model: type[M],
    *,
    who: Any,
    project: Any,
    version: int | None,
    data: dict[str, Any],
    fields: tuple[str, ...],
    label: str,
    rules: Rules | None = None,
) -> M:
    """Write a one-per-project record: create it, or edit it at ``version`` once it exists
    (428 without a version, 409 when stale); journaled. ``rules`` are whole-record checks.
    The caller checks the permission."""
    data = editable(data, fields)
    existing = model._default_manager.filter(project=project).first()
    if existing is None:
        instance = model(project=project, **data)
        if rules is not None:
            clean(instance, rules=rules)
        return create(
            who=who, instance=instance, project=project, fields=fields, summary=f"Wrote the {label}"
        )
    if version is None:
        raise VersionRequired()
    candidate = with_changes(existing, data)
    if rules is not None:
        clean(candidate, rules=rules)
    return update(
        who=who,
        instance=existing,
        version=version,
        changes=data,
        project=project,
        summary=f"Edited the {label}",
        candidate=candidate,
    )


def delete(
    *,
    who: Any,
    instance: BaseModel,
    version: int,
    project: Any,
    fields: Iterable[str],
    summary: str,
) -> None:
    """Delete a record at ``version``; the journal keeps its last values."""
    bump_version(instance, version)
    audit_record(
        who=who,
        obj=instance,
        action=AuditAction.DELETE,
        project=project,
        changes={f: [jsonable(getattr(instance, f)), None] for f in fields},
        summary=summary,
    )
    instance.delete()


def editable(changes: dict[str, Any], allowed: Iterable[str]) -> dict[str, Any]:
    """Refuse fields that cannot be changed through this service."""
    unknown = set(changes) - set(allowed)
    if unknown:
        raise InvalidInput({f: "This field cannot be changed here." for f in sorted(unknown)})
    return {k: (v.strip() if isinstance(v, str) else v) for k, v in changes.items()}
