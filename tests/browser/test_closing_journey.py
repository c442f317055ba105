"""Journey: a project in Closing — the project manager explains and reconciles the final
budget and issues the final report; the sponsor passes the gate to Closed; the project is
then read-only, its final report still readable."""

from __future__ import annotations

import pytest

from keystage.closing.models import BudgetReconciliation, FinalReport
from keystage.portfolio.models import Project
from tests.app.closing_file import complete_the_other_closing_items
from tests.app.test_closing_final import _approve_time, _closing
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_reconcile_issue_and_close(page, world):
    project = _closing(world)
    complete_the_other_closing_items(project, world.a["team_member"])
    base = f"/projects/{project.public_id}/"

    # The PM opens the Closing tab: both of this gate's items are missing.
    sign_in(page, "pm_a", PASSWORD)
    page.goto(base)
    page.click("nav.tabs >> text=Closing")
    page.wait_for_selector("#closing-checklist")
    assert page.locator('#closing-checklist li[data-done="false"]').count() == 2
    page.click("nav.subtabs >> text=Final budget")
    # Time still waits for approval: the page says which week, and reconciling is refused.
    assert "11 Jan 2027" in page.locator("#fb-pending").inner_text()
    page.click("#fb-reconcile button")
    assert "not approved" in page.locator("#fb-errors").inner_text()
    shot(page, "closing-01-pending-time")

    _approve_time(project)
    page.goto(base + "closing/final-budget/")
    page.fill("#ex-services", "The integrator came in under quote.")
    page.fill("#ex-labour", "An unplanned tuning week after go-live.")
    page.fill("#release-note", "Unspent contingency and reserve return to the IT portfolio fund.")
    page.click("text=Save the explanations")
    page.wait_for_selector("text=Explanations saved.")
    page.click("#fb-reconcile button")
    page.wait_for_selector("#fb-reconciled")
    assert BudgetReconciliation.objects.filter(project=project).count() == 1
    assert "Labour" in page.locator("#fb-table").inner_text()
    shot(page, "closing-02-reconciled")

    page.click("nav.subtabs >> text=Final report")
    page.wait_for_selector("#fr-budget-h")
    assert page.locator("#fr-budget-h").count() == 1
    page.click("#fr-issue button")
    page.wait_for_selector("#fr-frozen")
    assert FinalReport.objects.filter(project=project).count() == 1
    assert "Reconciliation 1 by" in page.locator("#fr-budget").inner_text()
    assert page.locator('#fr-risks[data-recorded="false"]').count() == 1
    shot(page, "closing-03-final-report-issued")
    page.click("text=Sign out")

    # The sponsor passes the gate to Closed, every item done.
    sign_in(page, "sponsor_a", PASSWORD)
    page.goto(base)
    assert page.locator("#gate-checklist li.missing").count() == 0
    page.check("input[name=outcome][value=go]")
    page.fill("textarea[name=rationale]", "Books reconciled, report issued: close it.")
    page.click("text=Record decision")
    page.wait_for_selector("text=Gate recorded")
    project.refresh_from_db()
    assert (project.stage, project.status) == ("closed", "completed")
    shot(page, "closing-04-closed")
    page.click("text=Sign out")

    # Closed: the PM reads the final report and budget but can no longer change anything.
    sign_in(page, "pm_a", PASSWORD)
    page.goto(base + "closing/")
    assert "PRJ-A is closed" in page.locator("#closing-closed").inner_text()
    page.goto(base + "closing/final-budget/")
    assert page.locator("textarea").count() == 0 and page.locator("#fb-reconcile").count() == 0
    page.goto(base + "closing/final-reports/1/")
    assert "Final report 1, issued" in page.locator("#fr-frozen").inner_text()
    page.goto(base + "edit/")
    assert "PRJ-A is closed; its records can be read but not changed." in page.inner_text("main")
    shot(page, "closing-05-edit-refused")
    assert Project.objects.get(pk=project.pk).stage == "closed"
