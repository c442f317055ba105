"""Journey: a project manager opens a new project from a past one (issue #16, templates).

Screenshots: test-artifacts/browser/from-template-*.png (desktop and a 390 px phone)."""

from __future__ import annotations

import pytest

from keystage.planning.models import Task
from keystage.portfolio.models import Project
from tests.app.test_project_from_template import _plan
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_project_manager_starts_a_project_from_a_template(page, world):
    _plan(world)
    sign_in(page, "pm_a", PASSWORD)
    page.click("main >> text=New from template")
    page.wait_for_selector("h1:text('New project from a template')")
    options = page.locator("select[name=template] option").all_inner_texts()
    assert any(o.startswith("PRJ-A — Project A") for o in options)
    assert not any("PRJ-B" in o for o in options)  # only what pm_a may see
    page.select_option("select[name=template]", label=next(o for o in options if "PRJ-A" in o))
    page.fill("input[name=name]", "Project C")
    page.fill("input[name=code]", "PRJ-B")  # taken: refused on its field
    page.fill("input[name=start_date]", "2027-03-01")
    shot(page, "from-template-form")
    page.click("main button[type=submit]")
    page.wait_for_selector(".field-error")
    assert "Another project already uses this code." in page.content()
    assert not Project.objects.filter(name="Project C").exists()
    page.fill("input[name=code]", "PRJ-C")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Project PRJ-C opened from template PRJ-A.")
    project = Project.objects.get(code="PRJ-C")
    assert page.url.endswith(f"/projects/{project.public_id}/")
    assert Task.objects.filter(project=project).count() == 4
    shot(page, "from-template-created")
    page.goto("/projects/new/")
    assert page.locator("#from-template").count() == 1
    page.goto("/projects/new/from-template/")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "from-template-form-phone")
