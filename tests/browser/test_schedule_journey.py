"""Journey: the PM levels the plan from the Schedule tab, watches the progress bar while the
background worker runs the job, reads what moved and why, then optimises
(screenshots in test-artifacts/browser/schedule-*.png)."""

from __future__ import annotations

import pytest

from keystage.planning.models import ScheduleRun
from tests.app.test_planning_schedule_runs import run_worker, two_parallel_tasks_for_one_person
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_level_then_optimise_from_the_schedule_tab(page, world):
    page.set_default_timeout(60_000)  # the worker starts a Python process: be patient
    two_parallel_tasks_for_one_person(world)
    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{world.project_a.public_id}/")
    page.click("nav.tabs >> text=Schedule")
    page.wait_for_selector("#schedule-form")
    assert page.locator("#no-run").is_visible()

    # Level: the run is queued, its panel polls every second.
    page.check("input[name=method][value=level]")
    page.click("#schedule-button")
    page.wait_for_selector("#run-panel[data-status=queued]")
    assert page.locator("#run-progress").get_attribute("value") == "0"
    assert page.locator("#runs tbody tr").count() == 1
    shot(page, "schedule-01-queued")

    # The worker takes the job; the panel follows it to the end without a reload.
    assert run_worker().returncode == 0
    page.wait_for_selector("#run-panel[data-status=done]", timeout=60_000)
    assert page.locator("#run-progress").get_attribute("value") == "100"
    assert page.locator("#run-percent").inner_text() == "100 %"
    assert page.locator("#finish-after").inner_text() == "13 Jan 2027"
    rows = page.locator("#moves tbody tr")
    assert rows.count() == 2
    assert "over-allocated: Dev_A Tester" in rows.first.inner_text()
    assert "Done" in page.locator("#runs tbody tr").first.inner_text()  # history refreshed
    shot(page, "schedule-02-levelled")

    # Optimise with a short time limit: the lower bound and the gap are shown.
    page.check("input[name=method][value=optimise]")
    page.fill("input[name=time_limit_seconds]", "3")
    page.click("#schedule-button")
    page.wait_for_selector("#run-panel[data-status=queued]")
    assert run_worker().returncode == 0
    page.wait_for_selector("#run-panel[data-status=done]", timeout=60_000)
    assert page.locator("#lower-bound").inner_text().endswith(" d")
    assert page.locator("#gap").inner_text().endswith(" %")
    assert page.locator("#runs tbody tr").count() == 2
    shot(page, "schedule-03-optimised")
    assert ScheduleRun.objects.filter(status="done").count() == 2

    # The first run is still there to look at.
    page.locator("#runs tbody tr").nth(1).locator("text=Show").click()
    page.wait_for_selector("#run-panel h2:text('Level resources (finish may move)')")

    # A run queued by mistake is cancelled from its panel; the worker then leaves it alone.
    page.check("input[name=method][value=level]")
    page.click("#schedule-button")
    page.wait_for_selector("#run-panel[data-status=queued]")
    page.click("#cancel-run")
    page.wait_for_selector("#run-panel[data-status=cancelled]")
    assert "Cancelled by Pm_A Tester before it started" in page.locator("#run-message").inner_text()
    assert page.locator("#cancel-run").count() == 0
    assert "Cancelled" in page.locator("#runs tbody tr").first.inner_text()  # history refreshed
    shot(page, "schedule-04-cancelled")
    assert run_worker().returncode == 0
    assert ScheduleRun.objects.filter(status="cancelled").count() == 1
    assert ScheduleRun.objects.filter(status="done").count() == 2
