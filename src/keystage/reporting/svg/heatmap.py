"""A probability × impact heat map of a risk register (counts per cell) as SVG.

Rows are probability levels (highest on top), columns impact levels; each cell is shaded
by its rating (low, medium, high) and shows its count as text, and the rating is also
written in the cell's tooltip and in the description, so the picture never depends on
colour alone.
"""

from __future__ import annotations

from collections.abc import Sequence

from keystage.reporting.svg.base import PALETTE, document, esc, rect, text, truncate
from keystage.reporting.svg.charts import ChartError

__all__ = ["RATING_FILL", "risk_heat_map"]

RATING_FILL = {"low": "#cfe8d5", "medium": "#fbe3a6", "high": "#f4b6ae"}
RATING_EMPTY = {"low": "#eef6f0", "medium": "#fdf4dc", "high": "#fbe5e1"}
CELL = 56


def risk_heat_map(
    counts: Sequence[Sequence[int]],
    ratings: Sequence[Sequence[str]],
    *,
    probability_labels: Sequence[str],
    impact_labels: Sequence[str],
    title: str,
    subtitle: str = "",
) -> str:
    """``counts[p][i]`` risks at probability level ``p + 1`` and impact level ``i + 1``;
    ``ratings[p][i]`` is that cell's rating ("low", "medium" or "high")."""
    rows, cols = len(probability_labels), len(impact_labels)
    if rows < 1 or cols < 1:
        raise ChartError("labels", "a heat map needs at least one level each way")
    if len(counts) != rows or any(len(r) != cols for r in counts):
        raise ChartError("counts", f"give {rows} rows of {cols} counts")
    if len(ratings) != rows or any(len(r) != cols for r in ratings):
        raise ChartError("ratings", f"give {rows} rows of {cols} ratings")
    if any(c < 0 for r in counts for c in r):
        raise ChartError("counts", "a count is never negative")
    bad = {x for r in ratings for x in r} - set(RATING_FILL)
    if bad:
        raise ChartError("ratings", f"unknown rating {sorted(bad)[0]!r}")
    left, top = 116.0, 76.0 if subtitle else 60.0
    width = left + cols * CELL + 24
    height = top + rows * CELL + 64
    body = [rect(0, 0, width, height, "#ffffff")]
    body.append(text(12, 24, title, font_size=15, font_weight=600))
    if subtitle:
        body.append(text(12, 42, subtitle, font_size=11, fill=PALETTE["muted"]))
    described = []
    for p in range(rows):
        y = top + (rows - 1 - p) * CELL
        body.append(
            text(
                left - 8,
                y + CELL / 2 + 4,
                truncate(probability_labels[p], left - 16, 11),
                font_size=11,
                text_anchor="end",
            )
        )
        for i in range(cols):
            x = left + i * CELL
            n, rating = counts[p][i], ratings[p][i]
            fill = RATING_FILL[rating] if n else RATING_EMPTY[rating]
            tip = (
                f"Probability {probability_labels[p]}, impact {impact_labels[i]}: "
                f"{n} risk{'s' if n != 1 else ''} ({rating})"
            )
            body.append(
                f'<g data-cell="{p + 1}-{i + 1}" data-count="{n}"><title>{esc(tip)}</title>'
                + rect(x, y, CELL, CELL, fill, stroke="#ffffff", stroke_width=2)
                + (
                    text(
                        x + CELL / 2,
                        y + CELL / 2 + 6,
                        n,
                        font_size=17,
                        font_weight=700,
                        text_anchor="middle",
                    )
                    if n
                    else ""
                )
                + "</g>"
            )
            if n:
                described.append(tip)
    for i in range(cols):
        x = left + i * CELL + CELL / 2
        body.append(
            text(
                x,
                top + rows * CELL + 16,
                truncate(impact_labels[i], CELL, 10),
                font_size=10,
                text_anchor="middle",
            )
        )
    body.append(
        text(left + cols * CELL / 2, top + rows * CELL + 40, "Impact →", text_anchor="middle")
    )
    body.append(
        text(
            left - 8,
            top - 8,
            "Probability ↑",
            font_size=11,
            fill=PALETTE["muted"],
            text_anchor="end",
        )
    )
    total = sum(sum(r) for r in counts)
    desc = f"{total} risk{'s' if total != 1 else ''}. " + ("; ".join(described) or "No risks.")
    return document(width, height, body, title=title, desc=desc)
