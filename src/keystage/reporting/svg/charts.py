"""Project charts as SVG strings: S-curve, power/interest grid, histogram.

Hand-written SVG, like the Gantt, rather than matplotlib's SVG backend: the
charts are a handful of lines and rectangles, so our own code is short, fast
and byte-for-byte deterministic without ``svg.hashsalt`` or metadata tweaks;
text stays real text (escaped, selectable, styled by the page's fonts); shapes
carry ``data-*`` attributes for the web page; and the charts share one palette
with the Gantt. Presentation attributes only, so a strict CSP allows them.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from itertools import pairwise

from keystage.engine.errors import FieldError
from keystage.reporting.svg.axes import Frame, legend, nice_ticks
from keystage.reporting.svg.base import (
    PALETTE,
    attr,
    document,
    esc,
    fmt,
    line,
    money_label,
    rect,
    text,
    truncate,
)

__all__ = ["ChartError", "Stakeholder", "histogram", "power_interest_grid", "s_curve", "tornado"]

Number = float | int | Decimal


class ChartError(FieldError):
    """Chart input is inconsistent; ``field`` names the culprit (see :class:`FieldError`)."""


def _title(width: float, title: str, subtitle: str = "") -> list[str]:
    out = [text(16, 26, title, font_size=16, font_weight=600)]
    if subtitle:
        out.append(text(16, 44, subtitle, font_size=11, fill=PALETTE["muted"]))
    return out


def _polyline(
    frame: Frame, values: Sequence[float], colour: str, dash: str | None, name: str
) -> str:
    points = " ".join(f"{fmt(frame.x(i))},{fmt(frame.y(v))}" for i, v in enumerate(values))
    return (
        f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5" '
        f'stroke-linejoin="round"{attr(stroke_dasharray=dash, data_series=name)}/>'
    )


def s_curve(
    labels: Sequence[str],
    planned: Sequence[Number],
    earned: Sequence[Number] = (),
    actual: Sequence[Number] = (),
    *,
    title: str = "Cumulative cost: planned, earned and actual",
    subtitle: str = "",
    currency: str = "",
    forecast: tuple[float, Number] | None = None,
    limits: Sequence[tuple[str, Number]] = (),
    bac_label: str = "BAC",
    width: float = 760,
    height: float = 420,
) -> str:
    """Cumulative planned value, earned value and actual cost against time.

    ``labels`` name the x positions (period ends); each series gives the
    cumulative amount at those positions and may stop early (EV and AC end at
    the data date, which is marked). The budget at completion is a dashed line.
    ``forecast`` = ``(position, EAC)``, e.g. ``(IEAC(t), EAC)``, draws a dotted
    projection from the last actual cost to the forecast finish and cost.
    ``limits`` are further labelled levels drawn as dotted lines, e.g. the
    total budget with the management reserve above the budget at completion.
    """
    series = {"planned": planned, "earned": earned, "actual": actual}
    for name, values in series.items():
        if len(values) > len(labels):
            raise ChartError(name, f"has {len(values)} points but only {len(labels)} labels")
    if len(labels) < 2:
        raise ChartError("labels", "an S-curve needs at least two points in time")
    pv, ev, ac = ([float(v) for v in values] for values in series.values())
    if forecast is not None and not ac:
        raise ChartError("forecast", "needs actual cost to project from")
    end_x, end_y = (float(forecast[0]), float(forecast[1])) if forecast else (0.0, 0.0)
    levels = [(label, float(value)) for label, value in limits]
    top_value = max([*pv, *ev, *ac, end_y, 0.0, *(v for _, v in levels)])
    ticks = nice_ticks(0.0, top_value or 1.0, 5)
    xmax = max(len(labels) - 1, end_x)
    frame = Frame(84, 64, width - 84 - 48, height - 64 - 64, 0, xmax, 0, ticks[-1])
    widest = max(6.5 * len(label) + 10 for label in labels)
    every = max(1, math.ceil(widest / (frame.width / (xmax or 1))))
    body = [rect(0, 0, width, height, "#ffffff"), *_title(width, title, subtitle)]
    body += frame.y_grid(ticks, lambda v: money_label(v))
    body += frame.x_labels([(i, label) for i, label in enumerate(labels) if i % every == 0])
    body += frame.axis_titles("", f"Cumulative cost{f' ({currency})' if currency else ''}")
    if pv:
        bac = pv[-1]
        y = frame.y(bac)
        body.append(
            line(
                frame.left,
                y,
                frame.left + frame.width,
                y,
                PALETTE["grid_strong"],
                stroke_dasharray="2 3",
            )
        )
        body.append(
            text(
                frame.left + frame.width,
                y - 5,
                f"{bac_label} {money_label(bac)}",
                text_anchor="end",
                font_size=11,
                fill=PALETTE["muted"],
            )
        )
    for label, value in levels:
        y = frame.y(value)
        body.append(
            line(
                frame.left,
                y,
                frame.left + frame.width,
                y,
                PALETTE["muted"],
                stroke_dasharray="1 3",
                data_limit=label,
            )
        )
        body.append(
            text(
                frame.left + 6,
                y - 5,
                f"{label} {money_label(value)}",
                font_size=11,
                fill=PALETTE["muted"],
            )
        )
    if ev or ac:
        at = max(len(ev), len(ac)) - 1
        x = frame.x(at)
        body.append(
            line(
                x,
                frame.top,
                x,
                frame.bottom,
                PALETTE["data_date"],
                stroke_width=1.5,
                stroke_dasharray="5 3",
            )
        )
        body.append(
            text(x + 4, frame.top + 10, "Data date", font_size=10, fill=PALETTE["data_date"])
        )
    items = []
    for name, values, colour, dash, label in (
        ("planned", pv, PALETTE["pv"], "6 4", "Planned value (PV)"),
        ("actual", ac, PALETTE["ac"], None, "Actual cost (AC)"),
        ("earned", ev, PALETTE["ev"], None, "Earned value (EV)"),
    ):
        if values:
            body.append(_polyline(frame, values, colour, dash, name))
            items.append((label, colour, dash or ""))
    if forecast is not None:
        x0, y0 = frame.x(len(ac) - 1), frame.y(ac[-1])
        x1, y1 = frame.x(end_x), frame.y(end_y)
        colour = PALETTE["ac"]
        body.append(line(x0, y0, x1, y1, colour, stroke_width=2, stroke_dasharray="1 4"))
        body.append(f'<circle cx="{fmt(x1)}" cy="{fmt(y1)}" r="4" fill="{colour}"/>')
        label = f"EAC {money_label(end_y)}"
        body.append(text(x1 - 8, y1 - 8, label, text_anchor="end", font_size=11, fill=colour))
        items.append(("Forecast (EAC)", colour, "1 4"))
    body += legend(items, frame.left, height - 14)
    return document(width, height, body, title=title, desc=subtitle)


@dataclass(frozen=True, slots=True)
class Stakeholder:
    """A point on the power/interest grid."""

    id: str
    name: str
    power: float
    interest: float


QUADRANTS = (
    # (label, high power?, high interest?)
    ("Keep satisfied", True, False),
    ("Manage closely", True, True),
    ("Monitor", False, False),
    ("Keep informed", False, True),
)


def power_interest_grid(
    stakeholders: Sequence[Stakeholder],
    *,
    scale: tuple[float, float] = (0.0, 10.0),
    title: str = "Stakeholders: power and interest",
    width: float = 620,
    height: float = 520,
) -> str:
    """Stakeholders placed by interest (x) and power (y) over the four classic quadrants."""
    low, high = scale
    if not high > low:
        raise ChartError("scale", f"must be (low, high) with high > low, got {scale!r}")
    for i, s in enumerate(stakeholders):
        for name in ("power", "interest"):
            if not low <= getattr(s, name) <= high:
                raise ChartError(f"stakeholders[{i}].{name}", f"must be within {low}–{high}")
    size = min(width - 110, height - 120)
    frame = Frame(80, 60, size, size, low, high, low, high)
    mid = (low + high) / 2
    body = [rect(0, 0, width, height, "#ffffff"), *_title(width, title)]
    for label, high_power, high_interest in QUADRANTS:
        x0 = frame.x(mid if high_interest else low)
        y0 = frame.y(high if high_power else mid)
        fill = "#fbeceb" if high_power and high_interest else "#f7f8fa"
        body.append(rect(x0, y0, size / 2, size / 2, fill, stroke=PALETTE["grid_strong"]))
        body.append(text(x0 + 8, y0 + 18, label, font_weight=600, fill=PALETTE["muted"]))
    body += frame.axis_titles("Interest →", "Power →")
    body.append(text(frame.left, frame.bottom + 18, "low", fill=PALETTE["muted"]))
    body.append(
        text(frame.left + size, frame.bottom + 18, "high", text_anchor="end", fill=PALETTE["muted"])
    )
    seen: dict[tuple[float, float], int] = {}
    for s in stakeholders:
        key = (round(s.interest, 3), round(s.power, 3))
        nudge = seen.get(key, 0)
        seen[key] = nudge + 1
        x, y = frame.x(s.interest), frame.y(s.power) + nudge * 14
        colour = PALETTE["critical"] if s.power > mid and s.interest > mid else PALETTE["blue"]
        body.append(
            f'<circle cx="{fmt(x)}" cy="{fmt(y)}" r="6" fill="{colour}" stroke="#ffffff" '
            f'stroke-width="1.5"{attr(data_stakeholder_id=s.id)}><title>{esc(s.name)}: power '
            f"{s.power:g}, interest {s.interest:g}</title></circle>"
        )
        anchor = "end" if x > frame.left + size * 0.8 else "start"
        dx = -10 if anchor == "end" else 10
        body.append(text(x + dx, y + 4, truncate(s.name, 140), font_size=11, text_anchor=anchor))
    return document(width, height, body, title=title, desc=f"{len(stakeholders)} stakeholders")


def histogram(
    counts: Sequence[int],
    edges: Sequence[float],
    *,
    markers: Sequence[tuple[str, Number]] = (),
    threshold: float | None = 0.0,
    title: str = "Distribution of simulated NPV",
    subtitle: str = "",
    x_title: str = "Net present value",
    width: float = 760,
    height: float = 400,
) -> str:
    """Bars of ``counts`` between ``edges``; values below ``threshold`` are shaded red.

    ``markers`` draws labelled vertical lines, e.g. ``[("P10", p10), ("P50", p50)]``.
    """
    if len(edges) != len(counts) + 1:
        raise ChartError("edges", f"needs {len(counts) + 1} values for {len(counts)} bars")
    if not counts:
        raise ChartError("counts", "nothing to draw")
    if any(b < a for a, b in pairwise(edges)):
        raise ChartError("edges", "must be increasing")
    ticks = nice_ticks(0, max(max(counts), 1), 4)
    xmin, xmax = float(edges[0]), float(edges[-1])
    frame = Frame(72, 64, width - 72 - 24, height - 64 - 70, xmin, xmax, 0, ticks[-1])
    body = [rect(0, 0, width, height, "#ffffff"), *_title(width, title, subtitle)]
    body += frame.y_grid(ticks, lambda v: f"{v:g}")
    xticks = [t for t in nice_ticks(xmin, xmax, 6) if xmin <= t <= xmax]
    body += frame.x_labels([(t, money_label(t)) for t in xticks])
    body += frame.axis_titles(x_title, "Runs")
    for count, (lo, hi) in zip(counts, pairwise(edges), strict=True):
        x0, x1 = frame.x(float(lo)), frame.x(float(hi))
        below = threshold is not None and (lo + hi) / 2 < threshold
        fill = "#d98b84" if below else PALETTE["blue_light"]
        body.append(
            rect(
                x0 + 0.5, frame.y(count), max(x1 - x0 - 1, 0.5), frame.bottom - frame.y(count), fill
            )
        )
    if threshold is not None and xmin <= threshold <= xmax:
        x = frame.x(threshold)
        body.append(line(x, frame.top, x, frame.bottom, PALETTE["critical"], stroke_width=1.5))
    for i, (label, value) in enumerate(markers):
        x = frame.x(float(value))
        body.append(line(x, frame.top, x, frame.bottom, PALETTE["text"], stroke_dasharray="4 3"))
        body.append(
            text(
                x + 4,
                frame.top + 12 + 14 * (i % 2),
                f"{label} {money_label(float(value))}",
                font_size=11,
            )
        )
    return document(width, height, body, title=title, desc=subtitle)


def tornado(
    bars: Sequence[tuple[str, float, float]],
    *,
    base: float,
    title: str = "What drives NPV",
    subtitle: str = "",
    width: float = 760,
) -> str:
    """A tornado: one horizontal bar per driver from its low-case to its high-case value,
    around ``base`` (a vertical line), widest first as given. The end that lowers the value
    is red, the end that raises it blue; both ends are labelled."""
    if not bars:
        raise ChartError("bars", "nothing to draw")
    label_w, row_h = 190.0, 26.0
    height = 64 + row_h * len(bars) + 60
    values = [v for _, lo, hi in bars for v in (lo, hi)] + [base]
    ticks = nice_ticks(min(values), max(values), 6)
    frame = Frame(
        label_w + 16, 64, width - label_w - 80, row_h * len(bars), ticks[0], ticks[-1], 0, 1
    )
    body = [rect(0, 0, width, height, "#ffffff"), *_title(width, title, subtitle)]
    for tick in ticks:
        x = frame.x(tick)
        body.append(line(x, frame.top, x, frame.bottom, PALETTE["grid"]))
    body += frame.x_labels([(t, money_label(t)) for t in ticks])
    body += frame.axis_titles("Net present value", "")
    for i, (name, lo, hi) in enumerate(bars):
        y = frame.top + i * row_h + 4
        h = row_h - 8
        body.append(text(label_w + 8, y + h - 4, truncate(name, label_w - 8), text_anchor="end"))
        for end in (lo, hi):
            a, b = sorted((frame.x(base), frame.x(end)))
            fill = "#d98b84" if end < base else PALETTE["blue_light"]
            body.append(rect(a, y, max(b - a, 0.5), h, fill, data_driver=name))
            anchor = "end" if end < base else "start"
            offset = -4 if end < base else 4
            body.append(
                text(
                    frame.x(end) + offset,
                    y + h - 4,
                    money_label(end),
                    font_size=10,
                    text_anchor=anchor,
                    fill=PALETTE["muted"],
                )
            )
    x = frame.x(base)
    body.append(line(x, frame.top - 4, x, frame.bottom, PALETTE["text"], stroke_width=1.5))
    body.append(text(x, frame.top - 8, f"NPV {money_label(base)}", text_anchor="middle"))
    return document(width, height, body, title=title, desc=subtitle)
