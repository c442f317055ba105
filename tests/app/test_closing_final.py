"""Issue 15 items 4, 6, 7, 9: the final budget (explain, reconcile, stale), the final report
(issue, frozen snapshot, PDF, members told), the Closing → Closed gate items and the command.
Through HTTP (API and pages), on the small ``world``."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from keystage.closing.models import BudgetReconciliation, FinalBudget, FinalReport
from keystage.costs.models import BudgetLine, CostEntry, ProjectBudget
from keystage.execution.models import TimeEntry, Timesheet
from keystage.notifications.models import Notification
from keystage.planning.services import wbs
from keystage.portfolio.models import GateDecision, Project
from tests.app.closing_file import complete_the_other_closing_items

pytestmark = pytest.mark.django_db


def _closing(world: Any) -> Project:
    """Project A in Closing with a budget (10 000 services + 10 % contingency, 1 000 reserve),
    9 000 spent on services and one week of time still waiting for approval."""
    project, pm = world.project_a, world.a["project_manager"]
    ProjectBudget.objects.create(
        project=project, contingency_percent=Decimal("10"), management_reserve=Decimal("1000")
    )
    BudgetLine.objects.create(
        project=project,
        category="services",
        name="Integrator",
        amount=Decimal("10000"),
        start_date=dt.date(2027, 1, 4),
    )
    CostEntry.objects.create(
        project=project,
        kind="invoice",
        category="services",
        description="Integrator",
        amount=Decimal("9000"),
        date=dt.date(2027, 2, 1),
        supplier="Integra",
        reference="I-1",
    )
    task = wbs.task_create(who=pm, project=project, data={"name": "Build"})
    week = Timesheet.objects.create(
        project=project,
        person=world.a["team_member"],
        week_start=dt.date(2027, 1, 11),
        status="submitted",
    )
    TimeEntry.objects.create(
        project=project,
        timesheet=week,
        task=task,
        person=world.a["team_member"],
        day=dt.date(2027, 1, 11),
        hours=Decimal("8"),
    )
    Project.objects.filter(pk=project.pk).update(stage="closing")
    project.refresh_from_db()
    return project


def _url(project: Project, tail: str) -> str:
    return f"/api/v1/projects/{project.public_id}/{tail}"


def _approve_time(project: Project) -> None:
    Timesheet.objects.filter(project=project).update(status="approved")
    TimeEntry.objects.filter(project=project).update(rate=Decimal("100"), amount=Decimal("800"))


def test_the_final_budget_comes_from_the_actuals_and_reconciles_once_time_is_approved(world, api):
    project = _closing(world)
    pm = api(world.a["project_manager"])
    body = pm.get(_url(project, "final-budget/")).json()
    f = body["figures"]
    assert (f["cost_baseline"], f["actual_cost"], f["final_eac"]) == (
        "11000.00",
        "9000.00",
        "9000.00",
    )
    services = next(c for c in f["categories"] if c["key"] == "services")
    assert (services["budget"], services["actual"], services["variance"]) == (
        "10000.00",
        "9000.00",
        "1000.00",
    )
    # Nothing beyond the plan was spent: all contingency and reserve go back.
    assert (f["contingency_released"], f["reserve_released"]) == ("1000.00", "1000.00")
    assert body["state"] == "not_reconciled"
    assert "dev_a" in body["pending"][0] or "timesheet week" in body["pending"][0]

    # Pending time blocks the reconciliation, and the message says which.
    refused = pm.post(_url(project, "final-budget/reconcile/"), {"version": 1}, format="json")
    assert refused.status_code == 400
    message = refused.json()["errors"]["non_field_errors"][0]
    assert "1 timesheet week(s) not approved" in message and "11 Jan 2027" in message
    assert not BudgetReconciliation.objects.exists()

    _approve_time(project)  # labour now costs 800, unplanned: a variance to explain
    refused = pm.post(_url(project, "final-budget/reconcile/"), {"version": 1}, format="json")
    assert refused.status_code == 400
    assert "Labour" in refused.json()["errors"]["explanations"][0]

    saved = pm.patch(
        _url(project, "final-budget/"),
        {
            "version": 1,
            "explanations": {
                "services": "Integrator came in under quote.",
                "labour": "Unplanned tuning week.",
            },
            "release_note": "Reserve returned to the portfolio fund.",
        },
        format="json",
    )
    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] == 2
    done = pm.post(_url(project, "final-budget/reconcile/"), {"version": 2}, format="json")
    assert done.status_code == 201, done.json()
    snap = done.json()["figures"]
    assert (snap["actual_cost"], snap["explanations"]["labour"]) == (
        "9800.00",
        "Unplanned tuning week.",
    )
    assert done.json()["reconciled_by_label"]
    assert pm.get(_url(project, "final-budget/")).json()["state"] == "reconciled"
    # Reconciling the same figures again is refused.
    again = pm.post(_url(project, "final-budget/reconcile/"), {"version": 2}, format="json")
    assert again.status_code == 400

    # A late invoice moves the figures: the reconciliation is stale, and may be redone.
    CostEntry.objects.create(
        project=project,
        kind="invoice",
        category="services",
        description="Late",
        amount=Decimal("500"),
        date=dt.date(2027, 3, 1),
        supplier="Integra",
        reference="I-2",
    )
    state = pm.get(_url(project, "final-budget/")).json()
    assert state["state"] == "stale"
    assert state["reconciliations"][0]["figures"]["actual_cost"] == "9800.00"  # as it was
    redo = pm.post(_url(project, "final-budget/reconcile/"), {"version": 2}, format="json")
    assert redo.status_code == 201
    assert redo.json()["number"] == 2 and redo.json()["figures"]["actual_cost"] == "10300.00"


def test_final_budget_bad_input_versions_and_roles(world, api):
    project = _closing(world)
    pm = api(world.a["project_manager"])
    url = _url(project, "final-budget/")
    bad = pm.patch(url, {"version": 1, "explanations": {"nonsense": "x"}}, format="json")
    assert bad.status_code == 400 and "explanations" in bad.json()["errors"]
    bad = pm.patch(url, {"version": 1, "explanations": "text"}, format="json")
    assert bad.status_code == 400
    bad = pm.patch(url, {"version": 1, "release_note": "x" * 2001}, format="json")
    assert bad.status_code == 400 and "release_note" in bad.json()["errors"]
    bad = pm.patch(url, {"version": 1, "colour": "red"}, format="json")
    assert bad.status_code == 400 and "colour" in bad.json()["errors"]
    assert pm.patch(url, {"explanations": {}}, format="json").status_code == 428
    assert (
        pm.patch(url, {"version": 1, "explanations": {"services": "a"}}, format="json").status_code
        == 200
    )
    stale = pm.patch(url, {"version": 1, "explanations": {"services": "b"}}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["explanations"] == {"services": "a"}
    stale = pm.post(_url(project, "final-budget/reconcile/"), {"version": 1}, format="json")
    assert stale.status_code == 409
    assert FinalBudget.objects.get().explanations == {"services": "a"}
    for role in ("team_member", "sponsor", "stakeholder"):
        client = api(world.a[role])
        assert client.get(url).status_code == 200
        assert (
            client.patch(url, {"version": 2, "explanations": {}}, format="json").status_code == 403
        )
        assert (
            client.post(
                _url(project, "final-budget/reconcile/"), {"version": 2}, format="json"
            ).status_code
            == 403
        )
    assert api(world.b["project_manager"]).get(url).status_code == 404
    # Before Closing the final budget is read, not reconciled.
    Project.objects.filter(pk=project.pk).update(stage="execution")
    early = pm.post(_url(project, "final-budget/reconcile/"), {"version": 2}, format="json")
    assert (
        early.status_code == 400 and "in Closing" in early.json()["errors"]["non_field_errors"][0]
    )


def test_the_final_report_is_issued_once_frozen_and_members_are_told(world, api):
    project = _closing(world)
    pm = api(world.a["project_manager"])
    lst = _url(project, "final-reports/")
    assert api(world.a["team_member"]).post(lst, {}, format="json").status_code == 403
    assert api(world.a["sponsor"]).post(lst, {}, format="json").status_code == 403
    issued = pm.post(lst, {}, format="json")
    assert issued.status_code == 201, issued.json()
    content = issued.json()["content"]
    keys = [s["key"] for s in content["sections"]]
    assert keys[:5] == ["project", "goals", "scope", "schedule", "budget"]
    assert {"risks", "acceptance", "handover", "training", "lessons", "signoffs"} <= set(keys)
    by = {s["key"]: s for s in content["sections"]}
    assert by["project"]["recorded"] and not by["goals"]["recorded"]
    assert by["risks"]["note"] == "Not recorded in Keystage for this project."
    budget_rows = by["budget"]["tables"][0]["rows"]
    assert (
        budget_rows[-1][2]["v"].replace("\u00a0", " ").startswith("€9,000")
        or "9,000" in budget_rows[-1][2]["v"]
    )
    # Issuing twice (a repeat of the same request) is refused; nothing more is written.
    again = pm.post(lst, {}, format="json")
    assert again.status_code == 409 and "Final report 1 is already issued" in again.json()["detail"]
    assert pm.post(lst, {"latest": "x"}, format="json").status_code == 400
    assert FinalReport.objects.count() == 1
    # Members are told once each (not the PM who issued it).
    told = set(
        Notification.objects.filter(kind="final_report").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"sponsor_a", "dev_a", "viewer_a"}

    # The snapshot is immutable: later data do not change the issued report or its PDF.
    pdf_before = pm.get(_url(project, "final-reports/1/pdf/")).content
    assert pdf_before.startswith(b"%PDF")
    Project.objects.filter(pk=project.pk).update(name="Renamed later")
    CostEntry.objects.create(
        project=project,
        kind="expense",
        category="travel",
        description="Late trip",
        amount=Decimal("123"),
        date=dt.date(2027, 3, 1),
    )
    assert pm.get(_url(project, "final-reports/1/")).json()["content"] == content
    assert pm.get(_url(project, "final-reports/1/pdf/")).content == pdf_before
    page = Client()
    page.force_login(world.a["stakeholder"])
    html = page.get(f"/projects/{project.public_id}/closing/final-reports/1/").content.decode()
    assert "Project A" in html and "Renamed later" not in html.split('id="final-report"')[1]
    with pytest.raises(ValueError, match="immutable"):
        FinalReport.objects.get().save()
    # A deliberate re-issue names what it supersedes and gets the next number, from live data.
    second = pm.post(lst, {"latest": 1}, format="json")
    assert second.status_code == 201 and second.json()["number"] == 2
    assert second.json()["content"]["project"]["name"] == "Renamed later"
    assert [r["number"] for r in pm.get(lst).json()] == [2, 1]
    assert api(world.b["project_manager"]).get(_url(project, "final-reports/1/")).status_code == 404


def test_pages_explain_reconcile_and_issue(world):
    project = _closing(world)
    _approve_time(project)
    pm = Client()
    pm.force_login(world.a["project_manager"])
    base = f"/projects/{project.public_id}/closing/"
    page = pm.get(base)
    assert page.status_code == 200
    html = page.content.decode()
    assert 'data-key="final_budget" data-done="false"' in html
    assert 'data-key="final_report" data-done="false"' in html
    html = pm.get(base + "final-budget/").content.decode()
    assert 'id="fb-table"' in html and 'name="explanation_services"' in html
    refused = pm.post(base + "final-budget/reconcile/", {"version": "1"})
    assert refused.status_code == 400 and 'data-field="explanations"' in refused.content.decode()
    typed = {
        "version": "1",
        "explanation_services": "Under quote.",
        "explanation_labour": "Tuning.",
        "release_note": "Back to the fund.",
    }
    assert pm.post(base + "final-budget/", typed).status_code == 302
    stale = pm.post(base + "final-budget/", typed)
    assert stale.status_code == 409 and "Under quote." in stale.content.decode()
    assert pm.post(base + "final-budget/reconcile/", {"version": "2"}).status_code == 302
    assert 'id="fb-reconciled"' in pm.get(base + "final-budget/").content.decode()
    issued = pm.post(base + "final-report/issue/", {"latest": "0"})
    assert issued.status_code == 302 and issued["Location"].endswith("/closing/final-reports/1/")
    repeat = pm.post(base + "final-report/issue/", {"latest": "0"})
    assert repeat.status_code == 409 and 'id="fr-error"' in repeat.content.decode()
    assert "Final report 1 is already issued" in repeat.content.decode()
    html = pm.get(base).content.decode()
    assert 'data-key="final_budget" data-done="true"' in html
    assert 'data-key="final_report" data-done="true"' in html
    pdf = pm.get(base + "final-reports/1/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    viewer = Client()
    viewer.force_login(world.a["stakeholder"])
    html = viewer.get(base + "final-budget/").content.decode()
    assert "<textarea" not in html and 'id="fb-reconcile"' not in html
    assert "Closing</a>" in html  # the Closing tab appears in Closing


def test_the_gate_to_closed_checks_the_budget_and_report_and_the_sponsor_may_override(world, api):
    project = _closing(world)
    sponsor = api(world.a["sponsor"])

    def go(**extra: Any) -> Any:
        project.refresh_from_db()
        return sponsor.post(
            _url(project, "gates/"),
            {
                "to_stage": "closed",
                "outcome": "go",
                "rationale": "Done.",
                "version": project.version,
                **extra,
            },
            format="json",
        )

    refused = go()
    assert refused.status_code == 400
    outcome = refused.json()["errors"]["outcome"][0]
    assert "Final budget reconciled" in outcome and "Final report issued" in outcome
    # The PM may not override; the sponsor may, with a recorded reason.
    pm_try = api(world.a["project_manager"]).post(
        _url(project, "gates/"),
        {
            "to_stage": "closed",
            "outcome": "go",
            "rationale": "x",
            "version": project.version,
            "override_reason": "x",
        },
        format="json",
    )
    assert pm_try.status_code == 403
    passed = go(override_reason="Books closed by finance outside Keystage.")
    assert passed.status_code == 201, passed.json()
    decision = GateDecision.objects.get(project=project)
    assert decision.override_reason == "Books closed by finance outside Keystage."
    project.refresh_from_db()
    assert (project.stage, project.status) == ("closed", "completed")
    # Closed: reads and the PDF stay, writes are refused with the reason.
    pm = api(world.a["project_manager"])
    assert pm.get(_url(project, "final-budget/")).status_code == 200
    refused = pm.patch(
        _url(project, "final-budget/"), {"version": 1, "explanations": {}}, format="json"
    )
    assert refused.status_code == 403 and "PRJ-A is closed" in refused.json()["detail"]
    assert pm.post(_url(project, "final-reports/"), {}, format="json").status_code == 403
    assert (
        pm.post(_url(project, "final-budget/reconcile/"), {"version": 1}, format="json").status_code
        == 403
    )


def test_the_gate_passes_without_override_once_reconciled_and_issued(world, api):
    project = _closing(world)
    complete_the_other_closing_items(project, world.a["team_member"])
    _approve_time(project)
    pm = api(world.a["project_manager"])
    pm.patch(
        _url(project, "final-budget/"),
        {"version": 1, "explanations": {"services": "a", "labour": "b"}},
        format="json",
    )
    assert (
        pm.post(_url(project, "final-budget/reconcile/"), {"version": 2}, format="json").status_code
        == 201
    )
    assert pm.post(_url(project, "final-reports/"), {}, format="json").status_code == 201
    project.refresh_from_db()
    done = api(world.a["sponsor"]).post(
        _url(project, "gates/"),
        {
            "to_stage": "closed",
            "outcome": "go",
            "rationale": "All done.",
            "version": project.version,
        },
        format="json",
    )
    assert done.status_code == 201, done.json()
    # The issued report and the reconciliation stay readable after closing.
    viewer = api(world.a["stakeholder"])
    assert viewer.get(_url(project, "final-reports/1/pdf/")).status_code == 200
    assert viewer.get(_url(project, "final-budget/")).json()["state"] == "reconciled"


def test_the_command_writes_the_final_report(world, tmp_path):
    from typer.testing import CliRunner

    from keystage.cli.app import app

    project = _closing(world)
    runner = CliRunner()
    out = tmp_path / "final.pdf"
    result = runner.invoke(app, ["report", "final", project.code, "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"%PDF")
    assert "PRJ-A: final report from live data" in result.output
    assert not FinalReport.objects.exists()  # nothing issued
    result = runner.invoke(app, ["report", "final", project.code, "-o", str(out), "--issued", "1"])
    assert result.exit_code == 2 and "no final report 1" in result.output
    result = runner.invoke(app, ["report", "final", project.code, "-o", str(tmp_path / "x.txt")])
    assert result.exit_code == 1


def test_the_report_gathers_acceptance_handover_training_and_lessons(world):
    project = _closing(world)
    complete_the_other_closing_items(project, world.a["team_member"])
    page = Client()
    page.force_login(world.a["project_manager"])
    html = page.get(f"/projects/{project.public_id}/closing/final-report/").content.decode()
    # Each linked section shows its records, not the "not recorded" placeholder.
    for expected in ("final-acceptance", "signed on", "People trained", "Plan the cut-over"):
        assert expected in html, expected


def test_the_quality_summary_and_budget_are_computed_once_per_report_and_gate_check(world, api):
    from unittest import mock

    from keystage.closing.final_budget import selectors as budget_selectors
    from keystage.quality.selectors import summary

    project = _closing(world)
    complete_the_other_closing_items(project, world.a["team_member"])
    _approve_time(project)
    pm = api(world.a["project_manager"])
    pm.patch(
        _url(project, "final-budget/"),
        {"version": 1, "explanations": {"services": "a", "labour": "b"}},
        format="json",
    )
    for version in (2, 2):  # two reconciliations (the second one the same figures again)
        pm.post(_url(project, "final-budget/reconcile/"), {"version": version}, format="json")
    page = Client()
    page.force_login(world.a["project_manager"])
    quality = mock.patch.object(summary, "_compute_summary", wraps=summary._compute_summary)
    budget = mock.patch.object(budget_selectors, "_compute", wraps=budget_selectors._compute)
    with quality as computed, budget as budgeted:
        report = page.get(f"/projects/{project.public_id}/closing/final-report/")
        assert report.status_code == 200
        # Quality, acceptance and the handover's defects share one summary.
        assert computed.call_count == 1 and budgeted.call_count == 1
        computed.reset_mock()
        budgeted.reset_mock()
        closing = page.get(f"/projects/{project.public_id}/closing/")
        assert closing.status_code == 200 and "Deliverables accepted" in closing.content.decode()
        assert computed.call_count == 1 and budgeted.call_count == 1
    # The checklist's budget item reads only the latest reconciliation; the page lists all.
    view = budget_selectors.final_budget_of(project)
    numbers = list(BudgetReconciliation.objects.filter(project=project).values_list("number"))
    assert view.reconciliations == [] and view.latest is not None
    assert view.latest.number == max(n for (n,) in numbers)
    listed = pm.get(_url(project, "final-budget/")).json()["reconciliations"]
    assert len(listed) == len(numbers)


def test_a_write_forgets_what_the_read_memo_held():
    from keystage.core.memo import forget_memo, memo_scope, memoized

    calls = []

    def compute() -> int:
        calls.append(1)
        return len(calls)

    assert memoized("k", compute) == 1 and memoized("k", compute) == 2  # no scope: no memo
    with memo_scope():
        assert memoized("k", compute) == 3
        with memo_scope():  # nested: the same memo
            assert memoized("k", compute) == 3
        forget_memo()  # what audit_record does on every write
        assert memoized("k", compute) == 4
