"""Journey: the project manager raises a risk linked to a task, answers it, sees the heat
map move from before to after, records that it occurred and escalates the issue to the
sponsor. Screenshots: test-artifacts/browser/risks-*.png."""

from __future__ import annotations

import pytest

from keystage.notifications.models import Notification
from keystage.planning.services import wbs
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_pm_raises_answers_and_escalates_a_risk(page, world):
    project = world.project_a
    task = wbs.task_create(
        who=world.a["project_manager"], project=project, data={"name": "Integrate vendor API"}
    )
    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Risks")
    page.wait_for_selector("#heat-before svg")
    page.click("text=Add a risk")
    page.fill("[name=title]", "Vendor API delivered late")
    page.select_option("[name=category]", "supplier")
    page.fill("[name=cause]", "The vendor's API is still in beta")
    page.fill("[name=event]", "the API arrives after integration starts")
    page.fill("[name=effect]", "integration and go-live slip")
    page.select_option("[name=owner]", "dev_a")
    page.fill("[name=probability]", "0.8")
    for name, value in (("schedule_low", "5"), ("schedule_likely", "12"), ("schedule_high", "25")):
        page.fill(f"[name={name}]", value)
    for name, value in (("cost_low", "5000"), ("cost_likely", "40000"), ("cost_high", "90000")):
        page.fill(f"[name={name}]", value)
    page.select_option("[name=tasks]", str(task.public_id))
    page.click("main button[type=submit]:has-text('Save')")
    page.wait_for_selector("#risk-table tr[data-risk='RSK-1']")
    row = page.inner_text("#risk-table tr[data-risk='RSK-1']")
    assert "high · 20" in row and "Integrate vendor API" in row
    assert page.get_attribute("#heat-before g[data-cell='5-4']", "data-count") == "1"

    page.click("#risk-table >> text=RSK-1")
    page.wait_for_selector("#risk-assessment")
    page.click("text=Add a response")
    page.select_option("[name=risk]", label="RSK-1 Vendor API delivered late")
    page.select_option("[name=strategy]", "mitigate")
    page.fill("[name=description]", "Build against a stub of the API")
    page.fill("[name=probability]", "0.2")
    for name, value in (("schedule_likely", "2"), ("schedule_high", "5"), ("cost_likely", "3000"),
                        ("cost_high", "8000")):  # fmt: skip
        page.fill(f"[name={name}]", value)
    page.click("main button[type=submit]:has-text('Save')")
    page.goto(f"/projects/{project.public_id}/risks/")
    row = page.inner_text("#risk-table tr[data-risk='RSK-1']")
    assert "high · 20" in row and "low · 2" in row
    assert page.get_attribute("#heat-after g[data-cell='2-1']", "data-count") == "1"
    shot(page, "risks-01-register")

    page.click("#risk-table >> text=RSK-1")
    page.click("#occurred-form button[type=submit]")
    page.wait_for_selector("#escalate-form")
    assert "RSK-1" in page.inner_text("#issue-facts")
    page.fill("#escalate-reason", "The vendor needs a decision on the contract penalty.")
    page.click("#escalate-form button[type=submit]")
    page.wait_for_selector("#escalation")
    assert "contract penalty" in page.inner_text("#escalation")
    shot(page, "risks-02-issue-escalated")
    told = Notification.objects.get(kind="issue_escalated")
    assert told.recipient.username == "sponsor_a"
