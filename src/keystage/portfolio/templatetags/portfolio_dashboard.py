"""``{% sort_header "spi" "SPI" filters %}``: a table header that sorts the dashboard by a
column, keeping the filters; a second click reverses the order."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag
def sort_header(key: str, label: str, filters: Any, css: str = "") -> str:
    """A ``<th>`` with a link to sort by ``key`` (and ``aria-sort`` when it is the sort)."""
    current = filters.get("sort", "code") or "code"
    descending = filters.get("order", "") == "desc"
    params = {k: v for k, v in filters.items() if k not in ("sort", "order") and v}
    params["sort"] = key
    if current == key and not descending:
        params["order"] = "desc"
    aria = ""
    arrow = ""
    if current == key:
        aria = "descending" if descending else "ascending"
        arrow = " ▼" if descending else " ▲"
    return format_html(
        '<th class="{}"{}><a href="?{}">{}{}</a></th>',
        css,
        format_html(' aria-sort="{}"', aria) if aria else "",
        urlencode(params),
        label,
        arrow,
    )
