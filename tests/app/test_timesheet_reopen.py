"""The project manager reopens an approved week with a reason (page and API): journaled, its
owner notified, the week editable again (its approved price dropped), then submitted and
approved again. Refused: without a reason, a week not approved, one's own week, anyone but
the project's manager, a stale version."""

from __future__ import annotations

import pytest
from django.test import Client

from keystage.core.models import AuditEntry
from keystage.execution.models import TimeEntry, Timesheet
from keystage.execution.services import timesheets as services
from keystage.notifications.models import Notification
from tests.app.timesheet_world import MONDAY, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(world, monkeypatch):
    tasks = plan(world, monkeypatch)
    dev, pm = world.a["team_member"], world.a["project_manager"]
    rows = [services.GridRow(str(tasks.build.public_id), ["8", "8", "", "", "", "", ""], "")]
    sheet = services.week_save(
        who=dev, project=world.project_a, week=MONDAY, version=None, rows=rows
    )
    sheet = services.timesheet_submit(who=dev, timesheet=sheet, version=sheet.version)
    return services.timesheet_approve(who=pm, timesheet=sheet, version=sheet.version)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_manager_reopens_from_the_page_and_the_owner_resubmits(world, approved):
    dev, pm = world.a["team_member"], world.a["project_manager"]
    queue = f"/projects/{world.project_a.public_id}/timesheets/"
    page = _client(pm).get(queue).content.decode()
    assert f"reopen-dev_a-{MONDAY.isoformat()}" in page
    decide = f"{queue}{approved.public_id}/decide/"
    body = {"action": "reopen", "version": approved.version}
    no_reason = _client(pm).post(decide, {**body, "reason": "  "})
    assert (
        no_reason.status_code == 400
        and "Say why the week is reopened" in no_reason.content.decode()
    )
    assert _client(dev).post(decide, {**body, "reason": "x"}).status_code == 403
    done = _client(pm).post(decide, {**body, "reason": "Build was 6 h on Monday"})
    assert done.status_code == 302
    sheet = Timesheet.objects.get()
    assert (sheet.status, sheet.reason, sheet.decided_by) == (
        "reopened",
        "Build was 6 h on Monday",
        pm,
    )
    assert set(TimeEntry.objects.values_list("amount", flat=True)) == {None}  # not approved now
    journal = AuditEntry.objects.filter(summary__startswith="Reopened the week").get()
    assert "Build was 6 h on Monday" in journal.summary and journal.changes["status"] == [
        "approved",
        "reopened",
    ]
    notice = Notification.objects.filter(recipient=dev).latest("created_at")
    assert "reopened your approved week" in notice.text and "6 h on Monday" in notice.text
    week = f"/projects/{world.project_a.public_id}/timesheet/{MONDAY.isoformat()}/"
    shown = _client(dev).get(week).content.decode()
    assert 'id="ts-reopened"' in shown and "ts-cell" in shown  # editable again
    saved = _client(dev).post(
        week,
        {
            "task-0": str(approved.entries.first().task.public_id),
            "h-0-0": "6",
            "h-0-1": "8",
            "version": str(sheet.version),
        },
    )
    assert saved.status_code == 302
    sheet.refresh_from_db()
    submit = f"{week}submit/"
    assert _client(dev).post(submit, {"version": str(sheet.version)}).status_code == 302
    sheet.refresh_from_db()
    assert sheet.status == "submitted"
    services.timesheet_approve(who=pm, timesheet=sheet, version=sheet.version)
    assert sorted(TimeEntry.objects.values_list("amount", flat=True)) == [480, 640]  # × 80


def test_the_api_reopens_with_the_same_rules(world, approved, api):
    url = f"/api/v1/projects/{world.project_a.public_id}/timesheets/{approved.public_id}/reopen/"
    pm = api(world.a["project_manager"])
    assert pm.post(url, {"reason": "x"}, format="json").status_code == 428
    stale = pm.post(url, {"reason": "x", "version": approved.version + 3}, format="json")
    assert stale.status_code == 409
    blank = pm.post(url, {"reason": "", "version": approved.version}, format="json")
    assert blank.status_code == 400 and "reason" in blank.json()["errors"]
    assert (
        api(world.a["team_member"])
        .post(url, {"reason": "x", "version": approved.version}, format="json")
        .status_code
        == 403
    )
    assert (
        api(world.b["project_manager"])
        .post(url, {"reason": "x", "version": approved.version}, format="json")
        .status_code
        == 404
    )
    done = pm.post(url, {"reason": "Wrong task", "version": approved.version}, format="json")
    assert done.status_code == 200 and done.json()["status"] == "reopened"
    again = pm.post(url, {"reason": "x", "version": done.json()["version"]}, format="json")
    assert (
        again.status_code == 400 and "Only an approved week" in again.json()["errors"]["status"][0]
    )
    assert Timesheet.objects.filter(status="reopened").count() == 1


def test_nobody_reopens_their_own_week(world, monkeypatch, api):
    tasks = plan(world, monkeypatch)
    pm, admin = world.a["project_manager"], world.admin
    rows = [services.GridRow(str(tasks.build.public_id), ["2", "", "", "", "", "", ""], "")]
    sheet = services.week_save(
        who=pm, project=world.project_a, week=MONDAY, version=None, rows=rows
    )
    sheet = services.timesheet_submit(who=pm, timesheet=sheet, version=sheet.version)
    sheet = services.timesheet_approve(who=admin, timesheet=sheet, version=sheet.version)
    url = f"/api/v1/projects/{world.project_a.public_id}/timesheets/{sheet.public_id}/reopen/"
    own = api(pm).post(url, {"reason": "mine", "version": sheet.version}, format="json")
    assert own.status_code == 403 and "own" in own.json()["detail"]
    by_admin = api(admin).post(url, {"reason": "typo", "version": sheet.version}, format="json")
    assert by_admin.status_code == 200 and by_admin.json()["status"] == "reopened"
