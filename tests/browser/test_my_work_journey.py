"""Journey: a team member opens My work from the main navigation, starts a task in one click,
logs today's hours from its rows (a 25-hour day is refused first), then finds the hours in the
timesheet week; the page fits a 390 px phone (screenshots test-artifacts/browser/my-work-*.png)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from keystage.execution.models import TimeEntry
from keystage.execution.services import progress
from keystage.planning.models import Task
from tests.app.timesheet_world import TODAY, plan
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_my_work_journey(page, world, monkeypatch):
    tasks = plan(world, monkeypatch)
    monkeypatch.setattr(progress, "today", lambda: TODAY)
    sign_in(page, "dev_a", PASSWORD)
    page.click("nav.mainnav >> text=My work")
    page.wait_for_selector("#mywork-list")
    items = page.locator("#mywork-list li.workitem")
    assert items.count() == 3  # Build, Test, Child; not Docs (unassigned) nor B's work
    assert "B work" not in page.locator("#mywork-list").inner_text()
    assert page.locator("#mywork-list .badge.late").count() == 3  # all planned before today
    build = page.locator(f"#work-{tasks.build.public_id}")
    build.locator("button[value=start]").click()
    page.wait_for_selector("text=Progress on 'Build' saved.")
    build = page.locator(f"#work-{tasks.build.public_id}")
    assert "In progress" in build.inner_text()
    assert Task.objects.get(pk=tasks.build.pk).actual_start == TODAY
    test = page.locator(f"#work-{tasks.test.public_id}")
    test.locator("input[name=hours]").fill("20")
    test.locator("form.logtime button").click()
    page.wait_for_selector("text=Logged 20 h today on 'Test'.")
    build = page.locator(f"#work-{tasks.build.public_id}")
    build.locator("input[name=hours]").fill("5")
    build.locator("form.logtime button").click()
    page.wait_for_selector(".row-errors")  # 25 h in one day: refused on the row, kept
    assert "24" in page.locator(".row-errors").inner_text()
    assert page.locator(f"#work-{tasks.build.public_id} input[name=hours]").input_value() == "5"
    assert TimeEntry.objects.count() == 1
    build = page.locator(f"#work-{tasks.build.public_id}")
    build.locator("input[name=hours]").fill("3.5")
    build.locator("input[name=note]").fill("API work")
    build.locator("form.logtime button").click()
    page.wait_for_selector("text=Logged 3.5 h today on 'Build'.")
    assert page.locator("#mywork-today").inner_text() == "23.50 h"
    entry = TimeEntry.objects.get(task=tasks.build)
    assert (entry.hours, entry.day, entry.note) == (Decimal("3.5"), TODAY, "API work")
    shot(page, "my-work")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "my-work-phone")
    page.set_viewport_size({"width": 1360, "height": 900})
    page.click(".mywork-weeks >> text=PRJ-A")
    page.wait_for_selector("#ts-grid")
    row = page.locator(f"tr[data-task='{tasks.build.public_id}']")
    assert row.locator("input.ts-cell").nth(2).input_value() == "3.5"  # Wednesday
