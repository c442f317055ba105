"""Levelling within float and fully, with reasons; utilisation tables."""

from __future__ import annotations

from pathlib import Path
from unittest.mock import Mock

import pytest
from hypothesis import given, settings

from keystage.engine.network import Link
from keystage.engine.rcpsp import leveling
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.heuristic import solve_heuristic
from keystage.engine.rcpsp.leveling import LevelingResult, early_schedule, level
from keystage.engine.rcpsp.problem import Load, PeriodSchedule, Problem, Renewable
from keystage.engine.rcpsp.psplib_io import read_psplib
from keystage.engine.rcpsp.utilisation import over_allocations, utilisation_table
from tests.engine.rcpsp.jobs import act, problem_of
from tests.engine.rcpsp.test_properties import problems


def test_within_float_moves_only_the_activity_with_float() -> None:
    # a(2)->c(3) is critical (finish 5); b(1) shares the developer and has float 4.
    p = problem_of(
        (act("a", 2, dev=1), act("b", 1, dev=1), act("c", 3)),
        (Link("a", "c"),),
        renewables=(Renewable("dev", 1, kind="person"),),
    )
    res = level(p, within_float=True)
    assert res.schedule.starts == (0, 2, 2)
    assert res.finish_before == res.finish_after == 5
    assert res.unresolved == ()
    (move,) = res.moves
    assert (move.activity, move.old_start, move.new_start, move.resource) == ("b", 0, 2, "dev")
    assert "within its float" in move.reason and "dev over-allocated" in move.reason


def test_within_float_reports_conflict_between_critical_activities() -> None:
    p = problem_of(
        (act("a", 2, dev=1), act("b", 3, dev=1), act("c", 1)),
        (Link("a", "c"),),
        renewables=(Renewable("dev", 1),),
    )
    res = level(p, within_float=True)
    assert res.schedule.starts == (0, 0, 2)  # critical dates unchanged
    assert res.finish_after == 3
    assert [(o.resource, o.start, o.end, o.excess) for o in res.unresolved] == [("dev", 0, 2, 1)]


def test_full_levelling_moves_the_finish_and_explains_pushes() -> None:
    # b(4) is critical; a(2)->c(1) has one period of float, so a goes after b.
    p = problem_of(
        (act("a", 2, dev=1), act("b", 4, dev=1), act("c", 1)),
        (Link("a", "c"),),
        renewables=(Renewable("dev", 1),),
    )
    res = level(p, within_float=False)
    assert res.unresolved == ()
    assert schedule_violations(p, res.schedule) == []
    assert res.schedule.starts == (4, 0, 6)
    assert res.finish_before == 4 and res.finish_after == 7
    by_id = {m.activity: m for m in res.moves}
    assert "beyond its float of 1" in by_id["a"].reason and by_id["a"].resource == "dev"
    assert "predecessor a moved" in by_id["c"].reason and by_id["c"].resource is None


def test_utilisation_table_counts_booked_and_existing_load() -> None:
    ann = Renewable("ann", 2, (Load(0, 2, 1, "other project"),), kind="person")
    p = problem_of((act("a", 4, ann=1),), renewables=(ann, Renewable("crane", 1)))
    sched = early_schedule(p)
    rows = utilisation_table(p, sched, bucket=2, kind="person")
    assert [(r.start, r.end, r.booked, r.existing, r.capacity) for r in rows] == [
        (0, 2, 2, 2, 4),
        (2, 4, 2, 0, 4),
    ]
    assert rows[0].utilisation == 1.0 and rows[1].utilisation == 0.5
    assert over_allocations(p, sched) == []


def _python_pass(p: Problem, monkeypatch: pytest.MonkeyPatch) -> LevelingResult:
    """Full levelling by the start-order pass alone (the compiled rules switched off)."""
    with monkeypatch.context() as m:
        m.setattr(leveling, "_level_by_rules", lambda *args: None)
        return level(p, within_float=False)


