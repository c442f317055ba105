"""The Quality tab's picture: defects per severity, still open against done (our own SVG)."""

from __future__ import annotations

from keystage.quality.models import Severity
from keystage.quality.selectors.summary import QualitySummary
from keystage.reporting.svg.base import PALETTE, document, rect, text

_OPEN = {"critical": "#c8372d", "major": "#d97706", "minor": "#4a6fa5", "trivial": "#9db4d6"}


def defects_chart(summary: QualitySummary, width: int = 520) -> str:
    """One bar per severity: the open part coloured, the done part grey, counts written."""
    rows = []
    top = 28
    label_w, gap, bar_h = 80, 10, 22
    totals = {s: sum(summary.defects[s].values()) for s in Severity.values}
    most = max(totals.values()) or 1
    span = width - label_w - 70
    body = [text(0, 16, "Defects by severity: open and done", font_weight="bold")]
    opened = summary.open_by_severity
    for i, severity in enumerate(Severity):
        y = top + i * (bar_h + gap)
        open_w = span * opened[severity] / most
        done = totals[severity] - opened[severity]
        done_w = span * done / most
        rows.append(f"{severity.label}: {opened[severity]} open, {done} done")
        body.append(text(0, y + 15, severity.label))
        body.append(rect(label_w, y, span, bar_h, PALETTE["stripe"]))
        if open_w:
            body.append(rect(label_w, y, open_w, bar_h, _OPEN[severity.value]))
        if done_w:
            body.append(rect(label_w + open_w, y, done_w, bar_h, PALETTE["grid_strong"]))
        body.append(
            text(label_w + span + 8, y + 15, f"{opened[severity]} open / {done} done", font_size=11)
        )
    height = top + len(Severity) * (bar_h + gap) + 4
    return document(width + 40, height, body, title="Defects by severity", desc="; ".join(rows))
