"""Journey (issue 15): the demo's ERP-CLOUD from Execution to Closed, in the browser.

Priya (project manager) submits the three open deliverables and records the customer's
acceptance (quality sign-offs); Dana (sponsor) passes the gate to Closing. Priya writes the
handover (the quality register's open defects listed with severity and status) and its
checklist; Chen, the receiving support lead, signs it off. Priya records the training and
its attendance; Elena submits her last week and Priya approves the outstanding time; the
last purchase is cancelled; Priya explains and reconciles the final budget, holds the review
with a lesson and issues the final report. Dana closes the project at the gate. Then editing
is refused, in the pages and through the API, and nothing changes
(screenshots in test-artifacts/browser/closing-demo-*.png)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from keystage.accounts.models import User
from keystage.closing.models import BudgetReconciliation, FinalReport, Handover, Lesson
from keystage.core.models import AuditEntry
from keystage.execution.models import Timesheet
from keystage.planning.models import Deliverable
from keystage.portfolio.models import Project
from keystage.quality.models import Criterion
from keystage.resources.models import ProcurementItem
from tests.browser.conftest import demo_project_manager, shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _as(page, username: str) -> None:
    page.context.clear_cookies()
    sign_in(page, username, PASSWORD)


def _gate(page, base: str, rationale: str) -> None:
    """The sponsor records a 'go' at the gate on the overview, every item done."""
    page.goto(base)
    assert page.locator("#gate-checklist li.missing").count() == 0, page.inner_text(
        "#gate-checklist"
    )
    page.check("input[name=outcome][value=go]")
    page.fill("textarea[name=rationale]", rationale)
    page.click("text=Record decision")
    page.wait_for_selector("text=Gate recorded")


def test_erp_cloud_from_execution_to_closed(page):
    project, priya = demo_project_manager("ERP-CLOUD", password=PASSWORD)
    for name in ("dana", "chen", "elena"):
        user = User.objects.get(username=name)
        user.set_password(PASSWORD)
        user.save()
    base = f"/projects/{project.public_id}/"
    assert project.stage == "execution"

    # 1. Priya submits the open deliverables for acceptance.
    _as(page, "priya")
    waiting = Deliverable.objects.filter(project=project).exclude(status="accepted")
    assert waiting.count() == 3
    for deliverable in waiting:
        page.goto(f"{base}scope/deliverables/{deliverable.public_id}/")
        page.select_option("main select[name=status]", "submitted")
        page.click("main button:text-is('Save')")
        page.wait_for_load_state()
    assert set(Deliverable.objects.filter(project=project).values_list("status", flat=True)) <= {
        "submitted",
        "accepted",
    }
    # ... and records Hannah's (the customer's) acceptance of each against its criteria.
    for deliverable in waiting:
        page.goto(f"{base}quality/")
        page.click(f"a[data-sign='{deliverable.name}']")
        page.wait_for_selector("#sign-off-form")
        for criterion in Criterion.objects.filter(deliverable=deliverable):
            page.check(f"input[name=met_{criterion.public_id}][value=met]")
        page.check("input[name=decision][value=accepted]")
        page.select_option("select[name=signed_by]", "u:hannah")
        page.fill("[name=comment]", f"{deliverable.name}: accepted at the acceptance review.")
        page.click("#sign-off-form button[type=submit]")
        page.wait_for_selector("#quality-plan")
    shot(page, "closing-demo-01-accepted")

    # 2. Dana, the sponsor, passes the gate to Closing.
    _as(page, "dana")
    _gate(page, base, "Every deliverable accepted by the business; start closing.")
    assert Project.objects.get(pk=project.pk).stage == "closing"

    # 3. The handover: details, the quality register's open defects, a checklist.
    _as(page, "priya")
    chen = User.objects.get(username="chen")
    page.goto(f"{base}handover/details/")
    page.select_option("select[name=support_lead]", str(priya.pk))
    page.click("main button[type=submit]")
    assert "cannot be a project manager" in page.inner_text("main")  # not her own lead
    page.select_option("select[name=support_lead]", str(chen.pk))
    page.select_option("select[name=support_model]", "hybrid")
    page.fill("[name=support_group]", "Northwind service desk (first line)")
    page.fill("[name=support_hours]", "Mon–Fri 07:00–19:00 CET")
    page.fill("[name=runbook_links]", "https://wiki.northwind.example/erp/runbook")
    page.click("main button[type=submit]")
    page.wait_for_selector("#open-defects")
    defects = page.locator("#open-defects tbody tr")
    assert defects.count() == 3  # DEF-1 critical, DEF-2 major, DEF-3 fixed but not verified
    assert "DEF-1" in defects.first.inner_text() and "Critical" in defects.first.inner_text()
    for title in ("ERP admin access for the service desk", "Runbook walkthrough held"):
        page.click("#add-item")
        page.fill("[name=title]", title)
        page.check("input[name=done]")
        page.click("main button[type=submit]")
        page.wait_for_selector("#checklist")
    assert "2 of 2 done" in page.inner_text("#checklist-h")
    shot(page, "closing-demo-02-handover")

    # Chen, the receiving support lead, signs it off.
    _as(page, "chen")
    page.goto(f"{base}handover/")
    page.fill("#sign input[name=comment]", "The service desk takes ERP over on Monday.")
    page.click("#sign-off")
    page.wait_for_selector("#signed-line")
    assert "Chen Wei" in page.inner_text("#signed-line")
    handover = Handover.objects.get(project=project)
    assert sorted(d["key"] for d in handover.handed_defects) == ["DEF-1", "DEF-2", "DEF-3"]

    # 4. Training: the users to train, a session, its attendance.
    _as(page, "priya")
    page.goto(f"{base}training/users/")
    page.fill("[name=users_to_train]", "3")
    page.click("main button[type=submit]")
    page.wait_for_selector("#completion")
    page.goto(f"{base}training/sessions/new/")
    page.fill("[name=title]", "ERP in the cloud for finance users")
    page.fill("[name=audience]", "Finance")
    page.fill("[name=session_date]", "2026-12-04")
    page.fill("[name=trainer]", "Jonas Keller")
    page.fill("[name=invited]", "3")
    page.click("main button[type=submit]")
    page.wait_for_selector("#completion")
    page.locator("a[href*='/attendance/']").first.click()
    page.wait_for_selector("#attendance-form")
    page.fill("[name=names]", "Finance user 1\nFinance user 2\nFinance user 3")
    page.click("#attendance-form button[type=submit]")
    page.wait_for_selector("#completion")
    assert "3 of 3" in page.inner_text("#completion")
    shot(page, "closing-demo-03-training")

    # 5. The outstanding time: Elena submits her week, Priya approves both weeks.
    _as(page, "elena")
    week = Timesheet.objects.get(project=project, person__username="elena", status="draft")
    page.goto(f"{base}timesheet/{week.week_start.isoformat()}/")
    page.click("#ts-submit")
    page.wait_for_selector("#ts-submitted")
    _as(page, "priya")
    page.goto(f"{base}timesheets/")
    page.wait_for_selector("#ts-queue article")
    for name in ("jonas", "elena"):
        page.click(f"#approve-{name}")
        page.wait_for_load_state()
    page.wait_for_selector("#ts-queue-empty")
    assert not Timesheet.objects.filter(project=project).exclude(status="approved").exists()
    # The purchase never ordered is cancelled.
    item = ProcurementItem.objects.get(project=project, status="requested")
    page.goto(f"{base}team/procurement/{item.public_id}/")
    page.select_option("main select[name=status]", "cancelled")
    page.click("main button:text-is('Save')")
    page.wait_for_load_state()
    assert ProcurementItem.objects.get(pk=item.pk).status == "cancelled"

    # 6. The final budget: each variance explained, then reconciled.
    page.goto(f"{base}closing/final-budget/")
    assert page.locator("#fb-pending").count() == 0
    for box in page.locator("textarea[id^=ex-]").all():
        box.fill("Explained at the closing review with finance.")
    page.fill("#release-note", "Unspent contingency returns to the IT portfolio fund.")
    page.click("text=Save the explanations")
    page.wait_for_selector("text=Explanations saved.")
    page.click("#fb-reconcile button")
    page.wait_for_selector("#fb-reconciled")
    assert BudgetReconciliation.objects.filter(project=project).count() == 1
    shot(page, "closing-demo-04-budget")

    # 7. The post-project review and a lesson.
    page.goto(f"{base}review/meeting/")
    page.fill("[name=held_on]", "2026-12-05")
    page.fill("[name=facilitator]", "Paula Moreno (PMO)")
    page.fill("[name=attendees]", "Priya Natarajan\nDana Whitfield\nChen Wei")
    page.fill("[name=went_well]", "The landing zone was accepted first time.")
    page.fill("[name=went_badly]", "The cut-over window moved twice.")
    page.click("main button[type=submit]")
    page.wait_for_selector("#lessons")
    page.goto(f"{base}review/lessons/new/")
    page.fill("[name=title]", "Book the cut-over window with the hosting vendor early")
    page.select_option("select[name=category]", "vendors")
    page.select_option("select[name=stage]", "execution")
    page.fill("[name=what_happened]", "The hosting vendor moved the cut-over window twice.")
    page.fill("[name=recommendation]", "Fix the window in the contract at planning.")
    page.fill("[name=tags]", "cloud, cut-over, vendor")
    page.click("main button[type=submit]")
    page.wait_for_selector("#lessons")
    assert Lesson.objects.filter(project=project).count() == 1
    shot(page, "closing-demo-05-review")

    # 8. The final report, issued.
    page.goto(f"{base}closing/final-report/")
    page.wait_for_selector("#fr-budget-h")
    page.click("#fr-issue button")
    page.wait_for_selector("#fr-frozen")
    assert FinalReport.objects.filter(project=project).count() == 1
    shot(page, "closing-demo-06-final-report")
    assert "DEF-1" in page.inner_text("#final-handed-defects")
    assert "book the cut-over window" in page.inner_text("#final-lessons").lower()
    assert "73 of 78 (94 %)" in page.inner_text("#fr-quality")  # a rate, not 9359 %

    # 9. Dana closes the project at the gate.
    _as(page, "dana")
    _gate(page, base, "Accepted, handed over, reconciled and reported: close ERP-CLOUD.")
    closed = Project.objects.get(pk=project.pk)
    assert (closed.stage, closed.status) == ("closed", "completed")
    shot(page, "closing-demo-07-closed")

    # 10. Read-only: the pages refuse, the API refuses, nothing is written.
    _as(page, "priya")
    journal = AuditEntry.objects.count()
    page.goto(base + "edit/")
    assert "ERP-CLOUD is closed; its records can be read but not changed." in page.inner_text(
        "main"
    )
    page.goto(f"{base}review/lessons/new/")
    assert "ERP-CLOUD is closed" in page.inner_text("main")
    shot(page, "closing-demo-08-edit-refused")
    page.goto(f"{base}closing/final-reports/1/")
    assert "Final report 1, issued" in page.locator("#fr-frozen").inner_text()
    api = APIClient()
    api.force_authenticate(priya)
    url = f"/api/v1/projects/{project.public_id}/"
    refused = api.patch(url, {"name": "Renamed", "version": closed.version}, format="json")
    assert refused.status_code in (403, 409), refused.content
    assert "closed" in refused.content.decode()
    lesson = api.post(url + "lessons/", {"title": "Late"}, format="json")
    assert lesson.status_code in (403, 409), lesson.content
    assert Project.objects.get(pk=project.pk).name == closed.name
    assert AuditEntry.objects.count() == journal
