"""Precedence-energy distances and the earliest-finish choice of person."""

from __future__ import annotations

from pathlib import Path

from keystage.engine.network import Link, LinkType
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.closure import compute_distances
from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.heuristic import solve_heuristic
from keystage.engine.rcpsp.problem import Mode, Problem, Renewable
from keystage.engine.rcpsp.psplib_io import read_bounds_csv, read_psplib
from keystage.engine.rcpsp.sgs import serial_sgs
from tests.engine.rcpsp.jobs import act, job, problem_of


def diamond() -> Problem:
    # s -> {a, b, c} -> t; a, b, c all need the only developer for 2, 3 and 4 periods.
    acts = (act("s", 1), act("a", 2, dev=1), act("b", 3, dev=1), act("c", 4, dev=1), act("t", 1))
    links = tuple(Link("s", x) for x in "abc") + tuple(Link(x, "t") for x in "abc")
    return problem_of(acts, links, (Renewable("dev", 1),))


def test_delay_between_counts_the_work_in_between() -> None:
    p = diamond()
    c = Compiled(p)
    d = compute_distances(c, p.topological_order)
    s, a, t = p.index["s"], p.index["a"], p.index["t"]
    assert d.after[s, t] and d.after[s, a] and not d.after[a, p.index["b"]]
    assert d.dist[s, t] == 1 + 4  # the longest chain s -> c -> t
    assert d.delay[s, t] == 2 + 3 + 4  # one developer does a, b and c between s and t
    assert d.head[t] == 1 + 9 and d.tail[s] == 9 + 1
    assert d.lower_bound == 1 + 9 + 1


def test_generalised_links_get_no_energy_reasoning() -> None:
    p = problem_of(
        (act("a", 2, dev=1), act("b", 3, dev=1)),
        (Link("a", "b", LinkType.SS, 1),),
        (Renewable("dev", 1),),
    )
    d = compute_distances(Compiled(p), p.topological_order)
    assert not d.energetic and d.dist[0, 1] == 1 and d.lower_bound == 4


def test_bound_never_exceeds_the_optimum_on_j30(psplib_dir: Path) -> None:
    bounds = read_bounds_csv(psplib_dir / "solutions" / "bounds.csv")
    for path in sorted((psplib_dir / "j30").glob("j301*_1.sm")):
        p = read_psplib(path)
        d = compute_distances(Compiled(p), p.topological_order)
        assert d.lower_bound <= bounds[p.name].best_known


def two_people() -> Problem:
    # Three one-person activities, each can be done by ann or bob (same duration).
    acts = tuple(
        job(x, (Mode(3, {"ann": 1}, label="ann"), Mode(3, {"bob": 1}, label="bob"))) for x in "xyz"
    )
    return problem_of(acts, renewables=(Renewable("ann", 1), Renewable("bob", 1)))


def test_serial_scheme_gives_the_activity_to_whoever_finishes_first() -> None:
    p = two_people()
    c = Compiled(p)
    modes = [0, 0, 0]
    starts = serial_sgs(c, [0, 1, 2], modes, choose=True)
    assert modes == [0, 1, 0] and starts == [0, 0, 3]
    fixed = serial_sgs(c, [0, 1, 2], [0, 0, 0])
    assert fixed == [0, 3, 6]


def test_heuristic_balances_alternatives_without_budgets() -> None:
    p = two_people()
    h = solve_heuristic(p, seed=0)
    assert schedule_violations(p, h.schedule) == []
    assert h.makespan == 6