def test_full_levelling_is_shorter_than_the_start_order_pass(
    psplib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """j301_1 from its early schedule: feasible, never earlier, shorter than one pass."""
    p = read_psplib(psplib_dir / "j30" / "j301_1.sm")
    before = early_schedule(p)
    res = level(p, within_float=False)
    one_pass = _python_pass(p, monkeypatch)
    assert schedule_violations(p, res.schedule) == [] and res.unresolved == ()
    assert all(n >= o for n, o in zip(res.schedule.starts, before.starts, strict=True))
    assert res.finish_after < one_pass.finish_after
    moved = {m.activity for m in res.moves}
    assert moved == {a.id for a, n, o in zip(p.activities, res.schedule.starts, before.starts,
                                               strict=True) if n != o}  # fmt: skip
    assert all(m.reason.startswith(f"delayed {m.new_start - m.old_start} ") for m in res.moves)


@settings(max_examples=30, deadline=None)
@given(problems())
def test_full_levelling_never_loses_to_the_start_order_pass(p: Problem) -> None:
    """On random problems: feasible, no earlier than the given starts, no longer than one pass."""
    h = solve_heuristic(p, iterations=1)
    given_ = PeriodSchedule(tuple(s // 2 for s in h.schedule.starts), h.schedule.modes)
    res = level(p, given_, within_float=False)
    assert schedule_violations(p, res.schedule) == [] and res.unresolved == ()
    assert all(n >= o for n, o in zip(res.schedule.starts, given_.starts, strict=True))
    mp = pytest.MonkeyPatch()
    try:
        mp.setattr(leveling, "_level_by_rules", lambda *args: None)
        one_pass = level(p, given_, within_float=False)
    finally:
        mp.undo()
    assert res.finish_after <= one_pass.finish_after


@pytest.mark.parametrize("name", ["j30/j301_1.sm", "j60/j6013_1.sm"])
def test_compiled_full_levelling_equals_the_python_one(
    psplib_dir: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    """The numba pass (large plans) and the Python pass (small ones) give the same schedule."""
    p = read_psplib(psplib_dir / name)
    python = level(p, within_float=False)
    monkeypatch.setattr(leveling, "COMPILED_FROM", 0)
    compiled = level(p, within_float=False)
    assert compiled.schedule == python.schedule
    assert [(m.activity, m.new_start, m.resource) for m in compiled.moves] == [
        (m.activity, m.new_start, m.resource) for m in python.moves
    ]
    assert schedule_violations(p, compiled.schedule) == []


@pytest.mark.parametrize("compiled_from", [0, 10**6])
def test_full_levelling_respects_capacity_dropping_after_the_plan(
    monkeypatch: pytest.MonkeyPatch, compiled_from: int
) -> None:
    """Another booking takes the crew from period 7 to 10: the 4-period job waits until 10."""
    monkeypatch.setattr(leveling, "COMPILED_FROM", compiled_from)
    crew = Renewable("crew", 3, (Load(2, 5, 1), Load(7, 10, 3)))
    p = problem_of((act("a", 1, crew=3), act("b", 4, crew=3)), renewables=(crew,))
    res = level(p, within_float=False)
    assert res.unresolved == () and schedule_violations(p, res.schedule) == []
    assert res.schedule.starts == (0, 10)
    (move,) = res.moves
    assert (move.activity, move.resource) == ("b", "crew")


def test_full_levelling_runs_each_rule_and_two_justified_rounds_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Three rules, each scheduled, then justified and rescheduled twice: nine passes."""
    one_pass = Mock(wraps=leveling._release_pass)
    monkeypatch.setattr(leveling, "_release_pass", one_pass)
    crew = Renewable("crew", 3)
    p = problem_of((act("a", 2, crew=2), act("b", 3, crew=2), act("c", 1, crew=3)),
                   renewables=(crew,))  # fmt: skip
    res = level(p, within_float=False)
    assert one_pass.call_count == 9
    assert res.unresolved == () and res.schedule.starts == (3, 0, 5) and res.finish_after == 6
