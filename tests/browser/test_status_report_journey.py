"""Journey: the project manager of the demo's ERP-CLOUD opens the status report from the
Health tab, reads it for the default week and for another period and issues it; the sponsor
opens the issued report and its PDF; the page fits a phone
(screenshots in test-artifacts/browser/status-report-*.png)."""

from __future__ import annotations

import pytest

from keystage.control.selectors.evm import project_evm_summary
from tests.browser.conftest import demo_project_manager, shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_status_report_journey(page):
    project, manager = demo_project_manager(password=PASSWORD)

    sign_in(page, manager.username, PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Health")
    page.click("#to-status-report")
    page.wait_for_selector("#status-report")
    assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "Health"
    assert "23 Nov 26 – 29 Nov 26" in page.inner_text("#sr-period")
    assert page.locator("#sr-s-curve polyline[data-series=earned]").count() == 1
    summary = project_evm_summary(who=manager, project_id=project.public_id)
    cpi = page.locator("#sr-evm-table tr[data-figure=cpi] td.num").inner_text()
    assert cpi == f"{summary.cpi:.2f}"  # the same figure as the Earned value tab
    assert "RSK-" in page.inner_text("#sr-risks-table")
    shot(page, "status-report-preview")

    page.fill("#sr-period-form [name=period_start]", "2026-11-02")
    page.fill("#sr-period-form [name=period_end]", "2026-11-29")
    page.click("#sr-period-form button")
    page.wait_for_selector("text=2 Nov 26 – 29 Nov 26")

    # The PM issues the report for that period: report 1, frozen, listed.
    page.click("#sr-issue button")
    page.wait_for_selector("#sr-frozen")
    assert "Status report 1" in page.inner_text(".pagehead")
    assert "2 Nov 26 – 29 Nov 26" in page.inner_text("#sr-period")
    shot(page, "status-report-issued")

    # The sponsor opens it from the list and downloads the PDF.
    sponsor = project.memberships.get(role="sponsor").user
    sponsor.set_password(PASSWORD)
    sponsor.save()
    page.context.clear_cookies()
    sign_in(page, sponsor.username, PASSWORD)
    page.goto(f"/projects/{project.public_id}/status-report/")
    assert page.locator("#sr-issue").count() == 0  # a sponsor reads, the PM issues
    page.click("#sr-issued-table tr[data-number='1'] a >> text=Report 1")
    page.wait_for_selector("#sr-frozen")
    assert page.locator("#sr-s-curve polyline[data-series=earned]").count() == 1
    with page.expect_download() as download:
        page.click("#sr-pdf")
    assert download.value.suggested_filename == "ERP-CLOUD-status-report-1.pdf"

    page.set_viewport_size({"width": 390, "height": 800})
    page.reload()
    page.wait_for_selector("#status-report")
    overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0
    shot(page, "status-report-phone")
