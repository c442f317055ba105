"""Journeys of the portfolio: a member submits a proposal, the PMO scores and promotes it to
a project in Initiation; the PMO reads the dashboard and the resource load heat map. Every
page fits a 390 px phone (screenshots test-artifacts/browser/intake-*.png, dashboard-*.png,
resource-load-*.png)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from keystage.initiation.models import IntakeProposal, Proposal
from keystage.notifications.models import Notification
from keystage.planning.models import Assignment, Baseline, Task
from keystage.portfolio.models import Project
from tests.app.timesheet_world import plan
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _phone(page, name: str) -> None:
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390, name
    shot(page, f"{name}-phone")
    page.set_viewport_size({"width": 1360, "height": 900})


def test_member_submits_and_pmo_ranks_and_promotes(page, world):
    sign_in(page, "outsider", PASSWORD)
    page.click("nav.mainnav >> text=Intake")
    page.wait_for_selector("h1:text('My proposals')")
    page.click("text=Submit a proposal")
    page.fill("input[name=title]", "Self-service password reset")
    page.fill("textarea[name=problem]", "A fifth of help-desk calls are about passwords.")
    page.fill("textarea[name=benefits]", "Fewer calls; people back at work sooner.")
    page.fill("input[name=rough_cost]", "40000")
    page.fill("input[name=rough_duration_days]", "-3")
    page.fill("input[name=annual_benefit]", "25000")
    page.select_option("select[name=suggested_sponsor]", label="Sponsor_A Tester")
    shot(page, "intake-new")
    page.click("main button[type=submit]")
    page.wait_for_selector(".field-error")  # a negative duration is refused on its field
    assert IntakeProposal.objects.count() == 0
    page.fill("input[name=rough_duration_days]", "90")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Proposal submitted.")
    assert "Edit your proposal" in page.content()
    shot(page, "intake-mine")
    _phone(page, "intake-mine")
    page.click("text=Sign out")
    sign_in(page, "pmo", PASSWORD)
    page.click("nav.mainnav >> text=Intake")
    page.wait_for_selector("h1:text('Intake queue')")
    assert "Self-service password reset" in page.locator("#intake").inner_text()
    shot(page, "intake-queue")
    _phone(page, "intake-queue")
    page.click("#intake >> text=Self-service password reset")
    _phone(page, "intake-detail")
    page.fill("#score-form input[name=strategic_score]", "4")
    page.fill("#score-form input[name=feasibility_score]", "5")
    page.click("#score-form button")
    page.wait_for_selector("text=Scores saved.")
    assert "4.5 / 5" in page.content()
    page.fill("#promote-form input[name=code]", "SSPR")
    page.select_option("#promote-form select[name=project_manager]", label="Pm_A Tester")
    shot(page, "intake-detail")
    page.click("#promote-form button")
    page.wait_for_selector("text=Proposal promoted")
    project = Project.objects.get(code="SSPR")
    assert project.stage == "initiation"
    assert Proposal.objects.get(project=project).estimated_duration_days == 90
    assert (
        Notification.objects.filter(recipient=world.outsider, kind="proposal_decided").count() == 1
    )


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), timezone.get_current_timezone())


def test_pmo_reads_the_dashboard_and_the_resource_load(page, world, monkeypatch):
    tasks = plan(world, monkeypatch)
    monday = dt.date(2027, 1, 11)
    Task.objects.update(start_at=None, finish_at=None)
    Task.objects.filter(pk=tasks.build.pk).update(
        start_at=_at(monday, 8), finish_at=_at(monday + dt.timedelta(days=11), 17)
    )
    Task.objects.filter(pk=tasks.b_task.pk).update(
        start_at=_at(monday, 8), finish_at=_at(monday + dt.timedelta(days=25), 17)
    )
    Assignment.objects.filter(task=tasks.build, person=world.a["team_member"]).update(
        work_hours=100
    )
    Assignment.objects.filter(task=tasks.b_task).update(work_hours=60)
    Baseline.objects.create(
        project=world.project_a,
        number=1,
        name="Plan",
        finish_at=_at(dt.date(2027, 6, 30), 17),
        cost="250000.00",
    )
    sign_in(page, "pmo", PASSWORD)
    page.click("nav.mainnav >> text=Dashboard")
    page.wait_for_selector("#dashboard")
    assert page.locator("#dashboard tbody tr").count() == 2
    assert page.locator("#control-note").count() == 0  # control gives the earned value
    page.click("#dashboard th >> text=Budget (BAC) / EAC")
    page.wait_for_selector("th[aria-sort=ascending]")
    page.select_option("select[name=pm]", label="Pm_B Tester")
    page.click("form.filters button")
    page.wait_for_selector("#dashboard tbody tr[data-project='PRJ-B']")
    assert page.locator("#dashboard tbody tr").count() == 1
    page.goto("/portfolio/dashboard/")
    shot(page, "dashboard")
    _phone(page, "dashboard")
    page.click("text=Resource load")
    page.fill("input[name=from]", "2027-01-04")
    page.fill("input[name=weeks]", "6")
    page.click("form.filters button[type=submit]")
    page.wait_for_selector("#heat-map svg")
    assert page.locator("#heat-map rect[data-over='1']").count() >= 1
    assert "Dev_A Tester" in page.locator("#over-capacity").inner_text()
    shot(page, "resource-load")
    _phone(page, "resource-load")
