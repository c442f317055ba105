"""Importing a plan into a NEW project (API, page, `keystage import --manager`), and the
people a plan names who are not members yet: the organisation's users join the team,
anyone else stays a loss; other organisations' people are never matched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from typer.testing import CliRunner

from keystage.accounts.services import organisation_get_or_create
from keystage.cli.app import app as cli_app
from keystage.core.errors import InvalidInput
from keystage.core.models import AuditEntry
from keystage.interop import services
from keystage.interop.models import ImportReport
from keystage.planning.models import Assignment, Task
from keystage.portfolio.models import Project, ProjectMembership
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db
AWKWARD = (Path(__file__).parents[1] / "fixtures" / "plans" / "awkward.xml").read_bytes()
# Zoë's e-mail is dev_b's: she is a user of the organisation, not a member of anything new.
AS_DEV_B = AWKWARD.replace(b"zoe@example.com", b"dev_b@example.test")
URL = "/api/v1/imports/"
PAGE = "/projects/new/import/"


def _post(client, data: bytes, dry_run: bool = False, **fields: str):
    url = URL + ("?dry_run=1" if dry_run else "")
    body = {"file": SimpleUploadedFile("awkward.xml", data), **fields}
    return client.post(url, body, format="multipart")


def _projects() -> set[str]:
    return set(Project.objects.values_list("code", flat=True))


def test_a_dry_run_previews_the_new_project_and_writes_nothing(world, api):
    before, reports = _projects(), ImportReport.objects.count()
    answer = _post(api(world.pmo), AS_DEV_B, dry_run=True)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    assert body["project"] == {
        "name": "Ünïcode rollout – Phase 2",
        "code": "UNICODE-ROLLOUT",
        "start_date": "2025-03-03",
        "target_date": body["project"]["target_date"],
    }
    assert body["project"]["target_date"] > "2025-03-03"
    assert body["counts"]["tasks"] == 6 and body["counts"]["team_additions"] == 1
    zoe = next(r for r in body["resources"] if r["name"] == "Zoë Dupont")
    assert zoe["joins"] and zoe["member"] == "Dev_B Tester" and zoe["assignments"] == 2
    whats = [loss["what"] for loss in body["losses"] if "'Cable'" in loss["where"]]
    assert whats == ["is a material resource; its 1 assignment(s) are kept only in this report"]
    assert _projects() == before and ImportReport.objects.count() == reports


def test_the_import_opens_the_project_with_its_plan_and_team(world, api):
    pm_a, dev_b = world.a["project_manager"], world.b["team_member"]
    answer = _post(api(pm_a), AS_DEV_B, name="Rollout", code="roll-27")
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["project"]["code"] == "ROLL-27" and body["report"]["status"] == "imported"
    project = Project.objects.get(code="ROLL-27")
    assert (project.name, project.stage, project.start_date) == (
        "Rollout",
        "initiation",
        dt.date(2025, 3, 3),
    )
    assert project.target_date >= max(
        t.finish_at.date() for t in Task.objects.filter(project=project)
    )
    roles = dict(ProjectMembership.objects.filter(project=project).values_list("user", "role"))
    assert roles == {pm_a.pk: "project_manager", dev_b.pk: "team_member"}
    assert Task.objects.filter(project=project).count() == 6
    assert set(Assignment.objects.filter(project=project).values_list("person", flat=True)) == {
        dev_b.pk
    }
    report = ImportReport.objects.get(project=project)
    assert report.counts["team_additions"] == 1 and report.imported_by == pm_a
    journal = AuditEntry.objects.filter(project=project)
    assert journal.filter(summary__startswith="Opened project ROLL-27").exists()
    assert journal.filter(object_type="projectmembership", summary__contains="Dev_B").exists()
    assert journal.filter(object_type="importreport", actor=pm_a).exists()


def test_a_failing_import_leaves_no_project_behind(world, api, monkeypatch):
    before = _projects()
    cyclic = AWKWARD.replace(
        b"</Tasks>",
        b"<Task><UID>90</UID><ID>90</ID><Name>X</Name><Duration>PT8H0M0S</Duration>"
        b"<PredecessorLink><PredecessorUID>91</PredecessorUID></PredecessorLink></Task>"
        b"<Task><UID>91</UID><ID>91</ID><Name>Y</Name><Duration>PT8H0M0S</Duration>"
        b"<PredecessorLink><PredecessorUID>90</PredecessorUID></PredecessorLink></Task></Tasks>",
    )
    answer = _post(api(world.pmo), cyclic, code="CYCLE")
    assert answer.status_code == 400 and "cannot be scheduled" in answer.json()["errors"]["file"][0]

    def refuse(*args, **kwargs):
        raise InvalidInput({"file": "A baseline cannot be kept."})

    monkeypatch.setattr(services, "_baselines", refuse)  # fails after the project was opened
    late = _post(api(world.pmo), AWKWARD, code="LATE")
    assert late.status_code == 400
    assert late.json()["errors"]["file"] == ["A baseline cannot be kept."]
    assert _projects() == before and not ImportReport.objects.exists()
    assert not AuditEntry.objects.filter(summary__contains="LATE").exists()


def test_only_people_who_open_projects_import_into_a_new_one(world, api):
    before = _projects()
    for user in (world.a["team_member"], world.a["sponsor"], world.outsider):
        answer = _post(api(user), AWKWARD, dry_run=True)
        assert answer.status_code == 403 and "open new projects" in answer.json()["detail"]
    assert _post(api(world.outsider), AWKWARD).status_code == 403
    taken = _post(api(world.pmo), AWKWARD, code="prj-a")
    assert taken.status_code == 400
    assert "already uses this code" in taken.json()["errors"]["code"][0]
    bad = _post(api(world.pmo), AWKWARD, code="no spaces!")
    assert bad.status_code == 400 and "capital letters" in bad.json()["errors"]["code"][0]
    assert _projects() == before


def test_another_organisations_people_are_never_matched(world, api):
    other = organisation_get_or_create(name="Rival Ltd")
    make_user("zoe", other)  # zoe@example.test, full name "Zoe Tester"
    data = AWKWARD.replace(b"zoe@example.com", b"zoe@example.test").replace(
        b"Zo\xc3\xab Dupont", b"Zoe Tester"
    )
    answer = _post(api(world.pmo), data, dry_run=True)
    assert answer.status_code == 200, answer.content
    body = answer.json()
    zoe = next(r for r in body["resources"] if r["name"] == "Zoe Tester")
    assert zoe["member"] == "" and not zoe["joins"] and zoe["assignments"] == 2
    assert body["counts"]["team_additions"] == 0 and body["counts"]["assignments"] == 0
    assert any(
        "matches no user of the organisation" in loss["what"] and "2 assignment(s)" in loss["what"]
        for loss in body["losses"]
    )


def test_an_import_into_an_existing_project_adds_the_organisations_people(world, api):
    dev_a = world.a["team_member"]  # a member of PRJ-A only
    data = AWKWARD.replace(b"zoe@example.com", b"dev_a@example.test")
    answer = api(world.b["project_manager"]).post(
        f"/api/v1/projects/{world.project_b.public_id}/imports/",
        {"file": SimpleUploadedFile("awkward.xml", data)},
        format="multipart",
    )
    assert answer.status_code == 201, answer.content
    membership = ProjectMembership.objects.get(project=world.project_b, user=dev_a)
    assert membership.role == "team_member"
    assert Assignment.objects.filter(project=world.project_b, person=dev_a).count() == 2


def test_the_page_previews_opens_the_project_and_shows_its_gantt(world):
    client = Client()
    client.login(username="pm_a", password=PASSWORD)
    assert 'id="import-new"' in client.get("/").content.decode()
    assert client.get(PAGE).status_code == 200
    shown = client.post(PAGE, {"file": SimpleUploadedFile("awkward.xml", AS_DEV_B), "code": "ROLL"})
    assert shown.status_code == 200, shown.content.decode()[:2000]
    html = shown.content.decode()
    assert "Preview of awkward.xml" in html and "will be added to the team" in html
    assert "not kept: a material resource" in html
    assert "Open ROLL with 6 tasks" in html
    assert not Project.objects.filter(code="ROLL").exists()
    report = ImportReport.objects.get(project=None, status="preview")
    stranger = Client()
    stranger.login(username="pmo", password=PASSWORD)
    other = stranger.post(PAGE + "confirm/", {"report": str(report.public_id)})
    assert other.status_code == 404  # a preview belongs to its uploader
    done = client.post(PAGE + "confirm/", {"report": str(report.public_id)})
    project = Project.objects.get(code="ROLL")
    assert done.status_code == 302
    assert done["Location"] == f"/projects/{project.public_id}/gantt/"
    report.refresh_from_db()
    assert report.project == project and report.status == "imported" and report.data is None
    assert client.post(PAGE + "confirm/", {"report": str(report.public_id)}).status_code == 409
    bad = client.post(PAGE, {"file": SimpleUploadedFile("p.xml", b"<Project><Name>x")})
    assert bad.status_code == 400 and "not well-formed XML" in bad.content.decode()
    member = Client()
    member.login(username="dev_a", password=PASSWORD)
    assert member.get(PAGE).status_code == 403


def test_the_command_line_opens_a_new_project(world, tmp_path):
    path = tmp_path / "awkward.xml"
    path.write_bytes(AS_DEV_B)
    runner = CliRunner()
    base = ["import", str(path), "--manager", "pm_a", "--code", "CLI-27"]
    dry = runner.invoke(cli_app, [*base, "--dry-run"])
    assert dry.exit_code == 0, dry.output
    assert "would import 6 tasks" in dry.output and "1 people join the team" in dry.output
    assert not Project.objects.filter(code="CLI-27").exists()
    done = runner.invoke(cli_app, [*base, "--name", "From the shell"])
    assert done.exit_code == 0, done.output
    assert "imported 6 tasks" in done.output and "a new project CLI-27" in done.output
    project = Project.objects.get(code="CLI-27")
    assert project.name == "From the shell"
    assert ProjectMembership.objects.get(project=project, role="project_manager").user.username == (
        "pm_a"
    )
    refused = runner.invoke(cli_app, ["import", str(path), "--manager", "dev_a"])
    assert refused.exit_code == 1 and "open new projects" in refused.output
    assert len(refused.output.strip().splitlines()) == 1
    (tmp_path / "garbage.xml").write_bytes(b"not a plan")  # a taken code: refused unread
    taken = runner.invoke(cli_app, [*base[:1], str(tmp_path / "garbage.xml"), *base[2:]])
    assert taken.exit_code == 1 and taken.output.strip().endswith("already uses this code.")
    ghost = runner.invoke(cli_app, ["import", str(path), "--manager", "ghost"])
    assert ghost.exit_code == 1 and "no active user 'ghost'" in ghost.output


def test_the_command_lines_import_adds_people_as_the_system(world, tmp_path):
    path = tmp_path / "awkward.xml"
    path.write_bytes(AS_DEV_B)  # dev_b is a member of PRJ-B, not of PRJ-A
    done = CliRunner().invoke(cli_app, ["import", str(path), "--project", "PRJ-A"])
    assert done.exit_code == 0, done.output
    assert "1 people join the team" in done.output
    dev_b = world.b["team_member"]
    assert ProjectMembership.objects.get(project=world.project_a, user=dev_b).role == "team_member"
    joined = AuditEntry.objects.get(
        project=world.project_a, object_type="projectmembership", summary__contains="Dev_B"
    )
    assert joined.actor is None


def _crew_plan(people: list[str]) -> bytes:
    """An MSPDI plan with one task per person, assigned to them by e-mail."""
    tasks = resources = assignments = ""
    for i, username in enumerate(people, start=1):
        tasks += f"<Task><UID>{i}</UID><ID>{i}</ID><Name>T{i}</Name>"
        tasks += "<Duration>PT8H0M0S</Duration></Task>"
        resources += f"<Resource><UID>{i}</UID><ID>{i}</ID><Name>{username}</Name><Type>1</Type>"
        resources += f"<EmailAddress>{username}@example.test</EmailAddress></Resource>"
        assignments += f"<Assignment><UID>{i}</UID><TaskUID>{i}</TaskUID>"
        assignments += f"<ResourceUID>{i}</ResourceUID><Units>1</Units></Assignment>"
    return (
        f"<Project><StartDate>2027-01-04T08:00:00</StartDate><Tasks>{tasks}</Tasks>"
        f"<Resources>{resources}</Resources><Assignments>{assignments}</Assignments></Project>"
    ).encode()


def test_people_join_the_team_in_queries_that_do_not_grow(world, api):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    crew = [make_user(f"crew{i}", world.org).username for i in range(6)]
    counts = []
    for code, people in (("CREW-2", crew[:2]), ("CREW-6", crew)):
        with CaptureQueriesContext(connection) as queries:
            answer = _post(api(world.pmo), _crew_plan(people), code=code)
        assert answer.status_code == 201, answer.content
        counts.append(len(queries))
        project = Project.objects.get(code=code)
        joined = ProjectMembership.objects.filter(project=project, role="team_member")
        assert sorted(joined.values_list("user__username", flat=True)) == sorted(people)
        journal = AuditEntry.objects.filter(project=project, object_type="projectmembership")
        assert journal.filter(summary__startswith="Added Crew").count() == len(people)
    assert counts[1] == counts[0], counts  # four more people, not one more query


def test_the_name_and_code_are_checked_before_the_file_is_read(world, api, monkeypatch):
    def unread(*args, **kwargs):
        raise AssertionError("the file was read")

    monkeypatch.setattr(services, "read_upload", unread)
    client = api(world.pmo)
    taken = _post(client, b"not a plan", code="prj-a")
    assert taken.status_code == 400
    assert taken.json()["errors"]["code"] == ["Another project already uses this code."]
    both = _post(client, b"not a plan", code="no spaces!", name="N" * 201)
    assert both.status_code == 400 and set(both.json()["errors"]) == {"code", "name"}
    with pytest.raises(AssertionError, match="the file was read"):  # good fields: it is read
        _post(client, b"not a plan", code="FRESH")
