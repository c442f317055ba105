"""The journal as people read it: names for ids, field labels, readable dates and values.

The journal stores values as JSON (ids of related records, ISO dates, field names, as
:func:`keystage.core.audit.jsonable` wrote them). :func:`readable` turns a page of entries
into rows for a page: the record type and field labels come from the models' verbose
names, a related record's id becomes its name (one query per related model per page), a
date reads "22 Feb 27", a choice its label, a flag Yes / No.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.apps import apps
from django.db import models

from keystage.core.models import AuditEntry


@dataclass
class Change:
    """One field of an entry: its label and its old and new value as text."""

    label: str
    old: str | None
    new: str | None


@dataclass
class Row:
    """One journal entry ready for a page."""

    entry: AuditEntry
    record_type: str
    changes: list[Change] = field(default_factory=list)


@cache
def _models_by_type() -> dict[str, type[models.Model]]:
    return {
        m._meta.model_name or "": m
        for m in apps.get_models()
        if m.__module__.startswith("keystage.")
    }


def model_of(object_type: str) -> type[models.Model] | None:
    """The model a journal entry's ``object_type`` names (None when it no longer exists)."""
    return _models_by_type().get(object_type)


def type_label(object_type: str) -> str:
    """A record type as users know it: "Equipment", "Stakeholder", "Budget line"."""
    model = model_of(object_type)
    name = str(model._meta.verbose_name) if model else object_type.replace("_", " ")
    return name[:1].upper() + name[1:]


def _field(model: type[models.Model] | None, name: str) -> Any:
    if model is None:
        return None
    try:
        return model._meta.get_field(name)
    except Exception:  # a field removed since the entry was written
        return None


def field_label(model: type[models.Model] | None, name: str) -> str:
    """A field's label: its verbose name, without the stored unit (``duration_minutes``)."""
    f = _field(model, name)
    text = str(getattr(f, "verbose_name", "") or name.replace("_", " "))
    text = text.removesuffix(" minutes")
    return text[:1].upper() + text[1:]


def _date_text(value: str) -> str | None:
    try:
        if "T" in value:
            moment = dt.datetime.fromisoformat(value)
            return f"{moment.day} {moment:%b %y %H:%M}"
        day = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return f"{day.day} {day:%b %y}"


def _names(wanted: dict[type[models.Model], set[str]]) -> dict[tuple[Any, str], str]:
    """Names of related records by (model, stored id), one query per model."""
    names: dict[tuple[Any, str], str] = {}
    for model, ids in wanted.items():
        by_public = {i for i in ids if _is_uuid(i)}
        by_pk = {i for i in ids if i.isdigit()}
        has_public = any(f.name == "public_id" for f in model._meta.fields)
        query = models.Q(pk__in=by_pk)
        if has_public and by_public:
            query |= models.Q(public_id__in=by_public)
        for obj in model._default_manager.filter(query):
            label = str(getattr(obj, "display_name", "") or obj)
            names[(model, str(obj.pk))] = label
            if has_public:
                names[(model, str(obj.public_id))] = label  # type: ignore[attr-defined]
    return names


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def _value(f: Any, value: Any, names: dict[tuple[Any, str], str]) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(f, models.ForeignKey):
        return names.get((f.related_model, str(value)), "(removed)")
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if getattr(f, "choices", None):
        return str(dict(f.flatchoices).get(value, value))
    if isinstance(value, str) and isinstance(f, (models.DateField, models.DateTimeField)):
        return _date_text(value) or value
    if f is not None and f.name.endswith("_minutes") and isinstance(value, int):
        return f"{value / 60:g} h"
    if isinstance(value, (list, dict)):
        return ", ".join(str(v) for v in value) if isinstance(value, list) else str(value)
    return str(value)


def readable(entries: Iterable[AuditEntry]) -> list[Row]:
    """Rows for a page of journal entries (names looked up in one query per model)."""
    entries = list(entries)
    wanted: dict[type[models.Model], set[str]] = defaultdict(set)
    for e in entries:
        model = model_of(e.object_type)
        for name, pair in (e.changes or {}).items():
            f = _field(model, name)
            if isinstance(f, models.ForeignKey) and isinstance(pair, list):
                wanted[f.related_model].update(str(v) for v in pair if v is not None)  # type: ignore[index]
    names = _names(wanted)
    rows = []
    for e in entries:
        model = model_of(e.object_type)
        row = Row(entry=e, record_type=type_label(e.object_type))
        for name, pair in (e.changes or {}).items():
            old, new = [*pair, None, None][:2] if isinstance(pair, list) else (None, pair)
            f = _field(model, name)
            row.changes.append(
                Change(field_label(model, name), _value(f, old, names), _value(f, new, names))
            )
        rows.append(row)
    return rows
