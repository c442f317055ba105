"""QUALITY.md C1: many clients edit the same record with the same version at once.

Exactly one wins; every other gets 409 with the current state; one journal entry.
Runs on whichever database the suite runs on (SQLite and PostgreSQL in CI).
"""

from __future__ import annotations

import datetime as dt
import threading
from typing import Any

import pytest
from django.db import connections

from keystage.core.models import AuditEntry
from keystage.portfolio.models import Project

pytestmark = pytest.mark.django_db(transaction=True)

CLIENTS = 20


def test_concurrent_patches_one_winner(world, api):
    url = f"/api/v1/projects/{world.project_a.public_id}/"
    clients = [api(world.a["project_manager"]) for _ in range(CLIENTS)]
    barrier = threading.Barrier(CLIENTS)
    results: list[tuple[int, dict]] = []
    lock = threading.Lock()

    def edit(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            response = clients[i].patch(url, {"name": f"Edit {i}", "version": 1}, format="json")
            with lock:
                results.append((response.status_code, response.json()))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=edit, args=(i,)) for i in range(CLIENTS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)

    codes = sorted(code for code, _ in results)
    assert len(results) == CLIENTS
    assert codes.count(200) == 1, codes
    assert codes.count(409) == CLIENTS - 1, codes
    winner = next(body for code, body in results if code == 200)
    project = Project.objects.get(pk=world.project_a.pk)
    assert project.version == 2
    assert project.name == winner["name"]
    for code, body in results:
        if code == 409:
            assert body["current"]["version"] == 2
            assert body["current"]["name"] == winner["name"]
    updates = AuditEntry.objects.filter(object_id=project.public_id, action="update")
    assert updates.count() == 1
    assert updates.get().changes["name"] == ["Project A", winner["name"]]


# ------------------------------------------------------- concurrent plan edits (issue 17)

PLANNERS = 12
ROUNDS = 3
SCHEDULE_FIELDS = (
    "start_at",
    "finish_at",
    "early_start_at",
    "early_finish_at",
    "late_start_at",
    "late_finish_at",
    "total_float_minutes",
    "free_float_minutes",
    "is_critical",
)


def _fresh_cpm_differences(project) -> list[str]:
    """Tasks whose stored dates differ from a critical path computed afresh from the plan."""
    from keystage.planning import engine
    from keystage.planning.models import Dependency, Holiday, ProjectCalendar, Task

    tasks = list(Task.objects.filter(project=project))
    calendar = engine.engine_calendar(
        ProjectCalendar.objects.filter(project=project).first(),
        Holiday.objects.filter(project=project),
    )
    links = Dependency.objects.filter(project=project)
    result = engine.run_cpm(engine.engine_project(project.start_date, tasks, links, calendar))
    stored = {t.pk: t for t in tasks}
    wrong = []
    for dates in result.dates:
        task = stored[dates.task_id]
        for field in SCHEDULE_FIELDS:
            if (was := getattr(task, field)) != (fresh := getattr(dates, field)):
                wrong.append(f"{task.name}.{field}: {was} ≠ {fresh}")
    return wrong


