"""Problem validation: malformed data and infeasible demands name their culprit."""

from __future__ import annotations

import datetime as dt

import pytest

from keystage.engine.network import Activity, Kind, LagUnit, Link, LinkType, Project
from keystage.engine.rcpsp.compiled import link_delta
from keystage.engine.rcpsp.errors import (
    InfeasibleDemandError,
    PrecedenceCycleError,
    ProblemDefinitionError,
)
from keystage.engine.rcpsp.problem import (
    Load,
    Mode,
    NonRenewable,
    Problem,
    Renewable,
)
from tests.engine.rcpsp.jobs import act, job, problem_of


def test_cycle_lists_its_activities() -> None:
    with pytest.raises(PrecedenceCycleError) as err:
        problem_of(
            (act("a", 1), act("b", 1), act("c", 1)),
            (Link("a", "b"), Link("b", "c"), Link("c", "a")),
        )
    assert set(err.value.activities) == {"a", "b", "c"}
    assert "a" in str(err.value) and "->" in str(err.value)


def test_demand_above_capacity_names_activity_and_resource() -> None:
    with pytest.raises(InfeasibleDemandError) as err:
        problem_of((act("dig", 2, crane=3),), renewables=(Renewable("crane", 2),))
    assert (err.value.activity, err.value.resource) == ("dig", "crane")
    assert "capacity is 2" in str(err.value)


def test_zero_capacity_is_its_own_reason() -> None:
    with pytest.raises(InfeasibleDemandError, match="capacity is zero"):
        problem_of((act("x", 2, ann=1),), renewables=(Renewable("ann", 0),))


def test_budget_too_small_for_any_mode_choice() -> None:
    a = job("pour", (Mode(2, {"concrete": 5}), Mode(4, {"concrete": 4})))
    b = act("wall", 1, concrete=3)
    with pytest.raises(InfeasibleDemandError) as err:
        problem_of((a, b), nonrenewables=(NonRenewable("concrete", 6),))
    assert err.value.resource == "concrete"


def test_unknown_references_and_duplicates() -> None:
    with pytest.raises(ProblemDefinitionError, match="unknown resource"):
        problem_of((act("a", 1, ghost=1),))
    with pytest.raises(ProblemDefinitionError, match="unknown activity"):
        problem_of((act("a", 1),), (Link("a", "zz"),))
    with pytest.raises(ProblemDefinitionError, match="duplicate"):
        problem_of((act("a", 1), act("a", 2)))
    with pytest.raises(ProblemDefinitionError):
        Mode(-1)


def test_link_deltas_cover_all_types() -> None:
    assert link_delta(Link("a", "b", LinkType.FS, 2), 5, 3) == 7
    assert link_delta(Link("a", "b", LinkType.SS, 2), 5, 3) == 2
    assert link_delta(Link("a", "b", LinkType.FF, 2), 5, 3) == 4
    assert link_delta(Link("a", "b", LinkType.SF, 2), 5, 3) == -1


def test_link_lags_must_be_whole_periods() -> None:
    with pytest.raises(ProblemDefinitionError, match="whole periods"):
        problem_of((act("a", 1), act("b", 1)), (Link("a", "b", LinkType.FS, 1.5),))
    with pytest.raises(ProblemDefinitionError, match="whole periods"):
        problem_of((act("a", 1), act("b", 1)), (Link("a", "b", lag=2, lag_unit=LagUnit.ELAPSED),))


def test_loads_reduce_the_capacity_profile() -> None:
    r = Renewable("ann", 4, (Load(1, 3, 3), Load(2, 4, 2)))
    assert r.profile(6) == [4, 1, 0, 2, 4, 4]
    assert r.last_change == 4


def test_unusable_mode_is_skipped_when_another_fits() -> None:
    a = job("pour", (Mode(1, {"crane": 5}), Mode(3, {"crane": 1})))
    p = problem_of((a,), renewables=(Renewable("crane", 2),))
    assert p.usable_modes == ((1,),)


