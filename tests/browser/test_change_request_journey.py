"""Journey: the project manager raises a change request from the Changes tab, composes a
duration change, reads its impact (the finish and the milestone slip) and submits it; the
sponsor approves it with a comment; the manager applies it and a baseline names it
(screenshots in test-artifacts/browser/change-request-*.png)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from keystage.control.models import ChangeRequest
from keystage.planning.models import Baseline, Task
from keystage.planning.services import dependencies, wbs
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_change_request_journey(page, world):
    pm, sponsor, project = world.a["project_manager"], world.a["sponsor"], world.project_a
    design = wbs.task_create(
        who=pm, project=project, data={"name": "Design", "duration_minutes": 960}
    )
    build = wbs.task_create(
        who=pm,
        project=project,
        data={"name": "Build", "duration_minutes": 1440, "fixed_cost": Decimal("500")},
    )
    live = wbs.task_create(who=pm, project=project, data={"name": "Go live", "kind": "milestone"})
    for a, b in ((design, build), (build, live)):
        dependencies.dependency_create(
            who=pm, project=project, predecessor_id=a.public_id, successor_id=b.public_id, data={}
        )

    page.set_default_timeout(120_000)  # a shared, busy machine: the first page is slow
    sign_in(page, pm.username, PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Changes")
    page.fill("#cr-title", "Add load testing")
    page.fill("#cr-reason", "The client's SLA needs it")
    page.click("#cr-new button[type=submit]")
    page.wait_for_selector("#cr-status")
    assert "CR-1 Add load testing" in page.inner_text(".pagehead")
    assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "Changes"

    page.click("text=Change a task's duration")
    page.select_option("#d-task", str(build.public_id))
    page.fill("#d-days", "5")
    page.click("#op-duration button")
    page.wait_for_selector("#cr-milestones")
    assert page.inner_text("#cr-finish") == "+2 working days"
    row = page.locator("#cr-milestones tbody tr", has_text="Go live")
    assert row.locator("td.num").inner_text() == "+2"
    shot(page, "change-request-impact")
    page.click("#cr-submit button")
    page.wait_for_selector("text=Awaiting the sponsor's decision")

    page.context.clear_cookies()
    sign_in(page, sponsor.username, PASSWORD)
    page.goto(f"/projects/{project.public_id}/changes/1/")
    assert page.locator("#cr-apply").count() == 0  # the sponsor decides, the PM applies
    page.check("#cr-decide input[value=approve]")
    page.fill("#cr-comment", "Worth two days.")
    page.click("#cr-decide button")
    page.wait_for_selector("#cr-decided")
    assert "Worth two days." in page.inner_text("#cr-decided")
    shot(page, "change-request-approved")

    page.context.clear_cookies()
    sign_in(page, pm.username, PASSWORD)
    page.goto(f"/projects/{project.public_id}/changes/1/")
    page.click("#cr-apply button")
    page.wait_for_selector("#cr-applied")
    baseline = Baseline.objects.get(project=project)
    assert baseline.name in page.inner_text("#cr-applied")
    assert Task.objects.get(pk=build.pk).duration_minutes == 2400
    assert ChangeRequest.objects.get(project=project).status == "applied"
    page.goto(f"/projects/{project.public_id}/changes/")
    assert "Applied" in page.inner_text("#cr-table")
    shot(page, "change-request-list")
