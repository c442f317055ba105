"""Journeys: the project manager opens the Budget tab, saves the settings, adds budget lines
with htmx (a negative cost is refused first), sees the month table and the S-curve follow,
and sets the budget; in execution, records a supplier invoice (a zero amount is refused
first) and sees the actual cost beside the plan (screenshots in
test-artifacts/browser/budget-*.png)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keystage.costs import services as budget_services
from keystage.costs.models import CostEntry, ProjectBudget
from keystage.planning.services import wbs
from keystage.portfolio.models import Project
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _save(page) -> None:
    page.click("#editor button:text('Save')")


def _curve_points(page, series: str = "planned") -> int:
    points = page.locator(f"#s-curve polyline[data-series={series}]").get_attribute("points")
    return len((points or "").split())


def _text(page, selector: str) -> str:
    return page.locator(selector).inner_text().replace("\xa0", " ").strip()


def test_budget_journey(page, world):
    project = world.project_a
    # 4 January – 12 February 2027: 20 working days in January, 10 in February.
    wbs.task_create(
        who=world.a["project_manager"],
        project=project,
        data={"name": "Migrate the data", "duration_minutes": 30 * 480},
    )

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Budget")
    page.wait_for_selector("#budget-summary")
    assert "No costs are planned yet" in page.locator("#budget-months").inner_text()

    page.click("text=Edit settings")
    page.wait_for_selector("#editor input[name=contingency_percent]")
    page.fill("input[name=contingency_percent]", "10")
    page.fill("input[name=management_reserve]", "2000")
    _save(page)
    page.wait_for_selector("text=Budget settings saved.")

    page.click("text=Add budget line")
    page.wait_for_selector("#editor input[name=name]")
    page.select_option("select[name=category]", "services")
    page.fill("input[name=name]", "External SAP consultancy")
    page.fill("input[name=amount]", "-100")
    page.select_option("select[name=task]", label="1 Migrate the data")
    _save(page)
    page.wait_for_selector("#editor .field-error")
    assert "cannot be negative" in page.locator("#editor .field-error").inner_text()
    shot(page, "budget-01-negative-refused")
    page.fill("input[name=amount]", "24000")
    _save(page)
    page.wait_for_selector("tr[data-line='External SAP consultancy']")
    months = page.locator("#month-table thead th.num.nowrap")
    assert [m.strip() for m in months.all_text_contents()] == ["Jan 2027", "Feb 2027"]
    services = page.locator("#month-table tbody tr[data-category=services]").inner_text()
    assert "16,000" in services and "8,000" in services  # follows the task's working days
    assert _text(page, "#fig-baseline .value") == "€ 26,400.00"
    assert _curve_points(page) == 3  # the start and two month ends

    page.click("text=Add budget line")
    page.wait_for_selector("#editor input[name=name]")
    page.select_option("select[name=category]", "travel")
    page.fill("input[name=name]", "Workshops at the plants")
    page.fill("input[name=amount]", "3000")
    page.fill("input[name=start_date]", "2027-03-01")
    page.fill("input[name=end_date]", "2027-05-31")
    _save(page)
    page.wait_for_selector("tr[data-line='Workshops at the plants']")
    assert page.locator("#month-table thead th.num.nowrap").count() == 5
    assert _curve_points(page) == 6
    assert _text(page, "#fig-total .value") == "€ 31,700.00"  # 27,000 + 10 % + 2,000
    assert "Total budget (with reserve) 31.7k" in page.locator("#s-curve").inner_html()
    shot(page, "budget-02-draft")

    # On a narrow screen the month table scrolls sideways instead of squeezing.
    page.set_viewport_size({"width": 640, "height": 900})
    wrap = page.locator("#budget-months .tablewrap")
    assert wrap.evaluate("el => el.scrollWidth > el.clientWidth")
    page.set_viewport_size({"width": 1360, "height": 900})

    page.click("#budget-set")
    # Setting the budget is confirmed first; nothing is set until then.
    page.wait_for_selector("#budget-confirm")
    assert "Set the budget at" in page.locator("#budget-confirm h2").inner_text()
    assert ProjectBudget.objects.get(project=project).set_at is None
    page.click("#budget-set-confirm")
    page.wait_for_selector("text=Budget set.")
    assert "Set" in page.locator("#fig-status .value").inner_text()
    assert "Pm_A Tester" in page.locator("#fig-status .note").inner_text()
    assert page.locator("text=Add budget line").count() == 0
    assert ProjectBudget.objects.get(project=project).set_at is not None
    shot(page, "budget-03-set")


def test_actual_cost_journey(page, world):
    project = world.project_a
    pm = world.a["project_manager"]
    Project.objects.filter(pk=project.pk).update(
        start_date=dt.date(2026, 9, 1), target_date=dt.date(2027, 3, 31), stage="execution"
    )
    project.refresh_from_db()
    task = wbs.task_create(who=pm, project=project, data={"name": "Data migration"})
    for name, amount, day in (
        ("Migration partner, phase 1", "20000", dt.date(2026, 9, 15)),
        ("Migration partner, phase 2", "20000", dt.date(2027, 2, 15)),
    ):
        budget_services.line_create(
            who=pm,
            project=project,
            data={
                "name": name,
                "category": "services",
                "amount": Decimal(amount),
                "start_date": day,
            },
        )

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/budget/")
    page.wait_for_selector("#budget-actuals")
    assert _text(page, "#fig-actual .value") == "€ 0.00"
    assert "No costs recorded yet" in page.locator("#budget-actuals").inner_text()
    page.click("#cost-record")
    page.wait_for_selector("form input[name=description]")
    page.select_option("select[name=kind]", "invoice")
    page.select_option("select[name=category]", "services")
    page.fill("input[name=description]", "Migration partner, September")
    page.fill("input[name=amount]", "0")
    page.fill("input[name=date]", "2026-10-05")
    page.fill("input[name=supplier]", "Contoso Consulting")
    page.fill("input[name=reference]", "CC-2026-117")
    page.select_option("select[name=task]", label=str(task))
    page.click("button:text('Save')")
    page.wait_for_selector("text=Enter an amount above zero.")
    assert CostEntry.objects.count() == 0
    shot(page, "budget-04-invoice-refused")
    page.fill("input[name=amount]", "23500")
    page.click("button:text('Save')")
    page.wait_for_selector("tr[data-cost='Migration partner, September']")
    row = page.locator("tr[data-cost='Migration partner, September']").inner_text()
    assert "€" in row and "23,500.00" in row and "CC-2026-117" in row
    shot(page, "budget-05-costs")

    page.click("text=Budget against actuals")
    page.wait_for_selector("#budget-actuals")
    assert _text(page, "#fig-actual .value") == "€ 23,500.00"
    services = page.locator("#actual-category-table tr[data-category=services]").inner_text()
    assert "overspent" not in services and "23,500.00" in services
    october = page.locator("#actual-month-table tbody tr[data-kind=actual]").inner_text()
    assert "23,500" in october
    assert _curve_points(page, "actual") >= 2  # AC beside the planned value
    assert "Recorded" not in _text(page, "#fig-forecast .value")
    shot(page, "budget-06-actuals")
