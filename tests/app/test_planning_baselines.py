"""Baselines over HTTP: capture, immutability, numbering, errors, comparison, deletion, roles,
query counts; the Planning gate's checklist; the page; the command line."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from typer.testing import CliRunner

from keystage.core.models import AuditEntry
from keystage.costs.models import ProjectBudget
from keystage.planning.models import Assignment, Baseline, Task
from keystage.planning.services import dependencies, wbs
from keystage.portfolio import services as portfolio
from keystage.portfolio.models import GateDecision, Project
from keystage.resources import services as resources

pytestmark = pytest.mark.django_db


def base(project) -> str:
    return f"/api/v1/projects/{project.public_id}/"


@pytest.fixture
def plan(world):
    """Project A: Phase 1 (Design 2 d → Build 3 d) → Go live, with work, costs and a budget.

    Design: dev_a full time (16 h at 50/h = 800) + 1,000 fixed; Build: 30 h estimated, no
    assignment, 500 fixed. Contingency 10 %, reserve 1,000: cost baseline 2,530.
    """
    pm, project = world.a["project_manager"], world.project_a
    phase = wbs.task_create(who=pm, project=project, data={"name": "Phase 1"})
    design = wbs.task_create(
        who=pm,
        project=project,
        parent_id=phase.public_id,
        data={"name": "Design", "duration_minutes": 960, "fixed_cost": Decimal("1000")},
    )
    build = wbs.task_create(
        who=pm,
        project=project,
        parent_id=phase.public_id,
        data={
            "name": "Build",
            "duration_minutes": 1440,
            "work_hours": Decimal("30"),
            "fixed_cost": Decimal("500"),
        },
    )
    live = wbs.task_create(who=pm, project=project, data={"name": "Go live", "kind": "milestone"})
    for pred, succ in ((design, build), (build, live)):
        dependencies.dependency_create(
            who=pm,
            project=project,
            predecessor_id=pred.public_id,
            successor_id=succ.public_id,
            data={},
        )
    dev = world.a["team_member"]
    resources.profile_update(who=dev, person=dev, version=None, changes={"cost_rate": 50})
    Assignment.objects.create(project=project, task=design, person=dev, units_percent=100)
    ProjectBudget.objects.create(
        project=project, contingency_percent=Decimal("10"), management_reserve=Decimal("1000")
    )
    return project


def capture(client, project, **body):
    return client.post(base(project) + "baselines/", body, format="json")


def edit_task(client, project, task_name: str, /, **changes):
    task = Task.objects.get(project=project, name=task_name)
    response = client.patch(
        f"{base(project)}tasks/{task.public_id}/",
        changes,
        format="json",
        HTTP_IF_MATCH=str(task.version),
    )
    assert response.status_code == 200, response.json()
    return response.json()


# ------------------------------------------------------------------ capture


def test_capture_snapshots_every_task_and_the_budget(world, api, plan):
    pm = api(world.a["project_manager"])
    response = capture(pm, plan, name="Approved plan", note="Signed off by the board.")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["number"], body["name"], body["note"]) == (
        1,
        "Approved plan",
        "Signed off by the board.",
    )
    assert body["captured_by"]["username"] == "pm_a"
    live = {t["id"]: t for t in pm.get(base(plan) + "tasks/").json()}
    assert [t["task"] for t in body["tasks"]] == list(live)  # every task, in WBS order
    for snap in body["tasks"]:
        task = live[snap["task"]]
        for field in ("row", "wbs_code", "outline_level", "name", "kind", "is_summary"):
            assert snap[field] == task[field], field
        assert (snap["start_at"], snap["finish_at"]) == (task["start_at"], task["finish_at"])
        assert snap["task_exists"] is True
    rows = {t["name"]: t for t in body["tasks"]}
    assert (rows["Design"]["work_hours"], rows["Design"]["cost"]) == ("16.00", "1800.00")
    assert (rows["Build"]["work_hours"], rows["Build"]["cost"]) == ("30.00", "500.00")
    assert (rows["Phase 1"]["work_hours"], rows["Phase 1"]["cost"]) == ("46.00", "2300.00")
    assert rows["Phase 1"]["duration_minutes"] == 5 * 480  # working time start → finish
    assert (rows["Go live"]["duration_minutes"], rows["Go live"]["cost"]) == (0, "0.00")
    assert (body["work_hours"], body["cost"], body["task_count"]) == ("46.00", "2530.00", 4)
    assert body["start_at"].startswith("2027-01-04T09:00")
    assert body["finish_at"].startswith("2027-01-08T18:00")
    budget = body["budget"]
    assert {c["key"]: c["amount"] for c in budget["categories"]} == {
        "labour": "800.00",
        "task_fixed": "1500.00",
    }
    assert budget["months"] == [
        {
            "month": "2027-01",
            "amount": "2300.00",
            "cumulative": "2300.00",
            "by_category": {"labour": "800.00", "task_fixed": "1500.00"},
        }
    ]
    assert (budget["contingency"], budget["cost_baseline"], budget["management_reserve"]) == (
        "230.00",
        "2530.00",
        "1000.00",
    )
    entry = AuditEntry.objects.get(object_type="baseline", action="create")
    assert entry.actor == world.a["project_manager"] and entry.project_id == plan.pk
    assert "Captured baseline 1 'Approved plan' (4 tasks)" in entry.summary


def test_later_edits_do_not_change_the_baseline(world, api, plan):
    pm = api(world.a["project_manager"])
    captured = capture(pm, plan, name="Approved plan").json()
    url = f"{base(plan)}baselines/{captured['id']}/"
    edit_task(pm, plan, "Design", duration_minutes=1920, name="Design and prototype")
    build = Task.objects.get(project=plan, name="Build")
    assert pm.delete(f"{base(plan)}tasks/{build.public_id}/", HTTP_IF_MATCH="1").status_code == 204
    later = pm.get(url).json()
    assert [t["task_exists"] for t in later["tasks"]] == [True, True, False, True]
    for row in (*later["tasks"], *captured["tasks"]):
        row.pop("task_exists")
    assert later == captured
    assert Baseline.objects.get().version == 1


def test_numbering_default_names_and_duplicates(world, api, plan):
    pm = api(world.a["project_manager"])
    first = capture(pm, plan).json()
    assert (first["number"], first["name"]) == (1, "Baseline 1")
    assert capture(pm, plan, name="  Approved plan ").json()["number"] == 2
    for name in ("approved PLAN", "Baseline 1"):
        duplicate = capture(pm, plan, name=name)
        assert duplicate.status_code == 400
        assert "already has a baseline named" in duplicate.json()["errors"]["name"][0]
    too_long = capture(pm, plan, name="x" * 201)
    assert too_long.status_code == 400 and "name" in too_long.json()["errors"]
    listed = pm.get(base(plan) + "baselines/").json()
    assert [(b["number"], b["name"]) for b in listed] == [(2, "Approved plan"), (1, "Baseline 1")]
    assert Baseline.objects.count() == 2


def test_a_plan_without_schedule_cannot_be_baselined(world, api):
    response = capture(api(world.b["project_manager"]), world.project_b, name="Empty")
    assert response.status_code == 400
    message = response.json()["errors"]["non_field_errors"][0]
    assert "PRJ-B has no scheduled plan yet" in message
    assert not Baseline.objects.exists()
    assert not AuditEntry.objects.filter(object_type="baseline").exists()


# ------------------------------------------------------------------ compare


def test_compare_shows_the_slip_of_a_moved_task(world, api, plan):
    pm = api(world.a["project_manager"])
    capture(pm, plan, name="Approved plan")
    edit_task(pm, plan, "Design", duration_minutes=1920)  # 2 → 4 days: Build and Go live slip
    wbs.task_create(who=world.a["project_manager"], project=plan, data={"name": "Train users"})
    body = pm.get(base(plan) + "baselines/compare/?from=1").json()
    assert body["unit"] == "working days"
    assert (body["from"]["key"], body["to"]["key"]) == ("1", "current")
    assert body["to"]["baseline"] is None
    totals = body["totals"]
    assert totals["finish_variance_days"] == "2.0"
    assert totals["start_variance_days"] == "0.0"
    assert (totals["work_variance_hours"], totals["cost_variance"]) == ("16.00", "880.00")
    assert (totals["tasks_added"], totals["tasks_removed"], totals["tasks_slipped"]) == (1, 0, 4)
    rows = {t["name"]: t for t in body["tasks"]}
    design, build = rows["Design"], rows["Build"]
    assert (design["start_variance_days"], design["finish_variance_days"]) == ("0.0", "2.0")
    assert (design["duration_variance_days"], design["work_variance_hours"]) == ("2.0", "16.00")
    assert design["cost_variance"] == "800.00"
    assert (build["start_variance_days"], build["finish_variance_days"]) == ("2.0", "2.0")
    assert (build["duration_variance_days"], build["change"]) == ("0.0", "changed")
    assert build["before"]["finish_at"].startswith("2027-01-08")
    assert build["after"]["finish_at"].startswith("2027-01-12")  # over the weekend
    assert rows["Phase 1"]["finish_variance_days"] == "2.0"
    added = rows["Train users"]
    assert (added["change"], added["before"], added["finish_variance_days"]) == (
        "added",
        None,
        None,
    )
    # Two baselines, and a baseline with the plan it was taken from.
    capture(pm, plan, name="Re-plan")
    between = pm.get(base(plan) + "baselines/compare/?from=1&to=2").json()
    assert between["totals"]["finish_variance_days"] == "2.0"
    assert between["to"]["name"] == "Baseline 2 — Re-plan"
    same = pm.get(base(plan) + "baselines/compare/?from=2&to=current").json()
    assert {t["change"] for t in same["tasks"]} == {"unchanged"}
    assert same["totals"]["finish_variance_days"] == "0.0"


def test_removed_tasks_and_bad_keys(world, api, plan):
    pm = api(world.a["project_manager"])
    first = capture(pm, plan).json()
    build = Task.objects.get(project=plan, name="Build")
    pm.delete(f"{base(plan)}tasks/{build.public_id}/", HTTP_IF_MATCH="1")
    body = pm.get(f"{base(plan)}baselines/compare/?from={first['id']}&to=current").json()
    assert [(t["name"], t["change"]) for t in body["tasks"]][:3] == [
        ("Phase 1", "changed"),
        ("Design", "unchanged"),
        ("Build", "removed"),  # where it stood
    ]
    assert body["totals"]["tasks_removed"] == 1
    assert body["totals"]["cost_variance"] == "-550.00"  # 500 fixed + 10 % contingency
    for query, field in (("", "from"), ("?from=7", "from"), ("?from=1&to=bogus", "to")):
        response = pm.get(base(plan) + "baselines/compare/" + query)
        assert response.status_code == 400, query
        assert field in response.json()["errors"]


# ------------------------------------------------------------ delete, roles


def test_delete_needs_the_current_version(world, api, plan):
    pm = api(world.a["project_manager"])
    made = capture(pm, plan, name="Approved plan").json()
    url = f"{base(plan)}baselines/{made['id']}/"
    assert pm.delete(url).status_code == 428
    stale = pm.delete(url, HTTP_IF_MATCH="5")
    assert stale.status_code == 409
    assert stale.json()["current"]["name"] == "Approved plan"
    assert pm.delete(url, HTTP_IF_MATCH="1").status_code == 204
    assert pm.get(url).status_code == 404
    entry = AuditEntry.objects.get(object_type="baseline", action="delete")
    assert entry.summary == "Deleted baseline 1 'Approved plan'"
    assert entry.changes["cost"] == ["2530.00", None]


def test_viewers_read_editors_write_outsiders_see_nothing(world, api, plan):
    made = capture(api(world.a["project_manager"]), plan).json()
    url = f"{base(plan)}baselines/{made['id']}/"
    for role in ("stakeholder", "team_member", "sponsor"):
        client = api(world.a[role])
        assert client.get(base(plan) + "baselines/").status_code == 200
        assert client.get(url).status_code == 200
        assert client.get(base(plan) + "baselines/compare/?from=1").status_code == 200
        assert capture(client, plan, name=role).status_code == 403
        assert client.delete(url, HTTP_IF_MATCH="1").status_code == 403
    for outsider in (world.outsider, world.b["project_manager"]):
        client = api(outsider)
        assert client.get(base(plan) + "baselines/").status_code == 404
        assert client.get(url).status_code == 404
        assert capture(client, plan, name="x").status_code == 404
        assert client.delete(url, HTTP_IF_MATCH="1").status_code == 404
    # B's manager cannot reach A's baseline through project B either.
    other = f"{base(world.project_b)}baselines/{made['id']}/"
    assert api(world.b["project_manager"]).get(other).status_code == 404
    assert Baseline.objects.count() == 1


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


def test_reads_take_a_constant_number_of_queries(world, api, plan):
    pm = api(world.a["project_manager"])
    first = capture(pm, plan).json()
    urls = [
        base(plan) + "baselines/",
        f"{base(plan)}baselines/{first['id']}/",
        base(plan) + "baselines/compare/?from=1&to=current",
    ]
    small = [_queries(pm, url) for url in urls]
    manager = world.a["project_manager"]
    for n in range(12):
        task = wbs.task_create(who=manager, project=plan, data={"name": f"Extra {n}"})
        Assignment.objects.create(project=plan, task=task, person=world.a["team_member"])
    second = capture(pm, plan).json()
    urls[1] = f"{base(plan)}baselines/{second['id']}/"
    urls.append(base(plan) + "baselines/compare/?from=1&to=2")
    large = [_queries(pm, url) for url in urls]
    assert large[:3] == small
    assert large[3] <= small[2]


# ---------------------------------------------------------------- the gate


def to_planning(world, project) -> Project:
    portfolio.gate_decide(
        who=world.a["sponsor"],
        project=project,
        version=project.version,
        to_stage="planning",
        outcome="go",
        rationale="Proceed.",
        override_reason="Initiation checked outside this test.",
    )
    return Project.objects.get(pk=project.pk)


def go_to_execution(client, project, **extra):
    project.refresh_from_db()
    body = {
        "to_stage": "execution",
        "outcome": "go",
        "rationale": "Plan approved.",
        "version": project.version,
        **extra,
    }
    return client.post(f"{base(project)}gates/", body, format="json")


def test_execution_gate_needs_a_baseline_and_a_set_budget(world, api, plan):
    project = to_planning(world, plan)
    sponsor = api(world.a["sponsor"])
    refused = go_to_execution(sponsor, project)
    assert refused.status_code == 400
    message = refused.json()["errors"]["outcome"][0]
    assert "A baseline exists" in message and "The budget is set" in message
    capture(api(world.a["project_manager"]), project, name="Approved plan")
    message = go_to_execution(sponsor, project).json()["errors"]["outcome"][0]
    assert "A baseline exists" not in message and "The budget is set" in message
    page = Client()
    page.force_login(world.a["sponsor"])
    html = page.get(f"/projects/{project.public_id}/").content.decode()
    assert 'data-check="baseline"' in html and "baseline 1 &#x27;Approved plan&#x27;" in html
    ProjectBudget.objects.filter(project=project).update(set_at=timezone.now())
    # The other items of the gate: the team staffed (Build has nobody) and the charter issued.
    message = go_to_execution(sponsor, project).json()["errors"]["outcome"][0]
    assert "Team staffed" in message and "Charter issued" in message
    assert "Risks identified" in message
    from keystage.initiation.charter.services import charter_regenerate
    from keystage.planning.models import Task
    from keystage.staffing import services as staffing

    pm = world.a["project_manager"]
    build = Task.objects.get(project=project, name="Build")
    staffing.assignment_create(
        who=pm, project=project, task=build, data={"person": "dev_a", "units_percent": 50}
    )
    charter_regenerate(who=pm, project=project)
    small_risk = {
        "title": "A key user is away",
        "category": "resources",
        "cause": "Holidays",
        "event": "the key user is away",
        "effect": "acceptance waits",
        "owner": "dev_a",
        "probability": "0.1",
        "schedule_low": "0",
        "schedule_likely": "1",
        "schedule_high": "2",
        "cost_low": "0",
        "cost_likely": "100",
        "cost_high": "200",
    }
    registered = api(pm).post(
        f"/api/v1/projects/{project.public_id}/risks/", small_risk, format="json"
    )
    assert registered.status_code == 201, registered.json()
    passed = go_to_execution(sponsor, project)
    assert passed.status_code == 201, passed.json()
    assert passed.json()["override_reason"] == ""
    assert Project.objects.get(pk=project.pk).stage == "execution"


def test_sponsor_may_override_the_execution_gate_with_a_reason(world, api, plan):
    project = to_planning(world, plan)
    reason = "Emergency fix: baseline follows in the first week."
    response = go_to_execution(api(world.a["sponsor"]), project, override_reason=reason)
    assert response.status_code == 201
    decision = GateDecision.objects.get(to_stage="execution")
    assert decision.override_reason == reason
    assert Project.objects.get(pk=project.pk).stage == "execution"


# --------------------------------------------------------------------- page


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_page_captures_compares_and_deletes(world, api, plan):
    client = signed_in(world.a["project_manager"])
    url = f"/projects/{plan.public_id}/baselines/"
    empty = client.get(url).content.decode()
    assert 'id="no-baselines"' in empty and 'id="capture-baseline"' in empty
    made = client.post(url + "capture/", {"name": "Approved plan", "note": "Board."})
    assert made.status_code == 302 and made["Location"].endswith("?from=1&to=current")
    duplicate = client.post(url + "capture/", {"name": "APPROVED plan"})
    assert duplicate.status_code == 400
    assert "already has a baseline named" in duplicate.content.decode()
    edit_task(api(world.a["project_manager"]), plan, "Design", duration_minutes=1920)
    html = client.get(url + "?from=1&to=current").content.decode()
    assert "Baseline 1 — Approved plan" in html and 'id="variance"' in html
    assert 'id="finish-slip">+2.0 d' in html
    assert 'class="ch-changed late" data-task="Build"' in html
    only = client.get(url + "?from=1&to=current&changed=1").content.decode()
    assert 'data-task="Go live"' in only and 'data-change="unchanged"' not in only
    bad = client.get(url + "?from=9").content.decode()
    assert "PRJ-A has no baseline 9" in bad
    baseline = Baseline.objects.get()
    delete = url + f"{baseline.public_id}/delete/"
    assert client.post(delete, {"version": "3"}).status_code == 409
    assert client.post(delete, {"version": "1"}).status_code == 302
    assert not Baseline.objects.exists()


def test_page_is_read_only_for_stakeholders(world, api, plan):
    capture(api(world.a["project_manager"]), plan, name="Approved plan")
    viewer = signed_in(world.a["stakeholder"])
    url = f"/projects/{plan.public_id}/baselines/"
    html = viewer.get(url).content.decode()
    assert "Approved plan" in html and 'id="variance"' in html
    assert 'id="capture-baseline"' not in html and "for good" not in html
    assert viewer.post(url + "capture/", {"name": "Mine"}).status_code == 403
    baseline = Baseline.objects.get()
    response = viewer.post(url + f"{baseline.public_id}/delete/", {"version": "1"})
    assert response.status_code == 403
    assert signed_in(world.outsider).get(url).status_code == 404
    assert Baseline.objects.count() == 1


# ---------------------------------------------------------------------- CLI


def test_cli_captures_lists_and_compares_as_the_system(world, api, plan):
    from keystage.cli.app import app

    runner = CliRunner()
    made = runner.invoke(app, ["baseline", "prj-a", "--name", "Approved plan", "--note", "Board"])
    assert made.exit_code == 0, made.output
    assert made.output == (
        "PRJ-A: captured baseline 1 'Approved plan': 4 tasks, finish 2027-01-08, "
        "work 46.00 h, cost 2,530.00\n"
    )
    baseline = Baseline.objects.get()
    assert (baseline.captured_by, baseline.note) == (None, "Board")
    entry = AuditEntry.objects.get(object_type="baseline")
    assert entry.actor is None and "as the system (keystage CLI)" in entry.summary
    listed = runner.invoke(app, ["baseline", "PRJ-A", "--list"])
    assert listed.exit_code == 0
    assert "PRJ-A baseline 1 'Approved plan': captured" in listed.output
    assert "by Keystage system, 4 tasks, finish 2027-01-08" in listed.output
    edit_task(api(world.a["project_manager"]), plan, "Design", duration_minutes=1920)
    compared = runner.invoke(app, ["baseline", "PRJ-A", "--compare", "1", "current"])
    assert compared.exit_code == 0, compared.output
    lines = compared.output.splitlines()
    assert lines[0] == (
        "PRJ-A: Baseline 1 — Approved plan → Current plan (date variances in working days)"
    )
    assert lines[1].split() == ["finish", "2027-01-08", "→", "2027-01-12", "+2.0", "d"]
    assert "+16.00 h" in lines[3] and "+880.00" in lines[4]
    assert "2 late" not in lines[5] and lines[5].split()[1:3] == ["4", "late,"]
    assert any(line.split()[:3] == ["late", "1.2", "Build"] for line in lines[6:])
    default_to = runner.invoke(app, ["baseline", "PRJ-A", "--compare", "1"])
    assert default_to.output == compared.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["NOPE-1"], "keystage: error: no project 'NOPE-1'"),
        (["PRJ-B"], "keystage: error: PRJ-B has no scheduled plan yet"),
        (["PRJ-A", "--name", "baseline 1"], "keystage: error: name: PRJ-A already has"),
        (["PRJ-A", "--compare", "4"], "keystage: error: from: PRJ-A has no baseline 4."),
        (["PRJ-A", "current"], "keystage: error: unexpected argument 'current'"),
        (["PRJ-A", "--list", "--name", "x"], "keystage: error: --list cannot be combined"),
    ],
)
def test_cli_errors_are_one_readable_line(world, plan, args, message):
    from keystage.cli.app import app

    runner = CliRunner()
    assert runner.invoke(app, ["baseline", "PRJ-A"]).exit_code == 0  # "Baseline 1"
    result = runner.invoke(app, ["baseline", *args])
    assert result.exit_code == 1
    assert result.output.startswith(message), result.output
    assert result.output.count("\n") == 1
    assert Baseline.objects.count() == 1
