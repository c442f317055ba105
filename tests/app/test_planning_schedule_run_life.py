"""The life cycle of schedule runs: queue bounds, heartbeat and stale runs, cancel, recovery."""

from __future__ import annotations

import datetime as dt
import io
import threading
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.db import connection, connections
from django.test import Client
from django.utils import timezone

from keystage.core.models import AuditEntry
from keystage.planning import rcpsp
from keystage.planning.models import Assignment, ScheduleRun, Task
from keystage.planning.services import schedule as schedule_services
from keystage.planning.services import wbs
from keystage.planning.services.schedule_runs import schedule_runs_fail_stale
from tests.conftest import PASSWORD

DAY = 480
IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def runs_url(project: Any, run: str = "", action: str = "") -> str:
    base = f"/api/v1/projects/{project.public_id}/schedule-runs/"
    return base + (f"{run}/" if run else "") + (f"{action}/" if action else "")


def small_plan(world: Any, project: Any = None, pm: Any = None) -> list[Task]:
    """Two tasks for one person in parallel, then a milestone."""
    project = project or world.project_a
    pm = pm or world.a["project_manager"]
    tasks = wbs.plan_append(
        who=pm,
        project=project,
        rows=[
            {"name": "Build API", "duration_minutes": 3 * DAY},
            {"name": "Build UI", "duration_minutes": 3 * DAY},
            {"name": "Release", "kind": "milestone", "duration_minutes": 0},
        ],
        links=[(0, 2, "FS", 0), (1, 2, "FS", 0)],
    )
    people = world.a if project == world.project_a else world.b
    for task in tasks[:2]:
        Assignment.objects.create(
            project=project, task=task, person=people["team_member"], units_percent=100
        )
    return tasks


def dates(project: Any) -> dict[str, tuple[Any, Any]]:
    return {t.name: (t.start_at, t.finish_at) for t in Task.objects.filter(project=project)}


# ------------------------------------------------------------------- bounds


@pytest.mark.django_db
def test_the_queue_is_bounded_per_project_and_nothing_is_written_over_it(world, api, settings):
    settings.KEYSTAGE_SCHEDULE_RUNS_PER_PROJECT = 3
    small_plan(world)
    pm = api(world.a["project_manager"])
    for _ in range(3):  # no worker runs in this test: they stay queued
        assert pm.post(runs_url(world.project_a), {"method": "cpm"}).status_code == 202
    journal = AuditEntry.objects.count()
    over = pm.post(runs_url(world.project_a), {"method": "level"})
    assert over.status_code == 429, over.content
    assert "already has 3 schedule run(s) waiting or running" in over.json()["detail"]
    assert ScheduleRun.objects.count() == 3
    assert AuditEntry.objects.count() == journal
    # Once one ends (here: cancelled), there is room again.
    first = ScheduleRun.objects.order_by("id").first()
    assert pm.post(runs_url(world.project_a, first.public_id, "cancel")).status_code == 200
    assert pm.post(runs_url(world.project_a), {"method": "level"}).status_code == 202


@pytest.mark.django_db
def test_the_queue_is_bounded_per_organisation(world, api, settings):
    settings.KEYSTAGE_SCHEDULE_RUNS_PER_ORGANISATION = 3
    small_plan(world)
    small_plan(world, world.project_b, world.b["project_manager"])
    pm_a, pm_b = api(world.a["project_manager"]), api(world.b["project_manager"])
    assert pm_a.post(runs_url(world.project_a), {"method": "cpm"}).status_code == 202
    assert pm_a.post(runs_url(world.project_a), {"method": "cpm"}).status_code == 202
    assert pm_b.post(runs_url(world.project_b), {"method": "cpm"}).status_code == 202
    over = pm_b.post(runs_url(world.project_b), {"method": "cpm"})
    assert over.status_code == 429
    assert "organisation already has 3" in over.json()["detail"]
    assert ScheduleRun.objects.filter(project=world.project_b).count() == 1


# ---------------------------------------------------------- stale and recovery


@pytest.mark.django_db
def test_a_running_run_without_heartbeat_is_failed_when_runs_are_listed(world, api, settings):
    settings.KEYSTAGE_SCHEDULE_RUN_TIMEOUT = 60
    small_plan(world)
    pm = api(world.a["project_manager"])
    created = pm.post(runs_url(world.project_a), {"method": "level"}).json()
    long_ago = timezone.now() - dt.timedelta(minutes=5)
    ScheduleRun.objects.filter(public_id=created["id"]).update(
        status="running", started_at=long_ago, heartbeat_at=long_ago
    )
    listed = pm.get(runs_url(world.project_a)).json()
    assert listed[0]["status"] == "failed"
    assert "stopped answering (no sign of life for 60 s)" in listed[0]["message"]
    entry = AuditEntry.objects.filter(object_type="schedulerun").order_by("id").last()
    assert entry.changes["status"] == ["running", "failed"] and entry.actor is None


