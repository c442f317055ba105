"""The WBS services: tree upkeep, dependencies (cycles named), the critical path, rules."""

from __future__ import annotations

import datetime as dt

import pytest

from keystage.core.errors import Conflict, Forbidden, InvalidInput
from keystage.core.models import AuditEntry
from keystage.planning.models import Dependency, Task
from keystage.planning.services import dependencies, wbs

pytestmark = pytest.mark.django_db


def _task(world, name, days=1, **extra):
    return wbs.task_create(
        who=world.a["project_manager"],
        project=world.project_a,
        data={"name": name, "duration_minutes": days * 480, **extra.pop("data", {})},
        **extra,
    )


def _link(world, pred, succ, type_="FS", lag=0):
    return dependencies.dependency_create(
        who=world.a["project_manager"],
        project=world.project_a,
        predecessor_id=pred.public_id,
        successor_id=succ.public_id,
        data={"type": type_, "lag_minutes": lag},
    )


def test_tree_gets_rows_wbs_codes_and_summaries(world):
    phase = _task(world, "Phase")
    design = _task(world, "Design", parent_id=phase.public_id)
    build = _task(world, "Build", parent_id=phase.public_id)
    _task(world, "Go live", data={"kind": "milestone", "duration_minutes": 0})
    rows = list(Task.objects.filter(project=world.project_a).order_by("row"))
    assert [(t.row, t.wbs_code, t.name, t.is_summary) for t in rows] == [
        (1, "1", "Phase", True),
        (2, "1.1", "Design", False),
        (3, "1.2", "Build", False),
        (4, "2", "Go live", False),
    ]
    pm = world.a["project_manager"]
    build.refresh_from_db()
    wbs.task_move(who=pm, project=world.project_a, task=build, version=build.version, action="up")
    assert Task.objects.get(pk=build.pk).wbs_code == "1.1"
    assert Task.objects.get(pk=design.pk).wbs_code == "1.2"
    build.refresh_from_db()
    wbs.task_move(
        who=pm, project=world.project_a, task=build, version=build.version, action="outdent"
    )
    assert Task.objects.get(pk=build.pk).wbs_code == "2"
    assert Task.objects.get(name="Go live").wbs_code == "3"


def test_critical_path_dates_on_the_project_calendar(world):
    a = _task(world, "Analyse", days=2)
    b = _task(world, "Build", days=3)
    side = _task(world, "Docs", days=1)
    _link(world, a, b)
    tasks = {t.name: t for t in Task.objects.filter(project=world.project_a)}
    # The project starts on Monday 4 January 2027; the default day is 09:00-13:00, 14:00-18:00.
    assert tasks["Analyse"].start_at.date() == dt.date(2027, 1, 4)
    assert tasks["Build"].start_at.date() == dt.date(2027, 1, 6)
    assert tasks["Build"].finish_at.date() == dt.date(2027, 1, 8)
    assert tasks["Analyse"].is_critical and tasks["Build"].is_critical
    assert not tasks["Docs"].is_critical
    assert tasks["Docs"].total_float_minutes == 4 * 480
    assert side.pk in {t.pk for t in tasks.values()}


def test_a_link_closing_a_cycle_is_refused_and_names_it(world):
    a, b, c = _task(world, "Alpha"), _task(world, "Bravo"), _task(world, "Charlie")
    _link(world, a, b)
    _link(world, b, c)
    with pytest.raises(InvalidInput) as err:
        _link(world, c, a)
    message = err.value.errors["predecessor"][0]
    assert "cycle" in message
    assert "'Alpha'" in message and "'Bravo'" in message and "'Charlie'" in message
    assert Dependency.objects.filter(project=world.project_a).count() == 2


def test_predecessors_in_ms_project_notation(world):
    _task(world, "Alpha", days=2)
    _task(world, "Bravo", days=1)
    c = _task(world, "Charlie", days=1)
    pm = world.a["project_manager"]
    dependencies.predecessors_set(who=pm, project=world.project_a, task=c, text="1FS+1d, 2SS")
    links = {
        (d.predecessor.name, d.type, d.lag_minutes)
        for d in Dependency.objects.filter(successor=c).select_related("predecessor")
    }
    assert links == {("Alpha", "FS", 480), ("Bravo", "SS", 0)}
    assert Task.objects.get(pk=c.pk).start_at.date() == dt.date(2027, 1, 7)
    dependencies.predecessors_set(who=pm, project=world.project_a, task=c, text="2")
    assert Dependency.objects.filter(successor=c).count() == 1
    with pytest.raises(InvalidInput) as err:
        dependencies.predecessors_set(who=pm, project=world.project_a, task=c, text="9")
    assert "row 9" in err.value.errors["predecessors"][0]
    with pytest.raises(InvalidInput):
        dependencies.predecessors_set(who=pm, project=world.project_a, task=c, text="two")


