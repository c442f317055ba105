"""Sending an attachment: always as a download, with a content type we chose and headers
that stop a browser from rendering or sniffing it in our origin."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse

from keystage.core.errors import NotFound
from keystage.initiation.models import ResearchAttachment


def file_response(attachment: ResearchAttachment) -> FileResponse:
    """The file as ``Content-Disposition: attachment`` (404 if it is gone from storage)."""
    return stored_file_response(
        attachment.file, name=attachment.original_name, content_type=attachment.content_type
    )


def stored_file_response(file: FieldFile, *, name: str, content_type: str) -> FileResponse:
    """Any stored file sent the safe way: as a download, with our content type, sandboxed."""
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