@pytest.mark.django_db
def test_fail_stale_keeps_runs_with_a_recent_heartbeat(world, api):
    small_plan(world)
    pm = api(world.a["project_manager"])
    created = pm.post(runs_url(world.project_a), {"method": "level"}).json()
    now = timezone.now()
    ScheduleRun.objects.filter(public_id=created["id"]).update(
        status="running", started_at=now - dt.timedelta(hours=1), heartbeat_at=now
    )
    assert schedule_runs_fail_stale(now=now + dt.timedelta(seconds=119)) == 0
    assert ScheduleRun.objects.get(public_id=created["id"]).status == "running"
    assert schedule_runs_fail_stale(now=now + dt.timedelta(seconds=121)) == 1
    assert ScheduleRun.objects.get(public_id=created["id"]).status == "failed"


@pytest.mark.django_db
def test_a_queued_run_whose_job_is_gone_is_failed(world, api):
    from django_tasks_db.models import DBTaskResult

    small_plan(world)
    pm = api(world.a["project_manager"])
    kept = pm.post(runs_url(world.project_a), {"method": "cpm"}).json()
    lost = pm.post(runs_url(world.project_a), {"method": "cpm"}).json()
    DBTaskResult.objects.filter(id=ScheduleRun.objects.get(public_id=lost["id"]).job_id).delete()
    listed = pm.get(runs_url(world.project_a)).json()
    statuses = {r["id"]: (r["status"], r["message"]) for r in listed}
    assert statuses[kept["id"]][0] == "queued"
    assert statuses[lost["id"]][0] == "failed"
    assert "background job of this run is gone" in statuses[lost["id"]][1]


@pytest.mark.django_db
def test_the_recover_command_fails_stale_runs(world, api):
    small_plan(world)
    pm = api(world.a["project_manager"])
    created = pm.post(runs_url(world.project_a), {"method": "cpm"}).json()
    ScheduleRun.objects.filter(public_id=created["id"]).update(
        status="running", started_at=timezone.now(), heartbeat_at=timezone.now()
    )
    out = io.StringIO()
    call_command("schedule_runs_recover", stdout=out)
    assert out.getvalue().strip() == "0 stale schedule run(s) marked failed."
    call_command("schedule_runs_recover", "--timeout", "0", stdout=out)
    assert "1 stale schedule run(s) marked failed." in out.getvalue()
    assert ScheduleRun.objects.get(public_id=created["id"]).status == "failed"
    with pytest.raises(CommandError, match="whole number of seconds"):
        call_command("schedule_runs_recover", "--timeout", "soon")
    with pytest.raises(CommandError, match="0 to"):
        call_command("schedule_runs_recover", "--timeout", "-1")


@pytest.mark.django_db
def test_a_run_records_its_heartbeat(world, api, settings):
    settings.TASKS = IMMEDIATE
    small_plan(world)
    pm = api(world.a["project_manager"])
    before = timezone.now()
    run = pm.post(runs_url(world.project_a), {"method": "level"}).json()
    assert run["status"] == "done"
    stored = ScheduleRun.objects.get(public_id=run["id"])
    assert stored.heartbeat_at is not None and stored.heartbeat_at >= before


# ------------------------------------------------------------------ cancel


@pytest.mark.django_db
def test_cancel_a_queued_run_then_the_job_does_nothing(world, api):
    small_plan(world)
    before = dates(world.project_a)
    pm = api(world.a["project_manager"])
    created = pm.post(runs_url(world.project_a), {"method": "level"}).json()
    for role, code in (("team_member", 403), ("stakeholder", 403), ("sponsor", 403)):
        denied = api(world.a[role]).post(runs_url(world.project_a, created["id"], "cancel"))
        assert denied.status_code == code, role
    assert (
        api(world.outsider).post(runs_url(world.project_a, created["id"], "cancel")).status_code
        == 404
    )
    cancelled = pm.post(runs_url(world.project_a, created["id"], "cancel"))
    assert cancelled.status_code == 200
    body = cancelled.json()
    assert body["status"] == "cancelled"
    assert body["message"].startswith("Cancelled by Pm_A Tester before it started")
    entry = AuditEntry.objects.filter(object_type="schedulerun").order_by("id").last()
    assert entry.changes == {"status": ["queued", "cancelled"]}
    assert entry.actor == world.a["project_manager"]
    # The job, when a worker gets to it, leaves the run alone.
    run = ScheduleRun.objects.get(public_id=created["id"])
    assert schedule_services.execute_run(run.pk) == "cancelled"
    assert dates(world.project_a) == before
    again = pm.post(runs_url(world.project_a, created["id"], "cancel"))
    assert again.status_code == 409
    assert "already ended (cancelled)" in again.json()["detail"]


