"""Plan-as-code writer: TOML → engine → TOML keeps every field the plan format knows."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

import numpy as np
import pytest

from keystage.engine.calendars import Calendar, Shift
from keystage.engine.cpm import schedule
from keystage.engine.network import (
    Activity,
    Baseline,
    BaselineEntry,
    ConstraintType,
    Kind,
    LagUnit,
    Link,
    LinkType,
    Project,
)
from keystage.engine.planfile import parse_plan
from keystage.engine.planwrite import quote, to_toml
from tests.engine.netgen import random_project


def _calendars(project: Project) -> dict[str, tuple[object, ...]]:
    return {
        c.id: (c.name, c.week, sorted(c.exceptions, key=lambda e: e.day)) for c in project.calendars
    }


def _same(a: Project, b: Project) -> None:
    assert a.start == b.start and a.calendar == b.calendar and a.data_date == b.data_date
    assert a.activities == b.activities
    assert a.links == b.links
    assert a.baselines == b.baselines
    theirs = _calendars(b)
    for cid, value in _calendars(a).items():
        assert theirs[cid] == value


RICH = Project(
    start=datetime(2027, 3, 1, 8, 0),
    activities=(
        Activity("S", 'Phase "one" \\ ünï', kind=Kind.SUMMARY),
        Activity("A", "Design\tdraft", 960, parent="S", work=16.5, cost=1200.25),
        Activity(
            "B",
            "Build",
            2400,
            parent="S",
            calendar="crew",
            constraint=ConstraintType.FNLT,
            constraint_date=datetime(2027, 4, 2, 17, 0),
            deadline=datetime(2027, 4, 9, 0, 0),
        ),
        Activity(
            "C",
            "Cure",
            4320,
            elapsed=True,
            actual_start=datetime(2027, 3, 1, 8, 0),
            percent_complete=37.5,
            remaining=2000,
        ),
        Activity("M", "Go live", kind=Kind.MILESTONE, constraint=ConstraintType.ALAP),
    ),
    links=(
        Link("A", "B", LinkType.FS, -120),
        Link("A", "C", LinkType.SS, 36 * 60, LagUnit.ELAPSED),
        Link("B", "M", LinkType.FF, 50, LagUnit.PERCENT),
        Link("C", "M", LinkType.SF, 0.5),
    ),
    calendars=(
        Calendar("standard", name="Standard"),
        Calendar("crew", name="Crew", week=((),) * 5 + ((Shift(0, 1440),),) * 2),
    ),
    data_date=datetime(2027, 3, 3, 0, 0),
    baselines=(
        Baseline(
            "approved",
            (BaselineEntry("A", datetime(2027, 3, 1, 8), datetime(2027, 3, 2, 17), 960),),
        ),
        Baseline("empty"),
    ),
)


def test_every_field_survives_the_round_trip() -> None:
    text = to_toml(RICH, title="Rich plan", baseline="approved")
    back, baseline = parse_plan(text)
    assert baseline == "approved"
    _same(RICH, back)
    assert to_toml(back) == to_toml(RICH)


@pytest.mark.parametrize("seed", range(12))
def test_random_networks_round_trip_with_the_same_dates(seed: int) -> None:
    project = random_project(np.random.default_rng(seed), 60, mixed=True)
    project = replace(project, data_date=None)
    back, _ = parse_plan(to_toml(project))
    _same(project, back)
    ours, theirs = schedule(project), schedule(back)
    assert [(a.start, a.finish, a.total_float) for a in ours.activities] == [
        (a.start, a.finish, a.total_float) for a in theirs.activities
    ]


def test_strings_are_escaped_for_toml() -> None:
    assert quote('a"b\\c\x00\x7f\n') == '"a\\"b\\\\c\\u0000\\u007f\\u000a"'
    back, _ = parse_plan(to_toml(RICH))
    assert back.activities[0].name == 'Phase "one" \\ ünï'


def test_max_lags_survive_the_round_trip_in_every_unit() -> None:
    links = (
        Link("A", "B", LinkType.FS, 0, LagUnit.WORKING, 960),
        Link("A", "C", LinkType.SS, 60, LagUnit.ELAPSED, 36 * 60),
        Link("B", "C", LinkType.FF, 10, LagUnit.PERCENT, 50),
    )
    acts = tuple(Activity(x, duration=480) for x in "ABC")
    project = Project(datetime(2027, 3, 1, 8), acts, links)
    text = to_toml(project)
    assert "max_lag = 960\n" in text and 'max_lag = "2160em"' in text
    assert 'max_lag = "50%"' in text
    back, _ = parse_plan(text)
    assert back.links == links
