"""Initiation records through the REST API: writes, bad input, versions, computed figures."""

from __future__ import annotations

from decimal import Decimal

import pytest

from keystage.core.models import AuditEntry
from keystage.initiation.models import (
    BusinessCase,
    CashFlowLine,
    FeasibilityStudy,
    Proposal,
    ResearchNote,
    Stakeholder,
)

pytestmark = pytest.mark.django_db

PROPOSAL = {
    "objective": "Cut hosting costs by 30 % by moving the ERP to the cloud.",
    "problem": "The data-centre lease ends next year.",
    "options": "Stay on premises; lift and shift; re-platform.",
    "requested_by": "CFO",
    "estimated_budget": "850000.00",
    "estimated_duration_days": 300,
}
FEASIBILITY = {
    "technical_score": 4,
    "technical_findings": "Vendor supports the migration path.",
    "economic_score": 4,
    "operational_score": 3,
    "schedule_score": 3,
    "legal_score": 5,
    "recommendation": "proceed_with_conditions",
    "conditions": "Run a pilot first.",
}


def base(project) -> str:
    return f"/api/v1/projects/{project.public_id}/initiation/"


def journal(kind: str) -> int:
    return AuditEntry.objects.filter(object_type=kind).count()


@pytest.fixture
def pm(world, api):
    return api(world.a["project_manager"])


@pytest.fixture
def case_url(world, pm):
    url = base(world.project_a) + "business-case/"
    assert pm.put(url, {"discount_rate": "8.00", "horizon": 5}, format="json").status_code == 200
    return url


def add_line(client, url, **fields):
    body = {
        "name": "Line",
        "kind": "cost",
        "period_start": 0,
        "amount_low": "100.00",
        "amount_likely": "100.00",
        "amount_high": "100.00",
        **fields,
    }
    return client.post(url + "lines/", body, format="json")


# ----------------------------------------------------------------- proposal


def test_proposal_write_read_edit_with_versions(world, api, pm):
    url = base(world.project_a) + "proposal/"
    assert pm.get(url).status_code == 404
    created = pm.put(url, PROPOSAL, format="json")
    assert created.status_code == 200, created.json()
    body = created.json()
    assert (body["estimated_budget"], body["version"]) == ("850000.00", 1)
    assert journal("proposal") == 1
    # A stakeholder (read-only) reads it; cannot write it.
    viewer = api(world.a["stakeholder"])
    assert viewer.get(url).json()["requested_by"] == "CFO"
    assert viewer.put(url, {**PROPOSAL, "version": 1}, format="json").status_code == 403
    # Editing an existing proposal needs the version: 428 without, 409 when stale.
    assert pm.put(url, {**PROPOSAL, "requested_by": "CIO"}, format="json").status_code == 428
    stale = pm.put(url, {**PROPOSAL, "requested_by": "CIO", "version": 7}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["requested_by"] == "CFO"
    edited = pm.put(url, {**PROPOSAL, "requested_by": "CIO", "version": 1}, format="json")
    assert (edited.json()["requested_by"], edited.json()["version"]) == ("CIO", 2)
    entry = AuditEntry.objects.filter(object_type="proposal", action="update").get()
    assert entry.changes == {"requested_by": ["CFO", "CIO"]}
    assert entry.actor == world.a["project_manager"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"estimated_budget": "-1.00"}, "estimated_budget"),
        ({"estimated_duration_days": 0}, "estimated_duration_days"),
        ({"objective": "x" * 1001}, "objective"),
        ({"problem": "x" * 4001}, "problem"),
        ({"objective": ""}, "objective"),
    ],
)
def test_proposal_bad_input_writes_nothing(world, pm, change, field):
    response = pm.put(base(world.project_a) + "proposal/", {**PROPOSAL, **change}, format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert Proposal.objects.count() == 0
    assert journal("proposal") == 0


def test_negative_budget_message_is_clear(world):
    from keystage.core.errors import InvalidInput
    from keystage.initiation import services

    with pytest.raises(InvalidInput) as exc:
        services.proposal_save(
            who=world.a["project_manager"],
            project=world.project_a,
            version=None,
            data={**PROPOSAL, "estimated_budget": Decimal("-5")},
        )
    assert "never negative" in exc.value.errors["estimated_budget"][0]


# ------------------------------------------------------------ business case


def test_business_case_figures_npv_irr_payback_roi_and_simulation(world, pm, case_url):
    assert (
        add_line(
            pm,
            case_url,
            name="Migration",
            amount_low="90000",
            amount_likely="100000",
            amount_high="130000",
        ).status_code
        == 201
    )
    benefit = add_line(
        pm,
        case_url,
        name="Hosting savings",
        kind="benefit",
        recurrence="recurring",
        period_start=1,
        period_end=5,
        amount_low="20000",
        amount_likely="30000",
        amount_high="35000",
    )
    assert benefit.status_code == 201, benefit.json()
    body = pm.get(case_url).json()
    results = body["results"]
    # Hand-checked: -100000 + 30000 × annuity(8 %, 5) = -100000 + 119781.30 = 19781.30
    assert results["npv"] == "19781.30"
    assert results["cash_flows"] == ["-100000.00"] + ["30000.00"] * 5
    assert results["irr"] == pytest.approx(0.152382, abs=1e-5)
    assert results["irr_note"] is None
    assert results["roi"] == pytest.approx(0.5)
    assert results["payback_periods"] == pytest.approx(10 / 3)
    assert results["discounted_payback_periods"] > results["payback_periods"]
    sim = body["simulation"]
    assert sim["runs"] == 5000
    assert sim["seed"] == world.project_a.public_id.int % 2**63
    assert Decimal(sim["p10"]) < Decimal(sim["p50"]) < Decimal(sim["p90"])
    assert 0.0 < sim["probability_negative"] < 1.0
    assert sum(sim["histogram_counts"]) == 5000
    # Reproducible: the same data gives the same simulation.
    assert pm.get(case_url).json()["simulation"] == sim


def test_irr_undefined_is_explained(world, pm, case_url):
    add_line(pm, case_url, name="Licences", recurrence="recurring", period_start=0, period_end=3)
    results = pm.get(case_url).json()["results"]
    assert results["irr"] is None
    assert results["irr_note"] == "IRR is undefined: cash flows never change sign"
    assert results["payback_periods"] is None
    assert "Not paid back within the horizon" in results["payback_note"]


def test_case_before_lines_has_a_note(world, pm, case_url):
    body = pm.get(case_url).json()
    assert body["results"] is None and body["simulation"] is None
    assert "Add cost and benefit lines" in body["note"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"amount_low": "-10.00", "amount_likely": "5", "amount_high": "6"}, "amount_low"),
        ({"amount_likely": "-1.00", "amount_low": "-2", "amount_high": "0"}, "amount_likely"),
        ({"amount_low": "200", "amount_likely": "100", "amount_high": "300"}, "amount_low"),
        ({"amount_low": "10", "amount_likely": "100", "amount_high": "50"}, "amount_high"),
        ({"period_start": 6}, "period_start"),
        ({"recurrence": "recurring", "period_start": 3, "period_end": 2}, "period_end"),
        ({"recurrence": "one_off", "period_start": 1, "period_end": 4}, "period_end"),
        ({"recurrence": "recurring", "period_start": 1, "period_end": 9}, "period_end"),
        ({"name": "n" * 201}, "name"),
        ({"kind": "gift"}, "kind"),
    ],
)
def test_bad_line_writes_nothing(world, pm, case_url, fields, field):
    before = journal("cashflowline")
    response = add_line(pm, case_url, **fields)
    assert response.status_code == 400, response.json()
    assert field in response.json()["errors"]
    assert CashFlowLine.objects.count() == 0
    assert journal("cashflowline") == before


