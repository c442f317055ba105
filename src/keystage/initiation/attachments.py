"""Files attached to research notes: upload and removal, through ``core.files``.

The shared machinery (size limit, sanitised names, safe content types, storing the
file before its row, deleting it after the commit, the download response) lives in
``core.files``; this module adds who may attach and remove, and the journal.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from keystage.accounts.models import User
from keystage.core.audit import audit_record
from keystage.core.files import (  # noqa: F401 — re-exported for callers and tests
    OCTET_STREAM,
    SAFE_TYPES,
    SERVED_MEDIA_TYPES,
    check_upload,
    delete_file_after_commit,
    max_bytes,
    removal_changes,
    sanitise_filename,
    served_content_type,
    store_upload,
)
from keystage.core.models import AuditAction
from keystage.core.versioning import bump_version
from keystage.initiation.models import ResearchAttachment, ResearchNote
from keystage.portfolio.access import require_own_contribution

MAX_PER_NOTE = 50


@transaction.atomic
def attachment_create(*, who: User, note: ResearchNote, upload: Any) -> ResearchAttachment:
    """Attach a file to a research note (its author, or the project manager)."""
    require_own_contribution(
        who=who, project=note.project, owner_id=note.author_id, noun="research note"
    )
    upload = check_upload(
        upload, held=note.attachments.count(), max_held=MAX_PER_NOTE, holder="note"
    )
    attachment = ResearchAttachment(note=note, uploaded_by=who)
    changes = store_upload(attachment, upload)
    audit_record(
        who=who,
        obj=attachment,
        action=AuditAction.CREATE,
        project=note.project,
        changes={"note": [None, str(note.public_id)], **changes},
        summary=f"Attached '{attachment.original_name}' to research note '{note.title}'",
    )
    return attachment


def _journal_removal(who: User, attachment: ResearchAttachment, note: ResearchNote) -> None:
    audit_record(
        who=who,
        obj=attachment,
        action=AuditAction.DELETE,
        project=note.project,
        changes={"note": [str(note.public_id), None], **removal_changes(attachment)},
        summary=f"Removed '{attachment.original_name}' from research note '{note.title}'",
    )


@transaction.atomic
def attachment_delete(*, who: User, attachment: ResearchAttachment, version: int) -> None:
    """Remove an attachment (its uploader, or the project manager); the file goes once the
    transaction commits."""
    note = attachment.note
    require_own_contribution(
        who=who, project=note.project, owner_id=attachment.uploaded_by_id, noun="file"
    )
    bump_version(attachment, version)
    _journal_removal(who, attachment, note)
    delete_file_after_commit(attachment)


def remove_with_note(*, who: User, note: ResearchNote) -> None:
    """Journal and remove a note's attachments (their files go after the commit)."""
    for attachment in list(note.attachments.all()):
        _journal_removal(who, attachment, note)
        delete_file_after_commit(attachment)
