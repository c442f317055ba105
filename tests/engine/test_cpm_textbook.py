"""Hand-checked networks: every link type, lags, constraints, every date and float."""

from __future__ import annotations

from datetime import datetime

import pytest

from keystage.engine.calendars import Calendar, Shift
from keystage.engine.cpm import schedule
from keystage.engine.network import (
    Activity,
    ConstraintType,
    Kind,
    LagUnit,
    Link,
    LinkType,
    Project,
)

DAY = 480
SEVEN_DAYS = Calendar("7d", ((Shift(480, 960),),) * 7)
C = ConstraintType


def at(day: int, hour: int = 8) -> datetime:
    return datetime(2024, 1, day, hour)


def textbook() -> Project:
    """A 7-day week of 8 hours (08:00-16:00) so that days are easy to count."""
    acts = (
        Activity("A", duration=3 * DAY),
        Activity("B", duration=4 * DAY),
        Activity("C", duration=2 * DAY),
        Activity("D", duration=5 * DAY),
        Activity("F", duration=2 * DAY),
        Activity("M", kind=Kind.MILESTONE),
    )
    links = (
        Link("A", "B", LinkType.FS, DAY),
        Link("A", "C", LinkType.SS, 2 * DAY),
        Link("B", "D", LinkType.FF),
        Link("C", "D", LinkType.FS),
        Link("C", "F", LinkType.SF, 3 * DAY),
        Link("D", "M"),
        Link("F", "M"),
    )
    return Project(at(1), acts, links, (SEVEN_DAYS,), "7d")


# id: (ES day, EF day, LS day, LF day, total float days, free float days) as day offsets
EXPECTED = {
    "A": (0, 3, 0, 3, 0, 0),
    "B": (4, 8, 5, 9, 1, 1),
    "C": (2, 4, 2, 4, 0, 0),
    "D": (4, 9, 4, 9, 0, 0),
    "F": (3, 5, 7, 9, 4, 4),
    "M": (9, 9, 9, 9, 0, 0),
}


def start_of(day_offset: int) -> datetime:
    return at(1 + day_offset)


def finish_of(day_offset: int) -> datetime:
    return at(day_offset, 16)  # end of the previous working day


@pytest.mark.parametrize("activity", sorted(EXPECTED))
def test_textbook_dates_and_floats(activity: str) -> None:
    result = schedule(textbook())[activity]
    es, ef, ls, lf, tf, ff = EXPECTED[activity]
    milestone = activity == "M"
    assert result.early_start == (finish_of(es) if milestone else start_of(es))
    assert result.early_finish == finish_of(ef)
    assert result.late_start == (finish_of(ls) if milestone else start_of(ls))
    assert result.late_finish == finish_of(lf)
    assert result.total_float == tf * DAY
    assert result.free_float == ff * DAY


def test_textbook_critical_path_drivers_and_finish() -> None:
    result = schedule(textbook())
    assert result.finish == finish_of(9)
    assert result.critical_path == ("A", "C", "D", "M")
    assert result.longest_path == ("A", "C", "D", "M")
    assert result["D"].driver == "link C→D FS"
    assert result["B"].driver == "link A→B FS+480"
    assert result["A"].driver == "project start"
    assert result["F"].driver == "link C→F SF+1440"


def chain(constraint: C = C.ASAP, when: datetime | None = None) -> Project:
    """X(2d) -> Y(3d) -> Z(1d) beside W(8d), on the standard Mon-Fri 8-12/13-17 calendar."""
    acts = (
        Activity("X", duration=2 * DAY),
        Activity("Y", duration=3 * DAY, constraint=constraint, constraint_date=when),
        Activity("Z", duration=DAY),
        Activity("W", duration=8 * DAY),
    )
    return Project(at(1), acts, (Link("X", "Y"), Link("Y", "Z")))


