"""Sending an attachment: ``core.files.file_response`` (kept here for the existing imports)."""

from keystage.core.files import file_response

__all__ = ["file_response"]
