"""Rescheduling with progress as the app feeds it (dates whole days), and the % roll-up."""

from __future__ import annotations

from datetime import datetime

import pytest

from keystage.engine.calendars import Calendar, Shift
from keystage.engine.cpm import schedule
from keystage.engine.errors import InvalidActivityError
from keystage.engine.network import Activity, Kind, Link, Project
from keystage.engine.progress import ProgressRow, rollup_percent

DAY = 480
WEEK = tuple(
    (Shift.parse("09:00-13:00"), Shift.parse("14:00-18:00")) if d < 5 else () for d in range(7)
)
CAL = Calendar("project", week=WEEK)


def midnight(day: int) -> datetime:
    """Midnight starting 2027-02-<day> (1 Feb 2027 is a Monday)."""
    return datetime(2027, 2, day)


def plan(
    *acts: Activity, links: tuple[Link, ...] = (), data_date: datetime | None = None
) -> Project:
    return Project(
        midnight(1), acts, links, calendars=(CAL,), calendar="project", data_date=data_date
    )


def test_in_progress_remaining_after_the_data_date_and_successor_waits():
    # A: 5 days, started Mon 1 Feb, 40 % done; status date end of Wed 3 Feb.
    result = schedule(
        plan(
            Activity("A", duration=5 * DAY, actual_start=midnight(1), percent_complete=40),
            Activity("B", duration=2 * DAY),
            links=(Link("A", "B"),),
            data_date=midnight(4),
        )
    )
    assert result["A"].start == datetime(2027, 2, 1, 9)
    # 3 days remain from Thu 4 Feb: Thu, Fri, Mon → finishes Mon 8 Feb 18:00.
    assert result["A"].finish == datetime(2027, 2, 8, 18)
    assert result["B"].start == datetime(2027, 2, 9, 9)  # retained logic


def test_explicit_remaining_overrides_percent():
    result = schedule(
        plan(
            Activity("A", duration=5 * DAY, actual_start=midnight(1), percent_complete=40,
                     remaining=DAY),
            data_date=midnight(4),
        )
    )  # fmt: skip
    assert result["A"].finish == datetime(2027, 2, 4, 18)


def test_done_task_keeps_its_actual_dates_and_unstarted_waits_for_the_data_date():
    result = schedule(
        plan(
            Activity("A", duration=5 * DAY, actual_start=midnight(1), actual_finish=midnight(3)),
            Activity("B", duration=DAY),
            Activity("C", duration=DAY),  # no predecessor: still after the data date
            links=(Link("A", "B"),),
            data_date=midnight(8),
        )
    )
    assert (result["A"].start, result["A"].finish) == (
        datetime(2027, 2, 1, 9), datetime(2027, 2, 2, 18)
    )  # fmt: skip
    assert result["A"].total_float == 0 and not result["A"].critical
    assert result["B"].start == datetime(2027, 2, 8, 9)
    assert result["C"].start == datetime(2027, 2, 8, 9)
    assert result["C"].driver == "data date"


def test_done_milestone_sits_on_its_day():
    result = schedule(
        plan(
            Activity("A", duration=2 * DAY),
            Activity("M", kind=Kind.MILESTONE, actual_start=midnight(4), actual_finish=midnight(4)),
            data_date=midnight(4),
        )
    )
    assert result["M"].start == result["M"].finish


def test_percent_without_actual_start_is_refused():
    with pytest.raises(InvalidActivityError, match="actual start"):
        Activity("A", duration=DAY, percent_complete=10)


def test_rollup_is_duration_weighted_and_nested():
    rows = [
        ProgressRow("P", None, 0, 0, summary=True),
        ProgressRow("S", "P", 0, 0, summary=True),
        ProgressRow("a", "S", 2 * DAY, 100),
        ProgressRow("b", "S", 8 * DAY, 50),
        ProgressRow("c", "P", 10 * DAY, 0),
        ProgressRow("m", "P", 0, 100),  # a milestone weighs nothing
    ]
    out = rollup_percent(rows)
    assert out["S"] == 60.0
    assert out["P"] == 30.0
    assert out["a"] == 100 and out["c"] == 0


def test_rollup_of_milestones_only_is_their_mean_and_empty_summary_zero():
    out = rollup_percent(
        [
            ProgressRow("S", None, 0, 0, summary=True),
            ProgressRow("m1", "S", 0, 100),
            ProgressRow("m2", "S", 0, 0),
            ProgressRow("E", None, 0, 0, summary=True),
        ]
    )
    assert (out["S"], out["E"]) == (50.0, 0.0)
