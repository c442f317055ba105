"""Importing plans through the API, the Import page and `keystage import`: preview, one
transaction, permissions, closed projects, hostile files, the report kept."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import numpy as np
import pytest
from django.test import Client
from typer.testing import CliRunner

from keystage.cli.app import app as cli_app
from keystage.core.models import AuditEntry
from keystage.engine.mspdi import to_mspdi
from keystage.interop.models import ImportReport, ImportStatus
from keystage.planning.models import (
    Assignment,
    Baseline,
    BaselineTask,
    Dependency,
    Holiday,
    ProjectCalendar,
    Task,
)
from keystage.portfolio.models import Project
from tests.conftest import PASSWORD
from tests.engine.netgen import random_project

pytestmark = pytest.mark.django_db
N_LARGE = int(__import__("os").environ.get("H16A_N", "5000"))
FIXTURES = Path(__file__).parents[1] / "fixtures" / "plans"
AWKWARD = (FIXTURES / "awkward.xml").read_bytes().replace(b"zoe@example.com", b"dev_a@example.test")
TOML = b"""
[project]
start = 2027-01-04

[[activities]]
id = "A"
name = "Analyse"
duration = "2d"

[[activities]]
id = "B"
name = "Build"
duration = "3d"
predecessors = ["A"]
"""


def _url(project: Project) -> str:
    return f"/api/v1/projects/{project.public_id}/imports/"


def _post(client, project, data: bytes, name: str = "plan.xml", dry_run: bool = False):
    from django.core.files.uploadedfile import SimpleUploadedFile

    url = _url(project) + ("?dry_run=1" if dry_run else "")
    return client.post(url, {"file": SimpleUploadedFile(name, data)}, format="multipart")


def _nothing_written(project: Project) -> None:
    assert not Task.objects.filter(project=project).exists()
    assert not Dependency.objects.filter(project=project).exists()
    assert not ImportReport.objects.filter(project=project, status=ImportStatus.IMPORTED).exists()


def test_dry_run_answers_the_preview_and_writes_nothing(world, api):
    pm = world.a["project_manager"]
    answer = _post(api(pm), world.project_a, AWKWARD, "awkward.xml", dry_run=True)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["counts"]["tasks"] == 6 and body["counts"]["links"] == 6
    assert body["counts"]["assignments"] == 2  # dev_a matched by e-mail on two tasks
    assert [t["wbs"] for t in body["tasks"]] == ["1", "1.1", "1.2", "1.2.1", "1.2.2", "2"]
    whats = " | ".join(f"{loss['where']}: {loss['what']}" for loss in body["losses"])
    assert "summary tasks are not linked" in whats
    assert "works on calendar 'Night shift'" in whats
    assert "elapsed lag was converted" in whats and "50 % lag became" in whats
    assert "'Cable'" in whats and "material resource" in whats
    _nothing_written(world.project_a)


def test_a_maximum_lag_survives_a_toml_round_trip_and_is_an_mspdi_loss(world, api):
    plan = TOML + b'\n[[links]]\nfrom = "A"\nto = "B"\nmax_lag = "1d"\n'
    pm = api(world.a["project_manager"])
    answer = _post(pm, world.project_a, plan, "p.toml")
    assert answer.status_code == 201, answer.content
    whats = [x["what"] for x in answer.json()["losses"]]
    assert whats == ["a later link between these tasks replaced this one"]  # B's shorthand
    link = Dependency.objects.get(project=world.project_a)
    assert (link.lag_minutes, link.max_lag_minutes) == (0, 480)
    export = f"/api/v1/projects/{world.project_a.public_id}/export/"
    toml = pm.get(export + "toml/")
    assert "max_lag = 480" in toml.content.decode()  # working minutes, like durations
    assert "X-Keystage-Losses" not in toml
    mspdi = pm.get(export + "mspdi/")
    assert mspdi["X-Keystage-Losses"] == "1"
    assert b"Maximum lag (not in MS Project)" in mspdi.content


def test_import_writes_the_whole_plan_in_one_go_and_keeps_the_report(world, api):
    pm, dev = world.a["project_manager"], world.a["team_member"]
    version_before = world.project_a.version
    answer = _post(api(pm), world.project_a, AWKWARD, "awkward.xml")
    assert answer.status_code == 201, answer.content
    report = answer.json()
    assert report["status"] == "imported" and report["file_format"] == "mspdi"
    assert report["file_size"] == len(AWKWARD) and len(report["sha256"]) == 64
    assert report["counts"]["tasks"] == 6 and report["losses"]
    project = Project.objects.get(pk=world.project_a.pk)
    assert project.start_date == dt.date(2025, 3, 3)  # the plan's start
    # The start moved under a new version: an edit from a form read before gets its 409.
    assert project.version > version_before
    stale = api(pm).patch(
        f"/api/v1/projects/{project.public_id}/",
        {"name": "Renamed meanwhile", "version": version_before},
        format="json",
    )
    assert stale.status_code == 409, stale.content
    tasks = {t.name + t.wbs_code: t for t in Task.objects.filter(project=project)}
    assert len(tasks) == 6
    assert tasks["Phase — préparation1"].is_summary and tasks["Nested summary1.2"].is_summary
    assert tasks["Build1.2.1"].parent == tasks["Nested summary1.2"]
    assert tasks["Go-live2"].kind == "milestone"
    assert tasks["Go-live2"].constraint_type == "SNET"
    assert tasks["Go-live2"].constraint_date == dt.date(2025, 4, 1)
    assert tasks["Design1.1"].actual_finish == dt.date(2025, 3, 5)
    assert tasks["Design1.1"].notes == "Keep the 👍 emoji"
    assert tasks["Build1.2.1"].percent_complete == 40
    assert tasks["Build1.2.1"].remaining_minutes == 1440
    assert all(t.start_at is not None for t in tasks.values())  # scheduled
    links = {(d.predecessor.name, d.successor.name, d.type) for d in Dependency.objects.all()}
    assert ("Build", "Go-live", "FF") in links
    calendar = ProjectCalendar.objects.get(project=project)
    assert calendar.working_weekdays == "12345" and calendar.shifts == "08:00-12:00,13:00-17:00"
    assert calendar.data_date == dt.date(2025, 3, 12)
    assert Holiday.objects.filter(project=project, start_date=dt.date(2025, 4, 18)).exists()
    assert set(Assignment.objects.filter(project=project).values_list("person", flat=True)) == {
        dev.pk
    }
    assert list(Baseline.objects.filter(project=project).values_list("name", flat=True)) == [
        "Baseline 10",
        "Baseline",
    ]
    assert BaselineTask.objects.filter(baseline__project=project).count() == 2
    journal = AuditEntry.objects.filter(project=project)
    assert journal.filter(object_type="task").count() == 6
    assert journal.filter(object_type="importreport", summary__contains="awkward.xml").exists()
    listed = api(dev).get(_url(project))
    assert listed.status_code == 200 and listed.json()[0]["counts"]["tasks"] == 6


def test_a_project_with_a_plan_refuses_an_import(world, api):
    pm = world.a["project_manager"]
    assert _post(api(pm), world.project_a, TOML, "plan.toml").status_code == 201
    again = _post(api(pm), world.project_a, AWKWARD, "awkward.xml")
    assert again.status_code == 400
    assert "already has a plan" in again.json()["errors"]["project"][0]
    assert Task.objects.filter(project=world.project_a).count() == 2


def test_toml_plans_import(world, api):
    answer = _post(api(world.a["project_manager"]), world.project_a, TOML, "plan.toml")
    assert answer.status_code == 201, answer.content
    assert answer.json()["file_format"] == "toml"
    build = Task.objects.get(project=world.project_a, name="Build")
    assert build.predecessor_links.get().predecessor.name == "Analyse"


@pytest.mark.parametrize("role", ["team_member", "stakeholder", "sponsor"])
def test_only_project_managers_import(world, api, role):
    answer = _post(api(world.a[role]), world.project_a, AWKWARD, dry_run=True)
    assert answer.status_code == 403
    _nothing_written(world.project_a)


def test_other_projects_and_outsiders_see_nothing(world, api):
    assert _post(api(world.b["project_manager"]), world.project_a, AWKWARD).status_code == 404
    assert _post(api(world.outsider), world.project_a, AWKWARD).status_code == 404
    assert api(world.outsider).get(_url(world.project_a)).status_code == 404
    _nothing_written(world.project_a)


def test_closed_projects_refuse_imports(world, api):
    Project.objects.filter(pk=world.project_a.pk).update(status="completed")
    answer = _post(api(world.a["project_manager"]), world.project_a, AWKWARD)
    assert answer.status_code == 403 and "completed" in answer.json()["detail"]
    _nothing_written(world.project_a)


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (
            b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b"<Project><Name>&x;</Name></Project>",
            "plan.xml",
            "document type or entities",
        ),
        (b"<Project><Tasks><Task><UID>1</UID><Name>secret-token</Name>"
         b"<Duration>soon</Duration></Task></Tasks></Project>", "plan.xml", "not a duration"),
        (b"\x00\x01binary", "plan.doc", "Unknown file type"),
        (b"", "plan.xml", "empty"),
        (b"[project\nstart = ", "plan.toml", "plan.toml"),
    ],
)  # fmt: skip
def test_bad_files_answer_a_field_error_without_echoing_them(world, api, data, name, message):
    answer = _post(api(world.a["project_manager"]), world.project_a, data, name)
    assert answer.status_code == 400, answer.content
    text = answer.json()["errors"]["file"][0]
    assert message in text and "passwd" not in text and "secret-token" not in text
    _nothing_written(world.project_a)


def test_a_cycle_writes_nothing(world, api):
    cyclic = (
        b"<Project><StartDate>2027-01-04T08:00:00</StartDate><Tasks>"
        b"<Task><UID>1</UID><ID>1</ID><Name>A</Name><Duration>PT8H0M0S</Duration>"
        b"<PredecessorLink><PredecessorUID>2</PredecessorUID><Type>1</Type></PredecessorLink></Task>"
        b"<Task><UID>2</UID><ID>2</ID><Name>B</Name><Duration>PT8H0M0S</Duration>"
        b"<PredecessorLink><PredecessorUID>1</PredecessorUID><Type>1</Type></PredecessorLink></Task>"
        b"</Tasks></Project>"
    )
    answer = _post(api(world.a["project_manager"]), world.project_a, cyclic)
    assert answer.status_code == 400
    assert "cannot be scheduled" in answer.json()["errors"]["file"][0]
    _nothing_written(world.project_a)


def test_uploads_over_fifty_megabytes_are_refused_before_reading(world):
    client = Client()
    client.login(username="pm_a", password=PASSWORD)
    answer = client.post(
        f"/api/v1/projects/{world.project_a.public_id}/imports/",
        data=b"x",
        content_type="application/octet-stream",
        CONTENT_LENGTH=str(52 * 2**20),
    )
    assert answer.status_code == 413
    assert "too large" in answer.json()["detail"]


def test_the_page_previews_then_imports_and_shows_the_gantt(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.login(username="pm_a", password=PASSWORD)
    page = f"/projects/{world.project_a.public_id}/import/"
    assert client.get(page).status_code == 200
    shown = client.post(page, {"file": SimpleUploadedFile("awkward.xml", AWKWARD)})
    assert shown.status_code == 200
    html = shown.content.decode()
    assert "Preview of awkward.xml" in html and "summary tasks are not linked" in html
    _nothing_written(world.project_a)
    report = ImportReport.objects.get(project=world.project_a, status="preview")
    done = client.post(page + "confirm/", {"report": str(report.public_id)})
    assert done.status_code == 302 and done["Location"].endswith("/gantt/")
    assert Task.objects.filter(project=world.project_a).count() == 6
    report.refresh_from_db()
    assert report.status == "imported" and report.data is None
    twice = client.post(page + "confirm/", {"report": str(report.public_id)})
    assert twice.status_code == 409
    listed = client.get(page).content.decode()
    assert "awkward.xml" in listed


def test_the_page_shows_a_bad_file_as_a_form_error(world):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client = Client()
    client.login(username="pm_a", password=PASSWORD)
    page = f"/projects/{world.project_a.public_id}/import/"
    answer = client.post(page, {"file": SimpleUploadedFile("p.xml", b"<Project><Name>x")})
    assert answer.status_code == 400
    assert "not well-formed XML" in answer.content.decode()
    viewer = Client()
    viewer.login(username="viewer_a", password=PASSWORD)
    assert viewer.get(page).status_code == 200
    assert 'id="upload"' not in viewer.get(page).content.decode()
    refused = viewer.post(page, {"file": SimpleUploadedFile("a.xml", AWKWARD)})
    assert refused.status_code == 403


def test_the_command_line_checks_and_imports(world, tmp_path):
    runner = CliRunner()
    path = tmp_path / "awkward.xml"
    path.write_bytes(AWKWARD)
    checked = runner.invoke(cli_app, ["import", str(path)])
    assert checked.exit_code == 0, checked.output
    assert "6 tasks" in checked.output and "nothing written" in checked.output
    dry = runner.invoke(cli_app, ["import", str(path), "--project", "PRJ-A", "--dry-run"])
    assert dry.exit_code == 0 and "would import 6 tasks" in dry.output
    assert not Task.objects.filter(project=world.project_a).exists()
    done = runner.invoke(cli_app, ["import", str(path), "--project", "prj-a"])
    assert done.exit_code == 0, done.output
    assert "imported 6 tasks" in done.output
    assert Task.objects.filter(project=world.project_a).count() == 6
    again = runner.invoke(cli_app, ["import", str(path), "--project", "PRJ-A"])
    assert again.exit_code == 1 and "already has a plan" in again.output
    bad = tmp_path / "bad.xml"
    bad.write_bytes(b"<nope")
    failed = runner.invoke(cli_app, ["import", str(bad), "--project", "PRJ-B"])
    assert failed.exit_code == 1 and "not well-formed" in failed.output
    assert len(failed.output.strip().splitlines()) == 1


def test_a_large_generated_plan_imports_with_its_dates(world, api):
    source = random_project(np.random.default_rng(11), N_LARGE, constraints=False)
    data = to_mspdi(source, name="Big")
    began = time.perf_counter()
    answer = _post(api(world.a["project_manager"]), world.project_a, data, "big.xml")
    seconds = time.perf_counter() - began
    assert answer.status_code == 201, answer.content
    assert answer.json()["counts"]["tasks"] == N_LARGE
    assert Dependency.objects.filter(project=world.project_a).count() == len(source.links) >= 5000
    assert seconds < 120  # the benchmark measures it on a quiet machine


def test_the_command_line_refuses_a_closed_project(world, tmp_path):
    Project.objects.filter(pk=world.project_a.pk).update(stage="closed", status="completed")
    path = tmp_path / "plan.toml"
    path.write_bytes(TOML)
    done = CliRunner().invoke(cli_app, ["import", str(path), "--project", "PRJ-A"])
    assert done.exit_code == 1 and "PRJ-A is closed" in done.output
    assert len(done.output.strip().splitlines()) == 1
    _nothing_written(world.project_a)


# fixture: (tasks, links, baselines in the preview, what the preview must list as not kept)
AWKWARD_PREVIEWS = {
    "nested.xml": (11, 15, 0, ["summary tasks are not linked"]),
    "elapsed.xml": (
        7,
        7,
        0,
        ["elapsed duration was converted", "elapsed lag was converted", "50 % lag became"],
    ),
    "calendars.xml": (
        6,
        6,
        0,
        ["works on calendar 'Night shift'", "works on calendar 'Weekend crew'"],
    ),
    "baselines.xml": (6, 5, 11, []),
    "unicode.xml": (9, 8, 0, []),
    "duplicates.xml": (8, 6, 0, []),
}


@pytest.mark.parametrize("name", sorted(AWKWARD_PREVIEWS))
def test_the_preview_of_each_awkward_plan_lists_what_it_cannot_keep(world, api, name):
    tasks, links, baselines, lost = AWKWARD_PREVIEWS[name]
    pm = world.a["project_manager"]
    answer = _post(api(pm), world.project_a, (FIXTURES / name).read_bytes(), name, dry_run=True)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    counts = body["counts"]
    assert (counts["tasks"], counts["links"], counts["baselines"]) == (tasks, links, baselines)
    whats = " | ".join(f"{loss['where']}: {loss['what']}" for loss in body["losses"])
    for what in lost:
        assert what in whats
    if not lost:  # only the people, who are not members of the project
        assert {loss["where"].split(" ", 1)[0] for loss in body["losses"]} <= {"resource"}, whats
    _nothing_written(world.project_a)
