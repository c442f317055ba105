"""Maximum time lags (generalised precedence): closed-form cases, errors, a property test.

Standard calendar (Mon–Fri 08–12, 13–17), project start Monday 2025-03-03 08:00; one
day is 480 working minutes.
"""

from __future__ import annotations

from datetime import datetime
from unittest.mock import Mock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keystage.engine import cpm, passes
from keystage.engine.calendars import Calendar
from keystage.engine.compiler import FROM_FINISH, TO_FINISH, compile_project
from keystage.engine.cpm import cpm_positions, schedule
from keystage.engine.errors import (
    MaxLagConflictError,
    MaxLagUnsupportedError,
    PositiveCycleError,
)
from keystage.engine.network import Activity, ConstraintType, Link, LinkType, Project
from keystage.engine.passes import (
    LevelPlan,
    Spread,
    backward_max,
    forward_max,
    positive_cycle,
    topological_levels,
)
from keystage.engine.result import ActivitySchedule
from tests.engine.netgen import random_project

D = 480
START = datetime(2025, 3, 3, 8)


def at(day: int, hour: int) -> datetime:
    """March 2025 at a whole hour."""
    return datetime(2025, 3, day, hour)


def plan(*acts: Activity, links: tuple[Link, ...]) -> dict[str, ActivitySchedule]:
    """Schedule activities and links from START; results keyed by id."""
    result = schedule(Project(START, acts, links))
    return {a.id: a for a in result.activities}


def pushed(kind: LinkType, most: float, a_days: int = 2) -> dict[str, ActivitySchedule]:
    """A (a_days) -kind, max lag-> B (1d); C (5d) -FS-> B pushes B to Monday 03-10."""
    return plan(
        Activity("A", duration=a_days * D),
        Activity("B", duration=D),
        Activity("C", duration=5 * D),
        links=(Link("A", "B", kind, max_lag=most), Link("C", "B")),
    )


def test_a_pushed_successor_pulls_its_predecessor_later() -> None:
    s = pushed(LinkType.FS, D)
    assert (s["B"].start, s["B"].finish) == (at(10, 8), at(10, 17))
    # B starts at most 1 day after A finishes: A finishes Friday 08:00 at the earliest,
    # so the 2-day A runs Wednesday-Thursday... then Friday is the one day of gap.
    assert (s["A"].start, s["A"].finish) == (at(5, 8), at(6, 17))
    assert s["A"].driver == "link A→B FS max+480"
    # A may still slip one day (to Thursday-Friday) without delaying B.
    assert s["A"].total_float == s["A"].free_float == D
    assert (s["A"].late_start, s["A"].late_finish) == (at(6, 8), at(7, 17))


def test_start_to_start_maximum_lag() -> None:
    s = pushed(LinkType.SS, D)
    assert s["A"].start == at(7, 8)  # B starts Monday: A starts Friday at the earliest


def test_finish_to_finish_maximum_lag_zero_finishes_together() -> None:
    s = pushed(LinkType.FF, 0)
    assert s["A"].finish == s["B"].finish == at(10, 17)
    assert s["A"].start == at(7, 8)


def test_start_to_finish_maximum_lag() -> None:
    s = pushed(LinkType.SF, D)
    # B finishes Monday 17:00; A may start at most one day before: Monday 08:00.
    assert s["A"].start == at(10, 8)
    assert s["A"].finish == at(11, 17)


def test_the_limit_counts_working_time_across_a_weekend() -> None:
    s = pushed(LinkType.FS, D, a_days=1)
    # B starts Monday 08:00; one working day of gap (Friday) puts A on Thursday, although
    # Thursday 17:00 to Monday 08:00 is more than three calendar days.
    assert (s["A"].start, s["A"].finish) == (at(6, 8), at(6, 17))


def test_a_maximum_lag_limits_the_successors_float() -> None:
    s = plan(
        Activity("A", duration=2 * D),
        Activity("X", duration=3 * D),
        Activity("B", duration=D),
        links=(Link("A", "X"), Link("A", "B", max_lag=D)),
    )
    # Without the limit B could slip to the project finish (3 days of float); with it
    # B may start at most one day after the critical A finishes.
    assert s["B"].start == at(5, 8)
    assert s["B"].total_float == D
    assert s["B"].late_start == at(6, 8)
    assert s["B"].late_driver == "link A→B FS max+480"
    assert s["A"].total_float == 0


def test_a_release_date_on_the_successor_pulls_the_predecessor() -> None:
    s = plan(
        Activity("A", duration=D),
        Activity("B", duration=D, constraint=ConstraintType.SNET, constraint_date=at(12, 8)),
        links=(Link("A", "B", max_lag=0),),
    )
    assert s["B"].start == at(12, 8)
    assert s["A"].finish == at(11, 17)  # "test within 0 days of the deploy"