def test_every_activity_needs_modes_and_every_mode_row_an_activity() -> None:
    with pytest.raises(ProblemDefinitionError, match="has no mode"):
        Problem((Activity("a"),), modes={})
    with pytest.raises(ProblemDefinitionError, match="has no mode"):
        Problem((Activity("a"),), modes={"a": ()})
    with pytest.raises(ProblemDefinitionError, match="unknown activity 'ghost'"):
        Problem((Activity("a"),), modes={"a": (Mode(1),), "ghost": (Mode(1),)})
    with pytest.raises(ProblemDefinitionError, match="summary"):
        Problem((Activity("s", kind=Kind.SUMMARY),), modes={"s": (Mode(1),)})


def test_problem_from_a_cpm_project_counts_periods_and_leaves_summaries_out() -> None:
    project = Project(
        dt.datetime(2026, 1, 5, 8),
        (
            Activity("phase", kind=Kind.SUMMARY),
            Activity("a", duration=480, parent="phase"),
            Activity("b", duration=960, parent="phase"),
        ),
        (Link("a", "b", lag=500), Link("a", "b", LinkType.SS, -100)),
    )
    p = Problem.from_project(
        project,
        {"a": [Mode(1, {"dev": 1})], "b": [Mode(2, {"dev": 1})]},
        minutes_per_period=480,
        renewables=(Renewable("dev", 1),),
    )
    assert [a.id for a in p.activities] == ["a", "b"]
    # Working-minute lags become whole periods, rounded up; a part-period lead is dropped.
    assert [(lk.type, lk.lag) for lk in p.links] == [(LinkType.FS, 2), (LinkType.SS, 0)]
    assert p.mode_table == ((Mode(1, {"dev": 1}),), (Mode(2, {"dev": 1}),))


def test_values_beyond_what_a_schedule_can_hold_are_refused_by_name() -> None:
    """Durations, demands, capacities, lags, dates and budgets above LARGEST: a clear error,
    not an overflow deep in the compiled schemes (a 20-digit duration in a PSPLIB file)."""
    from keystage.engine.rcpsp.problem import LARGEST, MAX_PERIODS, MaxLag

    huge = LARGEST + 1
    assert problem_of((act("a", 1, r=LARGEST),), renewables=(Renewable("r", LARGEST),))
    assert problem_of((act("a", MAX_PERIODS - 1),)).trivial_horizon() == MAX_PERIODS
    # A long plan sizes the compiled schemes' memory: its span is refused before any run.
    with pytest.raises(ProblemDefinitionError, match="could span 10,000,001 periods"):
        problem_of((act("a", MAX_PERIODS - 1), act("b", 1)))
    with pytest.raises(ProblemDefinitionError, match="could span"):
        problem_of((act("a", 1), act("b", 1)), (Link("a", "b", LinkType.FS, MAX_PERIODS),))
    with pytest.raises(ProblemDefinitionError, match="duration 1,000,000,001 is more than"):
        act("a", huge)
    with pytest.raises(ProblemDefinitionError, match="demand on 'r'"):
        act("a", 1, r=huge)
    with pytest.raises(ProblemDefinitionError, match="'r': capacity"):
        Renewable("r", huge)
    jobs = (act("a", 1), act("b", 1))
    with pytest.raises(ProblemDefinitionError, match="lag 1,000,000,001"):
        problem_of(jobs, (Link("a", "b", LinkType.FS, huge),))
    with pytest.raises(ProblemDefinitionError, match="lag -1,000,000,001"):
        problem_of(jobs, (Link("a", "b", LinkType.FS, -huge),))
    with pytest.raises(ProblemDefinitionError, match="'n': budget"):
        problem_of(jobs, nonrenewables=(NonRenewable("n", huge),))
    base = problem_of(jobs)
    with pytest.raises(ProblemDefinitionError, match="release date"):
        Problem(base.activities, base.links, modes=base.modes, releases={"a": huge})
    with pytest.raises(ProblemDefinitionError, match="maximum lag"):
        Problem(base.activities, base.links, modes=base.modes, max_lags=(MaxLag("a", "b", huge),))