def test_concurrent_edits_of_different_tasks_leave_a_fresh_schedule(world, api):
    """Issue 17 #3: N planners edit N different tasks of one plan at once, several rounds.

    Every edit succeeds (no deadlock, no 500) and afterwards the stored dates equal a
    critical path computed afresh from the stored plan (no edit computed from a snapshot
    that missed another one).
    """
    from keystage.planning.models import Task
    from keystage.planning.services.wbs import plan_append

    project = world.project_a
    pm_user = world.a["project_manager"]
    # Two chains that cross: every task's dates depend on several others' durations.
    rows = [{"name": f"Task {i:02d}", "duration_minutes": 480} for i in range(PLANNERS)]
    links = [(i, i + 1, "FS", 0) for i in range(PLANNERS - 1)]
    links += [(i, i + 3, "SS", 240) for i in range(0, PLANNERS - 3, 2)]
    plan_append(who=pm_user, project=project, rows=rows, links=links)
    tasks = list(Task.objects.filter(project=project).order_by("row"))
    base = f"/api/v1/projects/{project.public_id}/tasks/"
    clients = [api(pm_user) for _ in range(PLANNERS)]
    results: list[tuple[int, str]] = []
    lock = threading.Lock()

    for round_no in range(ROUNDS):
        barrier = threading.Barrier(PLANNERS)
        versions = dict(Task.objects.filter(project=project).values_list("pk", "version"))

        def edit(
            i: int,
            round_no: int = round_no,
            versions: dict = versions,
            barrier: threading.Barrier = barrier,
        ) -> None:
            task = tasks[i]
            outcome = (0, "did not run")
            try:
                barrier.wait(timeout=30)
                response = clients[i].patch(
                    f"{base}{task.public_id}/",
                    {"duration_minutes": 480 * (1 + (i + round_no) % 4)},
                    format="json",
                    HTTP_IF_MATCH=str(versions[task.pk]),
                )
                outcome = (response.status_code, response.content.decode()[:300])
            except Exception as exc:  # the test client re-raises a view's exception: a 500
                outcome = (500, repr(exc)[:300])
            finally:
                connections.close_all()
            with lock:
                results.append(outcome)

        threads = [threading.Thread(target=edit, args=(i,)) for i in range(PLANNERS)]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=60)

    assert len(results) == PLANNERS * ROUNDS
    failures = [r for r in results if r[0] != 200]
    assert failures == [], failures
    durations = dict(Task.objects.filter(project=project).values_list("name", "duration_minutes"))
    assert durations == {f"Task {i:02d}": 480 * (1 + (i + ROUNDS - 1) % 4) for i in range(PLANNERS)}
    assert _fresh_cpm_differences(Project.objects.get(pk=project.pk)) == []


def test_concurrent_mixed_plan_writes_leave_a_fresh_schedule(world, api):
    """Every kind of plan write at once — task edits, a new task, new and edited links, a
    move, the calendar and a holiday — through the same lock: 0 errors, 0 stale dates."""
    from keystage.planning.models import Dependency, Task
    from keystage.planning.services.calendar import calendar_save, holiday_create
    from keystage.planning.services.wbs import plan_append

    project = world.project_a
    pm_user = world.a["project_manager"]
    rows = [{"name": f"Task {i:02d}", "duration_minutes": 480} for i in range(10)]
    links = [(i, i + 1, "FS", 0) for i in range(9)]
    tasks = plan_append(who=pm_user, project=project, rows=rows, links=links)
    deps = {
        (d.predecessor_id, d.successor_id): d for d in Dependency.objects.filter(project=project)
    }
    base = f"/api/v1/projects/{project.public_id}/"

    def patch_task(i: int) -> Any:
        return lambda c: c.patch(
            f"{base}tasks/{tasks[i].public_id}/",
            {"duration_minutes": 960 + 480 * i},
            format="json",
            HTTP_IF_MATCH="1",
        )

    def patch_lag(a: int, b: int) -> Any:
        dep = deps[(tasks[a].pk, tasks[b].pk)]
        return lambda c: c.patch(
            f"{base}dependencies/{dep.public_id}/",
            {"lag_minutes": 480 * (a + 1)},
            format="json",
            HTTP_IF_MATCH=str(dep.version),
        )

    def in_thread_service(call: Any) -> Any:
        def run(_client: Any) -> Any:
            call()
            return None

        return run

    jobs = [
        patch_task(0),
        patch_task(3),
        patch_task(6),
        patch_lag(1, 2),
        patch_lag(7, 8),
        lambda c: c.post(f"{base}tasks/", {"name": "Added", "duration_minutes": 480}),
        lambda c: c.post(
            f"{base}dependencies/",
            {"predecessor": str(tasks[2].public_id), "successor": str(tasks[9].public_id)},
        ),
        lambda c: c.post(
            f"{base}tasks/{tasks[4].public_id}/move/", {"action": "down"}, HTTP_IF_MATCH="1"
        ),
        in_thread_service(
            lambda: calendar_save(
                who=pm_user, project=project, version=None, data={"working_weekdays": "123456"}
            )
        ),
        in_thread_service(
            lambda: holiday_create(
                who=pm_user,
                project=project,
                data={"name": "Closed", "start_date": dt.date(2027, 1, 6)},
            )
        ),
    ]
    clients = [api(pm_user) for _ in jobs]
    barrier = threading.Barrier(len(jobs))
    results: list[tuple[int, int, str]] = []
    lock = threading.Lock()

    def work(i: int) -> None:
        outcome = (i, 0, "did not run")
        try:
            barrier.wait(timeout=30)
            response = jobs[i](clients[i])
            code = 200 if response is None else response.status_code
            outcome = (i, code, "" if response is None else response.content.decode()[:300])
        except Exception as exc:  # a view's or service's exception: a 500
            outcome = (i, 500, repr(exc)[:300])
        finally:
            connections.close_all()
        with lock:
            results.append(outcome)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(len(jobs))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)

    assert len(results) == len(jobs)
    failures = [r for r in results if r[1] not in (200, 201)]
    assert failures == [], failures
    assert Task.objects.filter(project=project).count() == 11
    stored = Project.objects.get(pk=project.pk)
    assert _fresh_cpm_differences(stored) == []
    rows_now = list(Task.objects.filter(project=project).order_by("row").values_list("row"))
    assert rows_now == [(n,) for n in range(1, 12)]  # renumbered once per write, in order


