"""The project charter: versions through the API, the PDF's text, immutability, the CLI."""

from __future__ import annotations

import json
import shutil
import subprocess

import pytest
from typer.testing import CliRunner

from keystage.core.models import AuditEntry
from keystage.initiation import services as initiation
from keystage.initiation.charter.models import CharterVersion
from keystage.planning.services import goals, scope

pytestmark = pytest.mark.django_db

OBJECTIVE = "Move the ERP to a managed cloud platform by Q4."


@pytest.fixture
def filled(world):
    """Project A with a proposal, a business case, a study, goals and scope."""
    pm, project = world.a["project_manager"], world.project_a
    initiation.proposal_save(
        who=pm,
        project=project,
        version=None,
        data={
            "objective": OBJECTIVE,
            "problem": "The data-centre lease ends.",
            "requested_by": "CFO",
            "estimated_budget": "450000",
            "estimated_duration_days": 240,
        },
    )
    initiation.business_case_save(
        who=pm, project=project, version=None, data={"discount_rate": "8", "horizon": 5}
    )
    for name, kind, rec, start, end, amount in (
        ("Migration partner", "cost", "one_off", 0, None, "300000"),
        ("Savings", "benefit", "recurring", 1, 5, "120000"),
    ):
        initiation.line_create(
            who=pm,
            project=project,
            data={
                "name": name,
                "kind": kind,
                "recurrence": rec,
                "period_start": start,
                "period_end": end,
                "amount_low": amount,
                "amount_likely": amount,
                "amount_high": amount,
            },
        )
    initiation.feasibility_save(
        who=pm,
        project=project,
        version=None,
        data={
            "technical_score": 2,
            "technical_findings": "Two custom reports must be rebuilt.",
            "economic_score": 4,
            "operational_score": 4,
            "schedule_score": 4,
            "legal_score": 5,
            "recommendation": "proceed",
        },
    )
    goals.goal_create(
        who=pm,
        project=project,
        data={
            "title": "Faster month-end closing",
            "metric": "Closing time",
            "unit": "days",
            "baseline_value": "4",
            "target_value": "1.5",
            "due_date": "2027-06-30",
        },
    )
    scope.statement_save(
        who=pm, project=project, version=None, data={"statement": "The ERP moves to the cloud."}
    )
    scope.item_create(who=pm, project=project, data={"text": "HR modules", "in_scope": False})
    scope.note_create(
        who=pm, project=project, data={"kind": "assumption", "text": "The vendor keeps prices."}
    )
    return project


def url(project, rest: str = "") -> str:
    return f"/api/v1/projects/{project.public_id}/charter/{rest}"


def pdf_text(data: bytes, tmp_path) -> str:
    path = tmp_path / "charter.pdf"
    path.write_bytes(data)
    raw = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout
    return " ".join(raw.split())  # cells wrap: compare with whitespace collapsed


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="poppler-utils not installed")
def test_regenerate_versions_and_pdf(world, api, filled, tmp_path):
    pm = api(world.a["project_manager"])
    assert pm.get(url(filled)).status_code == 404
    first = pm.post(url(filled, "versions/"))
    assert first.status_code == 201, first.content
    body = first.json()
    assert body["number"] == 1
    assert body["generated_by"]["username"] == "pm_a"
    content = body["content"]
    assert content["proposal"]["objective"] == OBJECTIVE
    assert content["proposal"]["estimated_budget"] == "450000.00"
    assert content["goals"][0]["title"] == "Faster month-end closing"
    assert content["scope"]["out_of_scope"] == ["HR modules"]
    assert content["budget"]["business_case"]["npv"]
    risks = {r["title"]: r["severity"] for r in content["risks"]}
    assert risks["Technical feasibility scored 2/5"] == "high"
    assert any(t.startswith("Investment risk: P(NPV < 0)") for t in risks)
    assert content["assumptions"] == ["The vendor keeps prices."]
    assert content["leaders"] == {
        "project_managers": ["Pm_A Tester"],
        "sponsors": ["Sponsor_A Tester"],
    }
    assert content["milestones"] == []
    assert content["approval"] is None
    json.dumps(content)  # a plain JSON snapshot
    # The PDF is a real PDF whose text carries the objective and the goals.
    pdf = pm.get(url(filled, "versions/1/pdf"))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    data = b"".join(pdf.streaming_content) if pdf.streaming else pdf.content
    assert data.startswith(b"%PDF-")
    text = pdf_text(data, tmp_path)
    assert OBJECTIVE in text
    assert "Faster month-end closing" in text
    assert "Page 1 of" in text
    # Change the data, regenerate: version 2 shows it, version 1 stays as it was.
    goal = filled.goals.get()
    goals.goal_update(
        who=world.a["project_manager"], goal=goal, version=1, changes={"title": "Close in a day"}
    )
    second = pm.post(url(filled, "versions/"))
    assert second.json()["number"] == 2
    assert second.json()["content"]["goals"][0]["title"] == "Close in a day"
    old = pm.get(url(filled, "versions/1/"))
    assert old.json()["content"] == content
    assert pm.get(url(filled)).json()["number"] == 2
    listed = pm.get(url(filled, "versions/")).json()
    assert [v["number"] for v in listed] == [2, 1]
    assert listed[1]["pdf_url"].endswith("/charter/versions/1/pdf")
    assert bytes(CharterVersion.objects.get(number=1).pdf) == data
    assert "Close in a day" not in pdf_text(data, tmp_path)
    entries = AuditEntry.objects.filter(object_type="charterversion").order_by("at")
    assert [e.summary for e in entries] == [
        "Generated project charter version 1",
        "Generated project charter version 2",
    ]
    assert pm.get(url(filled, "versions/9/pdf")).status_code == 404


