"""Progress with a data date (retained logic), baselines and WBS roll-up."""

from __future__ import annotations

from datetime import datetime

from keystage.engine.cpm import schedule
from keystage.engine.network import (
    Activity,
    Baseline,
    BaselineEntry,
    Kind,
    Link,
    Project,
)

DAY = 480


def at(day: int, hour: int = 8) -> datetime:
    return datetime(2024, 1, day, hour)


def progressed() -> Project:
    acts = (
        Activity("S", kind=Kind.SUMMARY),
        Activity("X", duration=2 * DAY, parent="S", actual_start=at(1), actual_finish=at(2, 17),
                 work=16, cost=800),
        Activity("Y", duration=3 * DAY, parent="S", actual_start=at(3), percent_complete=50,
                 work=24, cost=1200),
        Activity("Z", duration=DAY),
        Activity("W", duration=DAY),
    )  # fmt: skip
    baseline = Baseline("plan", (BaselineEntry("Z", at(4), at(4, 17), DAY),))
    return Project(
        at(1), acts, (Link("X", "Y"), Link("Y", "Z")), data_date=at(3, 12), baselines=(baseline,)
    )


def test_remaining_work_starts_at_the_data_date() -> None:
    result = schedule(progressed())
    assert result["Y"].early_start == at(3)  # the actual start is reported
    assert result["Y"].early_finish == at(4, 17)  # 50 % left = 720 min from Jan 3 13:00
    assert result["Z"].early_start == at(5)
    assert result["W"].early_start == at(3, 13)  # not before the data date
    assert result["W"].total_float == 720
    assert result["Y"].total_float == 0 and result["Y"].critical


def test_finished_work_is_fixed_and_not_critical() -> None:
    result = schedule(progressed())
    x = result["X"]
    assert (x.early_start, x.early_finish) == (at(1), at(2, 17))
    assert not x.critical
    assert x.driver == "actual start"


def test_out_of_sequence_progress_keeps_logic() -> None:
    acts = (Activity("P", duration=2 * DAY), Activity("Q", duration=2 * DAY, actual_start=at(2),
            remaining=DAY))  # fmt: skip
    result = schedule(Project(at(1), acts, (Link("P", "Q"),), data_date=at(3)))
    assert result["P"].early_start == at(3)
    assert result["Q"].early_start == at(2)
    assert result["Q"].early_finish == at(5, 17)  # remaining day waits for P


def test_baseline_variance() -> None:
    result = schedule(progressed(), baseline="plan")
    z = result["Z"]
    assert (z.start_variance, z.finish_variance, z.duration_variance) == (DAY, DAY, 0)
    assert result["W"].start_variance is None


def test_summary_rolls_up_dates_work_and_cost() -> None:
    result = schedule(progressed())
    s = result["S"]
    assert (s.start, s.finish) == (at(1), at(4, 17))
    assert s.duration == 4 * DAY
    assert (s.work, s.cost) == (40, 2000)
    assert s.critical
    assert s.driver == "children"
