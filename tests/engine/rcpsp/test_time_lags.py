"""Maximum time lags, release dates and deadlines: validation, CP-SAT, checker, .sch files."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path
from unittest.mock import Mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from keystage.engine.network import Activity, Link, LinkType
from keystage.engine.rcpsp import problem as problem_module
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.cpsat.solve import Status, optimise
from keystage.engine.rcpsp.errors import (
    DeadlineError,
    PrecedenceCycleError,
    ProblemDefinitionError,
    TimeLagCycleError,
)
from keystage.engine.rcpsp.ga import solve_ga
from keystage.engine.rcpsp.heuristic import solve_heuristic
from keystage.engine.rcpsp.problem import MaxLag, Mode, PeriodSchedule, Problem, Renewable
from keystage.engine.rcpsp.psplib_io import _split_arcs, read_sch, write_sch

DATA = Path(__file__).parent / "data"


def timed(
    durations: dict[str, int | tuple[int, ...]],
    links: tuple[Link, ...] = (),
    *,
    max_lags: tuple[MaxLag, ...] = (),
    releases: dict[str, int] | None = None,
    deadlines: dict[str, int] | None = None,
    capacity: int = 1,
) -> Problem:
    """Activities sharing one unit resource ``r``; a tuple of durations gives modes."""
    modes = {
        aid: tuple(Mode(x, {"r": 1}) for x in (d if isinstance(d, tuple) else (d,)))
        for aid, d in durations.items()
    }
    return Problem(
        tuple(Activity(a) for a in durations),
        links,
        (Renewable("r", capacity),),
        modes=modes,
        max_lags=max_lags,
        releases=releases or {},
        deadlines=deadlines or {},
    )


def solved(problem: Problem) -> PeriodSchedule:
    res = optimise(problem, time_limit=5, num_workers=1, seed=1)
    assert res.status is Status.OPTIMAL and res.schedule is not None
    assert schedule_violations(problem, res.schedule) == []
    return res.schedule


# ------------------------------------------------------------------ .sch instances
@pytest.mark.parametrize(
    ("name", "optimum", "without_max_lags"),
    [("maxlag_a", 10, 7), ("maxlag_b", 11, 10)],
)
def test_sch_instances_reach_their_proven_optimum(
    name: str, optimum: int, without_max_lags: int
) -> None:
    """CP-SAT proves the optimum (also found by exhaustive search); the maximum lags bind."""
    problem = read_sch(DATA / f"{name}.sch")
    assert problem.max_lags
    res = optimise(problem, time_limit=5, num_workers=1)
    assert (res.status, res.makespan, res.lower_bound) == (Status.OPTIMAL, optimum, optimum)
    assert res.schedule is not None and schedule_violations(problem, res.schedule) == []
    relaxed = optimise(replace(problem, max_lags=()), time_limit=5, num_workers=1)
    assert (relaxed.status, relaxed.makespan) == (Status.OPTIMAL, without_max_lags)


def test_exhaustive_search_finds_no_shorter_schedule_for_the_smallest() -> None:
    """Every start vector finishing by 9 breaks a rule; one finishing at 10 keeps them all."""
    problem = read_sch(DATA / "maxlag_a.sch")
    durs = [ms[0].duration for ms in problem.mode_table]
    real = range(1, len(durs) - 1)

    def feasible_within(limit: int) -> bool:
        ranges = [range(limit - durs[k] + 1) for k in real]
        for starts in itertools.product(*ranges):
            full = (0, *starts, limit)
            if not schedule_violations(problem, PeriodSchedule(full, (0,) * len(full))):
                return True
        return False

    assert not feasible_within(9)
    assert feasible_within(10)


def test_a_positive_cycle_in_an_sch_file_is_named() -> None:
    with pytest.raises(TimeLagCycleError) as err:
        read_sch(DATA / "cycle.sch")
    assert err.value.activities == ("1", "2") and err.value.excess == 1
    assert "1 -> 2 -> 1" in str(err.value)
    assert isinstance(err.value, PrecedenceCycleError)


def test_lags_that_force_a_resource_clash_are_proven_infeasible() -> None:
    """The temporal network is consistent, but no schedule fits the unit resource."""
    problem = read_sch(DATA / "clash.sch")
    res = optimise(problem, time_limit=5, num_workers=1)
    assert res.status is Status.INFEASIBLE and res.schedule is None and res.makespan is None


HEAD = "1 1 0 0\n0 1 1 1 [0]\n1 1 1 2 [1]\n2 1 0\n"  # one job between the two dummies


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("", 1, "header"),
        ("1 1 0 0\n0 1 1 1 [0]\n1 1 1 2 [x]\n", 3, "whole numbers"),
        ("1 1 0 0\n0 1 1 1 [0]\n1 1 1 2 3\n", 3, "[n]"),
        ("1 1 0 0\n0 1 1 1 [0]\n1 2 1 2 [1]\n", 3, "2 modes"),
        ("1 1 0 0\n0 1 1 5 [0]\n", 2, "no job 5"),
        (HEAD + "0 1 0 0\n1 1 2\n", 6, "1 demands"),
        (HEAD + "0 1 0 0\n1 1 2 1\n2 1 0 0\n", 8, "ends before the capacities"),
        (HEAD + "0 1 0 0\n1 1 2 1\n2 1 0 0\n1 2\n", 8, "1 cap"),
        ("1 1 1 0\n", 1, "non-renewable"),
        ("1 1 0 0\n0 1 1 1 [0]\n1 1 1 2 [-1000000001]\n", 3, "lag -1,000,000,001 is more"),
        (HEAD + "0 1 0 0\n1 1 1000000001 1\n", 6, "duration or demand above"),
        (HEAD + "0 1 0 0\n1 1 2 1\n2 1 0 0\n-1\n", 8, "capacity must be from 0"),
    ],
)
def test_a_malformed_sch_file_names_its_line(
    tmp_path: Path, text: str, line: int, words: str
) -> None:
    path = tmp_path / "broken.sch"
    path.write_text(text)
    with pytest.raises(ProblemDefinitionError) as err:
        read_sch(path)
    assert f"broken.sch: line {line}:" in str(err.value) and words in str(err.value)


# ------------------------------------------------------------------ problem API
def test_finish_to_start_maximum_lag_makes_the_test_follow_the_deploy() -> None:
    """ "Test within 1 period of the deploy's end": the unrelated job must not come between."""
    problem = timed(
        {"deploy": 2, "test": 2, "other": 3},
        (Link("deploy", "test"),),
        max_lags=(MaxLag("deploy", "test", 1, LinkType.FS),),
    )
    sched = solved(problem)
    i = problem.index
    gap = sched.starts[i["test"]] - sched.finish(problem, i["deploy"])
    assert 0 <= gap <= 1
    assert sched.makespan(problem) == 7
    broken = list(sched.starts)
    broken[i["deploy"]], broken[i["other"]] = 0, 2  # deploy ends at 2, test waits for other
    broken[i["test"]] = 5
    found = schedule_violations(problem, PeriodSchedule(tuple(broken), sched.modes))
    assert found == ["maximum lag deploy→test FS≤+1: start 5 > 3"]


def longer_mode_problem() -> Problem:
    """b (2 or 5 periods) starts with a (5 periods) and must end with it: mode 1 only."""
    return timed(
        {"a": 5, "b": (2, 5)},
        (Link("a", "b", LinkType.SS),),
        max_lags=(MaxLag("b", "a", 0, LinkType.FF), MaxLag("a", "b", 0, LinkType.SS)),
        capacity=2,
    )


def test_a_maximum_lag_chooses_the_longer_mode() -> None:
    """Finish-to-finish at most 0: b (2 or 5 periods, after a's start) must end with a."""
    problem = longer_mode_problem()
    sched = solved(problem)
    assert sched.modes[problem.index["b"]] == 1
    assert sched.makespan(problem) == 5


def test_time_windows_take_the_same_experiment_parameters_as_the_makespan_path() -> None:
    """The GA's and the model's switches are not handed to CP-SAT as its parameters."""
    problem = longer_mode_problem()
    for merged in (True, False):
        res = optimise(
            problem,
            time_limit=5,
            num_workers=1,
            parameters={"merged_modes": merged, "justify_rounds": 1, "ga_patience": 10},
        )
        assert res.status is Status.OPTIMAL and res.schedule is not None
        assert res.makespan == 5 and res.schedule.modes[problem.index["b"]] == 1


def test_release_dates_and_deadlines_shape_the_schedule() -> None:
    problem = timed(
        {"a": 3, "b": 2, "c": 2},
        releases={"a": 2},
        deadlines={"c": 2},
    )
    sched = solved(problem)
    i = problem.index
    assert sched.starts[i["c"]] == 0 and sched.starts[i["a"]] >= 2
    assert sched.makespan(problem) == 7
    late = PeriodSchedule((1, 4, 6), (0, 0, 0))
    assert schedule_violations(problem, late) == [
        "activity 'a' starts at 1, before its release 2",
        "activity 'c' ends at 8, after its deadline 2",
    ]


def test_a_deadline_before_the_earliest_finish_is_named() -> None:
    with pytest.raises(DeadlineError) as err:
        timed({"a": 3, "b": 2}, (Link("a", "b"),), releases={"a": 1}, deadlines={"b": 5})
    assert (err.value.activity, err.value.deadline, err.value.earliest_finish) == ("b", 5, 6)
    assert "'b' cannot meet its deadline 5" in str(err.value)


def test_contradicting_lags_name_the_cycle() -> None:
    """a, then b two periods after a ends, then c; c at most 3 after a starts: 3 + 2 > 3."""
    with pytest.raises(TimeLagCycleError) as err:
        timed(
            {"a": 3, "b": 1, "c": 1},
            (Link("a", "b", LinkType.FS, 2), Link("b", "c", LinkType.SS)),
            max_lags=(MaxLag("a", "c", 3),),
        )
    assert err.value.activities == ("a", "b", "c") and err.value.excess == 2


def test_earliest_starts_follow_releases_and_maximum_lags(monkeypatch: pytest.MonkeyPatch) -> None:
    """b is released at 4 and may start at most 1 after a: a cannot start before 3."""
    search = Mock(wraps=problem_module.earliest_starts)
    monkeypatch.setattr(problem_module, "earliest_starts", search)
    problem = timed(
        {"a": 1, "b": 1},
        releases={"b": 4},
        max_lags=(MaxLag("a", "b", 1),),
        capacity=2,
    )
    assert problem.temporal_earliest_starts == (3, 4)
    assert search.call_count == 1  # validation's search is the one kept


@pytest.mark.parametrize(
    ("kwargs", "words"),
    [
        ({"max_lags": (MaxLag("a", "zz", 1),)}, "unknown activity 'zz'"),
        ({"max_lags": (MaxLag("a", "a", 1),)}, "needs two activities"),
        ({"max_lags": (MaxLag("a", "b", 2.5),)}, r"a→b SS≤\+2\.5: the lag must be whole"),  # type: ignore[arg-type]
        ({"releases": {"a": -1}}, "whole periods from 0"),
        ({"deadlines": {"zz": 3}}, "unknown activity 'zz'"),
    ],
)
def test_malformed_time_windows_are_refused(kwargs: dict[str, object], words: str) -> None:
    with pytest.raises(ProblemDefinitionError, match=words):
        timed({"a": 1, "b": 1}, **kwargs)  # type: ignore[arg-type]


def test_the_heuristics_refuse_maximum_lags() -> None:
    """Their schemes only place activities after predecessors; they would break the lags."""
    problem = read_sch(DATA / "maxlag_a.sch")
    with pytest.raises(ProblemDefinitionError, match="exact optimiser"):
        solve_heuristic(problem)
    with pytest.raises(ProblemDefinitionError, match="exact optimiser"):
        solve_ga(problem, schedules=100)


def test_an_sch_file_written_reads_back_the_same(tmp_path: Path) -> None:
    problem = read_sch(DATA / "maxlag_b.sch")
    write_sch(problem, tmp_path / "again.sch")
    again = read_sch(tmp_path / "again.sch")
    assert set(again.links) == set(problem.links)
    assert set(again.max_lags) == set(problem.max_lags)
    assert again.mode_table == problem.mode_table and again.renewables == problem.renewables


def test_a_problem_with_deadlines_is_not_written_as_sch_without_them(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from dataclasses import replace

    from keystage.engine.rcpsp.errors import ProblemDefinitionError
    from keystage.engine.rcpsp.psplib_io import read_sch, write_sch

    read = read_sch(DATA / "maxlag_a.sch")
    problem = replace(read, deadlines={read.activities[-2].id: 50})
    with pytest.raises(ProblemDefinitionError, match="deadlines"):
        write_sch(problem, tmp_path / "out.sch")


@settings(max_examples=80, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 7), st.integers(0, 7), st.integers(-3, 3)).filter(
            lambda a: a[0] != a[1]
        ),
        max_size=24,
    )
)
def test_sch_arcs_split_into_acyclic_links_and_maximum_lags(
    raw: list[tuple[int, int, int]],
) -> None:
    """Links stay acyclic; a non-negative arc is a maximum lag only if the links taken
    before it (non-negative arcs in file order) already lead back from its end."""
    ids = [str(k) for k in range(8)]
    arcs = [(i, j, lag, line) for line, (i, j, lag) in enumerate(raw)]
    links, max_lags = _split_arcs(ids, arcs)
    assert len(links) + len(max_lags) == len(arcs)
    reach = {k: {k} for k in range(8)}  # what the links taken so far lead to
    kept = iter(links)
    for i, j, lag, _ in sorted(arcs, key=lambda a: a[2] < 0):
        if lag >= 0 and i not in reach[j]:
            assert next(kept) == Link(str(i), str(j), LinkType.SS, lag)
            for ahead in reach.values():
                if i in ahead:
                    ahead |= reach[j]
    assert next(kept, None) is None
