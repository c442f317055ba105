"""Which records carry a comment thread: a registry the apps above fill at start-up.

A thread is keyed by project, record kind and the record's public id. ``notifications``
cannot import the apps that own the records, so each registers a resolver for its kinds
in ``AppConfig.ready()`` (planning: ``task`` and ``deliverable``; later risks, issues,
change requests …). The resolver answers the record's label and page — or None when no
record of that kind and id belongs to the project, which makes the thread a 404.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass

from keystage.core.errors import InvalidInput, NotFound
from keystage.portfolio.models import Project


@dataclass(frozen=True)
class ThreadRecord:
    """The record a thread hangs on: kind, public id, a label and its page."""

    kind: str
    record_id: uuid.UUID
    label: str
    url: str

    @property
    def key(self) -> str:
        """``kind:public_id``, as the API's ``record`` parameter spells it."""
        return f"{self.kind}:{self.record_id}"


Resolver = Callable[[Project, uuid.UUID], tuple[str, str] | None]
_RESOLVERS: dict[str, Resolver] = {}


def register_thread_record(kind: str, resolve: Resolver) -> None:
    """Let records of ``kind`` carry a thread; ``resolve(project, public_id)`` answers
    ``(label, url)`` for a record of that project, None otherwise."""
    _RESOLVERS[kind] = resolve


def thread_kinds() -> list[str]:
    """The registered record kinds."""
    return sorted(_RESOLVERS)


def parse_record_key(raw: str | None) -> tuple[str, uuid.UUID]:
    """``task:<uuid>`` → (kind, id); a field error on ``record`` otherwise."""
    kind, _, rest = str(raw or "").partition(":")
    if kind not in _RESOLVERS:
        raise InvalidInput(
            {"record": f"Name the record as <kind>:<id>, kind one of {', '.join(thread_kinds())}."}
        )
    try:
        return kind, uuid.UUID(rest)
    except ValueError:
        raise InvalidInput({"record": "The record id is not a valid id."}) from None


def resolve_record(project: Project, kind: str, record_id: uuid.UUID) -> ThreadRecord:
    """The record of ``project`` the thread belongs to (NotFound when it is not the
    project's, so another project's records are never reachable through this one)."""
    resolver = _RESOLVERS.get(kind)
    found = resolver(project, record_id) if resolver else None
    if found is None:
        raise NotFound(f"No {kind} with this id in {project.code}.")
    label, url = found
    return ThreadRecord(kind=kind, record_id=record_id, label=label, url=url)
