"""Writing a one-per-project closing record (the handover, the training plan, the review).

The first write needs no version; every later one does (428 without, 409 when stale),
as for initiation's proposal. ``rules(candidate)`` returns whole-record field messages.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator

from keystage.core import records
from keystage.core.models import BaseModel
from keystage.portfolio.access import require_perm

Rules = Callable[[Any], Mapping[str, str | list[str]] | None]


def save_singleton[M: BaseModel](
    model: type[M],
    *,
    who: Any,
    project: Any,
    version: int | None,
    data: dict[str, Any],
    fields: tuple[str, ...],
    label: str,
    perm: str,
    rules: Rules | None = None,
) -> M:
    """Check ``perm``, then create the project's ``model`` record or edit it at ``version``."""
    require_perm(who=who, project=project, perm=perm)
    return records.save_singleton(
        model,
        who=who,
        project=project,
        version=version,
        data=data,
        fields=fields,
        label=label,
        rules=rules,
    )


def lines(text: str) -> list[str]:
    """The non-blank lines of a text, trimmed."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def bad_links(text: str) -> list[str]:
    """The lines of ``text`` that are not http(s) links."""
    check = URLValidator(schemes=["http", "https"])
    bad = []
    for line in lines(text):
        try:
            check(line)
        except ValidationError:
            bad.append(line)
    return bad
