"""Activities on their own calendars, elapsed durations and elapsed lags."""

from __future__ import annotations

from datetime import datetime

from keystage.engine.calendars import Calendar, Shift
from keystage.engine.cpm import schedule
from keystage.engine.network import Activity, LagUnit, Link, Project

DAY = 480
WEEKEND = Calendar("weekend", ((),) * 5 + ((Shift(480, 960),),) * 2)


def at(day: int, hour: int = 8) -> datetime:
    return datetime(2024, 1, day, hour)


def project() -> Project:
    acts = (
        Activity("A", duration=DAY),
        Activity("B", duration=DAY, calendar="weekend"),
        Activity("C", duration=DAY),
        Activity("D", duration=2 * 1440, elapsed=True),
        Activity("E", duration=DAY),
    )
    links = (
        Link("A", "B"),
        Link("B", "C"),
        Link("A", "D"),
        Link("A", "E", lag=1440, lag_unit=LagUnit.ELAPSED),
    )
    return Project(at(1), acts, links, (Calendar("standard"), WEEKEND))


def test_activity_on_its_own_calendar() -> None:
    result = schedule(project())
    assert (result["B"].early_start, result["B"].early_finish) == (at(6), at(6, 16))
    assert result["C"].early_start == at(8)
    assert result.finish == at(8, 17)


def test_elapsed_duration_and_lag_run_on_the_wall_clock() -> None:
    result = schedule(project())
    assert (result["D"].early_start, result["D"].early_finish) == (at(1, 17), at(3, 17))
    assert result["E"].early_start == at(3)  # Tuesday 17:00 + next working minute
    assert result["E"].total_float == 3 * DAY  # Wed, Thu, Fri before Monday's finish
    assert result["C"].critical and not result["B"].critical
    assert result["A"].total_float == 4 * DAY


def test_late_dates_respect_each_calendar() -> None:
    result = schedule(project())
    assert result["B"].late_start == at(7)  # the weekend crew can still work on Sunday
    assert result["B"].total_float == DAY
    assert result["A"].late_finish == at(5, 17)