def test_a_deadline_passed_by_the_pull_shows_as_negative_float() -> None:
    s = plan(
        Activity("A", duration=2 * D, deadline=at(4, 17)),
        Activity("B", duration=D),
        Activity("C", duration=5 * D),
        links=(Link("A", "B", max_lag=D), Link("C", "B")),
    )
    assert s["A"].finish == at(6, 17)
    assert s["A"].total_float == -2 * D


def test_an_as_late_as_possible_successor_pulls_its_predecessor() -> None:
    s = plan(
        Activity("A", duration=D),
        Activity("B", duration=D, constraint=ConstraintType.ALAP),
        Activity("C", duration=5 * D),
        links=(Link("A", "B", max_lag=D),),
    )
    assert s["B"].start == at(7, 8)  # at its late date, the project finish
    assert s["A"].start == at(5, 8)  # Thursday is the one day of gap


def test_a_positive_cycle_is_named() -> None:
    acts = (Activity("A", duration=D), Activity("B", duration=D), Activity("C", duration=3 * D))
    links = (Link("A", "B", max_lag=D), Link("A", "C"), Link("C", "B"))
    with pytest.raises(PositiveCycleError) as caught:
        schedule(Project(START, acts, links))
    error = caught.value
    assert set(error.cycle) == {"A", "B", "C"}
    assert "A→B FS max+480" in error.links and "C→B FS" in error.links
    # A→C (1 day) + C→B (3 days) - B→A (1 day of lag + A's 1 day) = 2 days gained.
    assert error.gain == 2 * D
    assert "would make" in str(error) and "start 960 working minutes after itself" in str(error)


def test_a_minimum_lag_above_the_maximum_is_a_positive_cycle() -> None:
    with pytest.raises(PositiveCycleError, match=r"A→B FS\+2400 max\+1440") as caught:
        Link("A", "B", lag=5 * D, max_lag=3 * D)
    assert caught.value.cycle == ("A", "B")
    assert caught.value.gain == 2 * D


def test_a_maximum_lag_against_a_must_start_on_is_named() -> None:
    acts = (
        Activity("A", duration=D, constraint=ConstraintType.MSO, constraint_date=at(3, 8)),
        Activity("B", duration=D),
        Activity("C", duration=5 * D),
    )
    links = (Link("A", "B", max_lag=D), Link("C", "B"))
    with pytest.raises(MaxLagConflictError) as caught:
        schedule(Project(START, acts, links))
    error = caught.value
    assert (error.activity_id, error.link) == ("A", "A→B FS max+480")
    assert error.constraint == "MSO 2025-03-03 08:00"
    assert error.excess == 3 * D  # A would have to finish Friday 08:00, not Monday 17:00


def test_a_started_predecessor_is_not_pulled() -> None:
    s = plan(
        Activity("A", duration=2 * D, actual_start=at(3, 8), percent_complete=50),
        Activity("B", duration=D),
        Activity("C", duration=5 * D),
        links=(Link("A", "B", max_lag=0), Link("C", "B")),
    )
    assert s["A"].start == at(3, 8)
    assert s["B"].start == at(10, 8)


def test_maximum_lags_off_the_project_calendar_are_refused_by_name() -> None:
    acts = (Activity("A", duration=D, elapsed=True), Activity("B", duration=D))
    with pytest.raises(MaxLagUnsupportedError, match=r"'A'.*elapsed duration"):
        schedule(Project(START, acts, (Link("A", "B", max_lag=D),)))
    acts = (Activity("A", duration=D, calendar="night"), Activity("B", duration=D))
    night = (Calendar("standard"), Calendar("night"))
    with pytest.raises(MaxLagUnsupportedError, match="calendar 'night'"):
        schedule(Project(START, acts, (Link("A", "B", max_lag=D),), night))


