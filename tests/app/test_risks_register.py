"""Issue 14 items 1 and 2: the risk register, the organisation's matrix, the issue log."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from keystage.core.models import AuditEntry
from keystage.initiation.models import FeasibilityStudy
from keystage.notifications.models import Notification
from keystage.planning.services import wbs
from keystage.portfolio.models import Project
from keystage.risks.models import Issue, Risk, RiskResponse

pytestmark = pytest.mark.django_db


def _url(project, tail=""):
    return f"/api/v1/projects/{project.public_id}/{tail}"


RISK = {
    "title": "Vendor API late",
    "category": "supplier",
    "cause": "The vendor's API is still in beta",
    "event": "the API is delivered late",
    "effect": "integration slips",
    "owner": "dev_a",
    "probability": "0.6",
    "schedule_low": "5",
    "schedule_likely": "10",
    "schedule_high": "20",
    "cost_low": "1000",
    "cost_likely": "30000",
    "cost_high": "60000",
    "proximity": "2027-03-01",
}


@pytest.fixture
def tasks(world):
    pm = world.a["project_manager"]
    a = wbs.task_create(who=pm, project=world.project_a, data={"name": "Integrate"})
    b = wbs.task_create(who=world.b["project_manager"], project=world.project_b, data={"name": "B"})
    return a, b


def test_register_round_trip_with_positions_responses_and_versions(world, api, tasks):
    pm = api(world.a["project_manager"])
    created = pm.post(
        _url(world.project_a, "risks/"), RISK | {"tasks": [str(tasks[0].public_id)]}, format="json"
    )
    assert created.status_code == 201, created.content
    body = created.json()
    assert body["key"] == "RSK-1" and body["owner"] == "dev_a"
    assert body["tasks"] == [str(tasks[0].public_id)]
    # p 0.6 → level 4; likely cost 30 000 → level 3, 10 days → level 3: score 12, medium.
    assert body["before"] == body["after"]
    assert (body["before"]["score"], body["before"]["rating"]) == (12, "medium")
    # Exposure = p × PERT mean of cost = 0.6 × (1000 + 120000 + 60000) / 6.
    assert Decimal(body["before"]["exposure"]) == Decimal("18100.00")
    second = pm.post(_url(world.project_a, "risks/"), RISK | {"title": "Two"}, format="json")
    assert second.json()["key"] == "RSK-2"

    response = pm.post(
        _url(world.project_a, "risk-responses/"),
        {
            "risk": body["id"],
            "strategy": "mitigate",
            "description": "Build a stub of the API",
            "owner": "pm_a",
            "due_date": "2027-02-01",
            "cost": "2000",
            "probability": "0.2",
            "schedule_low": "0",
            "schedule_likely": "2",
            "schedule_high": "4",
            "cost_low": "0",
            "cost_likely": "1000",
            "cost_high": "3000",
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    after = pm.get(_url(world.project_a, f"risks/{body['id']}/")).json()
    assert (after["after"]["score"], after["after"]["rating"]) == (2, "low")
    assert after["before"]["score"] == 12

    # Linking tasks alone is a versioned, journaled edit; a stale version is a 409.
    edit = pm.patch(
        _url(world.project_a, f"risks/{body['id']}/"), {"tasks": [], "version": 1}, format="json"
    )
    assert edit.status_code == 200 and edit.json()["version"] == 2 and edit.json()["tasks"] == []
    stale = pm.patch(
        _url(world.project_a, f"risks/{body['id']}/"), {"title": "x", "version": 1}, format="json"
    )
    assert stale.status_code == 409 and stale.json()["current"]["version"] == 2
    assert AuditEntry.objects.filter(summary="Linked RSK-1 to 0 task(s)").exists()
    # Everyone on the project reads; a stakeholder does not write.
    viewer = api(world.a["stakeholder"])
    assert len(viewer.get(_url(world.project_a, "risks/")).json()) == 2
    assert viewer.post(_url(world.project_a, "risks/"), RISK, format="json").status_code == 403


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"probability": "1.5"}, "probability"),
        ({"probability": "-0.1"}, "probability"),
        ({"schedule_low": "30"}, "schedule_likely"),
        ({"cost_high": "10"}, "cost_likely"),
        ({"owner": "outsider"}, "owner"),
        ({"owner": "nobody-at-all"}, "owner"),
        ({"tasks": "FOREIGN"}, "tasks"),
    ],
)
def test_bad_input_is_a_field_error_and_writes_nothing(world, api, tasks, change, field):
    if change.get("tasks") == "FOREIGN":
        change = {"tasks": [str(tasks[1].public_id)]}
    before = AuditEntry.objects.count()
    answer = api(world.a["project_manager"]).post(
        _url(world.project_a, "risks/"), RISK | change, format="json"
    )
    assert answer.status_code == 400, answer.content
    assert field in answer.json()["errors"] if "errors" in answer.json() else field in answer.json()
    assert not Risk.objects.exists() and AuditEntry.objects.count() == before


def test_a_closed_project_refuses_risks_and_issues(world, api):
    client = api(world.a["project_manager"])
    risk = client.post(_url(world.project_a, "risks/"), RISK, format="json").json()
    Project.objects.filter(pk=world.project_a.pk).update(stage="closed", status="completed")
    for path, body in (
        ("risks/", RISK),
        ("issues/", {"title": "Late"}),
        (f"risks/{risk['id']}/occurred/", {"version": 1}),
        ("risks/carry-forward/", {}),
    ):
        answer = client.post(_url(world.project_a, path), body, format="json")
        assert answer.status_code == 403, (path, answer.content)
        assert b"PRJ-A is closed" in answer.content
    assert Risk.objects.count() == 1 and not Issue.objects.exists()


def test_the_organisation_sets_the_matrix_and_ratings_follow(world, api):
    pm = api(world.a["project_manager"])
    risk = pm.post(_url(world.project_a, "risks/"), RISK, format="json").json()
    assert risk["before"]["rating"] == "medium"
    read = pm.get("/api/v1/org/risk-matrix/").json()
    assert read["version"] is None and read["is_default"] and read["high_from"] == 15
    assert pm.put("/api/v1/org/risk-matrix/", {"rules": {}}, format="json").status_code == 403
    pmo = api(world.pmo)
    bad = pmo.put(
        "/api/v1/org/risk-matrix/",
        {"rules": {"probability_bounds": [0.5, 0.3, 0.6, 0.9], "high_from": 3, "medium_from": 4}},
        format="json",
    )
    assert bad.status_code == 400
    assert {"probability_bounds", "high_from"} <= set(bad.json()["errors"])
    saved = pmo.put("/api/v1/org/risk-matrix/", {"rules": {"high_from": 10}}, format="json")
    assert saved.status_code == 200 and saved.json()["version"] == 1
    assert pm.get(_url(world.project_a, f"risks/{risk['id']}/")).json()["before"]["rating"] == (
        "high"
    )
    stale = pmo.put(
        "/api/v1/org/risk-matrix/", {"rules": {"high_from": 12}, "version": 7}, format="json"
    )
    assert stale.status_code == 409
    # The page shows the same, and a portfolio owner saves it there too.
    client = Client()
    client.force_login(world.pmo)
    page = client.get("/risk-matrix/")
    assert page.status_code == 200 and b"10 high" in page.content
    form = {f"probability_bounds-{n}": v for n, v in enumerate([0.1, 0.3, 0.5, 0.7])}
    form |= {f"schedule_bounds-{n}": v for n, v in enumerate([2, 5, 10, 20])}
    form |= {f"cost_bounds-{n}": v for n, v in enumerate([5000, 20000, 50000, 100000])}
    form |= {f"probability_labels-{n}": f"P{n}" for n in range(5)}
    form |= {f"impact_labels-{n}": f"I{n}" for n in range(5)}
    form |= {"medium_from": "4", "high_from": "3", "version": "1"}
    refused = client.post("/risk-matrix/", form)
    assert refused.status_code == 400 and b"High starts above medium" in refused.content
    assert client.post("/risk-matrix/", form | {"high_from": "16"}).status_code == 302


def test_a_risk_occurs_becomes_an_issue_and_is_escalated_to_the_sponsor(world, api):
    pm = api(world.a["project_manager"])
    risk = pm.post(_url(world.project_a, "risks/"), RISK, format="json").json()
    occurred = pm.post(
        _url(world.project_a, f"risks/{risk['id']}/occurred/"),
        {"version": 1, "severity": "critical"},
        format="json",
    )
    assert occurred.status_code == 201, occurred.content
    issue = occurred.json()
    assert issue["key"] == "ISS-1" and issue["risk"] == risk["id"]
    assert issue["severity"] == "critical" and issue["owner"] == "dev_a"
    assert pm.get(_url(world.project_a, f"risks/{risk['id']}/")).json()["status"] == "occurred"
    again = pm.post(
        _url(world.project_a, f"risks/{risk['id']}/occurred/"), {"version": 2}, format="json"
    )
    assert again.status_code == 400 and Issue.objects.count() == 1

    url = _url(world.project_a, f"issues/{issue['id']}/escalate/")
    dev = api(world.a["team_member"])
    assert dev.post(url, {"reason": "x", "version": 1}, format="json").status_code == 403
    assert pm.post(url, {"reason": "", "version": 1}, format="json").status_code == 400
    done = pm.post(url, {"reason": "Needs a vendor decision", "version": 1}, format="json")
    assert done.status_code == 200, done.content
    assert done.json()["escalated_by"] == "pm_a" and done.json()["escalated_at"]
    told = Notification.objects.get(kind="issue_escalated")
    assert told.recipient == world.a["sponsor"] and "Needs a vendor decision" in told.text
    assert pm.post(url, {"reason": "again", "version": 1}, format="json").status_code == 409
    # Resolving needs a resolution.
    resolve = pm.patch(
        _url(world.project_a, f"issues/{issue['id']}/"),
        {"status": "resolved", "version": 2},
        format="json",
    )
    assert resolve.status_code == 400 and "resolution" in str(resolve.json())


def test_initiation_risks_carry_forward_once(world, api):
    FeasibilityStudy.objects.create(
        project=world.project_a,
        technical_score=2,
        technical_findings="Legacy ERP has no API",
        economic_score=4,
        operational_score=3,
        schedule_score=5,
        legal_score=5,
        recommendation="proceed_with_conditions",
        conditions="Only with a data-migration partner",
    )
    pm = api(world.a["project_manager"])
    first = pm.post(_url(world.project_a, "risks/carry-forward/"), format="json")
    assert first.status_code == 201 and first.json() == {
        "added": ["RSK-1", "RSK-2", "RSK-3"],
        "already": 0,
    }
    technical = Risk.objects.get(project=world.project_a, number=1)
    assert technical.source == "feasibility" and technical.probability == Decimal("0.5")
    assert technical.cause == "Legacy ERP has no API"
    second = pm.post(_url(world.project_a, "risks/carry-forward/"), format="json")
    assert second.status_code == 200 and second.json() == {"added": [], "already": 3}
    assert Risk.objects.count() == 3
    dev = api(world.a["team_member"])
    assert dev.post(_url(world.project_a, "risks/carry-forward/")).status_code == 403


def test_simulation_events_use_residuals_and_skip_closed_risks(world, tasks):
    from keystage.risks.records import RESPONSES, RISKS
    from keystage.risks.selectors.simulation_events import risk_events_for_simulation

    pm = world.a["project_manager"]
    data = {k: v for k, v in RISK.items() if k not in ("owner", "proximity")}
    live = RISKS.create(who=pm, project=world.project_a, data=data | {"tasks": [tasks[0]]})
    bare = RISKS.create(who=pm, project=world.project_a, data=data | {"title": "Bare"})
    RISKS.create(who=pm, project=world.project_a, data=data | {"status": "closed"})
    RESPONSES.create(
        who=pm,
        project=world.project_a,
        data={
            "risk": live,
            "strategy": "mitigate",
            "description": "Stub",
            "probability": Decimal("0.25"),
            "schedule_low": Decimal("1"),
            "schedule_likely": Decimal("2"),
            "schedule_high": Decimal("3.5"),
            "cost_likely": Decimal("100"),
            "cost_high": Decimal("200"),
        },
    )
    events = risk_events_for_simulation(project=world.project_a)
    assert [e.key for e in events] == [live.key, bare.key]
    first, second = events
    assert first.probability == 0.25 and first.task_ids == (str(tasks[0].pk),)
    assert (first.delay.low, first.delay.likely, first.delay.high) == (480, 960, 1680)
    assert (first.cost.low, first.cost.likely, first.cost.high) == (0, 100, 200)
    assert second.probability == 0.6 and second.task_ids == ()
    assert second.delay.likely == 10 * 480 and second.cost.high == 60000


def test_gate_kpis_dashboard_and_status_report_read_the_register(world, api):
    from keystage.control.kpis.selectors import evaluate_project
    from keystage.control.reports.content import status_report_content
    from keystage.control.selectors.portfolio_figures import control_figures
    from keystage.risks.gate import risks_checklist
    from keystage.risks.records import RESPONSES, RISKS

    project = world.project_a
    assert not risks_checklist(project)[0].done
    pm = world.a["project_manager"]
    data = {k: v for k, v in RISK.items() if k not in ("owner", "proximity")}
    high = RISKS.create(who=pm, project=project, data=data | {"probability": Decimal("0.9")})
    RISKS.create(who=pm, project=project, data=data | {"title": "Small", "probability": "0.05"})
    item = risks_checklist(project)[0]
    assert not item.done and "RSK-1 (no owner)" in item.detail
    high = RISKS.update(who=pm, record=high, version=1, changes={"owner": "dev_a"})
    RESPONSES.create(
        who=pm,
        project=project,
        data={
            "risk": high,
            "strategy": "transfer",
            "description": "Fixed-price contract",
            "probability": Decimal("0.9"),
            "due_date": dt.date(2020, 1, 1),
        },
    )
    assert risks_checklist(project)[0].done
    rows = {r.key: r for r in evaluate_project(project).results}
    assert rows["risk_exposure"].value == 1
    assert rows["risk_responses_overdue"].value == 1
    assert rows["risk_exposure_contingency"].rag.value == "not_measured"
    figures = control_figures([world.project_a, world.project_b])
    assert figures[project.pk]["top_risk"].startswith("RSK-1 Vendor API late (high)")
    assert "top_risk" not in figures[world.project_b.pk]
    content = status_report_content(
        project=project, period_start=dt.date(2027, 1, 4), period_end=dt.date(2027, 1, 10)
    )
    assert [r["key"] for r in content["risks"]["items"]] == ["RSK-1", "RSK-2"]
    assert content["risks"]["items"][0]["response"] == "Transfer: Fixed-price contract"


def test_dashboard_top_risk_in_constant_queries(world, django_assert_max_num_queries):
    from keystage.risks.records import RISKS
    from keystage.risks.selectors.register import top_risks

    data = {k: v for k, v in RISK.items() if k not in ("owner", "proximity")}
    for project, role in ((world.project_a, world.a), (world.project_b, world.b)):
        for n in range(3):
            RISKS.create(
                who=role["project_manager"], project=project, data=data | {"title": f"{n}"}
            )
    projects = list(Project.objects.all())
    with django_assert_max_num_queries(3):
        found = top_risks(projects)
    assert {r.project_id for r in found.values()} == {p.pk for p in projects}


def test_pages_show_the_register_heat_maps_and_the_issue_log(world, api):
    client = Client()
    client.force_login(world.a["project_manager"])
    base = f"/projects/{world.project_a.public_id}/"
    api(world.a["project_manager"]).post(_url(world.project_a, "risks/"), RISK, format="json")
    risk = Risk.objects.get()
    page = client.get(base + "risks/")
    assert page.status_code == 200
    text = page.content.decode()
    assert "RSK-1" in text and text.count("<title>Open risks") == 2 and 'data-count="1"' in text
    assert "Open risks before responses" in text and 'aria-current="page">Risks' in text
    detail = client.get(base + f"risks/{risk.public_id}/")
    assert detail.status_code == 200 and b"this may happen" in detail.content
    occurred = client.post(
        base + f"risks/{risk.public_id}/occurred/", {"version": "1", "severity": "high"}
    )
    issue = Issue.objects.get()
    assert occurred.status_code == 302 and occurred["Location"].endswith(f"{issue.public_id}/")
    log = client.get(base + "issues/")
    assert log.status_code == 200 and b"ISS-1" in log.content and b"RSK-1" in log.content
    escalate = client.post(
        base + f"issues/{issue.public_id}/escalate/", {"version": "1", "reason": "Stuck"}
    )
    assert escalate.status_code == 302
    assert b"Escalated on" in client.get(base + f"issues/{issue.public_id}/").content
    assert client.get(base + "risk-responses/")["Location"] == base + "risks/"
    edit = client.get(base + f"risks/{risk.public_id}/edit/")
    assert edit.status_code == 200 and b"Vendor API late" in edit.content
    assert RiskResponse.objects.count() == 0
