"""Issued documents (charter versions, status reports): the frozen JSON snapshot read back
for templates, and the PDF rendered by WeasyPrint from the same template as the page."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from django.template.loader import render_to_string

from keystage.core.errors import DomainError

ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?([+-]\d{2}:\d{2}|Z)?")


class PdfUnavailable(DomainError):
    """WeasyPrint or the libraries it needs (Pango) are missing."""

    status_code = 503


def for_display(value: Any) -> Any:
    """A snapshot with its ISO dates turned back into dates, for the templates' filters."""
    if isinstance(value, dict):
        return {k: for_display(v) for k, v in value.items()}
    if isinstance(value, list):
        return [for_display(v) for v in value]
    if isinstance(value, str) and ISO_DATE.fullmatch(value):
        return dt.date.fromisoformat(value)
    if isinstance(value, str) and ISO_DATETIME.fullmatch(value):
        return dt.datetime.fromisoformat(value)
    return value


def _deny_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """A document embeds nothing: no file, no network access while rendering."""
    raise ValueError(f"The document does not load external resources ({url[:60]}).")


def render_pdf(template: str, context: dict[str, Any], stylesheets: Iterable[Path]) -> bytes:
    """A4 PDF of ``template`` rendered with ``context`` and the given print stylesheets."""
    try:
        from weasyprint import CSS, HTML
    except (ImportError, OSError) as exc:  # OSError: Pango / GObject libraries missing
        raise PdfUnavailable(
            "PDF output needs WeasyPrint and the Pango library of the operating system "
            f"({exc.__class__.__name__}: {exc})."
        ) from None
    html = render_to_string(template, context)
    sheets = [CSS(filename=str(path)) for path in stylesheets]
    return bytes(HTML(string=html, url_fetcher=_deny_fetch).write_pdf(stylesheets=sheets))
