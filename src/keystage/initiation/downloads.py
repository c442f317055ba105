"""Sending an attachment: always as a download, with a content type we chose and headers
that stop a browser from rendering or sniffing it in our origin."""

from __future__ import annotations

from django.http import FileResponse

from keystage.core.errors import NotFound
from keystage.initiation.models import ResearchAttachment


def file_response(attachment: ResearchAttachment) -> FileResponse:
    """The file as ``Content-Disposition: attachment`` (404 if it is gone from storage)."""
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, ValueError):
        raise NotFound("The file is missing from storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=attachment.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response