def test_rules_are_field_errors(world):
    with pytest.raises(InvalidInput) as err:
        _task(world, "Gate", data={"kind": "milestone", "duration_minutes": 480})
    assert "duration_minutes" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        _task(world, "Fixed", data={"constraint_type": "MSO"})
    assert "constraint_date" in err.value.errors
    with pytest.raises(InvalidInput) as err:
        _task(world, "Pricey", data={"fixed_cost": -1})
    assert "fixed_cost" in err.value.errors
    assert not Task.objects.filter(project=world.project_a).exists()


def test_impossible_constraint_rolls_the_edit_back(world):
    task = _task(world, "Early")
    with pytest.raises(InvalidInput) as err:
        wbs.task_update(
            who=world.a["project_manager"],
            project=world.project_a,
            task=task,
            version=task.version,
            data={"constraint_type": "FNLT", "constraint_date": dt.date(2026, 12, 1)},
        )
    assert "'Early'" in err.value.errors["schedule"][0]
    assert Task.objects.get(pk=task.pk).constraint_type == "ASAP"


def test_versions_roles_and_journal(world):
    task = _task(world, "Alpha")
    pm = world.a["project_manager"]
    wbs.task_update(
        who=pm, project=world.project_a, task=task, version=task.version, data={"name": "A2"}
    )
    with pytest.raises(Conflict):
        wbs.task_update(
            who=pm, project=world.project_a, task=task, version=task.version, data={"name": "A3"}
        )
    with pytest.raises(Forbidden):
        wbs.task_create(who=world.a["team_member"], project=world.project_a, data={"name": "x"})
    summaries = set(
        AuditEntry.objects.filter(project=world.project_a).values_list("summary", flat=True)
    )
    assert "Added task 'Alpha'" in summaries and "Edited task 'Alpha'" in summaries


def test_charter_lists_the_scheduled_milestones(world):
    from keystage.initiation.charter.selectors import charter_milestones

    build = _task(world, "Build", days=3)
    live = _task(world, "Go live", data={"kind": "milestone", "duration_minutes": 0})
    _link(world, build, live)
    assert charter_milestones(world.project_a) == [
        {"name": "Go live", "wbs_code": "2", "start": "2027-01-06", "finish": "2027-01-06"}
    ]


def test_an_outline_is_appended_in_one_go(world):
    pm = world.a["project_manager"]
    rows = [
        {"outline_level": 1, "name": "Phase"},
        {"outline_level": 2, "name": "Step 1", "duration_minutes": 960},
        {"outline_level": 2, "name": "Step 2"},
        {"outline_level": 1, "name": "Done", "kind": "milestone", "duration_minutes": 0},
    ]
    tasks = wbs.plan_append(
        who=pm, project=world.project_a, rows=rows, links=[(1, 2, "FS", 0), (2, 3, "FS", 0)]
    )
    assert [(t.wbs_code, t.name) for t in tasks] == [
        ("1", "Phase"),
        ("1.1", "Step 1"),
        ("1.2", "Step 2"),
        ("2", "Done"),
    ]
    assert tasks[3].start_at == tasks[2].finish_at  # Wed 6 Jan, 18:00
    with pytest.raises(InvalidInput) as err:
        wbs.plan_append(who=pm, project=world.project_a, rows=[{"outline_level": 3, "name": "x"}])
    assert "skips a level" in err.value.errors["rows"][0]
    with pytest.raises(InvalidInput) as err:
        wbs.plan_append(
            who=pm,
            project=world.project_a,
            rows=[{"name": "a"}, {"name": "b"}],
            links=[(0, 1, "FS", 0), (1, 0, "FS", 0)],
        )
    assert "cycle" in err.value.errors["schedule"][0]
    assert Task.objects.filter(project=world.project_a).count() == 4
    with pytest.raises(Forbidden):
        wbs.plan_append(who=world.a["team_member"], project=world.project_a, rows=rows)


def test_every_plan_writing_service_takes_the_plan_lock():
    """The chokepoint holds: each public WBS service that reschedules runs under
    ``plan_write`` (a new one without it fails here)."""
    import inspect

    from keystage.planning.services import calendar as calendar_services

    helpers = {"renumber", "reschedule", "calendar_of", "parse_predecessors", "parse_duration"}
    # Called inside the portfolio's project_update (which checked the permission); it
    # takes the lock itself.
    helpers.add("plan_follow_project_start")
    assert "plan_lock(" in inspect.getsource(wbs.plan_follow_project_start)
    writers = []
    for module in (wbs, dependencies, calendar_services):
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("_") or name in helpers or fn.__module__ != module.__name__:
                continue
            source = inspect.getsource(inspect.unwrap(fn))
            if "reschedule(" in source or "_replan(" in source:
                writers.append(name)
                assert getattr(fn, "plan_write", False), f"{name} writes the plan without the lock"
    assert len(writers) >= 12, writers
