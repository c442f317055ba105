"""Progress roll-up: a summary's percent complete from its sub-tasks.

As MS Project does for duration % complete, a summary is as complete as the share
of its leaf tasks' duration that is done: ``Σ duration × % / Σ duration``. Milestones
and zero-length tasks carry no duration, so they count only when every leaf under a
summary has none (then it is the plain mean). Pure: plain values in, plain values out.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ProgressRow:
    """One WBS row: its id, parent id, duration in minutes and percent complete (0–100)."""

    id: str
    parent: str | None
    duration: int
    percent: float
    summary: bool = False


def rollup_percent(rows: Sequence[ProgressRow]) -> Mapping[str, float]:
    """Percent complete of every row; summaries get the duration-weighted roll-up of
    their leaf descendants, leaves keep their own (rounded to 0.1)."""
    by_id = {row.id: row for row in rows}
    weighted: dict[str, float] = {}
    minutes: dict[str, int] = {}
    plain: dict[str, list[float]] = {}
    out: dict[str, float] = {}
    for row in rows:
        if row.summary:
            continue
        out[row.id] = row.percent
        parent = row.parent
        seen: set[str] = set()
        while parent is not None and parent in by_id and parent not in seen:
            seen.add(parent)
            weighted[parent] = weighted.get(parent, 0.0) + row.duration * row.percent
            minutes[parent] = minutes.get(parent, 0) + row.duration
            plain.setdefault(parent, []).append(row.percent)
            parent = by_id[parent].parent
    for row in rows:
        if not row.summary:
            continue
        total = minutes.get(row.id, 0)
        if total > 0:
            out[row.id] = round(weighted[row.id] / total, 1)
        else:
            values = plain.get(row.id, [])
            out[row.id] = round(sum(values) / len(values), 1) if values else 0.0
    return out
