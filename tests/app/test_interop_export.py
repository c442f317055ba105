"""Exports of a project (issue #16): MSPDI, XLSX, CSV, iCal and plan TOML, page, API, CLI."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from decimal import Decimal

import defusedxml.ElementTree as SafeET
import icalendar
import openpyxl
import pytest
from django.utils import timezone
from typer.testing import CliRunner

from keystage.engine.cpm import schedule
from keystage.engine.mspdi import NS
from keystage.engine.planfile import parse_plan
from keystage.execution.services import timesheets
from keystage.planning.models import Task
from keystage.planning.services import dependencies, wbs
from keystage.risks.models import Risk
from tests.app.timesheet_world import MONDAY, plan
from tests.engine import mpxj_oracle

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def setup(world, monkeypatch):
    tasks = plan(world, monkeypatch)
    pm, a = world.a["project_manager"], world.project_a
    live = wbs.task_create(who=pm, project=a, data={"name": "Go live", "kind": "milestone"})
    evil = wbs.task_create(who=pm, project=a, data={"name": FORMULA, "notes": "-1+1"})
    dependencies.dependency_create(
        who=pm, project=a, predecessor_id=tasks.build.public_id,
        successor_id=tasks.test.public_id, data={"type": "FS", "lag_minutes": 120},
    )  # fmt: skip
    dependencies.dependency_create(
        who=pm, project=a, predecessor_id=tasks.test.public_id,
        successor_id=live.public_id, data={},
    )  # fmt: skip
    for who in (world.a["team_member"], pm):
        timesheets.time_entry_create(
            who=who, project=a,
            data={"task": str(tasks.build.public_id), "day": MONDAY, "hours": "3", "note": "@me"},
        )  # fmt: skip
    Risk.objects.create(project=a, title="+Vendor late", probability=Decimal("0.3"))
    Risk.objects.create(project=world.project_b, title="B secret risk", probability=Decimal("0.5"))
    tasks.live, tasks.evil = live, evil
    return tasks


def _get(client, world, fmt, **query):
    client.force_login(world.a["project_manager"]) if not query.pop("anon", False) else None
    url = f"/projects/{world.project_a.public_id}/export/{fmt}/"
    return client.get(url, query)


def test_export_page_lists_every_format(client, world, setup):
    client.force_login(world.a["stakeholder"])
    page = client.get(f"/projects/{world.project_a.public_id}/export/")
    assert page.status_code == 200
    for key in ("mspdi", "xlsx", "csv", "ics", "toml"):
        assert f'id="format-{key}"'.encode() in page.content
    assert b'aria-current="page">Export<' in page.content


def test_xlsx_has_typed_cells_frozen_headers_and_no_formulas(client, world, setup):
    response = _get(client, world, "xlsx")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="prj-a-plan.xlsx"'
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Tasks", "Budget by month", "Timesheets", "Risk register"]
    sheet = book["Tasks"]
    assert sheet.freeze_panes == "A2" and sheet.auto_filter.ref.startswith("A1:L")
    assert sheet.column_dimensions["B"].width == 44
    rows = {r[1].strip(): r for r in sheet.iter_rows(min_row=2, values_only=True)}
    build = rows["Build"]
    assert isinstance(build[3], dt.datetime) and isinstance(build[4], dt.datetime)
    assert build[5] == 8.0 and isinstance(build[6], float | int)
    assert "[50 %]" in build[8]
    assert f"'{FORMULA}" in rows
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    sheets = book["Timesheets"]
    entries = list(sheets.iter_rows(min_row=2, values_only=True))
    assert len(entries) == 2 and entries[0][0] == dt.datetime(2027, 1, 11)
    assert entries[0][4] == 3 and entries[0][6] == "'@me"
    risks = list(book["Risk register"].iter_rows(min_row=2, values_only=True))
    assert [r[1] for r in risks] == ["'+Vendor late"] and risks[0][5] == 0.3
    assert b"B secret" not in response.content and b"B work" not in response.content
    assert not any(
        n.startswith("xl/vbaProject")
        for n in zipfile.ZipFile(io.BytesIO(response.content)).namelist()
    )


def test_a_team_member_exports_only_their_own_time(client, world, setup):
    client.force_login(world.a["team_member"])
    response = client.get(f"/projects/{world.project_a.public_id}/export/xlsx/")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    people = {r[1] for r in book["Timesheets"].iter_rows(min_row=2, values_only=True)}
    assert people == {world.a["team_member"].display_name}


def test_csv_zip_and_single_table(client, world, setup):
    response = _get(client, world, "csv")
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == 'attachment; filename="prj-a-plan.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    assert sorted(archive.namelist()) == [
        "prj-a-plan-budget-by-month.csv", "prj-a-plan-risk-register.csv",
        "prj-a-plan-tasks.csv", "prj-a-plan-timesheets.csv",
    ]  # fmt: skip
    text = archive.read("prj-a-plan-tasks.csv").decode("utf-8-sig")
    assert text.startswith("WBS,Name,Kind,Start,Finish")
    assert "\"'=HYPERLINK(" in text and ",=HYPERLINK" not in text
    one = _get(client, world, "csv", table="tasks")
    assert one["Content-Type"] == "text/csv"
    assert one["Content-Disposition"] == 'attachment; filename="prj-a-plan-tasks.csv"'
    assert one.content.decode("utf-8-sig") == text
    assert _get(client, world, "csv", table="<script>").status_code == 404


def test_mspdi_holds_tasks_links_resources_and_assignments(client, world, setup):
    response = _get(client, world, "mspdi")
    assert response["Content-Disposition"] == 'attachment; filename="prj-a-plan.xml"'
    root = SafeET.fromstring(response.content)
    q = f"{{{NS}}}"
    tasks = root.findall(f"{q}Tasks/{q}Task")
    assert len(tasks) == Task.objects.filter(project=world.project_a).count() + 1
    names = [t.findtext(f"{q}Name") for t in tasks]
    assert "Build" in names and FORMULA in names and "B work" not in names
    assert len(root.findall(f".//{q}PredecessorLink")) == 2
    resources = {r.findtext(f"{q}Name"): r for r in root.findall(f"{q}Resources/{q}Resource")}
    assert set(resources) == {
        world.a["team_member"].display_name,
        world.a["project_manager"].display_name,
    }
    assert resources[world.a["team_member"].display_name].findtext(f"{q}StandardRate") == "80.00"
    assignments = root.findall(f"{q}Assignments/{q}Assignment")
    assert len(assignments) == 4
    assert {a.findtext(f"{q}Units") for a in assignments} == {"0.50"}
    build = Task.objects.get(pk=setup.build.pk)
    node = next(t for t in tasks if t.findtext(f"{q}Name") == "Build")
    assert node.findtext(f"{q}WBS") == build.wbs_code
    start = timezone.make_naive(build.start_at).strftime("%Y-%m-%dT%H:%M:%S")
    assert node.findtext(f"{q}Start") == start
    assert root.findtext(f"{q}CurrencyCode") == "EUR"


def test_toml_schedules_to_the_apps_dates(client, world, setup):
    response = _get(client, world, "toml")
    assert response["Content-Disposition"] == 'attachment; filename="prj-a-plan.toml"'
    project, _ = parse_plan(response.content.decode())
    result = schedule(project)
    stored = Task.objects.filter(project=world.project_a)
    assert len(result.activities) == stored.count()
    for task in stored:
        got = result[str(task.pk)]
        assert got.start == timezone.make_naive(task.start_at), task.name
        assert got.finish == timezone.make_naive(task.finish_at), task.name
        assert got.total_float == task.total_float_minutes


def test_ics_has_milestones_and_my_tasks_only(client, world, setup):
    client.force_login(world.a["team_member"])
    response = client.get(f"/projects/{world.project_a.public_id}/export/ics/")
    assert response["Content-Type"] == "text/calendar"
    cal = icalendar.Calendar.from_ical(response.content)
    summaries = sorted(str(e["summary"]) for e in cal.walk("VEVENT"))
    assert summaries == ["PRJ-A: Build", "PRJ-A: Child", "PRJ-A: Test", "◆ PRJ-A: Go live"]
    uids = {str(e["uid"]) for e in cal.walk("VEVENT")}
    assert f"task-{setup.live.public_id}@keystage" in uids
    client.force_login(world.a["stakeholder"])
    other = icalendar.Calendar.from_ical(
        client.get(f"/projects/{world.project_a.public_id}/export/ics/").content
    )
    assert [str(e["summary"]) for e in other.walk("VEVENT")] == ["◆ PRJ-A: Go live"]


def test_a_closed_project_still_exports(client, world, setup):
    from keystage.portfolio.models import Project

    Project.objects.filter(pk=world.project_a.pk).update(stage="closed", status="completed")
    for fmt in ("mspdi", "xlsx", "toml"):
        assert _get(client, world, fmt).status_code == 200


def test_unknown_format_outsiders_and_anonymous(client, world, setup):
    assert _get(client, world, "docx").status_code == 404
    client.force_login(world.outsider)
    response = client.get(f"/projects/{world.project_a.public_id}/export/xlsx/")
    assert response.status_code == 404 and b"PRJ-A" not in response.content
    client.logout()
    assert client.get(f"/projects/{world.project_a.public_id}/export/xlsx/").status_code == 302


def test_api_export_and_schema(world, setup, api):
    client = api(world.a["sponsor"])
    base = f"/api/v1/projects/{world.project_a.public_id}/export/"
    response = client.get(base + "toml/")
    assert response.status_code == 200 and response["Content-Type"] == "application/toml"
    parse_plan(response.content.decode())
    missing = client.get(base + "nope/")
    assert missing.status_code == 404 and "mspdi" in missing.json()["detail"]
    assert api(world.b["sponsor"]).get(base + "xlsx/").status_code == 404
    assert api().get(base + "xlsx/").status_code in (401, 403)
    schema = client.get("/api/schema/")
    assert b"/export/{export_format}/" in schema.content


def test_cli_export_writes_each_format(world, setup, tmp_path):
    from keystage.cli.app import app

    runner = CliRunner()
    for fmt, magic in (
        ("mspdi", b"<?xml"),
        ("xlsx", b"PK"),
        ("csv", b"PK"),
        ("ics", b"BEGIN:VCALENDAR"),
        ("toml", b"# PRJ-A"),
    ):
        out = tmp_path / f"plan.{fmt}"
        done = runner.invoke(app, ["export", "prj-a", "-f", fmt, "-o", str(out)])
        assert done.exit_code == 0, done.output
        assert f"PRJ-A: {fmt} export written to {out}" in done.output
        assert out.read_bytes().startswith(magic)
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    assert len(list(book["Timesheets"].iter_rows(min_row=2))) == 2  # the system sees all time
    bad = runner.invoke(app, ["export", "prj-a", "-f", "pdf"])
    assert bad.exit_code == 1 and "unknown format" in bad.output
    nowhere = runner.invoke(app, ["export", "prj-a", "-o", str(tmp_path / "no" / "x.xml")])
    assert nowhere.exit_code == 1 and "does not exist" in nowhere.output


@pytest.mark.mpxj
@pytest.mark.skipif(not mpxj_oracle.available(), reason="needs Java, jpype1 and mpxj")
def test_mpxj_reads_the_apps_mspdi_with_the_stored_dates(client, world, setup):
    from tests.engine.mpxj_readback import read_mspdi

    back = read_mspdi(_get(client, world, "mspdi").content)
    stored = list(Task.objects.filter(project=world.project_a))
    assert len(back.tasks) == len(stored)
    assert len(back.links) == 2
    for task in stored:
        got = back.tasks[task.name]
        assert got["start"] == timezone.make_naive(task.start_at), task.name
        assert got["finish"] == timezone.make_naive(task.finish_at), task.name
        assert back.wbs[task.name] == task.wbs_code
    team = world.a["team_member"].display_name
    assert back.resources[team] == 80.0
    assert len(back.assignments) == 4
    assert back.assignments[("Build", team)][:2] == (50.0, 240.0)
    assert back.notes[FORMULA] == "-1+1"
    assert back.calendars  # the project calendar
