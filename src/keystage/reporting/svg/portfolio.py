"""Portfolio charts as SVG strings: the CPI × SPI bubble chart and the people × weeks heat map.

Same conventions as the other charts: hand-written, presentation attributes only,
deterministic, text escaped, ``data-*`` attributes on the shapes for the page.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from keystage.reporting.svg.axes import Frame
from keystage.reporting.svg.base import (
    PALETTE,
    attr,
    document,
    esc,
    fmt,
    line,
    rect,
    text,
    truncate,
)

__all__ = ["Bubble", "HeatCell", "HeatRow", "bubble_chart", "heat_colour", "heat_map"]

HEALTH_COLOURS = {"green": "#2f7d5b", "amber": "#d97706", "red": "#c8372d"}


@dataclass(frozen=True, slots=True)
class Bubble:
    """One project: CPI (x), SPI (y), budget (area) and health (colour)."""

    id: str
    label: str
    cpi: float
    spi: float
    size: float
    health: str | None = None


def _range(values: Sequence[float]) -> tuple[float, float]:
    lo = min([0.6, *values])
    hi = max([1.4, *values])
    return math.floor(lo * 10) / 10, math.ceil(hi * 10) / 10


def bubble_chart(
    bubbles: Sequence[Bubble],
    *,
    title: str = "Portfolio: cost and schedule performance",
    width: float = 640,
    height: float = 440,
) -> str:
    """Projects placed by CPI (x) and SPI (y) around 1.0, bubble area by budget."""
    frame_w, frame_h = width - 110, height - 120
    xs = [b.cpi for b in bubbles if math.isfinite(b.cpi)]
    ys = [b.spi for b in bubbles if math.isfinite(b.spi)]
    xmin, xmax = _range(xs)
    ymin, ymax = _range(ys)
    frame = Frame(80, 56, frame_w, frame_h, xmin, xmax, ymin, ymax)
    body = [
        rect(0, 0, width, height, "#ffffff"),
        text(16, 26, title, font_size=16, font_weight=600),
    ]
    body.append(
        text(
            16,
            44,
            "Bubble area: budget. Right of 1.0: under cost; above 1.0: ahead of schedule.",
            font_size=11,
            fill=PALETTE["muted"],
        )
    )
    # Quadrants: the bad one (over cost and late) tinted.
    x1, y1 = frame.x(1.0), frame.y(1.0)
    body.append(rect(frame.left, y1, x1 - frame.left, frame.bottom - y1, "#fbeceb"))
    body.append(rect(x1, frame.top, frame.left + frame.width - x1, y1 - frame.top, "#edf6f0"))
    step = 0.1 if xmax - xmin <= 1.2 else 0.2
    ticks_x = [round(xmin + i * step, 2) for i in range(round((xmax - xmin) / step) + 1)]
    ticks_y = [round(ymin + i * step, 2) for i in range(round((ymax - ymin) / step) + 1)]
    body += frame.y_grid(ticks_y, lambda v: f"{v:.1f}")
    body += frame.x_labels([(v, f"{v:.1f}") for v in ticks_x])
    body.append(line(x1, frame.top, x1, frame.bottom, PALETTE["grid_strong"], stroke_width=1.5))
    body.append(
        line(frame.left, y1, frame.left + frame.width, y1, PALETTE["grid_strong"], stroke_width=1.5)
    )
    body += frame.axis_titles("CPI (cost performance)", "SPI (schedule)")
    biggest = max([b.size for b in bubbles if b.size > 0] or [1.0])
    for b in sorted(bubbles, key=lambda b: -b.size):  # small ones on top
        if not (math.isfinite(b.cpi) and math.isfinite(b.spi)):
            continue
        r = 5 + 25 * math.sqrt(max(b.size, 0) / biggest)
        x, y = frame.x(b.cpi), frame.y(b.spi)
        colour = HEALTH_COLOURS.get(b.health or "", PALETTE["blue"])
        body.append(
            f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="{fmt(r)}" fill="{colour}" '
            f'fill-opacity="0.55" stroke="{colour}" stroke-width="1.5"'
            f"{attr(data_project_id=b.id)}><title>{esc(b.label)}: CPI {b.cpi:.2f}, "
            f"SPI {b.spi:.2f}</title></circle>"
        )
        body.append(text(x, y + 4, truncate(b.label, 90, 11), font_size=11, text_anchor="middle"))
    if not bubbles:
        body.append(
            text(
                frame.left + frame.width / 2,
                frame.top + frame.height / 2,
                "No project has earned-value figures yet.",
                text_anchor="middle",
                fill=PALETTE["muted"],
            )
        )
    return document(width, height, body, title=title, desc=f"{len(bubbles)} projects")


@dataclass(frozen=True, slots=True)
class HeatCell:
    """One person's week: hours planned (assignments), recorded (time entries), available."""

    planned: float
    actual: float
    capacity: float

    @property
    def load(self) -> float:
        """The larger of planned and actual hours over capacity (0 when there is none)."""
        hours = max(self.planned, self.actual)
        if self.capacity <= 0:
            return math.inf if hours > 0 else 0.0
        return hours / self.capacity


