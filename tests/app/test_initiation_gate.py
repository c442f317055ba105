"""The go/no-go checklist of the Initiation gate, and the Initiation pages."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from keystage.initiation import services
from keystage.initiation.models import CashFlowLine, Proposal, Stakeholder
from keystage.portfolio.models import GateDecision, Project

pytestmark = pytest.mark.django_db


def prepare(world, *, sign: bool = True) -> Stakeholder:
    """Give project A every initiation record; the key stakeholder signed off if ``sign``."""
    pm, project = world.a["project_manager"], world.project_a
    services.proposal_save(
        who=pm,
        project=project,
        version=None,
        data={
            "objective": "Retire the legacy ERP.",
            "problem": "Support ends next year.",
            "requested_by": "CFO",
            "estimated_budget": Decimal("500000"),
            "estimated_duration_days": 240,
        },
    )
    services.business_case_save(
        who=pm, project=project, version=None, data={"discount_rate": Decimal("8"), "horizon": 4}
    )
    for kind, start, recurrence, amount in (
        ("cost", 0, "one_off", "200000"),
        ("benefit", 1, "recurring", "90000"),
    ):
        services.line_create(
            who=pm,
            project=project,
            data={
                "name": f"{kind} line",
                "kind": kind,
                "recurrence": recurrence,
                "period_start": start,
                "amount_low": Decimal(amount) * Decimal("0.8"),
                "amount_likely": Decimal(amount),
                "amount_high": Decimal(amount) * Decimal("1.3"),
            },
        )
    services.feasibility_save(
        who=pm,
        project=project,
        version=None,
        data={
            **{f"{d}_score": 4 for d in ("technical", "economic", "operational", "schedule")},
            "legal_score": 5,
            "recommendation": "proceed",
        },
    )
    person = services.stakeholder_create(
        who=pm,
        project=project,
        data={
            "name": "Head of Finance",
            "role": "Budget owner",
            "influence": 9,
            "interest": 9,
            "is_key": True,
        },
    )
    if sign:
        person = services.stakeholder_sign_off(
            who=world.a["sponsor"], stakeholder=person, version=person.version, comment="Agreed."
        )
    return person


def go(api_client, project, **extra):
    project.refresh_from_db()
    body = {
        "to_stage": "planning",
        "outcome": "go",
        "rationale": "Case holds.",
        "version": project.version,
        **extra,
    }
    return api_client.post(f"/api/v1/projects/{project.public_id}/gates/", body, format="json")


def test_missing_items_block_a_go_and_are_named(world, api):
    response = go(api(world.a["sponsor"]), world.project_a)
    assert response.status_code == 400
    message = response.json()["errors"]["outcome"][0]
    for item in (
        "Project proposal",
        "Business case",
        "Feasibility study",
        "Key stakeholders signed off",
    ):
        assert item in message
    assert "Project manager assigned" not in message  # PRJ-A has one
    assert GateDecision.objects.count() == 0
    assert Project.objects.get(pk=world.project_a.pk).stage == "initiation"


def test_unsigned_key_stakeholder_still_blocks(world, api):
    prepare(world, sign=False)
    response = go(api(world.a["sponsor"]), world.project_a)
    assert response.status_code == 400
    message = response.json()["errors"]["outcome"][0]
    assert "Key stakeholders signed off" in message and "Business case" not in message
    summary = (
        api(world.a["team_member"])
        .get(f"/api/v1/projects/{world.project_a.public_id}/initiation/")
        .json()
    )
    assert summary["ready_for_go"] is False
    item = next(i for i in summary["checklist"] if i["key"] == "stakeholders")
    assert (item["done"], item["detail"]) == (False, "awaiting Head of Finance")


def test_complete_checklist_allows_a_go(world, api):
    prepare(world)
    summary = (
        api(world.a["sponsor"])
        .get(f"/api/v1/projects/{world.project_a.public_id}/initiation/")
        .json()
    )
    assert summary["ready_for_go"] is True
    response = go(api(world.a["sponsor"]), world.project_a)
    assert response.status_code == 201, response.json()
    assert response.json()["override_reason"] == ""
    assert Project.objects.get(pk=world.project_a.pk).stage == "planning"


def test_missing_project_manager_blocks(world, api):
    prepare(world)
    world.project_a.memberships.filter(role="project_manager").delete()
    message = go(api(world.a["sponsor"]), world.project_a).json()["errors"]["outcome"][0]
    assert message.count(";") == 0 and "Project manager assigned" in message


def test_override_reason_lets_the_sponsor_go_and_is_recorded(world, api):
    reason = "Board mandate: regulatory deadline; study follows in Planning."
    response = go(api(world.a["sponsor"]), world.project_a, override_reason=reason)
    assert response.status_code == 201
    decision = GateDecision.objects.get()
    assert decision.override_reason == reason
    entry = world.project_a.audit_entries.get(action="gate")
    assert entry.changes["override_reason"] == [None, reason]


def test_other_outcomes_are_not_blocked(world, api):
    response = go(api(world.a["sponsor"]), world.project_a, outcome="hold")
    assert response.status_code == 201


def test_overview_shows_checklist_and_override_field(world):
    client = Client()
    client.force_login(world.a["sponsor"])
    url = f"/projects/{world.project_a.public_id}/"
    html = client.get(url).content.decode()
    assert 'id="gate-checklist"' in html and "override_reason" in html
    blocked = client.post(
        url + "gate/",
        {"to_stage": "planning", "outcome": "go", "rationale": "x", "version": 1},
    )
    assert blocked.status_code == 400
    assert "Not ready for a go" in blocked.content.decode()
    passed = client.post(
        url + "gate/",
        {
            "to_stage": "planning",
            "outcome": "go",
            "rationale": "x",
            "version": 1,
            "override_reason": "Urgent.",
        },
    )
    assert passed.status_code == 302
    assert GateDecision.objects.get().override_reason == "Urgent."


# ----------------------------------------------------------------------- pages


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_initiation_tab_shows_figures_and_charts(world):
    prepare(world)
    html = (
        signed_in(world.a["stakeholder"])
        .get(f"/projects/{world.project_a.public_id}/initiation/")
        .content.decode()
    )
    assert 'id="npv"' in html and 'id="irr"' in html
    assert html.count("<svg xmlns") == 3  # NPV tornado and histogram, power/interest grid
    assert "Head of Finance" in html and "Signed off" in html
    assert "Write the proposal" not in html and "Add line" not in html  # read-only role


def test_pages_write_through_the_services(world):
    client = signed_in(world.a["project_manager"])
    root = f"/projects/{world.project_a.public_id}/initiation/"
    bad = client.post(
        root + "proposal/",
        {
            "objective": "o",
            "problem": "p",
            "requested_by": "r",
            "estimated_budget": "-3",
            "estimated_duration_days": "10",
        },
    )
    assert bad.status_code == 400 and Proposal.objects.count() == 0
    assert (
        client.post(root + "business-case/", {"discount_rate": "7.5", "horizon": "3"}).status_code
        == 302
    )
    line = {
        "name": "Build",
        "kind": "cost",
        "recurrence": "one_off",
        "period_start": "0",
        "amount_low": "10",
        "amount_likely": "5",
        "amount_high": "20",
    }
    out_of_order = client.post(root + "business-case/lines/new/", line)
    assert out_of_order.status_code == 400
    assert "Low must not exceed likely" in out_of_order.content.decode()
    assert (
        client.post(root + "business-case/lines/new/", {**line, "amount_low": "4"}).status_code
        == 302
    )
    saved = CashFlowLine.objects.get()
    edit = root + f"business-case/lines/{saved.public_id}/"
    stale = client.post(edit, {**line, "amount_low": "4", "name": "Renamed", "version": "5"})
    assert stale.status_code == 409
    assert client.post(edit, {"action": "remove", "version": "1"}).status_code == 302
    assert CashFlowLine.objects.count() == 0


def test_stored_text_is_escaped_on_the_tab(world):
    pm = world.a["project_manager"]
    services.note_create(
        who=pm, project=world.project_a, data={"title": "<script>alert(1)</script>", "body": "b"}
    )
    html = signed_in(pm).get(f"/projects/{world.project_a.public_id}/initiation/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
