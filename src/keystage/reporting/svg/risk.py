"""Charts of a Monte Carlo risk analysis: a distribution (histogram with its S-curve) and
a tornado. Hand-written SVG like the other charts (see :mod:`keystage.reporting.svg.charts`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from itertools import pairwise

from keystage.reporting.svg.axes import Frame, legend, nice_ticks
from keystage.reporting.svg.base import PALETTE, document, fmt, line, rect, text, truncate
from keystage.reporting.svg.charts import ChartError

__all__ = ["distribution_chart", "tornado_chart"]


def distribution_chart(
    counts: Sequence[int],
    edges: Sequence[float],
    curve: Sequence[float],
    *,
    label: Callable[[float], str],
    markers: Sequence[tuple[str, float]] = (),
    target: tuple[str, float] | None = None,
    title: str,
    subtitle: str = "",
    x_title: str = "",
    width: float = 760,
    height: float = 380,
) -> str:
    """Histogram of ``counts`` between ``edges`` with the cumulative S-curve over it.

    ``curve`` holds the 0th..100th percentiles (x at y = 0..100 %); ``markers`` are
    dashed P-value lines, ``target`` a solid line (the baseline finish or the budget).
    ``label`` formats an x value (a date for a finish, money for a cost).
    """
    if len(edges) != len(counts) + 1 or not counts:
        raise ChartError("edges", f"needs {len(counts) + 1} values for {len(counts)} bars")
    if any(b < a for a, b in pairwise(edges)) or len(curve) != 101:
        raise ChartError("edges", "edges must increase and the curve hold 101 percentiles")
    xs = [float(edges[0]), float(edges[-1])]
    if target is not None:
        xs.append(float(target[1]))
    xmin, xmax = min(xs), max(xs)
    if xmax <= xmin:
        xmin, xmax = xmin - 1, xmax + 1
    pad = (xmax - xmin) * 0.03
    xmin, xmax = xmin - pad, xmax + pad
    ticks = nice_ticks(0, max(max(counts), 1), 4)
    frame = Frame(64, 58, width - 64 - 56, height - 58 - 74, xmin, xmax, 0, ticks[-1])
    body = [rect(0, 0, width, height, "#ffffff")]
    body.append(text(16, 24, title, font_size=15, font_weight="bold"))
    if subtitle:
        body.append(text(16, 42, subtitle, fill=PALETTE["muted"]))
    body += frame.y_grid(ticks, lambda v: f"{v:g}")
    xticks = [t for t in nice_ticks(xmin, xmax, 6) if xmin <= t <= xmax]
    body += frame.x_labels([(t, label(t)) for t in xticks])
    body += frame.axis_titles(x_title, "Runs")
    for count, (lo, hi) in zip(counts, pairwise(edges), strict=True):
        x0, x1 = frame.x(float(lo)), frame.x(float(hi))
        y = frame.y(count)
        body.append(
            rect(
                x0 + 0.5,
                y,
                max(x1 - x0 - 1, 0.5),
                frame.bottom - y,
                PALETTE["blue_light"],
                data_count=count,
            )
        )
    # The S-curve on a 0–100 % axis at the right.
    right = frame.left + frame.width
    for pct in (0, 50, 100):
        y = frame.top + frame.height * (1 - pct / 100)
        body.append(text(right + 8, y + 4, f"{pct} %", fill=PALETTE["muted"]))
    points = " ".join(
        f"{fmt(frame.x(float(x)))},{fmt(frame.top + frame.height * (1 - k / 100))}"
        for k, x in enumerate(curve)
    )
    body.append(
        f'<polyline points="{points}" fill="none" stroke="{PALETTE["summary"]}" '
        'stroke-width="2" class="s-curve"/>'
    )
    for i, (name, value) in enumerate(markers):
        x = frame.x(float(value))
        body.append(line(x, frame.top, x, frame.bottom, PALETTE["text"], stroke_dasharray="4 3"))
        body.append(text(x + 3, frame.top - 4 - 12 * (i % 2), name, font_size=11))
    if target is not None:
        x = frame.x(float(target[1]))
        body.append(line(x, frame.top, x, frame.bottom, PALETTE["critical"], stroke_width=2))
        body.append(
            text(
                x - 4,
                frame.bottom - 6,
                target[0],
                font_size=11,
                text_anchor="end",
                fill=PALETTE["critical"],
            )
        )
    items = [("Cumulative %", PALETTE["summary"], ""), ("P-values", PALETTE["text"], "4 3")]
    if target is not None:
        items.append((target[0], PALETTE["critical"], ""))
    body += legend(items, frame.left, height - 12)
    return document(width, height, body, title=title, desc=subtitle)


def tornado_chart(
    rows: Sequence[tuple[str, float, float]],
    centre: float,
    *,
    label: Callable[[float], str],
    title: str,
    subtitle: str = "",
    width: float = 760,
) -> str:
    """Bars from each driver's low-side to high-side value around ``centre`` (largest first).

    ``rows`` holds ``(name, low, high)``: for the finish, its P50 when the driver is in its
    lowest and its highest third (a risk: did not / did occur).
    """
    if not rows:
        raise ChartError("rows", "nothing to draw")
    row_h = 26
    top = 58
    height = top + row_h * len(rows) + 56
    lo = min([centre, *(min(r[1], r[2]) for r in rows)])
    hi = max([centre, *(max(r[1], r[2]) for r in rows)])
    if hi <= lo:
        lo, hi = lo - 1, hi + 1
    frame = Frame(230, top, width - 230 - 32, row_h * len(rows), lo, hi, 0, len(rows))
    body = [rect(0, 0, width, height, "#ffffff")]
    body.append(text(16, 24, title, font_size=15, font_weight="bold"))
    if subtitle:
        body.append(text(16, 42, subtitle, fill=PALETTE["muted"]))
    ticks = [t for t in nice_ticks(lo, hi, 5) if lo <= t <= hi]
    for t in ticks:
        x = frame.x(t)
        body.append(line(x, frame.top, x, frame.bottom, PALETTE["grid"]))
    body += frame.x_labels([(t, label(t)) for t in ticks])
    for i, (name, low, high) in enumerate(rows):
        y = top + i * row_h + 4
        body.append(text(frame.left - 8, y + 13, truncate(name, 210), text_anchor="end"))
        x_low, x_high, x_mid = frame.x(low), frame.x(high), frame.x(centre)
        body.append(rect(min(x_low, x_mid), y, abs(x_mid - x_low), row_h - 8, PALETTE["ev"]))
        body.append(
            rect(min(x_mid, x_high), y, abs(x_high - x_mid), row_h - 8, PALETTE["critical"])
        )
    x = frame.x(centre)
    body.append(line(x, frame.top - 4, x, frame.bottom, PALETTE["text"], stroke_width=1.5))
    body += legend(
        [("Low third / did not occur", PALETTE["ev"], ""), ("High third / occurred",
          PALETTE["critical"], "")],
        frame.left, height - 12,
    )  # fmt: skip
    return document(width, height, body, title=title, desc=subtitle)
