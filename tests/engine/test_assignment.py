"""Assignment: candidate ranking with reasons, staffing errors, joint assignment."""

from __future__ import annotations

import pytest

from keystage.engine.assignment import (
    Busy,
    Need,
    Person,
    SkillNeed,
    assign_activities,
    candidate_duration,
    rank_candidates,
)
from keystage.engine.rcpsp.errors import InfeasibleDemandError

ANN = Person("ann", {"python": 5}, 1.0, 100.0)
BOB = Person("bob", {"python": 3}, 1.0, 50.0)
CAT = Person("cat", {"python": 2, "sql": 4}, 0.5, 40.0)


def test_seniors_are_faster() -> None:
    need = Need("api", 48, (SkillNeed("python", 2),))
    assert candidate_duration(ANN, need, 8) == 5  # 48 / (8 * 1.4) = 4.3
    assert candidate_duration(BOB, need, 8) == 6
    assert candidate_duration(CAT, need, 8) == 15  # half time and junior: 48 / (8*0.5*0.8)


def test_ranking_explains_itself_and_lists_ineligible_last() -> None:
    need = Need("api", 40, (SkillNeed("python", 3),), window=(0, 10))
    ranked = rank_candidates(need, [CAT, BOB, ANN])
    assert [c.person for c in ranked] == ["ann", "bob", "cat"]
    assert not ranked[-1].eligible
    assert ranked[-1].reasons[0].detail == "python level 2 < 3"
    factors = {r.factor: r for r in ranked[0].reasons}
    assert set(factors) == {"skill", "free_capacity", "load", "cost"}
    assert factors["skill"].value == 1.0 and "level 5" in factors["skill"].detail
    assert ranked[0].score == pytest.approx(sum(r.points for r in ranked[0].reasons), abs=1e-6)
    assert {r.factor: r.value for r in ranked[1].reasons}["cost"] == 1.0  # bob is cheapest


def test_busy_person_loses_free_capacity() -> None:
    busy_ann = Person("ann", {"python": 5}, 1.0, 50.0, busy=(Busy(0, 10, 1.0, "other"),))
    need = Need("api", 40, (SkillNeed("python", 3),), window=(0, 10))
    ranked = rank_candidates(need, [busy_ann, BOB])
    assert ranked[0].person == "bob"
    ann = next(c for c in ranked if c.person == "ann")
    assert {r.factor: r.value for r in ann.reasons}["free_capacity"] == 0.0


def test_skill_nobody_has_names_activity_and_skill() -> None:
    with pytest.raises(InfeasibleDemandError) as err:
        rank_candidates(Need("ml", 8, (SkillNeed("pytorch", 2),)), [ANN, BOB])
    assert (err.value.activity, err.value.resource) == ("ml", "pytorch")


def test_named_person_errors() -> None:
    with pytest.raises(InfeasibleDemandError, match="no such person"):
        rank_candidates(Need("x", 8, person="zed"), [ANN])
    with pytest.raises(InfeasibleDemandError, match="capacity is zero"):
        rank_candidates(Need("x", 8, person="ann"), [Person("ann", {}, 0.0)])


def test_joint_assignment_balances_finish_and_cost() -> None:
    needs = [Need(f"t{k}", 40, (SkillNeed("python", 3),)) for k in range(2)]
    fast = assign_activities(needs, [ANN, BOB], finish_weight=10_000, time_limit=5, num_workers=1)
    assert {a.person for a in fast.assignments} == {"ann", "bob"}  # in parallel
    assert fast.finish == 5
    cheap = assign_activities(
        needs, [ANN, BOB], finish_weight=0, cost_weight=1, load_weight=0, time_limit=5
    )
    assert {a.person for a in cheap.assignments} == {"bob"}
    assert cheap.cost == pytest.approx(2 * 40 * 50)
    assert cheap.status == "optimal"