def test_line_needs_a_business_case_first(world, pm):
    response = add_line(pm, base(world.project_a) + "business-case/")
    assert response.status_code == 400
    assert "discount rate and horizon first" in str(response.json()["errors"])


def test_case_settings_bad_input_and_horizon_below_lines(world, pm, case_url):
    for body, field in (
        ({"discount_rate": "-1", "horizon": 5, "version": 1}, "discount_rate"),
        ({"discount_rate": "8", "horizon": 0, "version": 1}, "horizon"),
        ({"discount_rate": "8", "horizon": 51, "version": 1}, "horizon"),
    ):
        response = pm.put(case_url, body, format="json")
        assert response.status_code == 400 and field in response.json()["errors"]
    add_line(pm, case_url, name="Run cost", recurrence="recurring", period_start=1, period_end=5)
    shorter = pm.put(case_url, {"discount_rate": "8", "horizon": 3, "version": 1}, format="json")
    assert shorter.status_code == 400
    assert "Run cost" in shorter.json()["errors"]["horizon"][0]
    assert BusinessCase.objects.get().horizon == 5


def test_line_edit_and_delete_need_versions(world, pm, case_url):
    line = add_line(pm, case_url, name="Licences").json()
    url = f"{case_url}lines/{line['id']}/"
    assert pm.patch(url, {"amount_high": "150"}, format="json").status_code == 428
    assert pm.patch(url, {"amount_high": "150", "version": 9}, format="json").status_code == 409
    edited = pm.patch(url, {"amount_high": "150", "version": 1}, format="json")
    assert (edited.json()["amount_high"], edited.json()["version"]) == ("150.00", 2)
    assert pm.delete(url).status_code == 428
    assert pm.delete(url + "?version=1").status_code == 409
    assert pm.delete(url + "?version=2").status_code == 204
    assert CashFlowLine.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="cashflowline", action="delete").count() == 1


def test_line_of_another_project_is_404(world, api, pm, case_url):
    other = api(world.b["project_manager"])
    other_case = base(world.project_b) + "business-case/"
    other.put(other_case, {"discount_rate": "5", "horizon": 3}, format="json")
    foreign = add_line(other, other_case, name="B line").json()
    url = f"{case_url}lines/{foreign['id']}/"
    assert pm.get(url).status_code == 404
    assert pm.patch(url, {"name": "x", "version": 1}, format="json").status_code == 404
    assert CashFlowLine.objects.get().name == "B line"


