"""The result of scheduling: a :class:`Schedule` of :class:`ActivitySchedule` rows.

Its own module so that the CPM entry point (:mod:`keystage.engine.cpm`) and the
code that assembles the result (:mod:`keystage.engine.rollup`) both import it
without importing each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from keystage.engine.network import Kind


@dataclass(frozen=True, slots=True)
class ActivitySchedule:
    """Computed dates of one activity; floats and variances in working minutes."""

    id: str
    name: str
    kind: Kind
    start: datetime
    finish: datetime
    early_start: datetime
    early_finish: datetime
    late_start: datetime
    late_finish: datetime
    duration: int
    total_float: int
    free_float: int
    critical: bool
    longest_path: bool
    driver: str
    work: float = 0.0
    cost: float = 0.0
    start_variance: int | None = None
    finish_variance: int | None = None
    duration_variance: int | None = None
    late_driver: str = ""


@dataclass(frozen=True)
class Schedule:
    """The result of :func:`schedule`."""

    start: datetime
    finish: datetime
    activities: tuple[ActivitySchedule, ...]
    critical_path: tuple[str, ...]
    longest_path: tuple[str, ...]
    baseline: str | None = None
    by_id: dict[str, ActivitySchedule] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "by_id", {a.id: a for a in self.activities})

    def __getitem__(self, activity_id: str) -> ActivitySchedule:
        """The schedule of one activity."""
        return self.by_id[activity_id]
