"""Schedule runs through the API: critical path, levelling, optimisation, progress, access,
the background worker, and `keystage schedule PROJECT` on the command line."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from typer.testing import CliRunner

from keystage.cli.app import app
from keystage.cli.schedule_plan import is_plan_path
from keystage.core.models import AuditEntry
from keystage.planning import engine
from keystage.planning.models import Assignment, Dependency, ScheduleRun, Task
from keystage.planning.services import wbs
from keystage.resources.services import profile_update

DAY = 480
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def immediate(settings: Any) -> None:
    """Jobs run as soon as they are enqueued (inside the request): synchronous tests."""
    settings.TASKS = IMMEDIATE


def url(project: Any, run: str = "") -> str:
    base = f"/api/v1/projects/{project.public_id}/schedule-runs/"
    return f"{base}{run}/" if run else base


def plan(
    world: Any,
    rows: list[tuple[str, int]],
    links: list[tuple[int, int]],
    staff: dict[int, list[tuple[str, int]]],
) -> dict[str, Task]:
    """Tasks (name, working days; 0 = milestone) linked finish-to-start, with assignments.

    ``staff`` maps a row index to ``(role, units %)`` of project A's people.
    """
    pm, project = world.a["project_manager"], world.project_a
    outline = [
        {"name": n, "duration_minutes": d * DAY, "kind": "milestone" if d == 0 else "task"}
        for n, d in rows
    ]
    tasks = wbs.plan_append(
        who=pm, project=project, rows=outline, links=[(a, b, "FS", 0) for a, b in links]
    )
    for index, people in staff.items():
        for role, units in people:
            Assignment.objects.create(
                project=project, task=tasks[index], person=world.a[role], units_percent=units
            )
    return {t.name: t for t in tasks}


def two_parallel_tasks_for_one_person(world: Any) -> dict[str, Task]:
    """Design, then Build API and Build UI in parallel (both Dev's, full time), then Release."""
    return plan(
        world,
        [("Design", 2), ("Build API", 3), ("Build UI", 3), ("Release", 0)],
        [(0, 1), (0, 2), (1, 3), (2, 3)],
        {0: [("project_manager", 100)], 1: [("team_member", 100)], 2: [("team_member", 100)]},
    )


def request_run(api: Any, world: Any, method: str, **extra: Any) -> dict[str, Any]:
    client = api(world.a["project_manager"])
    response = client.post(url(world.project_a), {"method": method, **extra}, format="json")
    assert response.status_code == 202, response.content
    detail = client.get(url(world.project_a, response.json()["id"]))
    assert detail.status_code == 200
    return detail.json()


pytestmark = pytest.mark.django_db


def test_cpm_run_places_the_plan_and_is_journaled(world, api, immediate):
    tasks = two_parallel_tasks_for_one_person(world)
    run = request_run(api, world, "cpm")
    assert (run["status"], run["progress"], run["method"]) == ("done", 100, "cpm")
    summary = run["summary"]
    assert summary["solver_status"] == "scheduled"
    assert summary["critical_tasks"] >= 3
    assert summary["moves"] == []
    # CPM ignores people: both builds start together after the two-day design.
    api_task, ui_task = (
        Task.objects.get(pk=tasks["Build API"].pk),
        Task.objects.get(pk=tasks["Build UI"].pk),
    )
    assert api_task.start_at == ui_task.start_at
    assert run["project_finish_at"].startswith("2027-01-08")  # Mon 4 Jan + 5 working days
    journal = AuditEntry.objects.filter(object_type="schedulerun").order_by("id")
    assert [e.action for e in journal] == ["create", "update"]
    assert "done" in journal.last().summary and journal.last().actor == world.a["project_manager"]


def test_level_moves_one_of_two_parallel_tasks_and_says_why(world, api, immediate):
    tasks = two_parallel_tasks_for_one_person(world)
    run = request_run(api, world, "level")
    assert run["status"] == "done", run["message"]
    summary = run["summary"]
    assert len(summary["moves"]) == 2  # one build, and the release after it
    build = next(m for m in summary["moves"] if m["name"].startswith("Build"))
    assert build["reason"] == "over-allocated: Dev_A Tester"
    assert build["person"] == "Dev_A Tester"
    assert build["delay_days"] == 3
    release = next(m for m in summary["moves"] if m["name"] == "Release")
    assert release["reason"] == "predecessor moved: " + f"'{build['name']}'"
    # The dates written: the builds follow each other, the finish moved by three days.
    starts = sorted(Task.objects.get(pk=tasks[n].pk).start_at for n in ("Build API", "Build UI"))
    assert (starts[1] - starts[0]).days == 5  # Wed 6 → Mon 11 January, over the weekend
    assert summary["makespan_before_days"] == 5 and summary["makespan_days"] == 8
    assert run["project_finish_at"].startswith("2027-01-13")
    assert (
        run["message"]
        == "Levelled: 2 task(s) moved; finish 13 Jan 2027 (critical path: 8 Jan 2027)."
    )
    assert summary["finish_before"].startswith("2027-01-08")


def test_level_within_float_keeps_the_finish(world, api, immediate):
    plan(
        world,
        [("Long contract", 10), ("Wiki", 2), ("Runbook", 2), ("Go-live", 0)],
        [(0, 3), (1, 3), (2, 3)],
        {
            0: [("project_manager", 100)],
            1: [("team_member", 100)],
            2: [("team_member", 100)],
        },
    )
    before = max(Task.objects.filter(project=world.project_a).values_list("finish_at", flat=True))
    run = request_run(api, world, "level_float")
    summary = run["summary"]
    assert run["status"] == "done"
    assert summary["solver_status"] == "levelled"
    assert [m["name"] for m in summary["moves"]] in (["Wiki"], ["Runbook"])
    assert summary["moves"][0]["reason"] == "over-allocated: Dev_A Tester"
    assert summary["finish_before"] == summary["finish_after"]
    assert dt.datetime.fromisoformat(run["project_finish_at"]) == before


def test_level_within_float_reports_what_it_cannot_solve(world, api, immediate):
    two_parallel_tasks_for_one_person(world)
    run = request_run(api, world, "level_float")
    summary = run["summary"]
    assert summary["solver_status"] == "conflicts_left"
    assert summary["moves"] == []
    assert summary["unresolved"][0]["person"] == "Dev_A Tester"
    assert summary["unresolved"][0]["excess_percent"] == 100
    assert "could not be removed" in run["message"]


def test_optimise_returns_a_lower_bound_and_a_gap(world, api, immediate):
    two_parallel_tasks_for_one_person(world)
    run = request_run(api, world, "optimise", time_limit_seconds=5)
    summary = run["summary"]
    assert run["status"] == "done", run["message"]
    assert summary["makespan_days"] == 8
    assert summary["lower_bound_days"] is not None
    assert summary["lower_bound_days"] <= summary["makespan_days"]
    assert summary["gap_percent"] == pytest.approx(
        100 * (summary["makespan_days"] - summary["lower_bound_days"]) / summary["makespan_days"],
        abs=0.1,
    )
    assert summary["solver_status"] in ("optimal", "feasible")
    assert any(m["reason"] == "over-allocated: Dev_A Tester" for m in summary["moves"])
    assert run["time_limit_seconds"] == 5


def test_progress_reaches_100_and_lists_newest_first(world, api, immediate):
    two_parallel_tasks_for_one_person(world)
    first = request_run(api, world, "cpm")
    second = request_run(api, world, "level")
    listed = api(world.a["stakeholder"])
    rows = listed.get(url(world.project_a)).json()
    assert [r["id"] for r in rows] == [second["id"], first["id"]]
    assert all(r["progress"] == 100 and r["status"] == "done" for r in rows)
    assert rows[0]["started_at"] <= rows[0]["finished_at"]
    assert rows[0]["requested_by"]["username"] == "pm_a"


def test_infeasible_demand_fails_the_run_naming_task_and_person(world, api, immediate):
    tasks = two_parallel_tasks_for_one_person(world)
    Assignment.objects.filter(task=tasks["Build UI"]).update(units_percent=150)
    run = request_run(api, world, "level")
    assert run["status"] == "failed"
    assert run["message"] == (
        "Task 'Build UI' needs Dev_A Tester at 150 %, but Dev_A Tester's capacity is 100 %; "
        "lower the units or share the work."
    )
    assert run["summary"] is None
    journal = AuditEntry.objects.filter(object_type="schedulerun").order_by("id").last()
    assert "failed" in journal.summary


def test_a_plan_longer_than_the_scheduler_holds_fails_the_run_readably(
    world, api, immediate, monkeypatch
):
    """The engine refuses a plan whose tasks in series span more periods than it can hold
    (ten million working days); the run fails with that reason, not a traceback."""
    from keystage.engine.rcpsp import problem

    two_parallel_tasks_for_one_person(world)
    monkeypatch.setattr(problem, "MAX_PERIODS", 2)  # a stand-in for ten million days
    run = request_run(api, world, "level")
    assert run["status"] == "failed" and run["summary"] is None
    assert run["message"].startswith("The plan cannot be scheduled (periods are working days)")
    assert "a schedule may span at most 2" in run["message"]


def test_a_person_on_leave_is_not_booked(world, api, immediate):
    from keystage.resources.services import absence_create

    tasks = plan(world, [("Solo", 2)], [], {0: [("team_member", 100)]})
    dev = world.a["team_member"]
    absence_create(
        who=dev,
        person=dev,
        data={"start_date": dt.date(2027, 1, 4), "end_date": dt.date(2027, 1, 5)},
    )
    run = request_run(api, world, "level")
    assert run["summary"]["moves"][0]["reason"] == "over-allocated: Dev_A Tester"
    solo = Task.objects.get(pk=tasks["Solo"].pk)
    assert solo.start_at.date() == dt.date(2027, 1, 6)  # after the two days off


def test_units_are_the_demand_and_the_profile_the_capacity(world, api, immediate):
    tasks = two_parallel_tasks_for_one_person(world)
    dev = world.a["team_member"]
    Assignment.objects.filter(person=dev).update(units_percent=50)
    run = request_run(api, world, "level")
    assert run["summary"]["moves"] == []  # two half-time tasks fit one full-time person
    assert Task.objects.get(pk=tasks["Build API"].pk).start_at == (
        Task.objects.get(pk=tasks["Build UI"].pk).start_at
    )
    profile_update(who=dev, person=dev, version=None, changes={"capacity_percent": 50})
    run = request_run(api, world, "level")
    assert run["summary"]["moves"][0]["reason"] == "over-allocated: Dev_A Tester"


def test_empty_plan_fails_readably(world, api, immediate):
    run = request_run(api, world, "level")
    assert run["status"] == "failed"
    assert run["message"] == "The plan has no tasks yet; add tasks before scheduling."


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"method": "fastest"}, "method"),
        ({}, "method"),
        ({"method": "optimise", "time_limit_seconds": 0}, "time_limit_seconds"),
        ({"method": "optimise", "time_limit_seconds": 601}, "time_limit_seconds"),
        ({"method": "optimise", "time_limit_seconds": "soon"}, "time_limit_seconds"),
    ],
)
def test_bad_input_is_a_field_error(world, api, body, field):
    response = api(world.a["project_manager"]).post(url(world.project_a), body, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert not ScheduleRun.objects.exists()


def test_outsiders_see_nothing_and_stakeholders_cannot_run(world, api):
    run = ScheduleRun.objects.create(project=world.project_a, method="cpm")
    for who in (world.outsider, world.b["project_manager"]):
        client = api(who)
        assert client.get(url(world.project_a)).status_code == 404
        assert client.get(url(world.project_a, str(run.public_id))).status_code == 404
        assert client.post(url(world.project_a), {"method": "cpm"}).status_code == 404
    viewer = api(world.a["stakeholder"])
    assert viewer.get(url(world.project_a, str(run.public_id))).status_code == 200
    assert viewer.post(url(world.project_a), {"method": "cpm"}).status_code == 403
    assert (
        api(world.a["team_member"]).post(url(world.project_a), {"method": "cpm"}).status_code == 403
    )
    # Another project's run is not found under this project.
    other = ScheduleRun.objects.create(project=world.project_b, method="cpm")
    pm = api(world.a["project_manager"])
    assert pm.get(url(world.project_a, str(other.public_id))).status_code == 404
    assert ScheduleRun.objects.count() == 2


def test_with_the_database_backend_the_run_waits_for_a_worker(world, api):
    two_parallel_tasks_for_one_person(world)
    response = api(world.a["project_manager"]).post(url(world.project_a), {"method": "level"})
    assert response.status_code == 202
    body = response.json()
    assert (body["status"], body["progress"], body["summary"]) == ("queued", 0, None)
    from django_tasks_db.models import DBTaskResult

    job = DBTaskResult.objects.get()
    assert job.task_path == "keystage.planning.tasks.run_schedule"
    assert str(job.id) == ScheduleRun.objects.get().job_id


def test_the_solver_thread_reports_progress_and_hands_back_errors():
    import time

    from keystage.planning.services.schedule import _in_thread

    ticks: list[float] = []
    assert _in_thread(lambda: time.sleep(1.3) or 42, ticks.append) == 42
    assert len(ticks) >= 2 and ticks == sorted(ticks)

    def broken() -> None:
        raise ValueError("no luck")

    with pytest.raises(ValueError, match="no luck"):
        _in_thread(broken, ticks.append)


def test_an_interrupted_worker_marks_the_run_failed(world, monkeypatch):
    from keystage.planning import rcpsp
    from keystage.planning.services.schedule import execute_run

    two_parallel_tasks_for_one_person(world)
    run = ScheduleRun.objects.create(project=world.project_a, method="level")

    def stopped(*args: Any, **kwargs: Any) -> None:
        raise SystemExit(1)

    monkeypatch.setattr(rcpsp, "level", stopped)
    with pytest.raises(SystemExit):
        execute_run(run.pk)
    run.refresh_from_db()
    assert run.status == "failed" and "interrupted" in run.message
    assert execute_run(run.pk) == "failed"  # a job never runs twice


# ------------------------------------------------------------ the db worker


def _database_url() -> str:
    """The test database as a DATABASE_URL for a worker in another process."""
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return "sqlite:///" + str(Path(s["NAME"]).resolve())
    auth = s["USER"] + (f":{s['PASSWORD']}" if s.get("PASSWORD") else "")
    return f"postgres://{auth}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def run_worker() -> subprocess.CompletedProcess[str]:
    """`db_worker --batch` in its own process: runs the queued jobs, then exits."""
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DJANGO_SETTINGS_MODULE": "keystage.config.settings",
    }
    command = [sys.executable, "-m", "django", "db_worker", "--batch", "--no-startup-delay"]
    return subprocess.run(
        [*command, "--no-reload"], env=env, capture_output=True, text=True, timeout=180
    )


