"""Cartesian plot frame shared by the charts: nice ticks, scales, grid and axes."""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from keystage.reporting.svg.base import PALETTE, esc, fmt, line, text

__all__ = ["Frame", "legend", "nice_ticks"]


def nice_ticks(lo: float, hi: float, count: int = 5) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 × 10ⁿ steps) covering ``[lo, hi]``."""
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValueError("tick range must be finite")
    if hi < lo:
        lo, hi = hi, lo
    if hi == lo:
        pad = abs(lo) * 0.1 or 1.0
        lo, hi = lo - pad, hi + pad
    raw = (hi - lo) / max(count, 1)
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(lo / step + 1e-9) * step
    ticks = []
    value = first
    while value < hi + step * 0.999:
        ticks.append(round(value, 10))
        value += step
    return ticks


@dataclass(frozen=True, slots=True)
class Frame:
    """A plot area in pixels and the data range it shows."""

    left: float
    top: float
    width: float
    height: float
    xmin: float
    xmax: float
    ymin: float
    ymax: float

    def x(self, value: float) -> float:
        """Pixel x of a data x."""
        span = self.xmax - self.xmin or 1.0
        return self.left + (value - self.xmin) / span * self.width

    def y(self, value: float) -> float:
        """Pixel y of a data y (up is larger)."""
        span = self.ymax - self.ymin or 1.0
        return self.top + self.height - (value - self.ymin) / span * self.height

    @property
    def bottom(self) -> float:
        """Pixel y of the x axis."""
        return self.top + self.height

    def y_grid(self, ticks: Sequence[float], label: Callable[[float], str]) -> list[str]:
        """Horizontal grid lines with labels on the left."""
        out = []
        for tick in ticks:
            y = self.y(tick)
            out.append(line(self.left, y, self.left + self.width, y, PALETTE["grid"]))
            out.append(
                text(self.left - 8, y + 4, label(tick), text_anchor="end", fill=PALETTE["muted"])
            )
        return out

    def x_labels(self, ticks: Sequence[tuple[float, str]]) -> list[str]:
        """Tick marks and labels under the x axis."""
        out = []
        for value, label in ticks:
            x = self.x(value)
            out.append(line(x, self.bottom, x, self.bottom + 4, PALETTE["grid_strong"]))
            out.append(
                text(x, self.bottom + 18, label, text_anchor="middle", fill=PALETTE["muted"])
            )
        return out

    def axis_titles(self, x_title: str, y_title: str) -> list[str]:
        """Axis titles: x under the labels, y rotated on the left."""
        cx = self.left + self.width / 2
        cy = self.top + self.height / 2
        out = [line(self.left, self.bottom, self.left + self.width, self.bottom, PALETTE["muted"])]
        if x_title:
            out.append(
                text(cx, self.bottom + 38, x_title, text_anchor="middle", fill=PALETTE["muted"])
            )
        if y_title:
            x = fmt(self.left - 56)
            out.append(
                f'<text x="{x}" y="{fmt(cy)}" text-anchor="middle" fill="{PALETTE["muted"]}" '
                f'transform="rotate(-90 {x} {fmt(cy)})">{esc(y_title)}</text>'
            )
        return out


def legend(items: Sequence[tuple[str, str, str]], x: float, y: float) -> list[str]:
    """A horizontal legend: (label, colour, dash pattern) per item, starting at ``x, y``."""
    out = []
    for label, colour, dash in items:
        out.append(
            line(x, y - 4, x + 22, y - 4, colour, stroke_width=2.5, stroke_dasharray=dash or None)
        )
        out.append(text(x + 28, y, label))
        x += 40 + 7 * len(label)
    return out
