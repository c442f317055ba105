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


def test_the_live_report_shows_health_evm_budget_and_says_there_is_no_risk_register(erp):
    project, _, sponsor = erp
    response = _page(sponsor, project)
    assert response.status_code == 200
    html = response.content.decode()
    # Default period: the week up to the data date (Sunday 29 Nov 2026).
    assert "23 Nov 26 – 29 Nov 26" in html
    for section in ("sr-health", "sr-milestones", "sr-evm-table", "sr-budget-table", "sr-s-curve"):
        assert f'id="{section}"' in html, section
    assert "<svg" in html
    assert "No risk register yet" in html
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