@pytest.mark.django_db(transaction=True)
def test_the_db_worker_executes_a_queued_run(world, api):
    two_parallel_tasks_for_one_person(world)
    client = api(world.a["project_manager"])
    queued = client.post(url(world.project_a), {"method": "level"}).json()
    assert queued["status"] == "queued"
    done = run_worker()
    assert done.returncode == 0, done.stderr
    run = client.get(url(world.project_a, queued["id"])).json()
    assert (run["status"], run["progress"]) == ("done", 100), run["message"]
    assert run["summary"]["moves"][0]["reason"] == "over-allocated: Dev_A Tester"
    from django_tasks_db.models import DBTaskResult

    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


# ------------------------------------------------------- keystage schedule CODE

runner = CliRunner()


def test_cli_schedules_a_project_by_its_code(world):
    two_parallel_tasks_for_one_person(world)
    result = runner.invoke(app, ["schedule", "prj-a", "--method", "level"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.strip().splitlines()
    assert any(
        "Build" in line and "→" in line and "over-allocated: Dev_A Tester" in line for line in lines
    )
    assert lines[-1] == (
        "PRJ-A: level — finish 2027-01-13 (critical path 2027-01-08); 2 task(s) moved"
    )
    run = ScheduleRun.objects.get()
    assert (run.status, run.requested_by, run.method) == ("done", None, "level")
    assert (
        "as the system"
        in AuditEntry.objects.filter(object_type="schedulerun").order_by("id")[0].summary
    )


def test_cli_optimise_prints_bound_and_gap(world):
    two_parallel_tasks_for_one_person(world)
    result = runner.invoke(app, ["schedule", "PRJ-A", "--method", "optimise", "--time-limit", "3"])
    assert result.exit_code == 0, result.output
    assert "lower bound" in result.stdout and "gap" in result.stdout


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["schedule", "NOPE-1"], "no project 'NOPE-1'"),
        (["schedule", "PRJ-A", "--method", "fast"], "--method must be one of"),
        (["schedule", "PRJ-A", "--time-limit", "0"], "--time-limit is a whole number"),
        (["schedule", "PRJ-A", "--organisation", "Other"], "no project 'PRJ-A'"),
        (["schedule", "PRJ-A", "-f", "json"], "only for plan files"),
        (["schedule", "PRJ-A"], "no tasks yet"),
    ],
)
def test_cli_errors_are_one_line(world, args, expected):
    result = runner.invoke(app, args)
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("keystage: error: ") and expected in lines[0]


