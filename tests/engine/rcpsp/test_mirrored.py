"""The time-mirrored problem: the GA's backward island solves it, its schedules read back.

A schedule of the mirrored problem, read from its end and moved early, must be a
feasible schedule of the original and no longer, for every link type and lag; problems
whose data do not mirror (releases, deadlines, maximum lags, capacity that
changes over time) get no mirror.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keystage.engine.network import Link, LinkType
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.errors import NoFeasibleScheduleError
from keystage.engine.rcpsp.ga import mirrored_problem, solve_ga, unmirrored
from keystage.engine.rcpsp.problem import Load, MaxLag, Problem, Renewable
from keystage.engine.rcpsp.psplib_io import read_psplib
from tests.engine.rcpsp.jobs import act, problem_of
from tests.engine.rcpsp.test_properties import problems


def _constant_capacity(p: Problem) -> Problem:
    return replace(p, renewables=tuple(replace(r, loads=()) for r in p.renewables))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 1000))
def test_mirrored_schedules_read_back_are_feasible_with_the_same_makespan(
    p: Problem, seed: int
) -> None:
    """All four link types with leads and lags, several modes, a consumable budget."""
    p = _constant_capacity(p)
    mirror = mirrored_problem(p)
    assert mirror is not None
    assert len(mirror.links) == len(p.links)
    try:
        mirrored = solve_ga(mirror, seed=seed, schedules=400, elite_size=3)
    except NoFeasibleScheduleError:  # a tight budget may be out of reach in 400 schedules
        return
    back = unmirrored(p, mirrored)
    assert schedule_violations(p, back.schedule) == []
    assert back.schedule.makespan(p) == back.makespan <= mirrored.makespan
    assert min(back.schedule.starts) == 0
    for other in back.elite:
        assert schedule_violations(p, other) == []


def test_links_are_reversed_and_start_and_finish_links_exchanged() -> None:
    p = problem_of(
        (act("a", 2, R=1), act("b", 3, R=1), act("c", 1, R=1), act("d", 2)),
        (
            Link("a", "b", LinkType.FS, 1),
            Link("a", "c", LinkType.SS, 2),
            Link("b", "d", LinkType.FF, -1),
            Link("c", "d", LinkType.SF, 4),
        ),
        (Renewable("R", 1),),
    )
    mirror = mirrored_problem(p)
    assert mirror is not None
    assert [(lk.pred, lk.succ, lk.type, lk.lag) for lk in mirror.links] == [
        ("b", "a", LinkType.FS, 1),
        ("c", "a", LinkType.FF, 2),
        ("d", "b", LinkType.SS, -1),
        ("d", "c", LinkType.SF, 4),
    ]
    assert mirror.activities == p.activities and mirror.modes == p.modes


def test_problems_that_do_not_mirror_get_none() -> None:
    jobs = (act("a", 2, R=1), act("b", 3, R=1))
    fs = (Link("a", "b"),)
    plain = problem_of(jobs, fs, (Renewable("R", 1),))
    assert mirrored_problem(plain) is not None
    loaded = problem_of(jobs, fs, (Renewable("R", 1, (Load(0, 2, 1),)),))
    assert mirrored_problem(loaded) is None
    assert mirrored_problem(replace(plain, releases={"a": 1})) is None
    assert mirrored_problem(replace(plain, deadlines={"b": 9})) is None
    assert mirrored_problem(replace(plain, max_lags=(MaxLag("a", "b", 4),))) is None


def test_the_backward_island_reads_back_a_psplib_schedule(psplib_dir: Path) -> None:
    """On a real instance the mirrored search gives a feasible schedule for the original."""
    p = read_psplib(psplib_dir / "j30" / "j301_1.sm")
    mirror = mirrored_problem(p)
    assert mirror is not None
    back = unmirrored(p, solve_ga(mirror, seed=0, schedules=3000))
    assert schedule_violations(p, back.schedule) == []
    assert back.makespan == back.schedule.makespan(p) == 43  # j301_1's optimum
