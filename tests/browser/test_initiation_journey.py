"""Journey: the PM writes the proposal and business case, sees NPV/IRR and the Monte Carlo
chart; the sponsor signs off the key stakeholder and passes the Initiation gate."""

from __future__ import annotations

import re

import pytest

from keystage.initiation import services
from keystage.portfolio.models import GateDecision, Project
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_initiation_to_green_light(page, world):
    project = world.project_a
    pm = world.a["project_manager"]
    services.feasibility_save(
        who=pm,
        project=project,
        version=None,
        data={
            "technical_score": 4,
            "technical_findings": "Managed platform supports our ERP version.",
            "economic_score": 4,
            "economic_findings": "Hosting savings cover the migration in under four years.",
            "operational_score": 3,
            "operational_findings": "Service desk needs cloud training.",
            "schedule_score": 3,
            "schedule_findings": "Tight before the lease ends.",
            "legal_score": 5,
            "recommendation": "proceed_with_conditions",
            "conditions": "Pilot one business unit first.",
        },
    )
    for name, role, influence, interest, key in (
        ("Head of Finance", "Budget owner", 9, 8, True),
        ("Warehouse supervisors", "Daily ERP users", 3, 8, False),
        ("External auditor", "Reviews controls", 7, 3, False),
    ):
        services.stakeholder_create(
            who=pm,
            project=project,
            data={
                "name": name,
                "role": role,
                "influence": influence,
                "interest": interest,
                "is_key": key,
                "strategy": "Monthly steering meeting" if key else "",
            },
        )

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Initiation")
    shot(page, "initiation-01-empty")

    page.click("text=Write the proposal")
    page.fill("textarea[name=objective]", "Move the ERP to a managed cloud platform by Q4.")
    page.fill(
        "textarea[name=problem]",
        "The data-centre lease ends next year; hardware is out of support.",
    )
    page.fill("textarea[name=options]", "1. Stay on premises. 2. Lift and shift. 3. Re-platform.")
    page.fill("input[name=requested_by]", "Chief Financial Officer")
    page.fill("input[name=estimated_budget]", "-5")
    page.fill("input[name=estimated_duration_days]", "240")
    page.click("main button:text('Save')")
    assert "never negative" in page.locator(".field-error").inner_text()
    shot(page, "initiation-02-proposal-error")
    page.fill("input[name=estimated_budget]", "450000")
    page.click("main button:text('Save')")
    page.wait_for_selector("text=Project proposal saved.")

    page.click("text=Set up the business case")
    page.fill("input[name=discount_rate]", "8")
    page.fill("input[name=horizon]", "5")
    page.click("main button:text('Save')")
    page.wait_for_selector("text=Business case saved.")
    for name, kind, recurrence, start, end, low, likely, high in (
        ("Migration partner", "cost", "one_off", "0", "", "300000", "340000", "420000"),
        ("Cloud subscription", "cost", "recurring", "1", "5", "40000", "45000", "55000"),
        (
            "Hosting and licence savings",
            "benefit",
            "recurring",
            "1",
            "5",
            "110000",
            "135000",
            "150000",
        ),
    ):
        page.click("text=Add line")
        page.fill("input[name=name]", name)
        page.select_option("select[name=kind]", kind)
        page.select_option("select[name=recurrence]", recurrence)
        page.fill("input[name=period_start]", start)
        page.fill("input[name=period_end]", end)
        page.fill("input[name=amount_low]", low)
        page.fill("input[name=amount_likely]", likely)
        page.fill("input[name=amount_high]", high)
        page.click("main button:text('Save')")
        page.wait_for_selector("text=Cash-flow line saved.")
    npv = page.locator("#npv").inner_text()
    assert re.fullmatch(r"-?€\xa0[0-9,]+\.[0-9]{2}", npv), npv  # in the organisation's currency
    assert page.locator("#irr").inner_text().endswith("%")
    assert page.locator("#npv-histogram svg").count() == 1
    assert page.locator("#power-interest-grid svg").count() == 1
    assert "P10" in page.locator("#npv-histogram").inner_text()
    shot(page, "initiation-03-business-case")

    page.click("text=Sign out")
    sign_in(page, "sponsor_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/initiation/#stakeholders")
    page.fill("input[aria-label='Sign-off comment for Head of Finance']", "Budget reserved.")
    page.click("tr[data-stakeholder='Head of Finance'] >> text=Sign off")
    page.wait_for_selector("text=Sign-off of Head of Finance recorded.")
    shot(page, "initiation-04-signed-off")

    page.click("nav.tabs >> text=Overview")
    page.wait_for_selector("#gate-checklist")
    assert page.locator("#gate-checklist li.missing").count() == 0
    assert page.locator("#gate-checklist li.done").count() == 5
    shot(page, "initiation-05-checklist")
    page.check("input[name=outcome][value=go]")
    page.fill(
        "textarea[name=rationale]", "Positive NPV with acceptable risk; feasibility confirmed."
    )
    page.click("text=Record decision")
    page.wait_for_selector("text=Gate recorded")
    assert page.locator(".tl-step.current").get_attribute("data-stage") == "planning"
    shot(page, "initiation-06-green-light")

    decision = GateDecision.objects.get(project=project)
    assert (decision.decided_by.username, decision.outcome, decision.override_reason) == (
        "sponsor_a",
        "go",
        "",
    )
    assert Project.objects.get(pk=project.pk).stage == "planning"
