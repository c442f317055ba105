"""Journey: the project manager of the demo's ERP-CLOUD opens the Earned value tab, reads the
headline figures and the charts, switches the history to months and back, and the page fits a
phone (screenshots in test-artifacts/browser/evm-*.png)."""

from __future__ import annotations

import pytest

from keystage.control.selectors.evm import evm_summaries
from tests.browser.conftest import demo_project_manager, shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_earned_value_journey(page):
    project, manager = demo_project_manager(password=PASSWORD)

    sign_in(page, manager.username, PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Earned value")
    page.wait_for_selector("#evm-figures")
    assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "Earned value"
    cpi = evm_summaries([project])[project.pk].cpi
    assert cpi is not None and cpi < 0.9  # the demo's procurement overspend
    assert page.locator("#fig-cpi .value").inner_text() == f"{cpi:.2f}"
    assert page.locator("#evm-table tr[data-figure=tcpi_bac]").count() == 1
    assert page.locator("#evm-s-curve polyline[data-series=earned]").count() == 1
    assert page.locator("#evm-trend polyline[data-series=cpi]").count() == 1
    assert "TCPI(BAC) is" in page.locator("#evm-notes").inner_text()
    shot(page, "evm-weeks")

    page.select_option("#evm-period", "month")
    page.click("#evm-options button")
    page.wait_for_url("**period=month**")
    assert page.locator("#evm-period").input_value() == "month"
    assert page.locator("#evm-wbs-table tbody tr").count() >= 5
    assert page.locator("#evm-category-table tr[data-category=procurement]").count() == 1
    shot(page, "evm-months")

    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    page.wait_for_selector("#evm-figures")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "evm-phone")
