"""Journey: the demo's cancelled CRM-LEGACY is read-only; its project manager cannot change
it; the administrator reopens it with a reason; it is back in the stage it was stopped in,
the journal says why, and the project manager is told."""

from __future__ import annotations

import pytest

from keystage.core.models import AuditEntry
from keystage.portfolio.models import Project
from tests.browser.conftest import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_reopens_a_cancelled_demo_project_with_a_reason(page):
    from keystage.demo.portfolio import demo_load

    login = demo_load()
    project = Project.objects.get(code="CRM-LEGACY")
    assert (project.stage, project.status) == ("closed", "cancelled")
    url = f"/projects/{project.public_id}/"

    # Its project manager reads it, is told it is read-only, and has no way to change it.
    sign_in(page, "priya", login.password)
    page.goto(url)
    notice = page.locator("#archive-notice").inner_text()
    assert "Cancelled: read-only" in notice
    assert "Only an organisation administrator can reopen it." in notice
    assert page.locator("#reopen-form").count() == 0
    assert page.locator("text=Edit details").count() == 0
    page.goto(url + "edit/")
    assert "CRM-LEGACY is cancelled; its records can be read but not changed." in page.inner_text(
        "main"
    )
    page.click("text=Sign out")

    # The administrator reopens it; an empty reason is refused first.
    sign_in(page, "admin", login.password)
    page.goto(url)
    assert "it returns, active, to Initiation" in page.locator("#reopen-form").inner_text()
    shot(page, "reopen-01-cancelled-project")
    page.click("#reopen-form button[type=submit]")
    assert "This field is required." in page.locator("#reopen-form .field-error").inner_text()
    assert Project.objects.get(pk=project.pk).status == "cancelled"
    shot(page, "reopen-02-reason-required")
    page.fill(
        "#reopen-form textarea[name=reason]",
        "The replacement CRM slipped a year; the upgrade is needed after all.",
    )
    page.click("#reopen-form button[type=submit]")
    page.wait_for_selector("text=CRM-LEGACY is reopened in Initiation; members told.")
    assert page.locator("#archive-notice").count() == 0
    assert page.locator(".tl-step.current").get_attribute("data-stage") == "initiation"
    shot(page, "reopen-03-reopened")
    project.refresh_from_db()
    assert (project.stage, project.status) == ("initiation", "active")
    entry = AuditEntry.objects.filter(project=project).latest("pk")
    assert entry.actor.username == "admin"
    assert entry.changes["reopen_reason"][1].startswith("The replacement CRM slipped")

    page.click("nav.tabs >> text=History")
    assert "Reopened CRM-LEGACY (cancelled) in Initiation" in page.locator("#history").inner_text()
    page.click("text=Sign out")

    # The project manager is told, and may edit it again.
    sign_in(page, "priya", login.password)
    page.goto("/notifications/")
    assert "CRM-LEGACY was reopened in Initiation by Alex Admin" in page.inner_text("main")
    shot(page, "reopen-04-manager-notified")
    page.goto(url)
    assert page.locator("text=Edit details").count() == 1


def test_the_closed_notice_fits_a_phone(page, world):
    Project.objects.filter(pk=world.project_a.pk).update(stage="closed", status="completed")
    page.set_viewport_size({"width": 390, "height": 800})
    sign_in(page, "admin", "correct-horse-battery-9")
    page.goto(f"/projects/{world.project_a.public_id}/")
    assert page.locator("#reopen-form").count() == 1
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "reopen-05-phone")
