"""Levelling within float and fully, with reasons; utilisation tables."""

from __future__ import annotations

from keystage.engine.network import Link
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.leveling import early_schedule, level
from keystage.engine.rcpsp.problem import Load, Renewable
from keystage.engine.rcpsp.utilisation import over_allocations, utilisation_table
from tests.engine.rcpsp.jobs import act, problem_of


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