def test_cli_needs_the_organisation_when_codes_clash(world):
    from keystage.accounts.services import organisation_get_or_create
    from keystage.portfolio.models import Project

    other = organisation_get_or_create(name="Other Corp")
    Project.objects.create(
        organisation=other,
        name="Clash",
        code="PRJ-A",
        kind="other",
        start_date=dt.date(2027, 1, 4),
        target_date=dt.date(2027, 6, 30),
    )
    for command in ("schedule", "charter", "baseline"):  # one lookup for every project command
        clash = runner.invoke(app, [command, "PRJ-A"])
        assert clash.exit_code == 1 and "--organisation" in clash.stderr, command
    two_parallel_tasks_for_one_person(world)
    ok = runner.invoke(app, ["schedule", "PRJ-A", "--organisation", "acme it", "--method", "cpm"])
    assert ok.exit_code == 0, ok.output
    assert ScheduleRun.objects.get().project == world.project_a
    charter = runner.invoke(app, ["charter", "PRJ-A", "--organisation", "Other Corp"])
    assert "PRJ-A has no charter yet" in charter.stderr, charter.output  # found, in Other Corp


def test_the_console_script_takes_a_project_code_to_the_database(tmp_path):
    """Not the plan-file fast path: Django is set up, and a missing schema is one line."""
    environ = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    done = subprocess.run(
        [str(Path(sys.executable).with_name("keystage")), "schedule", "ERP-CLOUD"],
        env={**environ, "KEYSTAGE_DATA_DIR": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 1
    assert done.stderr.strip() == (
        "keystage: error: cannot read the database (no such table: portfolio_project); "
        "run `keystage migrate` first"
    )


@pytest.mark.parametrize(
    ("word", "plan_file"),
    [
        ("plan.toml", True),
        ("plans/release", True),
        ("ERP-CLOUD", False),
        ("PRJ-A", False),
        (str(Path(__file__)), True),
    ],
)
def test_the_fast_path_leaves_project_codes_to_typer(word, plan_file):
    assert is_plan_path(word) is plan_file


# -------------------------------------------------------------------- the page

HX = {"HTTP_HX_REQUEST": "true"}


def signed_in(user: Any) -> Any:
    from django.test import Client

    client = Client()
    client.force_login(user)
    return client


def page(project: Any, rest: str = "") -> str:
    return f"/projects/{project.public_id}/schedule/{rest}"


def test_page_offers_the_methods_to_editors_only(world):
    html = signed_in(world.a["project_manager"]).get(page(world.project_a)).content.decode()
    assert 'id="schedule-form"' in html and 'id="no-run"' in html
    assert html.count('type="radio" name="method"') == 4
    assert 'value="level" checked' in html
    assert 'aria-current="page">Schedule</a>' in html
    viewer = signed_in(world.a["stakeholder"]).get(page(world.project_a))
    assert viewer.status_code == 200
    assert 'id="schedule-form"' not in viewer.content.decode()
    assert signed_in(world.outsider).get(page(world.project_a)).status_code == 404


def test_htmx_run_panel_polls_while_queued_and_shows_the_outcome(world, settings):
    two_parallel_tasks_for_one_person(world)
    client = signed_in(world.a["project_manager"])
    queued = client.post(
        page(world.project_a, "runs/"), {"method": "level", "time_limit_seconds": 10}, **HX
    )
    assert queued.status_code == 200
    html = queued.content.decode()
    assert queued["HX-Retarget"] == "#run-panel"
    assert 'hx-trigger="every 1s"' in html and 'data-status="queued"' in html
    assert 'aria-labelledby="history-h" hx-swap-oob="true"' in html  # the history, refreshed
    run = ScheduleRun.objects.get()
    from keystage.planning.services.schedule import execute_run

    assert execute_run(run.pk) == "done"
    polled = client.get(
        page(world.project_a, f"runs/{run.public_id}/"), HTTP_HX_TRIGGER="run-panel", **HX
    )
    html = polled.content.decode()
    assert "every 1s" not in html and 'data-status="done"' in html
    assert 'value="100"' in html and "over-allocated: Dev_A Tester" in html
    assert 'id="moves"' in html and html.count("<tr data-task=") == 2
    assert 'aria-labelledby="history-h" hx-swap-oob="true"' in html  # the history follows
    assert 'id="plan-facts"' in html and "Wed 13 Jan 2027" in html  # and the plan's finish
    plain = client.get(page(world.project_a, f"runs/{run.public_id}/"))
    assert plain.status_code == 302 and f"?run={run.public_id}" in plain["Location"]
    full = client.get(plain["Location"]).content.decode()
    assert "13 Jan 2027" in full and 'class="selected"' in full
    history = client.get(f"/projects/{world.project_a.public_id}/history/").content.decode()
    assert "Requested a schedule run" in history and "Schedule run done" in history


def test_page_form_errors_and_roles(world, immediate):
    client = signed_in(world.a["project_manager"])
    bad = client.post(
        page(world.project_a, "runs/"), {"method": "optimise", "time_limit_seconds": 0}, **HX
    )
    assert bad.status_code == 400 and bad["HX-Retarget"] == "#schedule-form"
    assert "greater than or equal to 1" in bad.content.decode()
    failed = client.post(
        page(world.project_a, "runs/"), {"method": "cpm", "time_limit_seconds": 10}
    )
    assert failed.status_code == 302  # no JavaScript: back to the page with the run selected
    html = client.get(failed["Location"]).content.decode()
    assert "The plan has no tasks yet" in html and 'data-status="failed"' in html
    viewer = signed_in(world.a["stakeholder"])
    assert viewer.post(page(world.project_a, "runs/"), {"method": "cpm"}).status_code == 403
    assert ScheduleRun.objects.count() == 1


def pour_then_smooth(world: Any) -> dict[str, Task]:
    """A half-day Pour, then Smooth with no gap allowed (maximum lag 0); Smooth and Other
    are Dev's, full time, on the same days."""
    tasks = plan(
        world,
        [("Pour", 1), ("Smooth", 1), ("Other", 2)],
        [(0, 1)],
        {1: [("team_member", 100)], 2: [("team_member", 100)]},
    )
    Task.objects.filter(pk=tasks["Pour"].pk).update(duration_minutes=DAY // 2)
    Dependency.objects.filter(successor=tasks["Smooth"]).update(max_lag_minutes=0)
    return tasks


@pytest.mark.parametrize("method", ["level", "optimise"])
def test_levelling_and_optimising_keep_a_maximum_lag(world, api, immediate, method):
    tasks = pour_then_smooth(world)
    run = request_run(api, world, method, time_limit_seconds=5)
    assert run["status"] == "done", run["message"]
    pour, smooth, other = (Task.objects.get(pk=tasks[n].pk) for n in ("Pour", "Smooth", "Other"))
    week = engine.engine_calendar(None, [])
    assert engine.working_spans(week, [(pour.finish_at, smooth.start_at)]) == [0]
    assert smooth.start_at >= other.finish_at or smooth.finish_at <= other.start_at


def test_levelling_within_float_says_when_maximum_lags_need_the_finish_to_move(
    world, api, immediate
):
    tasks = pour_then_smooth(world)
    before = Task.objects.get(pk=tasks["Smooth"].pk).start_at
    run = request_run(api, world, "level_float", time_limit_seconds=5)
    assert run["status"] == "failed"
    assert "keeps the maximum lags" in run["message"] and "finish may move" in run["message"]
    assert Task.objects.get(pk=tasks["Smooth"].pk).start_at == before
