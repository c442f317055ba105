"""Journey: a PMO opens a project, the sponsor moves it to Planning over the checklist, the
gate is in the history and the portfolio flags the override; only the PMO is offered the
sponsor role."""

from __future__ import annotations

import pytest

from keystage.portfolio.models import GateDecision, Project
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_open_project_and_pass_first_gate(page, world):
    sign_in(page, "pmo", PASSWORD)
    assert page.locator("h1").inner_text() == "Portfolio"
    assert page.locator("#portfolio tbody tr").count() == 2
    shot(page, "01-portfolio")

    page.click("text=New project")
    page.fill("input[name=name]", "Warehouse Wi-Fi rollout")
    page.fill("input[name=code]", "WIFI-27")
    page.select_option("select[name=kind]", "network_upgrade")
    page.fill("input[name=start_date]", "2027-03-01")
    page.fill("input[name=target_date]", "2027-02-01")
    page.select_option("select[name=project_manager]", label="Pm_A Tester")
    page.select_option("select[name=sponsor]", label="Sponsor_A Tester")
    page.click("text=Create project")
    assert "must not be before the start date" in page.locator(".field-error").inner_text()
    assert not Project.objects.filter(code="WIFI-27").exists()
    shot(page, "02-create-error")

    page.fill("input[name=target_date]", "2027-08-31")
    page.click("text=Create project")
    page.wait_for_selector("text=Project WIFI-27 opened in Initiation.")
    assert page.locator(".tl-step.current").get_attribute("data-stage") == "initiation"
    shot(page, "03-project-opened")
    project_url = page.url

    page.click("text=Sign out")
    sign_in(page, "sponsor_a", PASSWORD)
    page.goto(project_url)
    page.check("input[name=outcome][value=go]")
    page.fill("textarea[name=rationale]", "Business case is sound; proceed to planning.")
    page.fill("textarea[name=conditions]", "Baseline the plan within six weeks.")
    assert page.locator("#gate-checklist li.missing").count() == 4
    page.fill("textarea[name=override_reason]", "Case approved on paper by the board.")
    page.click("text=Record decision")
    page.wait_for_selector("text=Gate recorded")
    assert page.locator(".tl-step.current").get_attribute("data-stage") == "planning"
    history = page.locator("#gate-history").inner_text()
    assert "Initiation → Planning" in history
    assert "Sponsor_A Tester" in history
    assert "Baseline the plan within six weeks." in history
    assert "active" in page.locator(".monitoring").get_attribute("class")
    shot(page, "04-gate-passed")

    page.click("nav.tabs >> text=History")
    assert "Gate Initiation → Planning: Go" in page.locator("#history").inner_text()
    shot(page, "05-history")

    decision = GateDecision.objects.get(project__code="WIFI-27")
    assert decision.decided_by.username == "sponsor_a"
    assert decision.outcome == "go"

    # The portfolio says, in words, that the gate was passed by the sponsor's override.
    page.click("text=Sign out")
    sign_in(page, "pmo", PASSWORD)
    row = page.locator("#portfolio tbody tr", has_text="WIFI-27")
    flag = row.locator(".override-flag").inner_text()
    assert "Gate passed by override" in flag
    assert "Sponsor_A Tester" in flag and "Case approved on paper by the board." in flag
    assert page.locator("#portfolio .override-flag").count() == 1
    shot(page, "06-portfolio-override-flag")


def test_only_the_pmo_is_offered_the_sponsor_role(page, world):
    members = f"/projects/{world.project_a.public_id}/members/"
    sign_in(page, "pm_a", PASSWORD)
    page.goto(members)
    offered = page.locator("select[name=role] option").all_inner_texts()
    assert offered and "Sponsor" not in offered
    assert "Team member" in offered
    # The sponsor's own row is read-only for the project manager.
    sponsor_row = page.locator("#members tbody tr", has_text="Sponsor_A Tester")
    assert sponsor_row.locator("select").count() == 0
    assert sponsor_row.locator("text=Remove").count() == 0
    shot(page, "07-members-as-pm")

    page.click("text=Sign out")
    sign_in(page, "pmo", PASSWORD)
    page.goto(members)
    page.select_option("#id_user", label="Outsider Tester")
    page.select_option("#id_role", "sponsor")
    page.click("text=Add to project")
    page.wait_for_selector("text=Outsider Tester joined as Sponsor.")
    shot(page, "08-pmo-named-a-sponsor")
