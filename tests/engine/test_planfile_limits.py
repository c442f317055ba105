"""Plan files: extreme durations, lags and dates are refused by name before scheduling."""

from __future__ import annotations

import time

import pytest

from keystage.engine.errors import ScheduleError
from keystage.engine.planfile import parse_plan

PLAN = """[project]
start = {start}

[[activities]]
id = "a"
name = "A"
duration = {duration}

[[activities]]
id = "b"
name = "B"
duration = "1d"
predecessors = ["a FS{lag}"]
"""


def _plan(start: str = "2027-01-04", duration: str = '"3d"', lag: str = "+1d") -> str:
    return PLAN.format(start=start, duration=duration, lag=lag)


def test_a_plausible_plan_parses() -> None:
    project, _ = parse_plan(_plan())
    assert len(project.activities) == 2


@pytest.mark.parametrize(
    "duration", ['"99999999999999d"', "1e308", "99999999999999999999999", "nan", "inf", '"3651ed"']
)
def test_extreme_durations_are_refused_quickly(duration: str) -> None:
    started = time.thread_time()
    with pytest.raises(ScheduleError, match=r"activities\[0\] \(a\)\.duration: .*ten years"):
        parse_plan(_plan(duration=duration))
    assert time.thread_time() - started < 1


@pytest.mark.parametrize("lag", ["-99999999999d", "+50000000w", "+9999999999999999999999h"])
def test_extreme_lags_are_refused(lag: str) -> None:
    with pytest.raises(ScheduleError, match="ten years"):
        parse_plan(_plan(lag=lag))


@pytest.mark.parametrize("start", ["0001-01-01", "9999-12-31", "1989-12-31", "2201-01-01"])
def test_implausible_start_dates_are_refused(start: str) -> None:
    with pytest.raises(ScheduleError, match=r"project\.start: Enter a date between 1 Jan 1990"):
        parse_plan(_plan(start=start))
