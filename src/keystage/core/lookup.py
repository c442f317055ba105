"""Finding one record by its public id inside an already scoped queryset."""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Model, QuerySet

from keystage.core.errors import NotFound


def parse_public_id(raw: Any) -> uuid.UUID:
    """The UUID in ``raw``; NotFound when it is not one (a bad id names nothing)."""
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        raise NotFound() from None


def get_by_public_id[M: Model](scoped: QuerySet[M], raw: Any) -> M:
    """The record of ``scoped`` with this public id; NotFound when absent or not visible."""
    found = scoped.filter(public_id=parse_public_id(raw)).first()
    if found is None:
        raise NotFound()
    return found
