"""Journey: the PM posts a weekly status update; a team member comments on a task with an
@mention; the mentioned stakeholder sees the bell count and opens the notification."""

from __future__ import annotations

import pytest

from keystage.execution.models import StatusUpdate
from keystage.notifications.models import Comment, Notification
from keystage.planning.services import wbs
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_status_update_comment_mention_and_bell(page, world):
    project = world.project_a
    task = wbs.task_create(
        who=world.a["project_manager"], project=project, data={"name": "Data migration"}
    )

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Status")
    page.click("text=Post a status update")
    page.fill("input[name=week_of]", "2027-02-03")  # a Wednesday: refused
    page.check("input[name=health][value=amber]")
    page.fill("input[name=summary]", "Cut-over at risk")
    page.fill("textarea[name=accomplishments]", "Mapped 140 tables")
    page.fill("textarea[name=blockers]", "Vendor API keys missing")
    page.fill("textarea[name=decisions_needed]", "Approve weekend work")
    page.click("main button:text('Save')")
    assert "Monday" in page.locator("main").inner_text()
    shot(page, "collab-01-status-error")
    page.fill("input[name=week_of]", "2027-02-01")
    page.click("main button:text('Save')")
    page.wait_for_selector("article.status-update")
    card = page.locator("article.status-update").inner_text()
    assert "At risk" in card and "▲" in card and "Approve weekend work" in card
    shot(page, "collab-02-status-history")
    assert StatusUpdate.objects.get().health == "amber"

    page.context.clear_cookies()
    sign_in(page, "dev_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/plan/tasks/{task.public_id}/")
    page.fill("#comment-body", "Keys arrive Friday — @viewer_a can you confirm <b>sign-off</b>?")
    page.click("text=Post comment")
    page.wait_for_selector("#comments .comment")
    body = page.locator("#comments .comment-body").inner_text()
    assert "<b>sign-off</b>" in body  # shown as typed, never as markup
    shot(page, "collab-03-task-comment")
    assert Comment.objects.get().author == world.a["team_member"]

    page.context.clear_cookies()
    sign_in(page, "viewer_a", PASSWORD)
    assert page.locator("#bell-count").inner_text() == "1"
    page.click("a.bell")
    row = page.locator("#notification-list tbody tr").first
    assert "mentioned you on task 'Data migration'" in row.inner_text()
    shot(page, "collab-04-notifications")
    row.locator("text=Open").click()
    page.wait_for_url(f"**/plan/tasks/{task.public_id}/")
    assert "Keys arrive Friday" in page.locator("#comments").inner_text()
    assert page.locator("#bell-count").count() == 0
    assert Notification.objects.get().read_at is not None
    shot(page, "collab-05-task-page")


def test_deliverable_linked_to_tasks_with_a_specification(page, world, tmp_path):
    from keystage.planning.models import PlanFile
    from keystage.planning.services import scope

    project, pm = world.project_a, world.a["project_manager"]
    build = wbs.task_create(who=pm, project=project, data={"name": "Build the interfaces"})
    deliverable = scope.deliverable_create(
        who=pm, project=project, data={"name": "Interface spec", "acceptance_criteria": "Signed"}
    )
    spec = tmp_path / "interfaces.pdf"
    spec.write_bytes(b"%PDF-1.4 interfaces")

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/scope/")
    page.click("#deliverables >> text=Interface spec")
    page.click("text=Change the linked tasks")
    page.check("input[name=tasks]")
    page.click("text=Save links")
    page.wait_for_selector("text=Linked tasks saved.")
    assert "Build the interfaces" in page.locator("#deliverable-tasks").inner_text()
    page.set_input_files("#plan-file", str(spec))
    page.click("#files button:text('Upload')")
    page.wait_for_selector("#file-list >> text=interfaces.pdf")
    shot(page, "collab-06-deliverable-page")
    assert PlanFile.objects.get().deliverable == deliverable
    assert list(deliverable.tasks.all()) == [build]

    page.click("#deliverable-tasks >> text=Build the interfaces")
    assert "Interface spec" in page.locator("#task-deliverables").inner_text()
