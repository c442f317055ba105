"""Journey: the PM captures the approved plan as a baseline, the plan slips, the Baselines tab
shows the slip against the baseline; a re-plan baseline is compared with the first.
Screenshots: test-artifacts/browser/baseline-*.png."""

from __future__ import annotations

import pytest

from keystage.demo.planning import load_plan
from keystage.planning.models import Baseline, Task
from keystage.planning.services import wbs
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_capture_a_baseline_and_see_the_slip(page, world):
    project = world.project_a
    pm = world.a["project_manager"]
    load_plan(project=project, pm=pm)  # the ERP migration outline: 69 rows

    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{project.public_id}/")
    page.click("nav.tabs >> text=Baselines")
    page.wait_for_selector("#no-baselines")
    assert page.locator("nav.tabs a[aria-current=page]").inner_text() == "Baselines"

    page.fill("#capture input[name=name]", "Approved plan")
    page.fill("#capture textarea[name=note]", "As approved by the sponsor.")
    page.click("#capture-baseline")
    page.wait_for_selector("text=Captured baseline 1 'Approved plan'.")
    assert page.locator("#baseline-list tbody tr").count() == 1
    assert page.locator("#variance tbody tr").count() == 69
    assert page.locator("#finish-slip").inner_text() == "0.0 d"
    shot(page, "baseline-01-captured")

    # A critical task takes a week longer: the finish slips by as much.
    task = Task.objects.filter(project=project, is_critical=True, kind="task", is_summary=False)[3]
    wbs.task_update(
        who=pm,
        project=project,
        task=task,
        version=task.version,
        data={"duration_minutes": task.duration_minutes + 5 * 480},
    )
    page.reload()
    assert page.locator("#finish-slip").inner_text() == "+5.0 d"
    assert "bad" in page.locator("#finish-slip").get_attribute("class")
    late = page.locator(f'#variance tr[data-task="{task.name}"] td.var.late')
    assert late.all_inner_texts() == ["+5.0", "+5.0"]  # finish and duration
    page.check("input[name=changed]")
    page.click("#compare-form button")
    page.wait_for_url("**changed=1**")
    changed = page.locator("#variance tbody tr").count()
    assert 0 < changed < 69
    shot(page, "baseline-02-slip")

    # A duplicate name is refused on the form.
    page.fill("#capture input[name=name]", "approved plan")
    page.click("#capture-baseline")
    page.wait_for_selector("#capture .field-error")
    assert "already has a baseline named" in page.locator("#capture .field-error").inner_text()

    page.fill("#capture input[name=name]", "Re-plan after assessment")
    page.click("#capture-baseline")
    page.wait_for_selector("text=Captured baseline 2")
    page.select_option("#compare-form select[name=from]", "1")
    page.select_option("#compare-form select[name=to]", "2")
    page.uncheck("input[name=changed]")
    page.click("#compare-form button")
    page.wait_for_url("**to=2**")
    title = page.locator(".compare-title").inner_text()
    assert "Baseline 1 — Approved plan → Baseline 2 — Re-plan after assessment" in title
    assert page.locator("#finish-slip").inner_text() == "+5.0 d"
    shot(page, "baseline-03-two-baselines")
    assert list(Baseline.objects.order_by("number").values_list("name", flat=True)) == [
        "Approved plan",
        "Re-plan after assessment",
    ]
