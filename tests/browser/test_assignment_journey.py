"""Journey: the project manager opens the assignments page, asks for a recommendation on a
task, assigns the top candidate and sees them in the row; assigning by hand someone who
lacks the skill is refused with the skill named."""

from __future__ import annotations

from decimal import Decimal

import pytest

from keystage.accounts import services as accounts
from keystage.planning.models import Assignment
from keystage.planning.services import wbs
from keystage.portfolio import services as portfolio
from keystage.resources import services as resources
from keystage.staffing import services as staffing
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _team(world):
    project, pm = world.project_a, world.a["project_manager"]
    sap = resources.skill_create(who=world.admin, name="SAP Basis")
    for username, first, last, level, rate in (
        ("amara", "Amara", "Okafor", 5, "50"),
        ("ben", "Ben", "Baker", 3, "90"),
        ("cara", "Cara", "Jones", 2, "40"),
    ):
        user = accounts.user_create(
            username=username,
            password=PASSWORD,
            email=f"{username}@example.test",
            first_name=first,
            last_name=last,
            organisation=world.org,
            org_role="member",
            check_password_strength=False,
        )
        profile = resources.profile_update(
            who=world.admin, person=user, version=None, changes={"cost_rate": Decimal(rate)}
        )
        resources.person_skill_set(
            who=world.admin, person=user, skill=sap, level=level, version=profile.version
        )
        portfolio.member_add(who=world.admin, project=project, user=user, role="team_member")
    phase = wbs.task_create(who=pm, project=project, data={"name": "SAP upgrade"})
    tasks = {}
    for name in ("Install SAP", "Patch SAP"):
        tasks[name] = wbs.task_create(
            who=pm,
            project=project,
            data={"name": name, "duration_minutes": 2400},
            parent_id=phase.public_id,
        )
        staffing.skill_need_create(
            who=pm, project=project, task=tasks[name], data={"skill": "SAP Basis", "min_level": 3}
        )
    return tasks


def test_recommend_and_assign(page, world):
    _team(world)
    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{world.project_a.public_id}/")
    page.click("nav.tabs >> text=Assignments")
    page.wait_for_selector("#staffing-table")
    row = page.locator("#staffing-table tr[data-task='Install SAP']")
    assert "Unassigned" in row.inner_text()

    row.locator("text=Recommend").click()
    panel = page.locator(".candidates")
    panel.wait_for()
    top = panel.locator("li.candidate").first
    assert "Amara Okafor" in top.inner_text()
    assert "SAP Basis 5 (needs 3)" in top.inner_text()
    assert "Lacks SAP Basis (needs level 3, has 2)" in panel.inner_text()  # Cara, last
    shot(page, "assign-01-candidates")

    top.locator("button:text('Assign')").click()
    page.wait_for_selector("text=Amara Okafor assigned to 'Install SAP'.")
    row = page.locator("#staffing-table tr[data-task='Install SAP']")
    assert "Amara Okafor" in row.inner_text() and "100 %" in row.inner_text()
    assert "Amara Okafor" in page.locator("#load-table").inner_text()
    shot(page, "assign-02-assigned")
    made = Assignment.objects.get(task__name="Install SAP")
    assert (made.person.username, made.source) == ("amara", "recommended")

    # By hand: Cara's level is too low, and the message says so.
    page.locator("#staffing-table tr[data-task='Patch SAP'] >> text=Assign…").click()
    page.select_option("select[name=person]", label="Cara Jones")
    page.click(".editor button:text('Save')")
    error = page.locator(".editor .alert, .editor .field-error").first
    error.wait_for()
    assert "Cara Jones lacks SAP Basis (needs level 3, has 2)." in error.inner_text()
    shot(page, "assign-03-missing-skill")
    assert not Assignment.objects.filter(task__name="Patch SAP").exists()
