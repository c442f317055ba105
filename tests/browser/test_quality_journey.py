"""Journey: the project manager of a project in Closing plans how the user guide is
verified (from the scope, then one more criterion), records a walk-through as a test run
and a defect it found, and signs the guide off with conditions on the sponsor's behalf;
the Closing gate's acceptance item is then done (screenshots in
test-artifacts/browser/quality-*.png). A small world, not the demo, keeps it quick."""

from __future__ import annotations

import pytest

from keystage.planning.services import scope
from keystage.portfolio.gate_checks import gate_checklist
from keystage.portfolio.models import Project
from keystage.quality.models import Criterion, Defect, SignOff
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

GUIDE = "User guide for the sales teams"


def test_quality_journey(page, world):
    project, manager, elena = world.project_a, world.a["project_manager"], world.a["team_member"]
    scope.deliverable_create(
        who=manager,
        project=project,
        data={
            "name": GUIDE,
            "acceptance_criteria": "Every regional lead walked through it",
            "status": "submitted",
        },
    )
    Project.objects.filter(pk=project.pk).update(stage="closing")
    project.refresh_from_db()
    sign_in(page, manager.username, PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Quality")
    page.wait_for_selector("#quality-plan")
    assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "Quality"
    guide = page.locator(f"#quality-plan tbody[data-deliverable='{GUIDE}']")
    assert "not signed off" in guide.inner_text().lower()

    # Plan: the scope's criterion, then how a second one is verified, by whom and when.
    page.click(f"button[data-from-scope='{GUIDE}']")
    page.wait_for_selector("#quality-plan")
    assert "every regional lead walked through it" in guide.inner_text().lower()
    page.click("#add-criterion")
    page.select_option("select[name=deliverable]", label=GUIDE)
    page.fill("[name=text]", "A one-page quick reference per region")
    page.select_option("select[name=method]", "review")
    page.select_option("select[name=responsible]", str(elena.pk))
    page.fill("[name=planned_date]", "2026-11-20")
    page.click("main button[type=submit]")
    page.wait_for_selector("#quality-plan")
    assert "a one-page quick reference per region" in guide.inner_text().lower()

    # A walk-through as a test run, and the defect it found.
    page.click("#add-test-run")
    page.select_option("select[name=deliverable]", label=GUIDE)
    page.fill("[name=name]", "Walk-through with the regional leads")
    page.fill("[name=run_on]", "2026-11-24")
    page.fill("[name=cases_planned]", "6")
    page.fill("[name=cases_run]", "6")
    page.fill("[name=passed]", "7")  # more than run: refused on the field
    page.click("main button[type=submit]")
    page.wait_for_selector(".field-error")
    assert "cannot exceed the 6 cases run" in page.inner_text("main")
    page.fill("[name=passed]", "5")
    page.fill("[name=failed]", "1")
    page.click("main button[type=submit]")
    page.wait_for_selector("#runs-table")
    run_row = page.locator("#runs-table tr[data-run='Walk-through with the regional leads']")
    assert "83.3 %" in run_row.inner_text()

    page.click("#add-defect")
    page.fill("[name=title]", "Quote-to-cash chapter misses the discount approval")
    page.select_option("select[name=severity]", "major")
    page.select_option("select[name=deliverable]", label=GUIDE)
    page.select_option("select[name=test_run]", label="Walk-through with the regional leads")
    page.click("main button[type=submit]")
    page.wait_for_selector("#defects-table")
    number = Defect.objects.get(title__startswith="Quote-to-cash").key
    assert number == "DEF-1"
    assert "Quote-to-cash" in page.inner_text(f"#defects-table tr[data-defect='{number}']")

    # The sign-off, with conditions, by the sponsor for Sales.
    page.click(f"a[data-sign='{GUIDE}']")
    page.wait_for_selector("#sign-off-form")
    for criterion in Criterion.objects.filter(deliverable__name=GUIDE, project=project):
        met = "not_met" if criterion.text.startswith("A one-page") else "met"
        page.check(f"input[name=met_{criterion.public_id}][value={met}]")
    page.check("input[name=decision][value=accepted]")
    page.select_option("select[name=signed_by]", "u:sponsor_a")
    page.click("#sign-off-form button[type=submit]")
    page.wait_for_selector(".field-error")  # accepted with a criterion not met: refused
    assert "accept with conditions, or reject" in page.inner_text("main")
    page.check("input[name=decision][value=accepted_with_conditions]")
    page.fill("[name=conditions]", "Quick references printed before the regional kick-offs.")
    page.fill("[name=comment]", "The guide itself works; the leads want the cards.")
    shot(page, "quality-sign-off")
    page.click("#sign-off-form button[type=submit]")
    page.wait_for_selector("#quality-plan")
    assert "accepted with conditions" in guide.inner_text().lower()
    assert "quick references printed" in guide.inner_text().lower()
    assert SignOff.objects.get(deliverable__name=GUIDE).signed_by == "Sponsor_A Tester"
    item = next(i for i in gate_checklist(project) if i.key == "acceptance")
    assert item.done, item.detail
    assert "1 of 1" in page.inner_text("#quality-figures")
    shot(page, "quality-tab")
