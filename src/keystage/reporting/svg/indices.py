"""Performance indices over time as an SVG line chart (e.g. SPI, CPI and SPI(t)).

The companion of :func:`keystage.reporting.svg.charts.s_curve`: same frame, palette and
legend. A solid line at 1.0 marks "as planned"; a point whose index is undefined (no
planned value yet, nothing spent) breaks its line rather than dropping to zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from keystage.reporting.svg.axes import Frame, legend, nice_ticks
from keystage.reporting.svg.base import PALETTE, attr, document, fmt, line, rect, text
from keystage.reporting.svg.charts import ChartError

__all__ = ["index_trend"]

#: (key, label, colour, dash) of the series the chart knows.
SERIES = {
    "spi": ("SPI (EV / PV)", PALETTE["pv"], "6 4"),
    "cpi": ("CPI (EV / AC)", PALETTE["ac"], None),
    "spi_t": ("SPI(t) (ES / AT)", PALETTE["ev"], None),
}


def _segments(values: Sequence[float | None]) -> list[list[tuple[int, float]]]:
    runs: list[list[tuple[int, float]]] = []
    current: list[tuple[int, float]] = []
    for i, value in enumerate(values):
        if value is None or not math.isfinite(value):
            if current:
                runs.append(current)
            current = []
        else:
            current.append((i, float(value)))
    if current:
        runs.append(current)
    return runs


def index_trend(
    labels: Sequence[str],
    series: dict[str, Sequence[float | None]],
    *,
    title: str = "Performance indices over time",
    subtitle: str = "",
    width: float = 760,
    height: float = 320,
) -> str:
    """Lines of indices (keys of :data:`SERIES`) at each labelled period end.

    The y axis always shows 1.0 and is clipped to 0 … 3 so one wild early value (a
    tiny planned value in the first week) does not flatten the rest; clipped points sit
    on the edge and say so in their tooltip.
    """
    if len(labels) < 1:
        raise ChartError("labels", "an index chart needs at least one point in time")
    for key, values in series.items():
        if key not in SERIES:
            raise ChartError(key, f"unknown series {key!r}")
        if len(values) > len(labels):
            raise ChartError(key, f"has {len(values)} points but only {len(labels)} labels")
    finite = [float(v) for vs in series.values() for v in vs if v is not None and math.isfinite(v)]
    top = min(max([1.2, *finite]), 3.0)
    bottom = max(min([0.8, *finite]), 0.0)
    ticks = nice_ticks(bottom, top, 5)
    xmax = max(len(labels) - 1, 1)
    frame = Frame(64, 56, width - 64 - 32, height - 56 - 60, 0, xmax, ticks[0], ticks[-1])
    body = [rect(0, 0, width, height, "#ffffff")]
    body.append(text(16, 26, title, font_size=16, font_weight=600))
    if subtitle:
        body.append(text(16, 44, subtitle, font_size=11, fill=PALETTE["muted"]))
    body += frame.y_grid(ticks, lambda v: f"{v:.2f}")
    widest = max(6.5 * len(label) + 10 for label in labels)
    every = max(1, math.ceil(widest / (frame.width / xmax)))
    body += frame.x_labels([(i, label) for i, label in enumerate(labels) if i % every == 0])
    body += frame.axis_titles("", "Index")
    y1 = frame.y(1.0)
    body.append(
        line(frame.left, y1, frame.left + frame.width, y1, PALETTE["summary"], stroke_width=1.2)
    )
    body.append(
        text(
            frame.left + frame.width,
            y1 - 5,
            "1.00 = as planned",
            text_anchor="end",
            font_size=11,
            fill=PALETTE["muted"],
        )
    )
    items = []
    for key, values in series.items():
        label, colour, dash = SERIES[key]
        for run in _segments(values):
            clipped = [(i, min(max(v, ticks[0]), ticks[-1])) for i, v in run]
            points = " ".join(f"{fmt(frame.x(i))},{fmt(frame.y(v))}" for i, v in clipped)
            if len(run) == 1:
                i, v = clipped[0]
                body.append(
                    f'<circle cx="{fmt(frame.x(i))}" cy="{fmt(frame.y(v))}" r="3" '
                    f'fill="{colour}"{attr(data_series=key)}/>'
                )
                continue
            body.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5" '
                f'stroke-linejoin="round"{attr(stroke_dasharray=dash, data_series=key)}/>'
            )
        items.append((label, colour, dash or ""))
    body += legend(items, frame.left, height - 14)
    return document(width, height, body, title=title, desc=subtitle)