# ---------------------------------------------------------- notes, feasibility


def test_research_notes_by_team_members(world, api):
    dev = api(world.a["team_member"])
    url = base(world.project_a) + "notes/"
    note = dev.post(
        url,
        {"title": "Vendor call", "body": "Pricing per core.", "link": "https://example.com/x"},
        format="json",
    )
    assert note.status_code == 201
    assert note.json()["author"]["username"] == "dev_a"
    bad = dev.post(url, {"title": "t", "body": "b", "link": "javascript:alert(1)"}, format="json")
    assert bad.status_code == 400 and "link" in bad.json()["errors"]
    huge = dev.post(url, {"title": "t", "body": "b" * 10001}, format="json")
    assert huge.status_code == 400 and "body" in huge.json()["errors"]
    assert (
        api(world.a["stakeholder"])
        .post(url, {"title": "t", "body": "b"}, format="json")
        .status_code
        == 403
    )
    assert ResearchNote.objects.count() == 1


def test_feasibility_study_scores(world, pm):
    url = base(world.project_a) + "feasibility/"
    for bad in (0, 6, -1):
        response = pm.put(url, {**FEASIBILITY, "legal_score": bad}, format="json")
        assert response.status_code == 400 and "legal_score" in response.json()["errors"]
    wrong = pm.put(url, {**FEASIBILITY, "recommendation": "maybe"}, format="json")
    assert wrong.status_code == 400 and "recommendation" in wrong.json()["errors"]
    assert FeasibilityStudy.objects.count() == 0
    assert pm.put(url, FEASIBILITY, format="json").status_code == 200
    assert pm.put(url, {**FEASIBILITY, "legal_score": 2}, format="json").status_code == 428
    edited = pm.put(url, {**FEASIBILITY, "legal_score": 2, "version": 1}, format="json")
    assert (edited.json()["legal_score"], edited.json()["version"]) == (2, 2)


# ---------------------------------------------------------------- stakeholders


def test_stakeholders_and_sign_off(world, api, pm):
    url = base(world.project_a) + "stakeholders/"
    for field, value in (("influence", 0), ("interest", 11), ("name", "")):
        body = {"name": "CFO", "role": "Budget owner", "influence": 9, "interest": 8, field: value}
        response = pm.post(url, body, format="json")
        assert response.status_code == 400 and field in response.json()["errors"]
    assert Stakeholder.objects.count() == 0
    person = pm.post(
        url,
        {"name": "Dana Whitfield", "role": "CFO", "influence": 9, "interest": 8, "is_key": True},
        format="json",
    ).json()
    sign = url + f"{person['id']}/sign-off/"
    assert api(world.a["team_member"]).post(sign, {"version": 1}, format="json").status_code == 403
    assert api(world.a["sponsor"]).post(sign, {}, format="json").status_code == 428
    signed = api(world.a["sponsor"]).post(sign, {"version": 1, "comment": "Agreed."}, format="json")
    assert signed.status_code == 200, signed.json()
    body = signed.json()
    assert body["signed_off_by"]["username"] == "sponsor_a"
    assert body["sign_off_comment"] == "Agreed."
    assert body["signed_off_date"] is not None
    again = api(world.a["sponsor"]).post(sign, {"version": 1}, format="json")
    assert again.status_code == 409
    future = pm.post(sign, {"version": 2, "date": "2999-01-01"}, format="json")
    assert future.status_code == 400 and "date" in future.json()["errors"]


def test_protected_fields_are_never_written(world, api, pm, case_url):
    """QUALITY A4 for the initiation writes: ids, parents, versions and signers are ignored."""
    protected = {
        "id": "00000000-0000-0000-0000-000000000009",
        "project": str(world.project_b.public_id),
        "case": 999,
        "version": 1,
        "author": "outsider",
        "signed_off_by": "outsider",
        "signed_off_date": "2020-01-01",
        "created_at": "2020-01-01T00:00:00Z",
    }
    line = add_line(pm, case_url, **{**protected, "name": "Mine"}).json()
    stored = CashFlowLine.objects.get(public_id=line["id"])
    assert stored.case.project == world.project_a and stored.version == 1
    person = pm.post(
        base(world.project_a) + "stakeholders/",
        {**protected, "name": "P", "role": "r", "influence": 2, "interest": 3},
        format="json",
    ).json()
    stored_person = Stakeholder.objects.get(public_id=person["id"])
    assert (stored_person.signed_off_by, stored_person.project) == (None, world.project_a)
    note = (
        api(world.a["team_member"])
        .post(
            base(world.project_a) + "notes/",
            {**protected, "title": "t", "body": "b"},
            format="json",
        )
        .json()
    )
    assert ResearchNote.objects.get(public_id=note["id"]).author == world.a["team_member"]
