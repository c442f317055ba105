"""Files attached to records: checking an upload, storing it under a name of our own,
the content type we serve it with, and sending it back as a download.

Shared by every app that takes attachments (initiation's research notes, planning's task
and deliverable files). Files live under ``MEDIA_ROOT`` with random names and are never
served as public URLs: a view checks access and calls :func:`file_response`, which sends
the file as an attachment with a content type chosen here from the file's extension
*and* its first bytes — never the one the browser claimed.
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
from django.http import FileResponse

from keystage.core.errors import InvalidInput, NotFound

OCTET_STREAM = "application/octet-stream"
MAX_NAME = 200
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


def _refuse_bad_file(upload: Any, field: str = "file") -> UploadedFile:
    if not isinstance(upload, UploadedFile):
        raise InvalidInput({field: "Choose a file to upload."})
    limit = max_bytes()
    if upload.size is None or upload.size > limit:
        raise InvalidInput(
            {field: f"The file is larger than the limit of {limit // (1024 * 1024)} MB."}
        )
    if upload.size == 0:
        raise InvalidInput({field: "The file is empty."})
    return upload


def check_upload(upload: Any, *, held: int, max_held: int, holder: str) -> UploadedFile:
    """The upload if it is a non-empty file within the size limit and ``holder`` (which
    holds ``held`` files) has room for it; field errors on ``file`` otherwise."""
    upload = _refuse_bad_file(upload)
    if held >= max_held:
        raise InvalidInput({"file": f"A {holder} holds at most {max_held} files."})
    return upload


@dataclass(frozen=True, slots=True)
class CheckedUpload:
    """An accepted upload: its sanitised name, the content type we serve, size and hash."""

    name: str
    content_type: str
    size: int
    sha256: str


def inspect_upload(upload: Any, field: str = "file") -> CheckedUpload:
    """Check an upload (a file, not empty, within the size limit) and describe it, for a
    record that carries one file in its own fields rather than an attachment row."""
    upload = _refuse_bad_file(upload, field)
    name = sanitise_filename(upload.name)
    sha256, head = _digest(upload)
    return CheckedUpload(name, served_content_type(name, head), upload.size or 0, sha256)


def store_upload(attachment: Any, upload: UploadedFile) -> dict[str, list[Any]]:
    """Fill the attachment's name, served type, size and checksum, save the file under a
    name of our own, then the row; the journal's changes for the upload.

    The file first, then its row: a failed insert removes the file again. (Should the
    surrounding transaction roll back later, an unreferenced file stays behind — never
    a row without its file.)
    """
    name = sanitise_filename(upload.name)
    sha256, head = _digest(upload)
    attachment.original_name = name
    attachment.content_type = served_content_type(name, head)
    attachment.size = upload.size
    attachment.sha256 = sha256
    attachment.file.save("upload", upload, save=False)
    try:
        attachment.save()
    except Exception:
        if attachment.file.name:
            attachment.file.storage.delete(attachment.file.name)
        raise
    return {
        "original_name": [None, name],
        "content_type": [None, attachment.content_type],
        "size": [None, attachment.size],
        "sha256": [None, sha256],
    }


def removal_changes(attachment: Any) -> dict[str, list[Any]]:
    """The journal's changes when an attachment goes."""
    return {
        "original_name": [attachment.original_name, None],
        "size": [attachment.size, None],
        "sha256": [attachment.sha256, None],
    }


def delete_file_after_commit(attachment: Any) -> None:
    """Delete the attachment's row now and its stored file once the transaction commits."""
    name = attachment.file.name
    storage = attachment.file.storage
    attachment.delete()
    if name:
        transaction.on_commit(lambda: storage.delete(name))


def file_response(attachment: Any) -> FileResponse:
    """The attachment's file as a download (see ``stored_file_response``)."""
    return stored_file_response(
        attachment.file, name=attachment.original_name, content_type=attachment.content_type
    )


def stored_file_response(file: Any, *, name: str, content_type: str) -> FileResponse:
    """Any stored file as a download (404 if it is gone from storage), with headers that
    stop a browser from rendering or sniffing it in our origin."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound("The file is missing from storage.") from None
    response = FileResponse(handle, as_attachment=True, filename=name, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
