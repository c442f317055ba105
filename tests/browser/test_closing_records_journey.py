"""Journey: the demo's BI-SALES in Closing. The project manager opens the Closing tab,
ticks the last handover item; the receiving support lead signs the handover off; the
training and the review with its lessons are read; lessons of every visible project are
searched; a new project's Goals page suggests a past lesson
(screenshots in test-artifacts/browser/closing-*.png)."""

from __future__ import annotations

import pytest

from keystage.accounts.models import User
from keystage.portfolio.gate_checks import gate_checklist
from keystage.portfolio.models import Project
from tests.browser.conftest import demo_project_manager, shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_closing_journey(page):
    project, manager = demo_project_manager("BI-SALES", password=PASSWORD)
    sign_in(page, manager.username, PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Closing")
    page.click("nav.subtabs >> text=Handover")
    page.wait_for_selector("#checklist")
    assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "Closing"
    assert "4 of 5 done" in page.inner_text("#checklist-h")
    assert "Not signed" in page.inner_text("#handover-state")
    assert page.locator("#sign").count() == 0  # the PM does not sign for support
    shot(page, "closing-handover-open")

    # The PM ticks the walkthrough item.
    page.click("#checklist tr[data-done=no] >> text=Edit")
    page.check("input[name=done]")
    page.click("form button[type=submit] >> text=Save")
    page.wait_for_selector("#checklist")
    assert "5 of 5 done" in page.inner_text("#checklist-h")

    # The receiving support lead signs it off.
    lead = User.objects.get(username="chen")
    lead.set_password(PASSWORD)
    lead.save()
    page.context.clear_cookies()
    sign_in(page, "chen", PASSWORD)
    page.goto(f"/projects/{project.public_id}/handover/")
    page.fill("#sign input[name=comment]", "BI support takes over on Monday.")
    page.click("#sign-off")
    page.wait_for_selector("#signed-line")
    assert "Chen Wei" in page.inner_text("#signed-line")
    assert "Signed off" in page.inner_text("#handover-state")
    shot(page, "closing-handover-signed")
    checklist = {i.key: i for i in gate_checklist(Project.objects.get(pk=project.pk))}
    assert checklist["handover"].done and checklist["training"].done and checklist["review"].done

    page.click("nav.subtabs >> text=Training")
    page.wait_for_selector("#completion")
    assert "38 of 40 end users trained" in page.inner_text("#completion")
    shot(page, "closing-training")
    page.click("nav.subtabs >> text=Review & lessons")
    page.wait_for_selector("#lessons")
    assert page.locator("#lessons tr[data-lesson]").count() == 4
    shot(page, "closing-review")

    # Lessons of every project chen may see: BI-SALES only (not CRM-LEGACY's).
    page.click("nav.mainnav >> text=Lessons")
    page.fill("#q", "vendor delay")
    page.click("#lesson-search button")
    page.wait_for_selector("#found")
    codes = page.locator("#found tbody tr td:nth-child(2)").all_inner_texts()
    assert codes == ["BI-SALES"]
    page.context.clear_cookies()
    sign_in(page, manager.username, PASSWORD)  # Sofia manages BI-SALES
    page.goto("/lessons/?q=vendor+delay")
    shot(page, "closing-lessons-search")

    # A new data project of Sofia's suggests the BI lesson tagged "analytics".
    fresh = Project.objects.get(code="DATA-PLAT")
    page.goto(f"/projects/{fresh.public_id}/goals/")
    page.wait_for_selector("#lesson-suggestions")
    assert "Early mock-ups settled the metric definitions" in page.inner_text("#lesson-suggestions")
    shot(page, "closing-suggestions")
