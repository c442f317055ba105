"""Journey: the PM enters three-point estimates, runs a Monte Carlo simulation that the
background worker executes while the panel polls, and reads the charts
(screenshots in test-artifacts/browser/risk-*.png)."""

from __future__ import annotations

import pytest

from keystage.risks.models import SimulationRun, TaskEstimate
from tests.app.test_planning_schedule_runs import run_worker
from tests.app.test_risks_simulation import plan
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_estimate_simulate_and_read_the_charts(page, world):
    page.set_default_timeout(60_000)  # the worker starts a Python process: be patient
    tasks = plan(world)
    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{world.project_a.public_id}/")
    page.click("nav.tabs >> text=Risk analysis")
    page.wait_for_selector("#no-run")
    page.click("nav.subnav >> text=Three-point estimates")
    page.wait_for_selector("#estimates")
    assert page.locator("#estimates tbody tr").count() == 3  # the milestone takes none

    key = tasks["Build"].public_id
    page.fill(f"input[name=o-{key}]", "2")
    page.fill(f"input[name=l-{key}]", "3")
    page.fill(f"input[name=p-{key}]", "9")
    page.select_option(f"select[name=d-{key}]", "pert")
    page.click("#save-estimates")
    page.wait_for_selector("#saved")
    assert TaskEstimate.objects.get().pessimistic_minutes == 9 * 480
    shot(page, "risk-01-estimates")

    page.click("nav.subnav >> text=Simulation")
    page.fill("#id_runs", "500")
    page.fill("#id_seed", "7")
    page.click("#simulate-button")
    page.wait_for_selector("#run-panel[data-status=queued]")
    assert run_worker().returncode == 0
    page.wait_for_selector("#run-panel[data-status=done]", timeout=60_000)
    assert page.locator("#run-percent").inner_text() == "100 %"
    for chart in ("#finish-chart svg", "#cost-chart svg", "#tornado-chart svg"):
        assert page.locator(chart).is_visible()
    assert page.locator("#finish-chart polyline.s-curve").count() == 1
    assert "2027" in page.locator("#finish-p80").inner_text()
    assert page.locator("#criticality tbody tr").first.inner_text().startswith("1 Design")
    shot(page, "risk-02-results")
    assert SimulationRun.objects.get().status == "done"


def test_a_queued_simulation_is_cancelled_from_its_panel(page, world):
    page.set_default_timeout(60_000)
    plan(world)
    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{world.project_a.public_id}/risk-analysis/")
    page.fill("#id_runs", "500")
    page.click("#simulate-button")
    page.wait_for_selector("#run-panel[data-status=queued]")
    page.click("#cancel-run")
    page.wait_for_selector("#run-panel[data-status=cancelled]")
    assert page.locator("#cancel-run").count() == 0
    assert "Cancelled by" in page.locator("#run-message").inner_text()
    shot(page, "risk-03-cancelled")
    assert run_worker().returncode == 0  # the worker leaves a cancelled run alone
    assert SimulationRun.objects.get().status == "cancelled"