def test_plans_without_maximum_lags_take_the_plain_passes(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> None:
        raise AssertionError("the label-correcting passes ran for a plan without max lags")

    monkeypatch.setattr(cpm, "_MaxLags", refuse)
    project = random_project(np.random.default_rng(7), 40, constraints=False)
    assert not project.has_max_lags
    assert compile_project(project).max_link.size == 0
    assert len(schedule(project).activities) == 40


def limited(
    rng: np.random.Generator, n: int, count: int, unit: int, steps: int, *, constraints: bool = True
) -> Project:
    """A random project, ``count`` of its links limited to their lag plus ``unit`` times
    a random number of ``steps``."""
    base = random_project(rng, n, constraints=constraints)
    links = list(base.links)
    for j in rng.choice(len(links), size=min(count, len(links)), replace=False).tolist():
        k = links[j]
        links[j] = Link(
            k.pred, k.succ, k.type, k.lag, k.lag_unit, k.lag + unit * rng.integers(steps)
        )
    return Project(base.start, base.activities, tuple(links), base.calendars, base.calendar)


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 40))
def test_every_minimum_and_maximum_lag_holds(seed: int, n: int) -> None:
    project = limited(np.random.default_rng(seed), n, 3, 30, 80, constraints=False)
    c = compile_project(project)
    try:
        p = cpm_positions(c)
    except PositiveCycleError as exc:
        assert exc.gain > 0 and len(exc.cycle) >= 2
        return
    for k, link in enumerate(project.links):
        i, j = project.index[link.pred], project.index[link.succ]
        for start, finish in ((p.es, p.ef), (p.ls, p.lf)):
            gap = (finish[j] if TO_FINISH[link.type] else start[j]) - (
                finish[i] if FROM_FINISH[link.type] else start[i]
            )
            assert gap >= link.lag, (k, link)
            assert link.max_lag is None or gap <= link.max_lag, (k, link)
    assert (p.total_float >= 0).all()


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 30))
def test_with_constraints_every_limit_holds_or_a_named_error_says_why(seed: int, n: int) -> None:
    project = limited(np.random.default_rng(seed), n, 3, 60, 40)
    c = compile_project(project)
    try:
        p = cpm_positions(c)
    except PositiveCycleError as exc:
        assert exc.gain > 0
        return
    except MaxLagConflictError as exc:
        act = project.activities[project.index[exc.activity_id]]
        assert act.constraint in (
            ConstraintType.SNLT, ConstraintType.FNLT, ConstraintType.MSO, ConstraintType.MFO
        )  # fmt: skip
        assert exc.excess > 0
        return
    for link in project.links:
        if link.max_lag is None:
            continue
        i, j = project.index[link.pred], project.index[link.succ]
        gap = (p.ef[j] if TO_FINISH[link.type] else p.es[j]) - (
            p.ef[i] if FROM_FINISH[link.type] else p.es[i]
        )
        assert gap <= link.max_lag, link


@settings(max_examples=40, deadline=None)
@given(st.integers(0, 2**32 - 1), st.integers(3, 40), st.booleans())
def test_re_relaxing_what_moved_equals_full_passes(seed: int, n: int, late: bool) -> None:
    """Each round of the label-correcting passes re-relaxes only what the reverse edges
    moved; it must reach exactly the starts a full pass per round reaches (positive
    cycles included, after the same number of rounds)."""
    rng = np.random.default_rng(seed)
    project = limited(rng, n, 4, 60, 40)
    c = compile_project(project)
    level = topological_levels(c.n + 1, c.pred, c.succ)
    reverse = (c.max_pred, c.max_succ, c.max_weight)
    ahead = LevelPlan.build(level, c.succ, reverse=False)
    spread = Spread.build(ahead, c.pred, c.succ, c.weight, level)
    mask = rng.random(c.n + 1) < 0.3 if late else None
    lates = None if mask is None else (mask, c.floor + rng.integers(0, 5000, c.n + 1))
    full = forward_max(ahead, c.pred, c.weight, c.floor, c.cap, reverse, lates)
    fast = forward_max(ahead, c.pred, c.weight, c.floor, c.cap, reverse, lates, None, spread)
    assert np.array_equal(full[0], fast[0]) and full[1] == fast[1]
    behind = LevelPlan.build(level, c.pred, reverse=True)
    back = Spread.build(behind, c.succ, c.pred, c.weight, level.max() - level)
    ls_cap = np.minimum(c.ls_cap, int(full[0].max()) + 10 * D)
    fixed = c.ls_fixed if late else None
    args = (behind, c.succ, c.weight, ls_cap, reverse, fixed, c.deadline)
    assert np.array_equal(backward_max(*args), backward_max(*args, back))


def test_the_positive_cycle_search_looks_at_parents_after_doubling_rounds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    n = 300
    pred = np.arange(n - 1)
    succ, weight = pred + 1, np.ones(n - 1, dtype=np.int64)
    search = Mock(wraps=passes._parent_cycle)
    monkeypatch.setattr(passes, "_parent_cycle", search)
    assert positive_cycle(n, pred, succ, weight) == []  # a path: raised one node per round
    assert 1 < search.call_count <= 10  # rounds 1, 2, 4 ... 256 and the last (n + 1)
    # an edge back to the start gaining 1 closes a cycle first seen in the last round
    back = positive_cycle(n, np.append(pred, n - 1), np.append(succ, 0), np.append(weight, 2 - n))
    assert sorted(back) == list(range(n))
