"""Errors name their culprit; calendar arithmetic over shifts, holidays and exceptions."""

from __future__ import annotations

from datetime import date, datetime

import numpy as np
import pytest

from keystage.engine.calendars import Calendar, CalendarClock, CalendarException, Shift
from keystage.engine.cpm import schedule
from keystage.engine.errors import (
    CalendarError,
    CycleError,
    DuplicateActivityError,
    ImpossibleConstraintError,
    NegativeDurationError,
    UnknownActivityError,
    UnknownCalendarError,
)
from keystage.engine.network import Activity, ConstraintType, Link, LinkType, Project

START = datetime(2024, 1, 1, 8)


def test_cycle_lists_its_activities_in_order() -> None:
    acts = tuple(Activity(x, duration=60) for x in "ABCD")
    links = (Link("A", "B"), Link("B", "C"), Link("C", "D", LinkType.SS), Link("D", "B"))
    with pytest.raises(CycleError) as info:
        schedule(Project(START, acts, links))
    cycle = info.value.cycle
    assert sorted(cycle) == ["B", "C", "D"]
    assert "B" in str(info.value) and "->" in str(info.value)


def test_self_link_is_a_cycle() -> None:
    with pytest.raises(CycleError, match="A -> A"):
        Link("A", "A")


def test_unknown_activity_in_link() -> None:
    with pytest.raises(UnknownActivityError, match="'Nope'"):
        Project(START, (Activity("A"),), (Link("A", "Nope"),))


def test_negative_duration_and_duplicates() -> None:
    with pytest.raises(NegativeDurationError, match="'A'"):
        Activity("A", duration=-5)
    with pytest.raises(DuplicateActivityError, match="'A'"):
        Project(START, (Activity("A"), Activity("A")))


def test_impossible_constraint_names_activity_and_date() -> None:
    act = Activity(
        "A",
        duration=960,
        constraint=ConstraintType.FNLT,
        constraint_date=datetime(2023, 12, 29, 12),
    )
    with pytest.raises(ImpossibleConstraintError, match=r"'A'.*2023-12-29 12:00 is before the"):
        schedule(Project(START, (act,)))


def test_finish_constraint_after_the_start_is_met_even_if_its_work_starts_before() -> None:
    # Date minus duration before the start: MS Project schedules it (it used to be refused).
    act = Activity(
        "A", duration=960, constraint=ConstraintType.FNLT, constraint_date=datetime(2024, 1, 1, 12)
    )
    result = schedule(Project(START, (act,)))
    assert result["A"].finish == datetime(2024, 1, 1, 12)
    assert result["A"].start == datetime(2023, 12, 28, 13)  # after lunch


def test_calendar_without_working_time() -> None:
    with pytest.raises(CalendarError, match=r"'never'.*no working time"):
        Calendar("never", ((),) * 7)
    with pytest.raises(UnknownCalendarError, match="'night'"):
        Project(START, (Activity("A", calendar="night"),))


def test_overlapping_shifts_are_rejected() -> None:
    with pytest.raises(CalendarError, match="overlap"):
        Calendar("bad", ((Shift(480, 720), Shift(700, 900)),) * 5 + ((), ()))


def test_positions_and_instants_with_holidays_and_extra_days() -> None:
    cal = Calendar(
        "c",
        exceptions=(
            CalendarException(date(2024, 1, 2)),  # Tuesday off
            CalendarException(date(2024, 1, 6), (Shift(540, 600),)),  # Saturday 09-10
        ),
    )
    work = cal.index(date(2024, 1, 1), 14)
    # Monday 8 h, Tuesday off, Wednesday 8 h: position 480 starts Wednesday 08:00.
    wednesday_8 = 2 * 1440 + 480
    assert int(work.instant_start(480)) == wednesday_8
    assert int(work.instant_finish(480)) == 17 * 60  # Monday 17:00
    friday_end = 4 * 1440 + 17 * 60
    assert int(work.position(friday_end)) == 4 * 480
    saturday_10 = 5 * 1440 + 600
    assert int(work.position(saturday_10)) == 4 * 480 + 60
    assert int(work.instant_start(4 * 480 + 30)) == 5 * 1440 + 570
    positions = np.array([0, 240, 241, 480])
    assert work.instant_start(positions).tolist() == [480, 780, 781, wednesday_8]


def test_clock_adds_working_and_elapsed_time() -> None:
    clock = CalendarClock(Calendar("standard"), date(2024, 1, 1))
    friday_16 = 4 * 1440 + 16 * 60
    assert clock.add(friday_16, 120) == 7 * 1440 + 9 * 60  # Monday 09:00
    assert clock.add(7 * 1440 + 9 * 60, -120) == friday_16
    assert clock.working_between(480, 1440 + 480) == 480
    assert clock.next_working(12 * 60 + 30) == 13 * 60


def test_horizon_grows_on_demand() -> None:
    clock = CalendarClock(Calendar("standard"), date(2024, 1, 1), days=7)
    far = 480 * 260 * 3  # about three years of work
    instant = clock.finish(far)
    assert clock.position(instant) == far
