"""Issue 14 item 4 and issue 15 item 1: the quality plan, test runs, defects and the
customer's acceptance sign-offs, through the API and the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from keystage.core.models import AuditEntry
from keystage.planning.models import Deliverable
from keystage.portfolio.models import Project
from keystage.quality.models import Criterion, CriterionResult, Defect, SignOff, TestRun

pytestmark = pytest.mark.django_db


def _deliverable(world: Any, project: Any, name: str, status: str = "submitted") -> Deliverable:
    from keystage.planning.services import scope

    key = "a" if project == world.project_a else "b"
    return scope.deliverable_create(
        who=world.__dict__[key]["project_manager"],
        project=project,
        data={
            "name": name,
            "acceptance_criteria": "Loads in 2 s\nExports to CSV",
            "due_date": dt.date(2027, 3, 1),
            "status": status,
        },
    )


def _stakeholder(world: Any, project: Any, name: str) -> Any:
    from keystage.initiation import services

    key = "a" if project == world.project_a else "b"
    return services.stakeholder_create(
        who=world.__dict__[key]["project_manager"],
        project=project,
        data={"name": name, "role": "Head of Sales", "influence": 8, "interest": 9},
    )


@pytest.fixture
def setup(world, api):
    """Project A: a submitted deliverable with two planned criteria, a stakeholder; B: one
    deliverable with a criterion, a stakeholder and a test run (to be refused across)."""
    a = world.project_a
    portal = _deliverable(world, a, "Portal")
    other = _deliverable(world, a, "Reports", status="in_progress")
    pm = api(world.a["project_manager"])
    base = f"/api/v1/projects/{a.public_id}/"
    criteria = []
    for text, method in (("Loads in 2 s", "test"), ("Exports to CSV", "demonstration")):
        made = pm.post(
            base + "criteria/",
            {
                "deliverable": str(portal.public_id),
                "text": text,
                "method": method,
                "responsible": "dev_a",
                "planned_date": "2027-02-20",
            },
            format="json",
        )
        assert made.status_code == 201, made.content
        criteria.append(made.json())
    b_deliverable = _deliverable(world, world.project_b, "B thing")
    b_criterion = Criterion.objects.create(
        project=world.project_b, deliverable=b_deliverable, text="B rule"
    )
    return {
        "pm": pm,
        "base": base,
        "portal": portal,
        "other": other,
        "criteria": criteria,
        "stakeholder": _stakeholder(world, a, "Clara Client"),
        "b_stakeholder": _stakeholder(world, world.project_b, "B person"),
        "b_deliverable": b_deliverable,
        "b_criterion": b_criterion,
    }


def test_quality_plan_refuses_what_is_not_this_projects_and_stale_edits(world, api, setup):
    pm, base = setup["pm"], setup["base"]
    listed = pm.get(base + "criteria/").json()
    assert [c["text"] for c in listed] == ["Loads in 2 s", "Exports to CSV"]
    assert listed[0]["responsible"] == "dev_a" and listed[0]["method"] == "test"
    before = Criterion.objects.count()
    foreign = pm.post(
        base + "criteria/",
        {"deliverable": str(setup["b_deliverable"].public_id), "text": "x"},
        format="json",
    )
    assert foreign.status_code == 400 and "deliverable" in foreign.json()["errors"]
    outsider = pm.post(
        base + "criteria/",
        {"deliverable": str(setup["portal"].public_id), "text": "x", "responsible": "outsider"},
        format="json",
    )
    assert outsider.status_code == 400
    assert outsider.json()["errors"]["responsible"] == ["Choose a member of this project."]
    assert Criterion.objects.count() == before
    # A stakeholder reads the plan but does not write it.
    viewer = api(world.a["stakeholder"])
    assert viewer.get(base + "criteria/").status_code == 200
    refused = viewer.post(
        base + "criteria/", {"deliverable": str(setup["portal"].public_id), "text": "x"}
    )
    assert refused.status_code == 403
    one = setup["criteria"][0]
    url = base + f"criteria/{one['id']}/"
    assert pm.patch(url, {"method": "inspection", "version": 1}, format="json").status_code == 200
    stale = pm.patch(url, {"method": "review", "version": 1}, format="json")
    assert stale.status_code == 409
    assert Criterion.objects.get(public_id=one["id"]).method == "inspection"


def test_test_runs_and_defects_numbered_and_linked(world, api, setup):
    pm, base, portal = setup["pm"], setup["base"], setup["portal"]
    run = {
        "deliverable": str(portal.public_id),
        "name": "System test 1",
        "run_on": "2027-02-21",
        "tester": "dev_a",
        "cases_planned": 20,
        "cases_run": 10,
        "passed": 11,
    }
    too_many = pm.post(base + "test-runs/", run, format="json")
    assert too_many.status_code == 400 and "passed" in too_many.json()["errors"]
    over_plan = pm.post(base + "test-runs/", run | {"cases_run": 21, "passed": 1}, format="json")
    assert "cases_run" in over_plan.json()["errors"]
    assert TestRun.objects.count() == 0
    made = pm.post(base + "test-runs/", run | {"passed": 8, "failed": 2}, format="json")
    assert made.status_code == 201 and made.json()["pass_rate"] == 80.0
    dev = api(world.a["team_member"])
    first = dev.post(
        base + "defects/",
        {"title": "Export drops accents", "severity": "critical", "test_run": made.json()["id"]},
        format="json",
    )
    assert first.status_code == 201, first.content
    assert first.json()["key"] == "DEF-1" and first.json()["deliverable"] == str(portal.public_id)
    second = dev.post(
        base + "defects/",
        {"title": "Typo", "severity": "minor", "deliverable": str(setup["other"].public_id)},
        format="json",
    )
    assert second.json()["key"] == "DEF-2"
    mismatch = dev.post(
        base + "defects/",
        {
            "title": "x",
            "deliverable": str(setup["other"].public_id),
            "test_run": made.json()["id"],
        },
        format="json",
    )
    assert mismatch.status_code == 400 and "test_run" in mismatch.json()["errors"]
    wont = dev.patch(base + "defects/DEF-2/", {"status": "wont_fix", "version": 1}, format="json")
    assert wont.status_code == 400 and "resolution" in wont.json()["errors"]
    assert dev.get(base + "defects/def-1/").json()["title"] == "Export drops accents"
    summary = api(world.a["stakeholder"]).get(base + "quality/").json()
    assert summary["pass_rate"] == 80.0 and summary["critical_open"] == 1
    assert summary["defects"]["minor"]["open"] == 1
    assert [d["key"] for d in summary["open_defects"]] == ["DEF-1", "DEF-2"]
    # A retest supersedes the run before it in the pass rate.
    pm.post(
        base + "test-runs/",
        run | {"name": "Retest", "run_on": "2027-02-25", "passed": 10},
        format="json",
    )
    assert pm.get(base + "quality/").json()["pass_rate"] == 100.0
    from keystage.control.kpis.selectors import evaluate_project

    results = {r.key: r for r in evaluate_project(world.project_a).results}
    assert results["critical_defects_open"].rag.value == "red"
    assert (
        results["test_pass_rate"].value == 100.0 and results["test_pass_rate"].rag.value == "green"
    )
    assert results["defects_open"].value == 2


def _results(setup: dict[str, Any], *met: bool) -> list[dict[str, Any]]:
    return [{"criterion": c["id"], "met": m} for c, m in zip(setup["criteria"], met, strict=True)]


def test_sign_off_against_the_criteria_supersedes_and_keeps_history(world, api, setup):
    pm, base, portal = setup["pm"], setup["base"], setup["portal"]
    url = base + "sign-offs/"
    good = {
        "deliverable": str(portal.public_id),
        "decision": "accepted_with_conditions",
        "conditions": "CSV export fixed by 1 March",
        "stakeholder": str(setup["stakeholder"].public_id),
        "results": _results(setup, True, False),
        "supersedes": None,
    }
    bad = [
        ({"results": _results(setup, True, False)[:1]}, "results"),  # a criterion unjudged
        (
            {
                "results": [
                    *_results(setup, True, False),
                    {"criterion": str(setup["b_criterion"].public_id), "met": True},
                ]
            },
            "results",
        ),
        ({"stakeholder": str(setup["b_stakeholder"].public_id)}, "stakeholder"),
        ({"decision": "accepted", "conditions": ""}, "decision"),  # a criterion not met
        ({"conditions": ""}, "conditions"),
        ({"deliverable": str(setup["b_deliverable"].public_id)}, "deliverable"),
        ({"signed_on": "2099-01-01"}, "signed_on"),
    ]
    before = (SignOff.objects.count(), AuditEntry.objects.count())
    for change, field in bad:
        answer = pm.post(url, good | change, format="json")
        assert answer.status_code == 400, (change, answer.content)
        assert field in answer.json()["errors"], (change, answer.json())
    planned = pm.post(url, good | {"deliverable": str(setup["other"].public_id)}, format="json")
    assert "submit it for acceptance" in planned.json()["errors"]["deliverable"][0]
    assert (SignOff.objects.count(), AuditEntry.objects.count()) == before

    first = pm.post(url, good, format="json")
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["signed_by"] == "Clara Client, Head of Sales" and body["current"] is True
    assert [r["met"] for r in body["results"]] == [True, False]
    portal.refresh_from_db()
    assert portal.status == "accepted"
    rejected = {"decision": "rejected", "comment": "no", "conditions": ""}
    stale = pm.post(url, good | rejected, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["id"] == body["id"]
    # The stakeholder member signs for themselves, not for someone else.
    viewer = api(world.a["stakeholder"])
    mine = {"signer": "viewer_a", "stakeholder": None, "supersedes": body["id"]}
    for_other = viewer.post(url, good | mine | {"signer": "pm_a"}, format="json")
    assert for_other.status_code == 400 and "signer" in for_other.json()["errors"]
    second = viewer.post(
        url,
        good
        | mine
        | {"decision": "accepted", "conditions": "", "results": _results(setup, True, True)},
        format="json",
    )
    assert second.status_code == 201, second.content
    history = pm.get(url).json()
    assert [(h["decision"], h["current"]) for h in history] == [
        ("accepted", True),
        ("accepted_with_conditions", False),
    ]
    assert history[0]["supersedes"] == body["id"]
    summary = pm.get(base + "quality/").json()["deliverables"][0]
    assert summary["decision"] == "accepted" and summary["criteria_met"] == 2
    assert summary["sign_offs"] == 2
    # Immutable: no route edits or removes a sign-off; the criterion's text stays as judged.
    assert pm.patch(url, {}, format="json").status_code == 405
    pm.patch(
        base + f"criteria/{setup['criteria'][0]['id']}/",
        {"text": "Loads in 1 s", "version": 1},
        format="json",
    )
    assert CriterionResult.objects.filter(criterion_text="Loads in 2 s").count() == 2


def test_closing_gate_needs_every_deliverable_accepted(world, api, setup):
    from keystage.portfolio.gate_checks import gate_checklist

    a = world.project_a
    Project.objects.filter(pk=a.pk).update(stage="closing")
    a.refresh_from_db()
    item = next(i for i in gate_checklist(a) if i.key == "acceptance")
    assert not item.done and "0 of 2 accepted" in item.detail
    for deliverable in (setup["portal"], setup["other"]):
        Deliverable.objects.filter(pk=deliverable.pk).update(status="submitted")
        results = _results(setup, True, True) if deliverable == setup["portal"] else []
        answer = setup["pm"].post(
            setup["base"] + "sign-offs/",
            {
                "deliverable": str(deliverable.public_id),
                "decision": "accepted",
                "signer": "pm_a",
                "results": results,
            },
            format="json",
        )
        assert answer.status_code == 201, answer.content
    item = next(i for i in gate_checklist(a) if i.key == "acceptance")
    assert item.done and item.detail == "all 2 signed off as accepted"


def test_closed_project_refuses_quality_writes(world, api, setup):
    a = world.project_a
    Project.objects.filter(pk=a.pk).update(stage="closed", status="completed")
    pm, base = setup["pm"], setup["base"]
    before = (Criterion.objects.count(), SignOff.objects.count(), Defect.objects.count())
    for path, body in (
        ("criteria/", {"deliverable": str(setup["portal"].public_id), "text": "x"}),
        ("defects/", {"title": "x"}),
        ("sign-offs/", {"deliverable": str(setup["portal"].public_id), "decision": "accepted"}),
    ):
        answer = pm.post(base + path, body, format="json")
        assert answer.status_code == 403 and "PRJ-A is closed" in answer.json()["detail"]
    assert (Criterion.objects.count(), SignOff.objects.count(), Defect.objects.count()) == before
    assert pm.get(base + "quality/").status_code == 200


def test_quality_pages_plan_record_and_sign_off(world, setup):
    client = Client()
    client.force_login(world.a["project_manager"])
    a, portal = world.project_a, setup["portal"]
    page = client.get(f"/projects/{a.public_id}/quality/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Loads in 2 s" in html and "Not signed off" in html and "<svg" in html
    made = client.post(
        f"/projects/{a.public_id}/quality/defects/new/",
        {"title": "Slow search", "severity": "major", "status": "open", "owner": ""},
    )
    assert made.status_code == 302 and Defect.objects.get().key == "DEF-1"
    assert client.get(made["Location"]).status_code == 302  # the list leads to the tab
    url = f"/projects/{a.public_id}/quality/deliverables/{portal.public_id}/sign-off/"
    form = client.get(url)
    assert form.status_code == 200 and "Clara Client" in form.content.decode()
    met = {f"met_{c['id']}": "met" for c in setup["criteria"]}
    base = {"decision": "accepted", "signed_by": "", "signed_on": "2026-12-01", "supersedes": ""}
    refused = client.post(url, base | met | {"decision": "accepted_with_conditions"})
    assert refused.status_code == 400 and SignOff.objects.count() == 0
    signer = f"s:{setup['stakeholder'].public_id}"
    done = client.post(
        url,
        base
        | met
        | {
            "signed_by": signer,
            "decision": "accepted_with_conditions",
            "conditions": "Training first",
        },
    )
    assert done.status_code == 302, done.content.decode()[-2000:]
    assert SignOff.objects.get().conditions == "Training first"
    again = client.post(url, base | met | {"signed_by": signer})  # stale: supersedes nothing
    assert again.status_code == 409
    tab = client.get(f"/projects/{a.public_id}/quality/").content.decode()
    assert "Accepted with conditions" in tab and "Training first" in tab


def test_plan_started_from_the_scope_lines_once(world, api, setup):
    from keystage.planning.services import scope

    pm, base = setup["pm"], setup["base"]
    reports = setup["other"]
    scope.deliverable_update(
        who=world.a["project_manager"],
        deliverable=reports,
        version=reports.version,
        changes={"acceptance_criteria": "- Loads in 2 s\n\n* Prints on A4\n1. Exports to CSV"},
    )
    url = base + f"quality/deliverables/{reports.public_id}/criteria-from-scope/"
    made = pm.post(url)
    assert made.status_code == 201
    assert [c["text"] for c in made.json()] == ["Loads in 2 s", "Prints on A4", "Exports to CSV"]
    assert pm.post(url).json() == []  # nothing twice
    assert api(world.a["stakeholder"]).post(url).status_code == 403
    client = Client()
    client.force_login(world.a["team_member"])
    page = client.post(
        f"/projects/{world.project_a.public_id}/quality/deliverables/"
        f"{setup['b_deliverable'].public_id}/criteria-from-scope/"
    )
    assert page.status_code == 404
    assert Criterion.objects.filter(deliverable=reports).count() == 3


def test_the_project_manager_is_told_when_a_deliverable_is_signed_off(world, api, setup):
    from keystage.notifications.models import Notification

    base, portal = setup["base"], setup["portal"]
    dev = api(world.a["team_member"])
    body = {"deliverable": str(portal.public_id), "decision": "accepted", "signer": "dev_a",
            "results": _results(setup, True, True)}  # fmt: skip
    made = dev.post(base + "sign-offs/", body, format="json")
    assert made.status_code == 201, made.content
    told = Notification.objects.get(kind="deliverable_signed_off")
    assert told.recipient == world.a["project_manager"] and told.project == world.project_a
    assert "'Portal' accepted by" in told.text and "2 of 2 criteria met" in told.text
    assert told.url == f"/projects/{world.project_a.public_id}/quality/"
    # the PM recording one does not tell himself; a refused sign-off tells nobody
    setup["pm"].post(base + "sign-offs/", {**body, "signer": "pm_a"}, format="json")
    bad = dev.post(base + "sign-offs/", {**body, "results": []}, format="json")
    assert bad.status_code == 400
    assert Notification.objects.filter(kind="deliverable_signed_off").count() == 1
