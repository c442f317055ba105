"""Progress on tasks and the data date: services, API, access, closed projects, rescheduling."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from keystage.core.errors import Forbidden, InvalidInput, NotFound
from keystage.core.models import AuditEntry
from keystage.execution.selectors import progress as selectors
from keystage.execution.services import progress
from keystage.planning.models import Assignment, ProjectCalendar, Task
from keystage.planning.services import baselines, dependencies, wbs
from keystage.portfolio.models import Project

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 2, 15)  # a Monday, six weeks into the test projects (start 4 Jan 2027)


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(progress, "today", lambda: TODAY)


def _task(world, name, days=5, project=None, who=None, **extra):
    project = project or world.project_a
    who = who or (world.a if project == world.project_a else world.b)["project_manager"]
    return wbs.task_create(
        who=who,
        project=project,
        data={"name": name, "duration_minutes": days * 480, **extra.pop("data", {})},
        **extra,
    )


def _link(world, pred, succ):
    dependencies.dependency_create(
        who=world.a["project_manager"],
        project=world.project_a,
        predecessor_id=pred.public_id,
        successor_id=succ.public_id,
        data={"type": "FS", "lag_minutes": 0},
    )


def _assign(task, person):
    Assignment.objects.create(project=task.project, task=task, person=person)


def _update(who, task, **data):
    task.refresh_from_db()
    return progress.update_progress(
        who=who, task_id=task.public_id, version=task.version, data=data
    )


def _local_day(value):
    return timezone.localtime(value).date()


@pytest.fixture
def chain(world):
    """Design (5 d) → Build (5 d) in project A; the team member is assigned to Design."""
    design = _task(world, "Design")
    build = _task(world, "Build")
    _link(world, design, build)
    _assign(design, world.a["team_member"])
    return design, build


def test_pm_records_progress_journaled_and_plan_rescheduled(world, chain):
    design, build = chain
    assert _local_day(build.refresh_from_db() or build.start_at) == dt.date(2027, 1, 11)
    progress.set_data_date(
        who=world.a["project_manager"], project_id=world.project_a.public_id,
        data_date=dt.date(2027, 2, 12), version=None,
    )  # fmt: skip
    stored = _update(
        world.a["project_manager"], design, actual_start=dt.date(2027, 2, 8), percent_complete=40
    )
    assert stored.progress_status == "in_progress"
    assert stored.percent_complete == 40
    # 60 % of 5 days remain after the data date (Fri 12 Feb): Mon 15 … Wed 17 Feb.
    assert _local_day(stored.start_at) == dt.date(2027, 2, 8)
    assert _local_day(stored.finish_at) == dt.date(2027, 2, 17)
    build.refresh_from_db()
    assert _local_day(build.start_at) == dt.date(2027, 2, 18)  # retained logic
    entry = AuditEntry.objects.filter(summary__startswith="Recorded progress on 'Design'").get()
    assert entry.changes["percent_complete"] == [0, 40]


def test_done_task_and_unstarted_successor_after_data_date(world, chain):
    design, build = chain
    stored = _update(
        world.a["project_manager"], design,
        actual_start=dt.date(2027, 1, 4), actual_finish=dt.date(2027, 1, 6),
    )  # fmt: skip
    assert (stored.progress_status, stored.percent_complete) == ("done", 100)
    build.refresh_from_db()
    # No data date set: the last recorded day (Wed 6 Jan) is used; Build follows it.
    assert _local_day(build.start_at) == dt.date(2027, 1, 7)


def test_team_member_updates_only_assigned_tasks(world, chain):
    design, build = chain
    stored = _update(world.a["team_member"], design, actual_start=dt.date(2027, 2, 1))
    assert stored.actual_start == dt.date(2027, 2, 1)
    with pytest.raises(Forbidden, match="assigned"):
        _update(world.a["team_member"], build, actual_start=dt.date(2027, 2, 1))
    with pytest.raises(Forbidden):
        _update(world.a["stakeholder"], design, percent_complete=10)
    with pytest.raises(NotFound):
        _update(world.b["project_manager"], design, percent_complete=10)
    with pytest.raises(NotFound):
        _update(world.b["team_member"], design, percent_complete=10)


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"actual_start": "2027-02-01", "percent_complete": 101}, "percent_complete"),
        ({"actual_start": "2027-02-01", "percent_complete": -1}, "percent_complete"),
        ({"physical_percent_complete": 150}, "physical_percent_complete"),
        ({"status": "done", "actual_start": "2027-02-01"}, "actual_finish"),
        ({"actual_start": "2027-02-01", "percent_complete": 100}, "actual_finish"),
        ({"actual_start": "2027-02-05", "actual_finish": "2027-02-01"}, "actual_finish"),
        ({"actual_finish": "2027-02-01"}, "actual_start"),
        ({"percent_complete": 20}, "actual_start"),
        ({"actual_start": "2027-03-01"}, "actual_start"),
        ({"actual_start": "2027-02-01", "status": "not_started"}, "status"),
        ({"actual_start": "someday"}, "actual_start"),
        ({"status": "finished"}, "status"),
        ({"remaining_minutes": -5}, "remaining_minutes"),
    ],
)
def test_bad_progress_is_a_field_error_and_nothing_changes(world, chain, data, field):
    design, _ = chain
    with pytest.raises(InvalidInput) as exc:
        _update(world.a["project_manager"], design, **data)
    assert field in exc.value.errors
    fresh = Task.objects.get(pk=design.pk)
    assert (fresh.actual_start, fresh.percent_complete, fresh.version) == (None, 0, design.version)


def test_actual_dates_not_after_the_data_date(world, chain):
    design, _ = chain
    progress.set_data_date(
        who=world.a["project_manager"], project_id=world.project_a.public_id,
        data_date=dt.date(2027, 2, 5), version=None,
    )  # fmt: skip
    with pytest.raises(InvalidInput) as exc:
        _update(world.a["project_manager"], design, actual_start=dt.date(2027, 2, 8))
    assert "data date" in exc.value.errors["actual_start"][0]


def test_summary_tasks_roll_up_and_are_not_edited(world):
    phase = _task(world, "Phase")
    short = _task(world, "Short", days=2, parent_id=phase.public_id)
    long = _task(world, "Long", days=8, parent_id=phase.public_id)
    with pytest.raises(InvalidInput) as exc:
        _update(world.a["project_manager"], Task.objects.get(pk=phase.pk), percent_complete=10)
    assert "summary" in exc.value.errors["task"][0]
    _update(world.a["project_manager"], short, actual_start=dt.date(2027, 1, 4),
            actual_finish=dt.date(2027, 1, 5))  # fmt: skip
    _update(world.a["project_manager"], long, actual_start=dt.date(2027, 1, 6), percent_complete=50)
    view = selectors.project_progress(
        who=world.a["stakeholder"], project_id=world.project_a.public_id
    )
    rows = {r.task.name: r for r in view.tasks}
    # (2 d × 100 % + 8 d × 50 %) / 10 d = 60 %
    assert rows["Phase"].percent_complete == 60.0
    assert rows["Phase"].status == "in_progress"
    assert not any(r.editable for r in view.tasks)  # a stakeholder edits nothing
    assert view.counts["done"] == 1


def test_data_date_rules_and_rights(world, chain):
    design, _ = chain
    pid = world.project_a.public_id
    with pytest.raises(Forbidden):
        progress.set_data_date(
            who=world.a["team_member"], project_id=pid, data_date=TODAY, version=None
        )
    with pytest.raises(InvalidInput) as exc:
        progress.set_data_date(
            who=world.a["project_manager"], project_id=pid, data_date="2026-12-01", version=None
        )
    assert "starts" in exc.value.errors["data_date"][0]
    _update(world.a["project_manager"], design, actual_start=dt.date(2027, 2, 10))
    with pytest.raises(InvalidInput) as exc:
        progress.set_data_date(
            who=world.a["project_manager"], project_id=pid, data_date="2027-02-01", version=None
        )
    assert "'Design'" in exc.value.errors["data_date"][0]
    calendar = progress.set_data_date(
        who=world.a["project_manager"], project_id=pid, data_date="2027-02-12", version=None
    )
    assert calendar.data_date == dt.date(2027, 2, 12)
    with pytest.raises(Exception) as stale:
        progress.set_data_date(
            who=world.a["project_manager"], project_id=pid, data_date=None, version=99
        )
    assert getattr(stale.value, "status_code", None) == 409


def test_closed_and_cancelled_projects_are_read_only(world, chain):
    design, _ = chain
    Project.objects.filter(pk=world.project_a.pk).update(stage="closed", status="cancelled")
    with pytest.raises(Forbidden, match="PRJ-A is cancelled"):
        _update(world.a["project_manager"], design, actual_start=dt.date(2027, 2, 1))
    with pytest.raises(Forbidden, match="PRJ-A is cancelled"):
        _update(world.a["team_member"], design, actual_start=dt.date(2027, 2, 1))
    project = Project.objects.get(pk=world.project_a.pk)
    with pytest.raises(Forbidden, match="cancelled"):
        wbs.task_update(
            who=world.a["project_manager"], project=project, task=design,
            version=design.version, data={"name": "Renamed"},
        )  # fmt: skip
    Project.objects.filter(pk=world.project_a.pk).update(status="completed")
    with pytest.raises(Forbidden, match="PRJ-A is closed"):
        progress.set_data_date(
            who=world.admin, project_id=world.project_a.public_id, data_date=TODAY, version=None
        )
    view = selectors.project_progress(who=world.a["stakeholder"], project_id=project.public_id)
    assert [r.task.name for r in view.tasks] == ["Design", "Build"]  # still readable


def test_tasks_for_person_is_own_tasks_only_late_first(world, chain):
    design, build = chain
    other = _task(world, "Other B", project=world.project_b)
    _assign(other, world.b["team_member"])
    _assign(build, world.a["team_member"])
    baselines.baseline_capture(who=world.a["project_manager"], project=world.project_a)
    progress.set_data_date(
        who=world.a["project_manager"], project_id=world.project_a.public_id,
        data_date=dt.date(2027, 1, 13), version=None,
    )  # fmt: skip
    rows = selectors.tasks_for_person(world.a["team_member"])
    # Both slip past the baseline (the data date pushes them); the later finish last.
    assert [r.task.name for r in rows] == ["Design", "Build"]
    assert rows[0].slipped and rows[0].editable
    assert (
        selectors.project_progress(
            who=world.a["stakeholder"], project_id=world.project_a.public_id
        ).counts["slipped"]
        == 2
    )
    assert selectors.tasks_for_person(world.b["team_member"])[0].task.name == "Other B"
    _update(world.a["team_member"], design, actual_start=dt.date(2027, 1, 4),
            actual_finish=dt.date(2027, 1, 8))  # fmt: skip
    assert [r.task.name for r in selectors.tasks_for_person(world.a["team_member"])] == ["Build"]


# ---------------------------------------------------------------- the API


def _url(project, task):
    return f"/api/v1/projects/{project.public_id}/tasks/{task.public_id}/progress/"


def test_api_progress_patch_versions_and_errors(world, api, chain):
    design, build = chain
    client = api(world.a["team_member"])
    url = _url(world.project_a, design)
    assert client.patch(url, {"percent_complete": 10}, format="json").status_code == 428
    stale = client.patch(url, {"actual_start": "2027-02-01", "version": 99}, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["name"] == "Design"
    bad = client.patch(url, {"percent_complete": 120, "version": design.version}, format="json")
    assert bad.status_code == 400 and "percent_complete" in bad.json()["errors"]
    bad = client.patch(url, {"percent_complete": 20, "version": design.version}, format="json")
    assert bad.status_code == 400 and "actual_start" in bad.json()["errors"]
    ok = client.patch(
        url,
        {"actual_start": "2027-02-01", "percent_complete": 20, "version": design.version},
        format="json",
    )
    assert ok.status_code == 200, ok.json()
    assert ok.json()["status"] == "in_progress"
    assert client.get(url).json()["percent_complete"] == 20
    assert (
        client.patch(_url(world.project_a, build), {"version": 1}, format="json").status_code == 403
    )
    outsider = api(world.b["project_manager"])
    assert outsider.get(url).status_code == 404
    assert outsider.patch(url, {"version": 2}, format="json").status_code == 404
    wrong_project = (
        f"/api/v1/projects/{world.project_b.public_id}/tasks/{design.public_id}/progress/"
    )
    assert api(world.a["project_manager"]).get(wrong_project).status_code == 404


def test_api_data_date_and_reschedule(world, api, chain):
    url = f"/api/v1/projects/{world.project_a.public_id}/data-date/"
    pm = api(world.a["project_manager"])
    assert pm.get(url).json() == {"data_date": None, "version": None}
    assert (
        api(world.a["team_member"]).put(url, {"data_date": "2027-02-12"}, format="json").status_code
        == 403
    )
    assert pm.put(url, {"data_date": "not a date"}, format="json").status_code == 400
    set_ = pm.put(url, {"data_date": "2027-02-12"}, format="json")
    assert set_.status_code == 200 and set_.json()["data_date"] == "2027-02-12"
    assert pm.put(url, {"data_date": "2027-02-13"}, format="json").status_code == 428
    version = set_.json()["version"]
    assert pm.put(url, {"data_date": None, "version": version}, format="json").status_code == 200
    assert ProjectCalendar.objects.get(project=world.project_a).data_date is None
    again = pm.post(f"/api/v1/projects/{world.project_a.public_id}/reschedule/")
    assert again.status_code == 200
    assert (
        api(world.a["stakeholder"])
        .post(f"/api/v1/projects/{world.project_a.public_id}/reschedule/")
        .status_code
        == 403
    )
    assert api(world.b["project_manager"]).get(url).status_code == 404


def test_api_task_shows_progress_fields(world, api, chain):
    design, _ = chain
    body = (
        api(world.a["stakeholder"])
        .get(f"/api/v1/projects/{world.project_a.public_id}/tasks/{design.public_id}/")
        .json()
    )
    assert body["percent_complete"] == 0 and body["actual_start"] is None


# ---------------------------------------------------------------- pages and the Gantt


def test_gantt_shows_progress_data_date_line_and_slipped_tasks(world, chain, client):
    design, _ = chain
    baselines.baseline_capture(who=world.a["project_manager"], project=world.project_a)
    progress.set_data_date(
        who=world.a["project_manager"], project_id=world.project_a.public_id,
        data_date=dt.date(2027, 2, 12), version=None,
    )  # fmt: skip
    _update(world.a["team_member"], design, actual_start=dt.date(2027, 2, 8), percent_complete=40)
    client.force_login(world.a["stakeholder"])
    page = client.get(f"/projects/{world.project_a.public_id}/gantt/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Data date 2027-02-12" in body
    assert "Design — 40 % complete" in body
    assert body.count('class="ks-slipped"') == 2  # both finish after the baseline
    data = client.get(f"/api/v1/projects/{world.project_a.public_id}/gantt/").json()
    rows = {r["name"]: r for r in data["rows"]}
    assert rows["Design"]["percent_complete"] == 40 and rows["Design"]["slipped"]
    assert data["data_date"] == "2027-02-12"


def test_progress_page_one_click_and_field_errors(world, chain, client, monkeypatch):
    design, build = chain
    url = f"/projects/{world.project_a.public_id}/progress/"
    client.force_login(world.a["team_member"])
    page = client.get(url)
    assert page.status_code == 200
    body = page.content.decode()
    assert "Design" in body and body.count('value="start"') == 1  # only the own task
    task_url = f"{url}tasks/{design.public_id}/"
    done = client.post(task_url, {"action": "done", "version": design.version})
    assert done.status_code == 302
    design.refresh_from_db()
    assert design.actual_finish == TODAY and design.percent_complete == 100
    bad = client.post(
        task_url,
        {"action": "save", "actual_start": "2027-02-10", "actual_finish": "2027-02-01",
         "percent_complete": 100, "physical_percent_complete": 0, "version": design.version},
    )  # fmt: skip
    assert bad.status_code == 400
    assert "before the actual start" in bad.content.decode()
    assert client.get(f"{url}tasks/{build.public_id}/").status_code == 403
    client.force_login(world.a["project_manager"])
    date_bad = client.post(f"{url}data-date/", {"data_date": "2027-01-01"})
    assert date_bad.status_code == 400 and "The project starts" in date_bad.content.decode()
    ok = client.post(f"{url}data-date/", {"data_date": "2027-02-15"})
    assert ok.status_code == 302
    assert ProjectCalendar.objects.get(project=world.project_a).data_date == TODAY
    assert client.post(f"{url}reschedule/").status_code == 302


def test_cli_progress_reschedules_from_the_data_date(world, chain):
    from typer.testing import CliRunner

    from keystage.cli.app import app

    design, build = chain
    _update(world.a["project_manager"], design, actual_start=dt.date(2027, 1, 4),
            actual_finish=dt.date(2027, 1, 8))  # fmt: skip
    runner = CliRunner()
    done = runner.invoke(app, ["progress", "prj-a", "--data-date", "2027-02-12"])
    assert done.exit_code == 0, done.output
    assert done.output == (
        "PRJ-A: data date 2027-02-12; rescheduled: finish 2027-02-19 (was 2027-01-15); "
        "1 done, 0 in progress, 1 not started\n"
    )
    build.refresh_from_db()
    assert _local_day(build.start_at) == dt.date(2027, 2, 15)
    entry = AuditEntry.objects.filter(summary__startswith="Set the data date").get()
    assert entry.actor is None and "as the system" in entry.summary
    bad = runner.invoke(app, ["progress", "PRJ-A", "--data-date", "2027-01-05"])
    assert bad.exit_code == 1
    assert "'Design' has an actual date of 08 Jan 2027" in bad.output
    assert runner.invoke(app, ["progress", "PRJ-A", "--data-date", "soon"]).exit_code == 1


def test_a_batch_reschedules_once_and_ends_where_single_writes_end(world, chain, monkeypatch):
    """``progress_batch`` (the demo's bulk path): each write checked and journaled, the plan
    rescheduled once at the end, to the same dates as one reschedule per write."""
    design, build = chain
    pm = world.a["project_manager"]
    start = dt.date(2027, 1, 5)
    _update(pm, design, actual_start=start, percent_complete=40)
    _update(pm, design, actual_finish=dt.date(2027, 1, 12), percent_complete=100)
    single = {
        t.name: (t.start_at, t.finish_at) for t in Task.objects.filter(project=world.project_a)
    }
    # back to no progress, then the same writes in a batch
    _update(pm, design, actual_finish=None, actual_start=None, percent_complete=0)
    calls = []
    real = progress.reschedule
    monkeypatch.setattr(progress, "reschedule", lambda p: (calls.append(p.pk), real(p)))
    journal = AuditEntry.objects.count()
    with progress.progress_batch():
        _update(pm, design, actual_start=start, percent_complete=40)
        _update(pm, design, actual_finish=dt.date(2027, 1, 12), percent_complete=100)
        assert calls == []  # not yet
    assert calls == [world.project_a.pk]
    assert AuditEntry.objects.count() == journal + 2
    batched = {
        t.name: (t.start_at, t.finish_at) for t in Task.objects.filter(project=world.project_a)
    }
    assert batched == single
    calls.clear()
    with pytest.raises(InvalidInput), progress.progress_batch():
        _update(pm, build, percent_complete=101)
    assert calls == []  # a failed batch reschedules nothing
