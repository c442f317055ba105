"""The status report through HTTP: the live page for a period, the field errors of a bad
period, and access (project members only)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.utils.html import escape

TODAY = dt.date(2026, 12, 5)


@pytest.fixture
def erp(db: Any) -> tuple[Any, Any, Any]:
    from keystage.demo.portfolio import demo_load
    from keystage.portfolio.models import Project

    demo_load(today=TODAY)
    project = Project.objects.get(code="ERP-CLOUD")
    manager = project.memberships.get(role="project_manager").user
    sponsor = project.memberships.get(role="sponsor").user
    return project, manager, sponsor


def _page(user: Any, project: Any, query: str = "") -> Any:
    client = Client()
    client.force_login(user)
    return client.get(f"/projects/{project.public_id}/status-report/{query}")


def _body(html: str) -> str:
    return html[html.index('<article class="status-report"') : html.index("</article>")]


def test_the_live_report_shows_health_evm_budget_and_the_top_risks_and_issues(erp):
    project, _, sponsor = erp
    response = _page(sponsor, project)
    assert response.status_code == 200
    html = response.content.decode()
    # Default period: the week up to the data date (Sunday 29 Nov 2026).
    assert "23 Nov 26 – 29 Nov 26" in html
    for section in ("sr-health", "sr-milestones", "sr-evm-table", "sr-budget-table", "sr-s-curve"):
        assert f'id="{section}"' in html, section
    assert "<svg" in html
    # The demo register: its highest-rated open risk first, the escalated issue listed.
    assert 'data-risk="RSK-' in html and 'id="sr-issues-table"' in html
    assert "(escalated to the sponsor)" in html
    # A sponsor reads; only editors may issue.
    assert 'id="sr-issue"' not in html


def test_the_period_chooses_the_narrative_and_the_milestones(erp):
    from keystage.execution.models import StatusUpdate

    project, _, sponsor = erp
    update = StatusUpdate.objects.filter(project=project).order_by("-week_of").first()
    assert update is not None
    start = update.week_of.isoformat()
    end = (update.week_of + dt.timedelta(days=6)).isoformat()
    html = _page(sponsor, project, f"?period_start={start}&period_end={end}").content.decode()
    assert escape(update.summary) in html
    html = _page(
        sponsor, project, "?period_start=2020-01-06&period_end=2020-01-12"
    ).content.decode()
    assert 'id="sr-no-narrative"' in html


def test_a_bad_period_is_a_field_error_and_outsiders_see_nothing(world):
    project = world.project_a
    pm = world.a["project_manager"]
    response = _page(pm, project, "?period_start=2027-02-10&period_end=2027-02-01")
    assert response.status_code == 400
    assert 'data-field="period_end"' in response.content.decode()
    response = _page(pm, project, "?period_start=tomorrow")
    assert response.status_code == 400
    assert 'data-field="period_start"' in response.content.decode()
    assert _page(world.outsider, project).status_code == 404
    assert _page(world.b["project_manager"], project).status_code == 404
    assert _page(world.a["stakeholder"], project).status_code == 200


def test_a_stakeholder_reads_an_issued_report_exactly_as_issued_after_the_data_change(erp, api):
    from keystage.control.models import StatusReport
    from keystage.core.models import AuditEntry
    from keystage.execution.models import StatusUpdate

    project, manager, sponsor = erp
    client = Client()
    client.force_login(manager)
    base = f"/projects/{project.public_id}/status-report"
    response = client.post(
        base + "/issue/", {"period_start": "2026-11-23", "period_end": "2026-11-29"}
    )
    assert response.status_code == 302
    assert response["Location"].endswith(f"/projects/{project.public_id}/status-reports/1/")
    report = StatusReport.objects.get(project=project, number=1)
    assert report.issued_by == manager and bytes(report.pdf).startswith(b"%PDF")
    assert AuditEntry.objects.filter(summary__startswith="Issued status report 1").exists()

    sponsor_page = Client()
    sponsor_page.force_login(sponsor)
    before = sponsor_page.get(f"/projects/{project.public_id}/status-reports/1/").content.decode()
    assert "Decide whether" in before and "<svg" in before
    api_before = api(sponsor).get(f"/api/v1/projects/{project.public_id}/status-reports/1/").json()

    # The data change after issue: the PM rewrites the decision, a new week is reported.
    update = StatusUpdate.objects.filter(project=project).order_by("-week_of").first()
    StatusUpdate.objects.filter(pk=update.pk).update(decisions_needed="Approve the new budget.")
    live = _page(sponsor, project, "?period_start=2026-11-23&period_end=2026-11-29")
    assert "Approve the new budget." in live.content.decode()

    after = sponsor_page.get(f"/projects/{project.public_id}/status-reports/1/").content.decode()
    assert "Approve the new budget." not in after
    assert _body(after) == _body(before)
    api_after = api(sponsor).get(f"/api/v1/projects/{project.public_id}/status-reports/1/").json()
    assert api_after == api_before
    assert api_after["content"]["decisions_needed"].startswith("Decide whether")
    pdf = sponsor_page.get(f"/projects/{project.public_id}/status-reports/1/pdf/")
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content == bytes(report.pdf)

    # The next one is number 2 and says the new thing; the list has both.
    created = api(manager).post(f"/api/v1/projects/{project.public_id}/status-reports/", {})
    assert created.status_code == 201 and created.json()["number"] == 2
    assert created.json()["content"]["decisions_needed"] == "Approve the new budget."
    listed = api(sponsor).get(f"/api/v1/projects/{project.public_id}/status-reports/").json()
    assert [r["number"] for r in listed] == [2, 1]


def test_issuing_is_for_editors_bad_periods_are_field_errors_outsiders_see_nothing(world, api):
    project = world.project_a
    url = f"/api/v1/projects/{project.public_id}/status-reports/"
    pm = api(world.a["project_manager"])
    response = pm.post(url, {"period_start": "2027-02-10", "period_end": "2027-02-01"})
    assert response.status_code == 400 and "period_end" in response.json()["errors"]
    response = pm.post(url, {"period_start": "soon"})
    assert response.status_code == 400 and "period_start" in response.json()["errors"]
    assert api(world.a["stakeholder"]).post(url, {}).status_code == 403
    from keystage.notifications.models import Notification

    created = pm.post(url, {"notify": True}, format="json")
    assert created.status_code == 201
    told = set(
        Notification.objects.filter(kind="status_report").values_list("recipient", flat=True)
    )
    members = set(project.memberships.values_list("user", flat=True))
    assert told == members - {world.a["project_manager"].pk}  # members only, not the issuer
    assert world.outsider.pk not in told and world.b["project_manager"].pk not in told
    note = Notification.objects.filter(kind="status_report").first()
    assert note.url == f"/projects/{project.public_id}/status-reports/1/"
    for who in (world.outsider, world.b["project_manager"]):
        assert api(who).get(url).status_code == 404
        assert api(who).get(url + "1/").status_code == 404
        assert api(who).get(url + "1/pdf/").status_code == 404
        assert api(who).post(url, {}).status_code == 404
        assert _page(who, project, "").status_code == 404
        client = Client()
        client.force_login(who)
        assert client.get(f"/projects/{project.public_id}/status-reports/1/").status_code == 404
    assert api(world.a["stakeholder"]).get(url + "1/").status_code == 200
    assert pm.get(url + "9/").status_code == 404


def test_cli_writes_the_live_report_as_pdf_and_refuses_bad_input(world, tmp_path):
    from typer.testing import CliRunner

    from keystage.cli.app import app
    from keystage.control.models import StatusReport

    runner = CliRunner()
    out = tmp_path / "report.pdf"
    made = runner.invoke(
        app,
        ["report", "status", "prj-a", "--period-start", "2027-01-04", "--period-end",
         "2027-01-10", "-o", str(out)],
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    assert made.output.count("\n") == 1
    assert "PRJ-A: status report 2027-01-04 – 2027-01-10" in made.output and str(out) in made.output
    assert out.read_bytes().startswith(b"%PDF-")
    assert not StatusReport.objects.exists()  # nothing issued

    bad = runner.invoke(
        app,
        ["report", "status", "PRJ-A", "--period-start", "2027-01-10", "--period-end",
         "2027-01-04", "-o", str(out)],
    )  # fmt: skip
    assert bad.exit_code == 2 and bad.output.count("\n") == 1
    assert "--period-end: The period must end on or after its start." in bad.output
    garbled = runner.invoke(
        app, ["report", "status", "PRJ-A", "--period-start", "x", "-o", str(out)]
    )
    assert garbled.exit_code == 2 and "--period-start: Give a date as YYYY-MM-DD." in garbled.output
    unknown = runner.invoke(app, ["report", "status", "NOPE-1", "-o", str(out)])
    assert unknown.exit_code == 1 and "no project 'NOPE-1'" in unknown.output
    txt = runner.invoke(app, ["report", "status", "PRJ-A", "-o", str(tmp_path / "r.txt")])
    assert txt.exit_code == 1 and ".pdf" in txt.output
