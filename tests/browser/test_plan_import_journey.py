"""Journey: the PM uploads an MS Project plan, reads the preview (what will be created and
what cannot be kept), confirms, and sees the tasks on the Gantt.
Screenshots: test-artifacts/browser/import-*.png."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystage.interop.models import ImportReport
from keystage.planning.models import Task
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
PLAN = Path(__file__).parents[1] / "fixtures" / "plans" / "awkward.xml"


def test_upload_preview_confirm_and_see_the_gantt(page, world, tmp_path):
    project = world.project_a
    upload = tmp_path / "awkward.xml"
    upload.write_bytes(PLAN.read_bytes().replace(b"zoe@example.com", b"dev_a@example.test"))

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/import/")
    page.wait_for_selector("#upload")
    page.set_input_files("#upload input[type=file]", str(upload))
    page.click("#preview-import")
    page.wait_for_selector("#preview")
    assert page.locator("#preview-tasks tbody tr").count() == 6
    assert page.locator("#losses tbody tr").count() >= 5
    assert "summary tasks are not linked" in page.locator("#losses").inner_text()
    assert page.locator('[data-count="tasks"]').inner_text() == "6"
    assert not Task.objects.filter(project=project).exists()  # nothing written yet
    shot(page, "import-01-preview")

    page.click("#confirm-import")
    page.wait_for_url("**/gantt/")
    page.wait_for_selector("#gantt svg")
    assert page.locator("#gantt [data-task-id]").count() == 6
    assert "Imported awkward.xml: 6 tasks" in page.content()
    shot(page, "import-02-gantt")
    assert ImportReport.objects.get(project=project).status == "imported"

    page.goto(f"/projects/{project.public_id}/import/")
    assert "awkward.xml" in page.locator("#import-list").inner_text()
    assert page.locator("#has-tasks").is_visible()
    shot(page, "import-03-reports")


def test_import_a_plan_into_a_new_project(page, world, tmp_path):
    upload = tmp_path / "awkward.xml"
    upload.write_bytes(PLAN.read_bytes().replace(b"zoe@example.com", b"dev_b@example.test"))

    sign_in(page, "pm_a", PASSWORD)
    page.goto("/")
    page.click("#import-new")
    page.wait_for_selector("#upload")
    page.set_input_files("#upload input[type=file]", str(upload))
    page.fill("#upload input[name=code]", "ROLL-27")
    page.click("#preview-import")
    page.wait_for_selector("#preview")
    assert "will be added to the team" in page.locator("#preview-people").inner_text()
    assert page.locator('[data-count="team_additions"]').inner_text() == "1"
    shot(page, "import-04-new-project-preview")

    page.click("#confirm-import")
    page.wait_for_url("**/gantt/")
    page.wait_for_selector("#gantt svg")
    assert page.locator("#gantt [data-task-id]").count() == 6
    assert "Opened ROLL-27 from awkward.xml" in page.content()
    shot(page, "import-05-new-project-gantt")
