"""Journey: the project manager records a goal's measurement; the Health tab turns amber
with the reason, the PM and sponsor get one alert; the organisation's thresholds page.
Screenshots: test-artifacts/browser/health-*.png (desktop and phone width)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keystage.notifications.models import Notification
from keystage.planning.models import ProjectCalendar
from keystage.planning.services import goals, scope, wbs
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pm_measures_a_goal_and_health_turns_amber_with_the_reason(page, world):
    pm = world.a["project_manager"]
    project = world.project_a
    ProjectCalendar.objects.create(project=project, data_date=dt.date(2027, 4, 3))
    wbs.plan_append(
        who=pm,
        project=project,
        rows=[
            {"name": "Design", "outline_level": 1, "duration_minutes": 2400},
            {"name": "Design signed off", "outline_level": 1, "kind": "milestone"},
        ],
        links=[(0, 1, "FS", 0)],
    )
    scope.deliverable_create(
        who=pm,
        project=project,
        data={"name": "Design document", "acceptance_criteria": "Signed", "status": "accepted",
              "due_date": dt.date(2027, 2, 1)},
    )  # fmt: skip
    goal = goals.goal_create(
        who=pm,
        project=project,
        data={
            "title": "Faster month-end closing",
            "metric": "Closing time",
            "unit": "days",
            "baseline_value": Decimal("20"),
            "target_value": Decimal("10"),
            "due_date": dt.date(2027, 6, 30),
        },
    )

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/goals/")
    page.click(f"tr[data-goal='{goal.title}'] >> text=Measurements")
    page.wait_for_selector("#measurement-form")
    page.fill("#measurement-form [name=measured_on]", "2026-11-02")
    page.fill("#measurement-form [name=value]", "14")
    page.fill("#measurement-form [name=note]", "After the pilot")
    page.click("#measurement-form button[type=submit]")
    page.wait_for_selector("#measurements >> text=After the pilot")
    assert page.inner_text("#goal-current") == "14"

    page.click("nav.tabs >> text=Health")
    page.wait_for_selector("#health")
    goal_row = f"#kpis tr[data-kpi='goal:{goal.public_id}']"
    assert page.get_attribute(goal_row, "data-rag") == "green"

    page.go_back()
    page.fill("#measurement-form [name=measured_on]", "2026-11-20")
    page.fill("#measurement-form [name=value]", "17")
    page.fill("#measurement-form [name=note]", "Year-end backlog")
    page.click("#measurement-form button[type=submit]")
    page.wait_for_selector("#measurements >> text=Year-end backlog")
    shot(page, "health-01-goal-measurements")

    page.click("nav.tabs >> text=Health")
    page.wait_for_selector("#health")
    assert page.get_attribute(goal_row, "data-rag") == "amber"
    assert "Amber" in page.inner_text(f"{goal_row} .rag")  # a word, not only a colour
    reasons = page.inner_text("#health-reasons")
    assert "Goal 'Faster month-end closing' behind schedule by" in reasons
    assert "> 10 points" in reasons
    assert "Amber" in page.inner_text("#health .rag")
    shot(page, "health-02-amber")
    told = Notification.objects.filter(kind="kpi_alert")
    assert sorted(n.recipient.username for n in told) == ["pm_a", "sponsor_a"]
    page.reload()  # a page view never alerts again
    assert Notification.objects.filter(kind="kpi_alert").count() == 2

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "health-03-phone")
    page.goto(f"/projects/{project.public_id}/goals/{goal.public_id}/measurements/")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390

    page.set_viewport_size({"width": 1360, "height": 900})
    page.context.clear_cookies()
    sign_in(page, "pmo", PASSWORD)
    page.goto("/kpi-thresholds/")
    page.fill("[name=goal_behind-green]", "25")
    page.fill("[name=goal_behind-amber]", "40")
    page.click("#thresholds-form button[type=submit]")
    page.wait_for_selector("#thresholds-message")
    shot(page, "health-04-thresholds")
    page.goto(f"/projects/{project.public_id}/health/")
    assert page.get_attribute(goal_row, "data-rag") == "green"
