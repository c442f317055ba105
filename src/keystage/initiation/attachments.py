"""Files attached to research notes: upload, sanitising, safe content types, removal.

Files live under ``MEDIA_ROOT`` (in the data directory) with random names and are
never served as public URLs: the download view checks project access and sends
each file as an attachment, with a content type chosen here from the file's
extension *and* its first bytes — never the one the browser claimed.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from keystage.accounts.models import User
from keystage.core.audit import audit_record
from keystage.core.errors import InvalidInput
from keystage.core.models import AuditAction
from keystage.core.versioning import bump_version
from keystage.initiation.models import ResearchAttachment, ResearchNote
from keystage.portfolio.access import require_own_contribution

OCTET_STREAM = "application/octet-stream"
MAX_NAME = 200
MAX_PER_NOTE = 50
# extension → (content type, the bytes a real file of that type starts with)
SAFE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": ("text/plain; charset=utf-8", ()),
    ".md": ("text/plain; charset=utf-8", ()),
    ".csv": ("text/csv; charset=utf-8", ()),
}
SERVED_MEDIA_TYPES = sorted({OCTET_STREAM, *(t.split(";")[0] for t, _ in SAFE_TYPES.values())})


def max_bytes() -> int:
    """The largest file accepted (``KEYSTAGE_ATTACHMENT_MAX_BYTES``, 20 MB by default)."""
    return int(getattr(settings, "KEYSTAGE_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def sanitise_filename(raw: str | None) -> str:
    """The last path component, without control characters, leading dots or odd spaces.

    ``../../etc/passwd`` becomes ``passwd``; ``C:\\evil\\x.pdf`` becomes ``x.pdf``. The
    name is only ever shown and sent back in Content-Disposition, never used as a path.
    """
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(c for c in name if unicodedata.category(c)[0] != "C" and c not in '<>:"|?*')
    name = " ".join(name.split()).strip(" .")
    if len(name) > MAX_NAME:
        stem, ext = os.path.splitext(name)
        ext = ext[:20]
        name = stem[: MAX_NAME - len(ext)].rstrip(" .") + ext
    return name or "attachment"


def _text(head: bytes) -> bool:
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as exc:  # a multi-byte character cut at the end is fine
        return exc.start >= len(head) - 3 and b"\x00" not in head
    return b"\x00" not in head


def served_content_type(name: str, head: bytes) -> str:
    """The content type to send: a known safe type only when the bytes agree."""
    ext = os.path.splitext(name)[1].lower()
    known = SAFE_TYPES.get(ext)
    if known is None:
        return OCTET_STREAM
    content_type, signatures = known
    if signatures:
        return content_type if head.startswith(signatures) else OCTET_STREAM
    return content_type if _text(head) else OCTET_STREAM


def _digest(upload: UploadedFile) -> tuple[str, bytes]:
    sha = hashlib.sha256()
    head = b""
    for chunk in upload.chunks():
        if len(head) < 2048:
            head += chunk[: 2048 - len(head)]
        sha.update(chunk)
    upload.seek(0)
    return sha.hexdigest(), head


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """An accepted upload: its sanitised name, the content type we serve, size and hash."""

    name: str
    content_type: str
    size: int
    sha256: str


def inspect_upload(upload: Any, field: str = "file") -> CheckedUpload:
    """Check an upload (a file, not empty, within the size limit) and describe it.

    Refusals are field errors on ``field``. Other apps' attachments use this too.
    """
    if not isinstance(upload, UploadedFile):
        raise InvalidInput({field: "Choose a file to upload."})
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise InvalidInput(
            {field: f"The file is larger than the limit of {limit // (1024 * 1024)} MB."}
        )
    if upload.size == 0:
        raise InvalidInput({field: "The file is empty."})
    name = sanitise_filename(upload.name)
    sha256, head = _digest(upload)
    return CheckedUpload(name, served_content_type(name, head), upload.size, sha256)


def _remove_file_after_commit(name: str | None) -> None:
    if not name:
        return
    storage = ResearchAttachment._meta.get_field("file").storage  # type: ignore[union-attr]
    transaction.on_commit(lambda: storage.delete(name))


@transaction.atomic
def attachment_create(*, who: User, note: ResearchNote, upload: Any) -> ResearchAttachment:
    """Attach a file to a research note (its author, or the project manager)."""
    require_own_contribution(
        who=who, project=note.project, owner_id=note.author_id, noun="research note"
    )
    checked = inspect_upload(upload)
    if note.attachments.count() >= MAX_PER_NOTE:
        raise InvalidInput({"file": f"A note holds at most {MAX_PER_NOTE} files."})
    name, sha256 = checked.name, checked.sha256
    attachment = ResearchAttachment(
        note=note,
        original_name=name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=sha256,
        uploaded_by=who,
    )
    # The file first, then its row: a failed insert removes the file again. (Should the
    # surrounding transaction roll back later, an unreferenced file stays behind — never
    # a row without its file.)
    attachment.file.save("upload", upload, save=False)
    try:
        attachment.save()
    except Exception:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    audit_record(
        who=who,
        obj=attachment,
        action=AuditAction.CREATE,
        project=note.project,
        changes={
            "note": [None, str(note.public_id)],
            "original_name": [None, name],
            "content_type": [None, attachment.content_type],
            "size": [None, attachment.size],
            "sha256": [None, sha256],
        },
        summary=f"Attached '{name}' to research note '{note.title}'",
    )
    return attachment


def _journal_removal(who: User, attachment: ResearchAttachment, note: ResearchNote) -> None:
    audit_record(
        who=who,
        obj=attachment,
        action=AuditAction.DELETE,
        project=note.project,
        changes={
            "note": [str(note.public_id), None],
            "original_name": [attachment.original_name, None],
            "size": [attachment.size, None],
            "sha256": [attachment.sha256, None],
        },
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
    name = attachment.file.name
    attachment.delete()
    _remove_file_after_commit(name)


def remove_with_note(*, who: User, note: ResearchNote) -> None:
    """Journal and remove a note's attachments (their files go after the commit)."""
    for attachment in list(note.attachments.all()):
        _journal_removal(who, attachment, note)
        name = attachment.file.name
        attachment.delete()
        _remove_file_after_commit(name)
