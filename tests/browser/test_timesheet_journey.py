"""Journey: a team member finds a task to add by searching, fills a week on the grid (a bad
cell is refused first, its message on the cell), saves and submits it; the project manager
approves it from the queue; the week is locked for its owner. Also the grid at phone width
(screenshots in test-artifacts/browser/timesheet-*.png)."""

from __future__ import annotations

import pytest

from keystage.execution.models import TimeEntry, Timesheet
from keystage.execution.services import timesheets as services
from tests.app.timesheet_world import MONDAY, plan
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_timesheet_journey(page, world, monkeypatch):
    tasks = plan(world, monkeypatch)
    project = world.project_a
    week_url = f"/projects/{project.public_id}/timesheet/{MONDAY.isoformat()}/"

    sign_in(page, "dev_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Timesheets")
    page.wait_for_selector("#ts-grid")
    page.goto(week_url)
    rows = page.locator("#ts-grid tbody tr")
    assert rows.count() == 3  # Build, Test, Child: the tasks assigned to dev_a
    # Add a task: a search, not a list of every task (the PM lets the team log on any task)
    services.settings_save(
        who=world.a["project_manager"], project=project, version=None, allow_unassigned=True
    )
    page.reload()
    page.fill("#ts-add-q", "Doc")
    page.wait_for_selector("#ts-found a")  # htmx answers as one types
    assert page.locator("#ts-found li").count() == 1
    page.click("#ts-found a")
    page.wait_for_selector(f"tr[data-task='{tasks.docs.public_id}']")
    assert rows.count() == 4 and "not assigned" in rows.nth(3).inner_text().lower()
    build = page.locator(f"tr[data-task='{tasks.build.public_id}']")
    test = page.locator(f"tr[data-task='{tasks.test.public_id}']")
    build.locator("input.ts-cell").nth(0).fill("8")
    build.locator("input.ts-cell").nth(1).fill("30")
    build.locator("input.ts-note").fill("API endpoints")
    page.click("#ts-save")
    page.wait_for_selector("#ts-errors")
    assert "24" in page.locator("#ts-errors").inner_text()
    bad = build.locator("input.ts-cell").nth(1)
    assert bad.get_attribute("aria-invalid") == "true"  # the message sits on the cell
    assert "24 hours" in build.locator(".ts-cell-error").inner_text()
    shot(page, "timesheet-cell-error")
    assert build.locator("input.ts-cell").nth(1).input_value() == "30"  # kept for correction
    assert TimeEntry.objects.count() == 0
    build.locator("input.ts-cell").nth(1).fill("7.5")
    test.locator("input.ts-cell").nth(2).fill("4")
    page.click("#ts-save")
    page.wait_for_selector("text=saved")
    assert page.locator("#ts-week-total").inner_text() == "19.50 h"
    shot(page, "timesheet-week")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= 390")  # the page itself fits
    wrap = page.locator(".ts-wrap")
    assert wrap.evaluate("e => e.scrollWidth > e.clientWidth")  # the grid scrolls sideways
    shot(page, "timesheet-week-phone")
    page.set_viewport_size({"width": 1360, "height": 900})
    page.click("#ts-submit")
    page.wait_for_selector("#ts-submitted")
    assert page.locator("#ts-status").inner_text() == "Submitted"
    assert page.locator("input.ts-cell").count() == 0  # locked
    page.click("text=Sign out")

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/timesheets/")
    page.wait_for_selector("#ts-queue article")
    assert "dev_a tester" in page.locator("#ts-queue").inner_text().lower()
    shot(page, "timesheet-approvals")
    page.click("#approve-dev_a")
    page.wait_for_selector("#ts-queue-empty")
    assert "1 Build" in page.locator("#totals-task").inner_text()
    assert "1,560.00" in page.locator("#ts-totals").inner_text()  # 19.5 h × 80
    shot(page, "timesheet-approved")
    sheet = Timesheet.objects.get()
    assert sheet.status == "approved" and sheet.decided_by == world.a["project_manager"]
    page.click("text=Sign out")

    sign_in(page, "dev_a", PASSWORD)
    page.goto(week_url)
    page.wait_for_selector("#ts-approved")
    assert page.locator("input.ts-cell").count() == 0
    assert page.locator("#ts-submit").count() == 0
    page.click("text=Sign out")

    # the project manager reopens the approved week with a reason; its owner edits it again
    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/timesheets/")
    page.click(f"#reopen-dev_a-{MONDAY.isoformat()}")
    page.fill(f"#reopen-reason-{sheet.public_id}", "Test was 3 h, not 4")
    page.click(f"#reopen-submit-{sheet.public_id}")
    page.wait_for_selector("text=reopened")
    assert Timesheet.objects.get().status == "reopened"
    page.click("text=Sign out")
    sign_in(page, "dev_a", PASSWORD)
    page.goto(week_url)
    page.wait_for_selector("#ts-reopened")
    assert "Test was 3 h, not 4" in page.locator("#ts-reopened").inner_text()
    assert page.locator("input.ts-cell").count() > 0  # editable again
