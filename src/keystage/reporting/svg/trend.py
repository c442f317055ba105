"""A measured value over time as a line, with labelled levels (e.g. baseline and target).

Used for a goal's measurement history: dates on x (spaced by calendar days, so uneven
measurement dates read true), values on y, each point a circle with its value in a
``<title>``, the levels as dotted lines, the due date as a dashed vertical line.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from keystage.reporting.svg.axes import Frame, legend, nice_ticks
from keystage.reporting.svg.base import PALETTE, document, esc, fmt, line, money_label, rect, text

__all__ = ["trend_chart"]


def _spaced_labels(frame: Frame, days: Sequence[date], gap: float = 70) -> list[tuple[float, str]]:
    """Date labels at least ``gap`` pixels apart; the last day always keeps its label."""
    chosen: list[date] = []
    for day in reversed(days):
        if all(abs(frame.x(day.toordinal()) - frame.x(c.toordinal())) >= gap for c in chosen):
            chosen.append(day)
    return [(d.toordinal(), f"{d:%d %b %y}") for d in sorted(chosen)]


def trend_chart(
    points: Sequence[tuple[date, float]],
    *,
    levels: Sequence[tuple[str, float]] = (),
    title: str,
    subtitle: str = "",
    due: date | None = None,
    width: float = 640,
    height: float = 300,
) -> str:
    """The values of ``points`` (date, value; in date order) as a line toward ``levels``."""
    days = [d for d, _ in points] + ([due] if due else [])
    values = [v for _, v in points] + [v for _, v in levels]
    lo, hi = (min(values), max(values)) if values else (0.0, 1.0)
    ticks = nice_ticks(lo, hi, 5)
    start = min(days).toordinal() if days else 0
    end = max(days).toordinal() if days else 1
    if end == start:
        start, end = start - 1, end + 1
    frame = Frame(64, 70, width - 64 - 36, height - 70 - 62, start, end, ticks[0], ticks[-1])
    body = [rect(0, 0, width, height, "#ffffff")]
    body.append(text(16, 24, title, font_size=15, font_weight=600))
    if subtitle:
        body.append(text(16, 42, subtitle, font_size=11, fill=PALETTE["muted"]))
    body += frame.y_grid(ticks, money_label)
    body += frame.x_labels(_spaced_labels(frame, sorted(set(days))))
    body += frame.axis_titles("", "")
    for label, value in levels:
        y = frame.y(value)
        body.append(
            line(
                frame.left,
                y,
                frame.left + frame.width,
                y,
                PALETTE["ev"] if label == "Target" else PALETTE["muted"],
                stroke_dasharray="2 4",
                data_level=label,
            )
        )
        below = y - frame.top < 16  # at the top edge: write it under the line
        label_y = y + 14 if below else y - 5
        body.append(text(frame.left + 6, label_y, f"{label} {money_label(value)}", font_size=11))
    if due is not None:
        x = frame.x(due.toordinal())
        body.append(
            line(x, frame.top, x, frame.bottom, PALETTE["data_date"], stroke_dasharray="5 3")
        )
        body.append(
            text(x - 4, frame.top - 4, "Due", text_anchor="end", font_size=10,
                 fill=PALETTE["data_date"])
        )  # fmt: skip
    if points:
        coords = [(frame.x(d.toordinal()), frame.y(v)) for d, v in points]
        path = " ".join(f"{fmt(x)},{fmt(y)}" for x, y in coords)
        body.append(
            f'<polyline points="{path}" fill="none" stroke="{PALETTE["blue"]}" '
            f'stroke-width="2.5" stroke-linejoin="round" data-series="measured"/>'
        )
        for (x, y), (d, v) in zip(coords, points, strict=True):
            body.append(
                f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="4" fill="{PALETTE["blue"]}" '
                f'data-point="{d.isoformat()}"><title>{esc(f"{d:%d %b %Y}: {v:g}")}</title>'
                "</circle>"
            )
    else:
        body.append(
            text(
                frame.left + frame.width / 2,
                frame.top + frame.height / 2,
                "No measurements yet",
                text_anchor="middle",
                fill=PALETTE["muted"],
            )
        )
    body += legend(
        [("Measured", PALETTE["blue"], ""), ("Target", PALETTE["ev"], "2 4")],
        frame.left,
        height - 12,
    )
    return document(width, height, body, title=title, desc=subtitle)