@pytest.mark.django_db(transaction=True)
def test_cancel_a_running_run_stops_it_before_it_writes(world, api, monkeypatch):
    small_plan(world)
    before = dates(world.project_a)
    solving, release = threading.Event(), threading.Event()
    real_level = rcpsp.level

    def slow_level(*args: Any, **kwargs: Any) -> Any:
        solving.set()
        release.wait(timeout=20)
        return real_level(*args, **kwargs)

    monkeypatch.setattr(rcpsp, "level", slow_level)
    pm = api(world.a["project_manager"])
    created = pm.post(runs_url(world.project_a), {"method": "level"}).json()
    run = ScheduleRun.objects.get(public_id=created["id"])
    outcome: list[str] = []

    def worker() -> None:
        try:
            outcome.append(schedule_services.execute_run(run.pk))
        finally:
            connections.close_all()

    thread = threading.Thread(target=worker)
    thread.start()
    assert solving.wait(timeout=20)
    asked = pm.post(runs_url(world.project_a, created["id"], "cancel"))
    assert asked.status_code == 200
    assert asked.json()["status"] == "running"
    assert asked.json()["message"] == "Cancelling at Pm_A Tester's request…"
    # Asking twice is harmless.
    assert pm.post(runs_url(world.project_a, created["id"], "cancel")).status_code == 200
    release.set()
    thread.join(timeout=30)
    assert outcome == ["cancelled"]
    final = pm.get(runs_url(world.project_a, created["id"])).json()
    assert (final["status"], final["message"]) == ("cancelled", "Cancelled; nothing was written.")
    assert dates(world.project_a) == before  # levelling would have moved a build
    summaries = list(
        AuditEntry.objects.filter(object_type="schedulerun")
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert summaries[-2].startswith("Asked a running schedule run to stop")
    assert summaries[-1].startswith("Schedule run stopped on request")


@pytest.mark.django_db(transaction=True)
def test_a_cancel_that_arrives_during_the_final_write_rolls_it_back(world, api, monkeypatch):
    if connection.vendor == "sqlite":
        pytest.skip("SQLite holds the write lock for the whole final write: no cancel gets in")
    small_plan(world)
    before = dates(world.project_a)
    pm = api(world.a["project_manager"])
    created = pm.post(runs_url(world.project_a), {"method": "level"}).json()
    run = ScheduleRun.objects.get(public_id=created["id"])
    real_write = schedule_services._write_dates

    def cancel_from_elsewhere() -> None:
        try:
            response = api(world.a["project_manager"]).post(
                runs_url(world.project_a, created["id"], "cancel")
            )
            assert response.status_code == 200
        finally:
            connections.close_all()

    def write_then_cancel(*args: Any, **kwargs: Any) -> None:
        real_write(*args, **kwargs)
        other = threading.Thread(target=cancel_from_elsewhere)  # commits on its own
        other.start()
        other.join(timeout=20)

    monkeypatch.setattr(schedule_services, "_write_dates", write_then_cancel)
    assert schedule_services.execute_run(run.pk) == "cancelled"
    assert dates(world.project_a) == before


@pytest.mark.django_db
def test_the_page_offers_cancel_to_editors_and_cancels(world):
    small_plan(world)
    pm = Client()
    pm.login(username="pm_a", password=PASSWORD)
    page = f"/projects/{world.project_a.public_id}/schedule/"
    created = pm.post(page + "runs/", {"method": "cpm", "time_limit_seconds": 10})
    assert created.status_code == 302
    run = ScheduleRun.objects.get()
    assert 'id="cancel-run"' in pm.get(page).content.decode()
    viewer = Client()
    viewer.login(username="viewer_a", password=PASSWORD)
    assert 'id="cancel-run"' not in viewer.get(page).content.decode()
    assert viewer.post(f"{page}runs/{run.public_id}/cancel/").status_code == 403
    panel = pm.post(f"{page}runs/{run.public_id}/cancel/", HTTP_HX_REQUEST="true")
    assert panel.status_code == 200
    html = panel.content.decode()
    assert 'data-status="cancelled"' in html and "Cancelled by Pm_A Tester" in html
    assert 'id="cancel-run"' not in html
    assert ScheduleRun.objects.get().status == "cancelled"


def test_heartbeat_is_due_after_the_interval():
    run = ScheduleRun(heartbeat_at=timezone.now() - dt.timedelta(seconds=6))
    assert schedule_services._beat_due(run)
    run.heartbeat_at = timezone.now()
    assert not schedule_services._beat_due(run)


@pytest.mark.django_db
def test_the_page_says_when_the_queue_is_full(world, settings):
    settings.KEYSTAGE_SCHEDULE_RUNS_PER_PROJECT = 1
    small_plan(world)
    pm = Client()
    pm.login(username="pm_a", password=PASSWORD)
    page = f"/projects/{world.project_a.public_id}/schedule/"
    assert pm.post(page + "runs/", {"method": "cpm", "time_limit_seconds": 10}).status_code == 302
    full = pm.post(page + "runs/", {"method": "cpm", "time_limit_seconds": 10})
    assert full.status_code == 400
    assert "already has 1 schedule run(s) waiting or running" in full.content.decode()
    assert ScheduleRun.objects.count() == 1
