"""Timesheets over HTTP and from CSV: entries (versioned), the week's grid, submit / approve /
reject, settings and totals; every bad input a 400 naming the field; another project's tasks
unreachable, through the API and through the import."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from typer.testing import CliRunner

from keystage.core.models import AuditEntry
from keystage.execution.models import TimeEntry, Timesheet
from keystage.execution.services.timesheet_import import import_time_entries
from tests.app.timesheet_world import MONDAY, TODAY, plan

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def tasks(world, monkeypatch):
    return plan(world, monkeypatch)


def _base(project) -> str:
    return f"/api/v1/projects/{project.public_id}/"


def _entry_body(task, day=MONDAY, hours="8"):
    return {"task": str(task.public_id), "day": day.isoformat(), "hours": hours, "note": "n"}


def test_entries_are_created_read_changed_and_removed_with_versions(world, tasks, api):
    dev = api(world.a["team_member"])
    base = _base(world.project_a) + "time-entries/"
    created = dev.post(base, _entry_body(tasks.build), format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["hours"], body["status"], body["task"]["name"]) == ("8.00", "draft", "Build")
    url = f"{base}{body['id']}/"
    assert dev.get(url).json()["version"] == 1
    assert dev.patch(url, {"hours": "6"}, format="json").status_code == 428
    assert dev.patch(url, {"hours": "6", "version": 9}, format="json").status_code == 409
    changed = dev.patch(url, {"hours": "6", "version": 1}, format="json")
    assert (changed.status_code, changed.json()["hours"]) == (200, "6.00")
    listed = dev.get(base, {"start": MONDAY.isoformat(), "end": TODAY.isoformat()}).json()
    assert [e["hours"] for e in listed] == ["6.00"]
    assert dev.get(base, {"start": "soon"}).status_code == 400
    assert dev.delete(url, HTTP_IF_MATCH="2").status_code == 204
    assert TimeEntry.objects.count() == 0


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"hours": "-2"}, "hours"),
        ({"hours": "25"}, "hours"),
        ({"day": "2026-12-31"}, "day"),
        ({"day": "2027-02-01"}, "day"),
        ({"task": "not-a-task"}, "task"),
        ({"hours": "abc"}, "hours"),
    ],
)
def test_bad_entries_are_400_with_the_field_and_write_nothing(world, tasks, api, change, field):
    before = AuditEntry.objects.count()
    response = api(world.a["team_member"]).post(
        _base(world.project_a) + "time-entries/",
        {**_entry_body(tasks.build), **change},
        format="json",
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert (TimeEntry.objects.count(), AuditEntry.objects.count()) == (0, before)


def test_another_projects_task_and_entries_are_out_of_reach(world, tasks, api):
    dev_a = api(world.a["team_member"])
    response = dev_a.post(
        _base(world.project_a) + "time-entries/", _entry_body(tasks.b_task), format="json"
    )
    assert response.status_code == 400 and "task" in response.json()["errors"]
    assert (
        dev_a.post(
            _base(world.project_b) + "time-entries/", _entry_body(tasks.b_task), format="json"
        ).status_code
        == 404
    )
    dev_b = api(world.b["team_member"])
    entry = dev_b.post(
        _base(world.project_b) + "time-entries/", _entry_body(tasks.b_task), format="json"
    )
    assert entry.status_code == 201
    entry_id = entry.json()["id"]
    assert dev_a.get(f"{_base(world.project_b)}time-entries/{entry_id}/").status_code == 404
    assert dev_a.get(f"{_base(world.project_a)}time-entries/{entry_id}/").status_code == 404
    assert (
        api(world.a["project_manager"]).get(_base(world.project_b) + "timesheets/").status_code
        == 404
    )


def test_week_grid_submit_approve_and_lock(world, tasks, api):
    dev = api(world.a["team_member"])
    week_url = f"{_base(world.project_a)}timesheets/week/{MONDAY + dt.timedelta(2)}/"
    empty = dev.get(week_url).json()
    assert (empty["week_start"], empty["status"], empty["version"]) == (
        MONDAY.isoformat(),
        "draft",
        None,
    )
    assert [r["task"]["name"] for r in empty["rows"]] == ["Build", "Test", "Child"]
    grid = {
        "rows": [
            {
                "task": str(tasks.build.public_id),
                "hours": ["8", "8", None, None, None, None, None],
                "note": "code",
            },
            {"task": str(tasks.test.public_id), "hours": [None, None, "4", None, None, None, None]},
        ]
    }
    saved = dev.put(week_url, grid, format="json")
    assert saved.status_code == 200, saved.json()
    week = saved.json()
    assert (week["total"], week["day_totals"][:3], week["version"]) == (
        "20.00",
        ["8.00", "8.00", "4.00"],
        1,
    )
    assert dev.put(week_url, grid, format="json").status_code == 428
    assert dev.put(week_url, {**grid, "version": 5}, format="json").status_code == 409
    too_much = {
        "rows": [
            {
                "task": str(tasks.build.public_id),
                "hours": ["25", None, None, None, None, None, None],
            }
        ],
        "version": 1,
    }
    refused = dev.put(week_url, too_much, format="json")
    assert refused.status_code == 400 and "hours" in refused.json()["errors"]
    assert (
        dev.put(week_url, {"rows": [{"task": "x", "hours": [1]}]}, format="json").status_code == 400
    )

    sheet_url = f"{_base(world.project_a)}timesheets/{week['id']}/"
    assert dev.post(sheet_url + "submit/", {}, format="json").status_code == 428
    submitted = dev.post(sheet_url + "submit/", {"version": 1}, format="json")
    assert (submitted.status_code, submitted.json()["status"]) == (200, "submitted")
    assert dev.post(sheet_url + "approve/", {"version": 2}, format="json").status_code == 403
    pm = api(world.a["project_manager"])
    queue = pm.get(_base(world.project_a) + "timesheets/", {"status": "submitted"}).json()
    assert [(q["person"]["username"], q["total_hours"]) for q in queue] == [("dev_a", "20.00")]
    no_reason = pm.post(sheet_url + "reject/", {"reason": "", "version": 2}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["errors"]
    approved = pm.post(sheet_url + "approve/", {"version": 2}, format="json")
    assert (approved.status_code, approved.json()["status"]) == (200, "approved")
    assert approved.json()["decided_by"]["username"] == "pm_a"
    locked = dev.post(
        _base(world.project_a) + "time-entries/",
        _entry_body(tasks.build, MONDAY + dt.timedelta(3)),
        format="json",
    )
    assert locked.status_code == 400 and "locked" in locked.json()["errors"]["day"][0]
    assert dev.put(week_url, {**grid, "version": 3}, format="json").status_code == 400
    totals = pm.get(_base(world.project_a) + "timesheets/totals/").json()
    assert (totals["hours"], totals["approved_hours"], totals["approved_amount"]) == (
        "20.00",
        "20.00",
        "1600.00",
    )
    assert [r["label"] for r in totals["by_task"]] == ["1 Build", "2 Test"]


def test_reject_then_resubmit(world, tasks, api):
    dev = api(world.a["team_member"])
    entry = dev.post(
        _base(world.project_a) + "time-entries/", _entry_body(tasks.build), format="json"
    ).json()
    sheet_url = f"{_base(world.project_a)}timesheets/{entry['timesheet']}/"
    version = dev.get(sheet_url).json()["version"]
    dev.post(sheet_url + "submit/", {"version": version}, format="json")
    rejected = api(world.a["project_manager"]).post(
        sheet_url + "reject/", {"reason": "Wrong task", "version": version + 1}, format="json"
    )
    assert (rejected.json()["status"], rejected.json()["reason"]) == ("rejected", "Wrong task")
    again = dev.post(sheet_url + "submit/", {"version": version + 2}, format="json")
    assert again.json()["status"] == "submitted"


def test_settings_let_the_pm_allow_unassigned_tasks(world, tasks, api):
    url = _base(world.project_a) + "timesheets/settings/"
    dev, pm = api(world.a["team_member"]), api(world.a["project_manager"])
    assert dev.get(url).json() == {"allow_unassigned": False, "version": None}
    assert dev.put(url, {"allow_unassigned": True}, format="json").status_code == 403
    refused = dev.post(
        _base(world.project_a) + "time-entries/", _entry_body(tasks.docs), format="json"
    )
    assert refused.status_code == 400 and "task" in refused.json()["errors"]
    assert pm.put(url, {"allow_unassigned": True}, format="json").json() == {
        "allow_unassigned": True,
        "version": 1,
    }
    assert pm.put(url, {"allow_unassigned": False}, format="json").status_code == 428
    assert (
        dev.post(
            _base(world.project_a) + "time-entries/", _entry_body(tasks.docs), format="json"
        ).status_code
        == 201
    )


# ------------------------------------------------------------------ CSV import


def _csv(*rows: str) -> list[str]:
    return ["person_email,project_code,task,date,hours,note\n", *(r + "\n" for r in rows)]


def test_import_writes_every_row_in_one_go(world, tasks):
    result = import_time_entries(
        _csv(
            "dev_a@example.test,PRJ-A,1,2027-01-11,8,build",
            "DEV_A@example.test,prj-a,2,2027-01-12,4.5,",
            f"pm_a@example.test,PRJ-A,{tasks.build.public_id},2027-01-12,2,review",
            "dev_b@example.test,PRJ-B,1,2027-01-13,7,",
        ),
        name="jan.csv",
        on=TODAY,
    )
    assert result.errors == []
    assert (result.rows, result.hours, result.projects) == (4, D("21.5"), {"PRJ-A": 3, "PRJ-B": 1})
    assert TimeEntry.objects.count() == 4 and Timesheet.objects.count() == 3
    journal = AuditEntry.objects.filter(summary__startswith="Imported").order_by("summary")
    assert {(j.project.code, j.summary) for j in journal} == {
        ("PRJ-A", "Imported 3 time entries (14.5 h) from jan.csv"),
        ("PRJ-B", "Imported 1 time entries (7 h) from jan.csv"),
    }


def test_import_keeps_notes_with_quotes_tabs_backslashes_and_new_lines(world, tasks):
    """The entries go in as COPY text on PostgreSQL: every special character survives."""
    note = 'a "quoted",\ttabbed \\N back\\slash\nand a second line'
    quoted = '"' + note.replace('"', '""') + '"'
    result = import_time_entries(
        _csv(f"dev_a@example.test,PRJ-A,1,2027-01-11,8,{quoted}"), on=TODAY
    )
    assert result.errors == []
    assert TimeEntry.objects.get().note == note
    assert len(TimeEntry.objects.get().public_id.hex) == 32


def test_import_with_any_bad_row_writes_nothing_and_names_each_line(world, tasks):
    Timesheet.objects.create(
        project=world.project_a,
        person=world.a["team_member"],
        week_start=MONDAY - dt.timedelta(7),
        status="approved",
    )
    result = import_time_entries(
        _csv(
            "dev_a@example.test,PRJ-A,1,2027-01-11,8,ok",
            "dev_a@example.test,PRJ-A,1,2027-01-11,1,twice",
            "dev_a@example.test,PRJ-B,1,2027-01-11,1,other project",
            "dev_a@example.test,PRJ-A,3,2027-01-12,1,summary",
            "dev_a@example.test,PRJ-A,4,2027-01-12,1,unassigned",
            "nobody@example.test,PRJ-A,1,2027-01-12,1,",
            "dev_a@example.test,PRJ-A,1,2027-13-01,1,",
            "dev_a@example.test,PRJ-A,1,2027-01-13,-3,",
            "dev_a@example.test,PRJ-A,9,2027-01-13,1,",
            "dev_a@example.test,PRJ-A,2,2027-01-05,1,locked week",
            "dev_a@example.test,PRJ-A,2,2027-02-05,1,future",
            "dev_a@example.test,PRJ-A,2,2027-01-14,,",
        ),
        on=TODAY,
    )
    lines = result.errors
    assert TimeEntry.objects.count() == 0
    expected = {
        3: "date: There is already time",
        4: "project_code: dev_a@example.test records no work in a project 'PRJ-B'",
        5: "task: 'Phase' is a summary task",
        6: "task: 'Docs' is not assigned",
        7: "person_email: nobody active",
        8: "date: Enter a date",
        9: "hours: Hours cannot be negative",
        10: "task: PRJ-A has no task '9'",
        11: "date: The week of Mon 4 Jan 2027 is approved",
        12: "date: Fri 5 Feb 2027 is in the future",
        13: "hours: required",
    }
    for line, text in expected.items():
        assert any(e.startswith(f"line {line}: ") and text in e for e in lines), (line, lines)
    assert not any(e.startswith("line 2:") for e in lines)


def test_import_checks_the_header_and_the_dry_run_writes_nothing(world, tasks):
    assert import_time_entries(["person,project\n"], on=TODAY).errors == [
        "line 1: missing column(s): person_email, project_code, task, date, hours"
    ]
    dry = import_time_entries(
        _csv("dev_a@example.test,PRJ-A,1,2027-01-11,8,x"), dry_run=True, on=TODAY
    )
    assert (dry.errors, dry.rows, TimeEntry.objects.count()) == ([], 1, 0)


def test_cli_import_exit_codes(world, tasks, tmp_path, monkeypatch):
    from keystage.cli.app import app

    monkeypatch.setattr("keystage.execution.services.timesheet_import.today", lambda: TODAY)
    good = tmp_path / "good.csv"
    good.write_text("".join(_csv("dev_a@example.test,PRJ-A,1,2027-01-11,8,x")))
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "".join(
            _csv(
                "dev_a@example.test,PRJ-A,1,2027-01-11,8,x",
                "dev_a@example.test,PRJ-B,1,2027-01-11,1,",
            )
        )
    )
    runner = CliRunner()
    failed = runner.invoke(app, ["timesheet", "import", str(bad)])
    assert failed.exit_code == 1
    assert (
        "bad.csv: line 3: project_code:" in failed.output
        and "nothing was imported" in failed.output
    )
    dry = runner.invoke(app, ["timesheet", "import", str(good), "--dry-run"])
    assert dry.exit_code == 0 and "would import 1 time entries" in dry.output
    assert TimeEntry.objects.count() == 0
    done = runner.invoke(app, ["timesheet", "import", str(good)])
    assert done.exit_code == 0 and "imported 1 time entries, 8 h" in done.output
    assert TimeEntry.objects.count() == 1
    assert runner.invoke(app, ["timesheet", "import", str(tmp_path / "none.csv")]).exit_code == 1


# ------------------------------------------------------------------------ pages


def test_week_page_refuses_bad_cells_with_400_and_the_queue_is_the_managers(world, tasks):
    from django.test import Client

    dev = Client()
    dev.force_login(world.a["team_member"])
    url = f"/projects/{world.project_a.public_id}/timesheet/{MONDAY.isoformat()}/"
    page = dev.get(url)
    assert page.status_code == 200 and b"Week of 11 Jan 2027" in page.content
    form = {"task-0": str(tasks.build.public_id), "h-0-0": "-3", "note-0": "x"}
    refused = dev.post(url, form)
    assert refused.status_code == 400 and b"Hours cannot be negative" in refused.content
    assert b'value="-3"' in refused.content and TimeEntry.objects.count() == 0
    saved = dev.post(url, {**form, "h-0-0": "6"})
    assert saved.status_code == 302 and TimeEntry.objects.get().hours == D(6)
    stale = dev.post(url, {**form, "h-0-0": "5", "version": "9"})
    assert stale.status_code == 409
    submit = f"/projects/{world.project_a.public_id}/timesheet/{MONDAY.isoformat()}/submit/"
    assert dev.post(submit, {"version": "1"}).status_code == 302
    assert Timesheet.objects.get().status == "submitted"
    queue = f"/projects/{world.project_a.public_id}/timesheets/"
    assert dev.get(queue).status_code == 403
    pm = Client()
    pm.force_login(world.a["project_manager"])
    listed = pm.get(queue)
    assert listed.status_code == 200 and b"approve-dev_a" in listed.content
    sheet = Timesheet.objects.get()
    decide = f"{queue}{sheet.public_id}/decide/"
    no_reason = pm.post(decide, {"action": "reject", "reason": "", "version": sheet.version})
    assert no_reason.status_code == 400 and b"Say why" in no_reason.content
    assert (
        pm.post(
            decide, {"action": "reject", "reason": "Split it", "version": sheet.version}
        ).status_code
        == 302
    )
    assert Timesheet.objects.get().status == "rejected"
