"""Journey: a team member adds a skill to their profile from the project's Team & resources
page; the project manager adds a procurement item (a negative cost is refused first)."""

from __future__ import annotations

import pytest

from keystage.resources import services
from keystage.resources.models import PersonSkill, ProcurementItem
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_team_and_resources(page, world):
    project = world.project_a
    dev = world.a["team_member"]
    python = services.skill_create(who=world.admin, name="Python")
    services.skill_create(who=world.admin, name="Kubernetes", description="Container platforms")
    services.person_skill_set(who=dev, person=dev, skill=python, level=3, version=None)

    sign_in(page, "dev_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Team & resources")
    page.wait_for_selector("#team-table")
    shot(page, "team-01-team-page")

    page.click("#team-table tr[data-person=dev_a] >> text=Edit")
    page.select_option("#add-skill select[name=skill]", label="Kubernetes")
    page.select_option("#add-skill select[name=level]", "4")
    page.click("#add-skill button:text('Add skill')")
    page.wait_for_selector("text=Kubernetes set to level 4")
    shot(page, "team-02-person-skill-added")
    assert PersonSkill.objects.get(user=dev, skill__name="Kubernetes").level == 4

    page.goto(f"/projects/{project.public_id}/team/")
    row = page.locator("#team-table tr[data-person=dev_a]")
    assert "Kubernetes" in row.inner_text()
    assert "Add procurement item" not in page.content()  # team members do not buy

    page.context.clear_cookies()
    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/team/")
    page.click("text=Add procurement item")
    page.fill("input[name=name]", "Container platform licences")
    page.fill("input[name=supplier]", "Vendora Cloud")
    page.select_option("select[name=category]", "licence")
    page.fill("input[name=cost]", "-100")
    page.click("main button:text('Save')")
    assert "never negative" in page.locator(".field-error").inner_text()
    shot(page, "team-03-procurement-error")
    page.fill("input[name=cost]", "4800")
    page.select_option("select[name=status]", "ordered")
    page.fill("input[name=order_date]", "2027-01-11")
    page.fill("input[name=delivery_date]", "2027-02-01")
    page.click("main button:text('Save')")
    page.wait_for_selector("text=Procurement item saved.")
    table = page.locator("#procurement-table").inner_text()
    assert "Container platform licences" in table and "4,800" in table
    shot(page, "team-04-procurement-added")
    item = ProcurementItem.objects.get()
    assert (item.project, item.status, str(item.cost)) == (project, "ordered", "4800.00")