def test_versions_are_immutable(world, filled):
    from keystage.initiation.charter.services import charter_regenerate

    version = charter_regenerate(who=world.a["project_manager"], project=filled)
    version.content = {"tampered": True}
    with pytest.raises(ValueError, match="immutable"):
        version.save()
    assert CharterVersion.objects.get().content["proposal"]["objective"] == OBJECTIVE


def test_charter_permissions(world, api, filled):
    api(world.a["project_manager"]).post(url(filled, "versions/"))
    viewer = api(world.a["stakeholder"])
    assert viewer.get(url(filled)).status_code == 200
    assert viewer.get(url(filled, "versions/1/pdf")).status_code == 200
    assert viewer.post(url(filled, "versions/")).status_code == 403
    assert api(world.a["team_member"]).post(url(filled, "versions/")).status_code == 403
    assert api(world.a["sponsor"]).post(url(filled, "versions/")).status_code == 403
    for intruder in (world.outsider, world.b["project_manager"]):
        client = api(intruder)
        assert client.get(url(filled)).status_code == 404
        assert client.get(url(filled, "versions/1/pdf")).status_code == 404
        assert client.post(url(filled, "versions/")).status_code == 404
    assert CharterVersion.objects.count() == 1


def test_charter_records_the_gate_approval(world, api, filled):
    from keystage.portfolio import services as portfolio

    sponsor = world.a["sponsor"]
    portfolio.gate_decide(
        who=sponsor,
        project=filled,
        version=filled.version,
        to_stage="planning",
        outcome="go",
        rationale="Worth it.",
        override_reason="Stakeholder review waived.",
    )
    body = api(world.a["project_manager"]).post(url(filled, "versions/")).json()
    approval = body["content"]["approval"]
    assert (approval["outcome"], approval["decided_by"]) == ("go", "Sponsor_A Tester")
    assert approval["override_reason"] == "Stakeholder review waived."
    assert approval["decided_at"][:4].isdigit()


def test_cli_exports_and_regenerates_as_the_system(world, filled, tmp_path):
    from keystage.cli.app import app

    runner = CliRunner()
    unknown = runner.invoke(app, ["charter", "NOPE-1"])
    assert unknown.exit_code == 1
    assert "no project 'NOPE-1'" in unknown.output
    none_yet = runner.invoke(app, ["charter", "PRJ-A"])
    assert none_yet.exit_code == 1 and "--regenerate" in none_yet.output
    out = tmp_path / "charter.pdf"
    made = runner.invoke(app, ["charter", "prj-a", "--regenerate", "--output", str(out)])
    assert made.exit_code == 0, made.output
    assert made.output.count("\n") == 1
    assert "PRJ-A: charter version 1" in made.output and str(out) in made.output
    assert out.read_bytes().startswith(b"%PDF-")
    version = CharterVersion.objects.get()
    assert (version.generated_by, version.generated_by_label) == (
        None,
        "Keystage system (command line)",
    )
    entry = AuditEntry.objects.get(object_type="charterversion")
    assert entry.actor is None and "as the system (keystage CLI)" in entry.summary
    bad = runner.invoke(app, ["charter", "PRJ-A", "--output", str(tmp_path / "x.txt")])
    assert bad.exit_code == 1 and ".pdf" in bad.output
    again = runner.invoke(app, ["charter", str(filled.public_id)])
    assert again.exit_code == 0 and "version 1" in again.output