# Standard calendar from Monday 2024-01-01: position p (minutes) -> day p // 480.
CONSTRAINT_CASES = {
    # constraint: (date, ES(Y), LS(Y), TF(X), TF(Y), TF(Z), project finish)
    C.ASAP: (None, 960, 1920, 960, 960, 960, 3840),
    C.SNET: (at(4), 1440, 1920, 960, 480, 480, 3840),
    C.SNLT: (at(2), 480, 480, -480, 0, 1440, 3840),
    C.FNET: (at(9, 17), 1920, 1920, 960, 0, 0, 3840),
    C.FNLT: (at(4, 17), 480, 480, -480, 0, 1440, 3840),
    C.MSO: (at(8), 2400, 2400, 1440, 0, 0, 4320),
    C.MFO: (at(5, 17), 960, 960, 0, 0, 960, 3840),
    C.ALAP: (None, 960, 1920, 960, 0, 0, 3840),
}


@pytest.mark.parametrize("constraint", list(CONSTRAINT_CASES))
def test_constraints(constraint: C) -> None:
    when, es_y, ls_y, tf_x, tf_y, tf_z, finish = CONSTRAINT_CASES[constraint]
    project = chain(constraint, when)
    result = schedule(project)
    cal = Calendar("standard").index(datetime(2024, 1, 1).date(), 30)

    def pos(value: datetime) -> int:
        return int(cal.position(cal.instant_of(value)))

    assert pos(result["Y"].early_start) == es_y
    assert pos(result["Y"].late_start) == ls_y
    assert (result["X"].total_float, result["Y"].total_float) == (tf_x, tf_y)
    assert result["Z"].total_float == tf_z
    assert pos(result.finish) == finish
    if constraint is C.ALAP:
        assert pos(result["Y"].start) == ls_y  # scheduled as late as possible
        assert pos(result["Z"].early_start) == ls_y + 3 * DAY
    if constraint in (C.SNLT, C.FNLT):
        assert result["X"].critical and result["X"].total_float < 0
        assert result["Y"].driver == "constraint"


def test_constraint_dates_as_datetimes() -> None:
    result = schedule(chain(C.SNET, at(4)))
    assert result["Y"].early_start == at(4)
    assert result["Y"].early_finish == at(8, 17)
    assert result["Z"].early_start == at(9)
    assert result["W"].late_finish == at(10, 17)
    assert result["X"].free_float == DAY


def test_percent_and_negative_lags() -> None:
    acts = (
        Activity("P", duration=4 * DAY),
        Activity("Q", duration=DAY),
        Activity("R", duration=DAY),
    )
    links = (
        Link("P", "Q", LinkType.SS, 50, LagUnit.PERCENT),
        Link("P", "R", LinkType.FS, -DAY),
    )
    result = schedule(Project(at(1), acts, links))
    assert result["Q"].early_start == at(3)  # half of 4 days after P starts
    assert result["R"].early_start == at(4)  # one day before P ends
    assert result["Q"].total_float == DAY and result["R"].total_float == 0


def test_milestone_after_finish_sits_at_end_of_day() -> None:
    acts = (
        Activity("A", duration=DAY),
        Activity("M", kind=Kind.MILESTONE),
        Activity("B", duration=DAY),
    )
    result = schedule(Project(at(1), acts, (Link("A", "M"), Link("A", "B"))))
    assert result["M"].early_start == at(1, 17)
    assert result["B"].early_start == at(2)
    assert result["M"].total_float == DAY


def test_deadline_creates_negative_float_without_moving_dates() -> None:
    acts = (Activity("A", duration=3 * DAY, deadline=at(2, 17)),)
    result = schedule(Project(at(1), acts))
    assert result["A"].early_finish == at(3, 17)
    assert result["A"].total_float == -DAY
    assert result["A"].critical


def test_late_dates_name_their_drivers() -> None:
    result = schedule(textbook())
    assert result["A"].late_driver == "link A→C SS+960"  # tighter than A→B FS+480
    assert result["B"].late_driver == "link B→D FF"
    assert result["C"].late_driver == "link C→D FS"
    assert result["M"].late_driver == "project finish"
    assert schedule(chain(C.MFO, at(5, 17)))["Y"].late_driver == "constraint"
    assert schedule(chain(C.SNLT, at(2)))["Y"].late_driver == "constraint"
    deadline = Project(at(1), (Activity("A", duration=3 * DAY, deadline=at(2, 17)),))
    assert schedule(deadline)["A"].late_driver == "deadline"
