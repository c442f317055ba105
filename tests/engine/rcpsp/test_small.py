"""Hand-checked small problems solved by the heuristic and by CP-SAT."""

from __future__ import annotations

import pytest

from keystage.engine.network import Link, LinkType
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.cpsat.solve import Status, optimise
from keystage.engine.rcpsp.heuristic import solve_heuristic
from keystage.engine.rcpsp.problem import (
    Load,
    Mode,
    NonRenewable,
    Problem,
    Renewable,
)
from tests.engine.rcpsp.jobs import act, job, problem_of


def both(problem: Problem) -> tuple[int, int]:
    h = solve_heuristic(problem, seed=1)
    o = optimise(problem, time_limit=5, num_workers=1, seed=1)
    assert schedule_violations(problem, h.schedule) == []
    assert o.schedule is not None and schedule_violations(problem, o.schedule) == []
    assert o.status is Status.OPTIMAL and o.gap == 0
    return h.makespan, o.makespan or 0


def test_shared_unit_resource_serialises() -> None:
    p = problem_of((act("a", 3, dev=1), act("b", 4, dev=1)), renewables=(Renewable("dev", 1),))
    assert both(p) == (7, 7)


def test_capacity_two_runs_in_parallel() -> None:
    p = problem_of((act("a", 3, dev=1), act("b", 4, dev=1)), renewables=(Renewable("dev", 2),))
    assert both(p) == (4, 4)


def test_resource_conflict_beats_critical_path() -> None:
    # a(2)->c(2) is the critical chain, b(3) competes with a for the only tester.
    p = problem_of(
        (act("a", 2, qa=1), act("b", 3, qa=1), act("c", 2)),
        (Link("a", "c"),),
        renewables=(Renewable("qa", 1),),
    )
    h, o = both(p)
    assert o == 5  # a then b on the tester, c after a: max(2+2, 5)
    assert h == 5


@pytest.mark.parametrize(
    ("kind", "lag", "start_b"),
    [(LinkType.FS, 1, 5), (LinkType.SS, 2, 2), (LinkType.FF, 0, 2), (LinkType.SF, 3, 1)],
)
def test_link_types_place_the_successor(kind: LinkType, lag: int, start_b: int) -> None:
    p = problem_of((act("a", 4), act("b", 2)), (Link("a", "b", kind, lag),))
    o = optimise(p, time_limit=5, num_workers=1)
    assert o.schedule is not None
    assert o.schedule.starts == (0, start_b)


def test_existing_load_delays_the_activity() -> None:
    ann = Renewable("ann", 1, (Load(0, 3, 1, "other project"),))
    p = problem_of((act("a", 2, ann=1),), renewables=(ann,))
    h, o = both(p)
    assert (h, o) == (5, 5)


def test_multi_mode_picks_fast_mode_within_budget() -> None:
    # Each activity: fast (2 periods, 3 budget units) or slow (5 periods, 1 unit); budget 4.
    modes = (Mode(2, {"money": 3}, label="senior"), Mode(5, {"money": 1}, label="junior"))
    p = problem_of(
        (job("a", modes), job("b", modes)),
        (Link("a", "b"),),
        nonrenewables=(NonRenewable("money", 4),),
    )
    h, o = both(p)
    assert o == 7  # one senior, one junior
    assert h >= 7


def test_multi_mode_with_renewables_uses_both_people() -> None:
    two = (Mode(2, {"sam": 1}, label="sam"), Mode(3, {"kim": 1}, label="kim"))
    p = problem_of(
        (job("a", two), job("b", two)),
        renewables=(Renewable("sam", 1), Renewable("kim", 1)),
    )
    assert both(p)[1] == 3


def test_solvers_never_pick_an_unusable_mode() -> None:
    a = job("pour", (Mode(1, {"crane": 5}), Mode(3, {"crane": 1})))
    p = problem_of((a, act("b", 2, crane=2)), renewables=(Renewable("crane", 2),))
    h, o = both(p)
    assert (h, o) == (5, 5)
    assert optimise(p, time_limit=2, num_workers=1).schedule.modes[0] == 1  # type: ignore[union-attr]


def test_budgets_that_cannot_hold_together_give_infeasible_status() -> None:
    # Each budget alone can be met, but not both: mode 0 spends gold, mode 1 spends silver.
    modes = (Mode(1, {"gold": 2}), Mode(1, {"silver": 2}))
    p = problem_of(
        (job("a", modes), job("b", modes)),
        nonrenewables=(NonRenewable("gold", 2), NonRenewable("silver", 2)),
    )
    p2 = problem_of(
        (job("a", modes), job("b", modes), job("c", modes)),
        nonrenewables=(NonRenewable("gold", 2), NonRenewable("silver", 2)),
    )
    assert optimise(p, time_limit=2, num_workers=1).makespan == 1
    res = optimise(p2, time_limit=2, num_workers=1)
    assert res.status is Status.INFEASIBLE and res.schedule is None and res.gap == 1.0


def test_heuristic_deadline_stops_new_starts_but_runs_the_first() -> None:
    acts = tuple(act(f"a{i}", 1 + i % 3, r=1 + i % 2) for i in range(8))
    problem = problem_of(acts, renewables=(Renewable("r", 2),))
    full = solve_heuristic(problem, iterations=12, seed=0)
    cut = solve_heuristic(problem, iterations=12, seed=0, deadline=0.0)  # long passed
    assert full.evaluations == 12
    assert cut.evaluations == 1
    assert schedule_violations(problem, cut.schedule) == []
    assert cut.makespan >= full.makespan