def test_moving_the_project_start_reschedules_the_plan(world, api):
    """A new start date on the project's details moves the stored plan at once, in the
    same transaction: the dates equal a fresh critical path, not the next plan edit's."""
    from keystage.planning.models import Task
    from keystage.planning.services.wbs import plan_append

    project = world.project_a
    pm_user = world.a["project_manager"]
    rows = [{"name": f"Step {i}", "duration_minutes": 480} for i in range(3)]
    plan_append(who=pm_user, project=project, rows=rows, links=[(0, 1, "FS", 0), (1, 2, "FS", 0)])
    first_before = Task.objects.filter(project=project).order_by("row").first().start_at
    project.refresh_from_db()
    later = project.start_date + dt.timedelta(days=14)
    response = api(pm_user).patch(
        f"/api/v1/projects/{project.public_id}/",
        {"start_date": later.isoformat(), "version": project.version},
        format="json",
    )
    assert response.status_code == 200, response.content
    project.refresh_from_db()
    assert project.start_date == later
    first_after = Task.objects.filter(project=project).order_by("row").first().start_at
    assert first_after.date() >= later > first_before.date()
    assert _fresh_cpm_differences(project) == []


def test_two_confirms_of_one_plan_preview_open_one_project(world):
    """A double click on "Open …": one project; the other confirm gets 409, not a 500 or
    a misleading "code taken"."""
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.test import Client

    from keystage.interop.models import ImportReport
    from tests.conftest import PASSWORD

    plan = (Path(__file__).parents[1] / "fixtures" / "plans" / "awkward.xml").read_bytes()
    page = "/projects/new/import/"
    uploader = Client()
    uploader.login(username="pm_a", password=PASSWORD)
    shown = uploader.post(page, {"file": SimpleUploadedFile("awkward.xml", plan), "code": "TWICE"})
    assert shown.status_code == 200
    report = ImportReport.objects.get(project=None, status="preview")
    clients = [Client() for _ in range(2)]
    for client in clients:
        client.login(username="pm_a", password=PASSWORD)
    barrier = threading.Barrier(2)
    codes: list[int] = []

    def confirm(client: Client) -> None:
        try:
            barrier.wait(timeout=30)
            codes.append(
                client.post(page + "confirm/", {"report": str(report.public_id)}).status_code
            )
        finally:
            connections.close_all()

    threads = [threading.Thread(target=confirm, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert sorted(codes) == [302, 409], codes
    assert Project.objects.filter(code="TWICE").count() == 1
