"""The file of a cost (an invoice's PDF, a receipt): upload, replace, remove, download.

It reuses the research-note machinery (``core.files.inspect_upload``: size
limit, sanitised name, a content type chosen from the bytes, SHA-256; and
``core.files.stored_file_response``). The file is stored under a random name,
never served as a public URL; downloads check the project like every read. Writes need
the permission to record costs, carry the cost's version and are journaled.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.http import FileResponse

from keystage.core.audit import audit_record
from keystage.core.errors import NotFound
from keystage.core.files import inspect_upload, stored_file_response
from keystage.core.models import AuditAction
from keystage.core.versioning import compare_and_set
from keystage.costs.models import CostEntry
from keystage.costs.records import COSTS
from keystage.portfolio.access import require_perm

FILE_FIELDS = ("attachment_name", "attachment_type", "attachment_size", "attachment_sha256")


def _storage() -> Any:
    return CostEntry._meta.get_field("attachment").storage  # type: ignore[attr-defined]


def _remove_after_commit(name: str) -> None:
    if name:
        transaction.on_commit(lambda: _storage().delete(name))


def _write(
    *, who: Any, entry: CostEntry, version: int, changes: dict[str, Any], summary: str
) -> CostEntry:
    spec = COSTS.spec
    require_perm(who=who, project=entry.project, perm=spec.write_perm)
    COSTS.require_open(entry.project)
    before = {f: getattr(entry, f) for f in FILE_FIELDS}
    fresh = compare_and_set(entry, version, changes)
    audit_record(
        who=who,
        obj=fresh,
        action=AuditAction.UPDATE,
        project=entry.project,
        changes={f: [before[f], changes[f]] for f in FILE_FIELDS if before[f] != changes[f]},
        summary=summary,
    )
    return fresh


@transaction.atomic
def cost_file_set(*, who: Any, entry: CostEntry, version: int, upload: Any) -> CostEntry:
    """Attach a file to a cost at ``version`` (replacing its file, which goes after commit)."""
    require_perm(who=who, project=entry.project, perm=COSTS.spec.write_perm)
    checked = inspect_upload(upload)
    old = entry.attachment.name or ""
    stored = _storage().save(f"costs/{entry.project.public_id}/upload", upload)
    try:
        fresh = _write(
            who=who,
            entry=entry,
            version=version,
            changes={
                "attachment": stored,
                "attachment_name": checked.name,
                "attachment_type": checked.content_type,
                "attachment_size": checked.size,
                "attachment_sha256": checked.sha256,
            },
            summary=f"Attached '{checked.name}' to cost '{entry.description}'",
        )
    except Exception:
        _storage().delete(stored)
        raise
    _remove_after_commit(old)
    return fresh


@transaction.atomic
def cost_file_remove(*, who: Any, entry: CostEntry, version: int) -> CostEntry:
    """Remove a cost's file at ``version``; the file goes once the transaction commits."""
    if not entry.attachment:
        raise NotFound("This cost has no file.")
    old = entry.attachment.name or ""
    fresh = _write(
        who=who,
        entry=entry,
        version=version,
        changes={
            "attachment": "",
            "attachment_name": "",
            "attachment_type": "",
            "attachment_size": None,
            "attachment_sha256": "",
        },
        summary=f"Removed '{entry.attachment_name}' from cost '{entry.description}'",
    )
    _remove_after_commit(old)
    return fresh


def cost_file_response(entry: CostEntry) -> FileResponse:
    """The cost's file as a sandboxed download (404 when it has none)."""
    if not entry.attachment:
        raise NotFound("This cost has no file.")
    return stored_file_response(
        entry.attachment, name=entry.attachment_name, content_type=entry.attachment_type
    )
