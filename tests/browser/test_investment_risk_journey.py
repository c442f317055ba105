"""Journey: the project manager reads a business case whose cash flow has two IRRs — the
page warns, shows MIRR and the NPV tornado — then sets MIRR's rates, an uncertain discount
rate, correlated lines and the run count (screenshot test-artifacts/browser/investment-risk.png)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from keystage.initiation import services
from keystage.initiation.models import BusinessCase
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_investment_risk_journey(page, world):
    pm, project = world.a["project_manager"], world.project_a
    services.business_case_save(
        who=pm, project=project, version=None, data={"discount_rate": Decimal("10"), "horizon": 2}
    )
    for name, kind, period, amount in (
        ("Build", "cost", 0, 1600),
        ("Licence income", "benefit", 1, 10000),
        ("Decommissioning", "cost", 2, 10000),
    ):
        services.line_create(
            who=pm,
            project=project,
            data={
                "name": name,
                "kind": kind,
                "period_start": period,
                "amount_low": Decimal(amount * 9 // 10),
                "amount_likely": Decimal(amount),
                "amount_high": Decimal(amount * 13 // 10),
            },
        )
    page.set_default_timeout(120_000)  # a shared, busy machine: the first page is slow
    sign_in(page, pm.username, PASSWORD)
    page.goto(f"/projects/{project.public_id}/initiation/")
    assert "25.0%, 400.0%" in page.inner_text("#irr")
    assert "ambiguous" in page.inner_text("#irr-warning")
    assert page.inner_text("#mirr") == "5.6%"
    assert page.locator("#npv-tornado rect[data-driver]").count() == 6

    page.goto(f"/projects/{project.public_id}/initiation/business-case/")
    page.fill("[name=rate_low]", "5")
    page.fill("[name=rate_high]", "20")
    page.fill("[name=correlation]", "0.5")
    page.fill("[name=simulation_runs]", "2000")
    page.click("main button[type=submit]")
    page.wait_for_selector("#npv-histogram")
    caption = page.inner_text("#npv-histogram figcaption")
    assert "2,000 runs" in caption and "rank correlation 0.5;" in caption
    assert BusinessCase.objects.get(project=project).simulation_runs == 2000
    assert page.locator("#npv-tornado rect[data-driver='Discount rate']").count() == 2
    page.locator("#business-case").scroll_into_view_if_needed()
    shot(page, "investment-risk")