@dataclass(frozen=True, slots=True)
class HeatRow:
    """One person and their weeks."""

    id: str
    name: str
    cells: Sequence[HeatCell]


def heat_colour(load: float) -> str:
    """Fill for a load: empty, light to strong blue up to capacity, amber, red above 120 %."""
    if load <= 0:
        return "#f7f8fa"
    if load <= 0.5:
        return "#dbe6f3"
    if load <= 0.8:
        return "#9db4d6"
    if load <= 1.0:
        return "#6b8cbc"
    if load <= 1.2:
        return "#f2b45a"
    return "#c8372d"


def _hours(value: float) -> str:
    return f"{value:.0f}" if value >= 10 or value == int(value) else f"{value:.1f}"


def heat_map(
    rows: Sequence[HeatRow],
    weeks: Sequence[dt.date],
    *,
    title: str = "Resource load: hours per week against capacity",
    cell: float = 54,
) -> str:
    """People (rows) × weeks (columns); each cell planned / recorded hours, coloured by the
    load against the person's capacity, so over-allocation stands out in amber and red."""
    label_w, top, row_h = 170.0, 78.0, 30.0
    width = label_w + cell * max(len(weeks), 1) + 16
    height = top + row_h * max(len(rows), 1) + 44
    body = [
        rect(0, 0, width, height, "#ffffff"),
        text(16, 26, title, font_size=16, font_weight=600),
    ]
    body.append(
        text(
            16,
            44,
            "Each cell: planned / recorded hours. Amber above capacity, red above 120 %.",
            font_size=11,
            fill=PALETTE["muted"],
        )
    )
    for j, monday in enumerate(weeks):
        x = label_w + j * cell + cell / 2
        body.append(
            text(
                x,
                top - 8,
                f"{monday.day} {monday:%b}",
                font_size=11,
                text_anchor="middle",
                fill=PALETTE["muted"],
            )
        )
    for i, row in enumerate(rows):
        y = top + i * row_h
        body.append(
            text(
                label_w - 10, y + row_h / 2 + 4, truncate(row.name, label_w - 20), text_anchor="end"
            )
        )
        for j, c in enumerate(row.cells):
            x = label_w + j * cell
            load = c.load
            fill = heat_colour(load)
            label = (
                f"{row.name}, week of {weeks[j].isoformat()}: planned {_hours(c.planned)} h, "
                f"recorded {_hours(c.actual)} h, capacity {_hours(c.capacity)} h"
            )
            body.append(
                f'<rect x="{fmt(x + 1)}" y="{fmt(y + 1)}" width="{fmt(cell - 2)}" '
                f'height="{fmt(row_h - 2)}" rx="3" fill="{fill}"'
                f"{attr(data_person=row.id, data_week=weeks[j].isoformat())}"
                f"{attr(data_over='1' if load > 1 else None)}>"
                f"<title>{esc(label)}</title></rect>"
            )
            if c.planned or c.actual:
                ink = "#ffffff" if load > 0.8 else PALETTE["text"]
                body.append(
                    text(
                        x + cell / 2,
                        y + row_h / 2 + 4,
                        f"{_hours(c.planned)}/{_hours(c.actual)}",
                        font_size=10,
                        text_anchor="middle",
                        fill=ink,
                    )
                )
    if not rows:
        body.append(
            text(
                label_w,
                top + row_h / 2 + 4,
                "Nobody has planned or recorded hours in these weeks.",
                fill=PALETTE["muted"],
            )
        )
    legend_y = height - 16
    x = 16.0
    for name, load in (
        ("free", 0.0),
        ("≤ 50 %", 0.5),
        ("≤ 80 %", 0.8),
        ("≤ 100 %", 1.0),
        ("≤ 120 %", 1.2),
        ("> 120 %", 2.0),
    ):
        body.append(
            rect(x, legend_y - 10, 14, 12, heat_colour(load), stroke=PALETTE["grid_strong"])
        )
        body.append(text(x + 18, legend_y, name, font_size=11))
        x += 30 + 7 * len(name)
    return document(
        width, height, body, title=title, desc=f"{len(rows)} people × {len(weeks)} weeks"
    )
