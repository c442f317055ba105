"""Building blocks shared by the SVG renderers: escaping, numbers, palette.

Styling is written as presentation attributes (``fill=…``), never as a
``<style>`` element or ``style=`` attribute, so the SVG inlined in a page obeys
a strict Content-Security-Policy and renders the same in WeasyPrint.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

__all__ = [
    "FONT",
    "PALETTE",
    "attr",
    "document",
    "esc",
    "fmt",
    "line",
    "money_label",
    "rect",
    "text",
    "truncate",
]

FONT = "Lato, 'Segoe UI', 'Helvetica Neue', Arial, 'DejaVu Sans', sans-serif"

# A muted palette; critical work is the one loud colour.
PALETTE = {
    "text": "#1f2933",
    "muted": "#616e7c",
    "grid": "#e4e7eb",
    "grid_strong": "#cbd2d9",
    "stripe": "#f7f8fa",
    "header": "#eef1f4",
    "weekend": "#f3f4f6",
    "bar": "#6b8cbc",
    "bar_done": "#3b5b8c",
    "critical": "#c8372d",
    "critical_done": "#8f231c",
    "summary": "#3e4c59",
    "baseline": "#c3ccd6",
    "link": "#8895a3",
    "max_lag": "#7a4eb0",  # a link with a maximum lag and its allowed window
    "today": "#2f80ed",
    "data_date": "#d97706",
    "pv": "#616e7c",
    "ev": "#2f7d5b",
    "ac": "#c8372d",
    "blue": "#4a6fa5",
    "blue_light": "#9db4d6",
}

# Characters XML 1.0 forbids even when escaped; they would make the file unparseable.
_INVALID_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SPECIAL = re.compile("[&<>\"'\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def esc(value: object) -> str:
    """Text made safe for XML content and attribute values (quotes included)."""
    text = str(value)
    if _SPECIAL.search(text) is None:
        return text
    text = _INVALID_XML.sub("\ufffd", text)
    return (
        text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def fmt(value: float) -> str:
    """A coordinate with at most two decimals and no trailing zeros."""
    # This runs tens of thousands of times per large chart: whole pixels (most of them)
    # take the short path, the rest one format and two strips.
    if type(value) is float and value.is_integer():
        return str(int(value))
    text = f"{value:.2f}".rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def attr(**attributes: object) -> str:
    """Render keyword attributes (``_`` becomes ``-``; ``None`` is skipped), escaped."""
    parts = []
    for key, value in attributes.items():
        if value is None:
            continue
        name = key.rstrip("_").replace("_", "-")
        text = fmt(value) if isinstance(value, float) else esc(value)
        parts.append(f' {name}="{text}"')
    return "".join(parts)


def line(x1: float, y1: float, x2: float, y2: float, stroke: str, **extra: object) -> str:
    """A ``<line>`` element."""
    return (
        f'<line x1="{fmt(x1)}" y1="{fmt(y1)}" x2="{fmt(x2)}" y2="{fmt(y2)}" '
        f'stroke="{stroke}"{attr(**extra)}/>'
    )


def rect(x: float, y: float, width: float, height: float, fill: str, **extra: object) -> str:
    """A ``<rect>`` element."""
    return (
        f'<rect x="{fmt(x)}" y="{fmt(y)}" width="{fmt(width)}" height="{fmt(height)}" '
        f'fill="{fill}"{attr(**extra)}/>'
    )


def text(x: float, y: float, content: object, **extra: object) -> str:
    """A ``<text>`` element; ``content`` is escaped."""
    return f'<text x="{fmt(x)}" y="{fmt(y)}"{attr(**extra)}>{esc(content)}</text>'


def truncate(text: str, max_width: float, font_size: float = 12.0) -> str:
    """Shorten ``text`` with an ellipsis to fit roughly ``max_width`` pixels."""
    limit = max(1, int(max_width / (font_size * 0.55)))
    return text if len(text) <= limit else text[: max(1, limit - 1)].rstrip() + "…"


def money_label(value: float) -> str:
    """Compact money label for axes: 950, 12.5k, 3.2M."""
    size = abs(value)
    for limit, suffix in ((1e9, "B"), (1e6, "M"), (1e3, "k")):
        if size >= limit:
            return f"{value / limit:.3g}{suffix}"
    return f"{value:.3g}" if size < 1000 and value != int(value) else f"{int(value)}"


def document(
    width: float, height: float, body: Iterable[str], *, title: str, desc: str = ""
) -> str:
    """Wrap drawing elements in an accessible, standalone ``<svg>`` root."""
    head = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{fmt(width)}" height="{fmt(height)}" '
        f'viewBox="0 0 {fmt(width)} {fmt(height)}" role="img" font-family="{esc(FONT)}" '
        f'font-size="12" fill="{PALETTE["text"]}">'
        f"<title>{esc(title)}</title>"
    )
    if desc:
        head += f"<desc>{esc(desc)}</desc>"
    return head + "".join(body) + "</svg>"
