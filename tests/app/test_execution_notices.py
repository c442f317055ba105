"""Execution's notifications: ``timesheet_decided`` when a week is approved or rejected,
``predecessor_finished`` when a task gets its actual finish (issue 12 item 8)."""

from __future__ import annotations

import datetime as dt

import pytest

from keystage.core.errors import InvalidInput
from keystage.execution.models import Timesheet
from keystage.execution.services import progress
from keystage.execution.services import timesheets as services
from keystage.notifications.models import Notification
from keystage.notifications.services import preferences_save
from keystage.planning.models import Assignment
from keystage.planning.services import dependencies, wbs
from tests.app.timesheet_world import MONDAY, plan

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 2, 15)


def _queued_mail() -> int:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.count()


def _notices(user, kind):
    return list(Notification.objects.filter(recipient=user, kind=kind).order_by("created_at"))


# ------------------------------------------------------------------ timesheets


@pytest.fixture
def submitted(world, monkeypatch):
    tasks = plan(world, monkeypatch)
    entry = services.time_entry_create(
        who=world.a["team_member"],
        project=world.project_a,
        data={"task": str(tasks.build.public_id), "day": MONDAY, "hours": "6", "note": ""},
    )
    sheet = Timesheet.objects.get(pk=entry.timesheet_id)
    return services.timesheet_submit(
        who=world.a["team_member"], timesheet=sheet, version=sheet.version
    )


def test_approval_tells_the_person_with_a_link_to_the_week(
    world, submitted, django_capture_on_commit_callbacks
):
    dev, pm = world.a["team_member"], world.a["project_manager"]
    with django_capture_on_commit_callbacks(execute=True):
        services.timesheet_approve(who=pm, timesheet=submitted, version=submitted.version)
    [notice] = _notices(dev, "timesheet_decided")
    assert "approved your week of Mon 11 Jan 2027 in PRJ-A" in notice.text
    assert notice.project == world.project_a
    assert notice.url == f"/projects/{world.project_a.public_id}/timesheet/2027-01-11/"
    assert _notices(pm, "timesheet_decided") == []  # never the one who decided
    assert _queued_mail() == 1  # e-mail on by default, after the commit


def test_rejection_carries_the_reason_and_respects_the_mail_preference(
    world, submitted, django_capture_on_commit_callbacks
):
    dev, pm = world.a["team_member"], world.a["project_manager"]
    preferences_save(who=dev, email={"timesheet_decided": False})
    with pytest.raises(InvalidInput):
        services.timesheet_reject(who=pm, timesheet=submitted, version=submitted.version, reason="")
    assert _notices(dev, "timesheet_decided") == []  # a refused decision tells nobody
    with django_capture_on_commit_callbacks(execute=True):
        services.timesheet_reject(
            who=pm, timesheet=submitted, version=submitted.version, reason="Build was Tuesday"
        )
    [notice] = _notices(dev, "timesheet_decided")
    assert "rejected your week" in notice.text and notice.text.endswith(": Build was Tuesday")
    assert _queued_mail() == 0  # in-app only: e-mail is off for this kind


def test_decisions_over_the_api_notify_too(world, submitted, api):
    url = f"/api/v1/projects/{world.project_a.public_id}/timesheets/{submitted.public_id}/"
    answer = api(world.a["project_manager"]).post(
        url + "reject/", {"reason": "Split it", "version": submitted.version}, format="json"
    )
    assert answer.status_code == 200, answer.content
    [notice] = _notices(world.a["team_member"], "timesheet_decided")
    assert "Split it" in notice.text
    assert Notification.objects.count() == 1


# ------------------------------------------------------------------ progress


@pytest.fixture
def chain(world, monkeypatch):
    """Design → Build and Design → Review in A; the team member is on Design, Build and
    Unlinked (no link), the PM on Review."""
    monkeypatch.setattr(progress, "today", lambda: TODAY)
    pm = world.a["project_manager"]
    made = {
        name: wbs.task_create(
            who=pm, project=world.project_a, data={"name": name, "duration_minutes": 2400}
        )
        for name in ("Design", "Build", "Review", "Unlinked")
    }
    for succ in ("Build", "Review"):
        dependencies.dependency_create(
            who=pm,
            project=world.project_a,
            predecessor_id=made["Design"].public_id,
            successor_id=made[succ].public_id,
            data={"type": "FS", "lag_minutes": 0},
        )
    dev = world.a["team_member"]
    for name, person in (("Design", dev), ("Build", dev), ("Review", pm), ("Unlinked", dev)):
        Assignment.objects.create(project=world.project_a, task=made[name], person=person)
    return made


def _update(who, task, **data):
    task.refresh_from_db()
    return progress.update_progress(
        who=who, task_id=task.public_id, version=task.version, data=data
    )


def test_finishing_a_task_tells_its_successors_assignees(world, chain):
    dev, pm = world.a["team_member"], world.a["project_manager"]
    _update(dev, chain["Design"], actual_start=dt.date(2027, 2, 1), percent_complete=50)
    assert Notification.objects.filter(kind="predecessor_finished").count() == 0  # not finished
    _update(
        dev, chain["Design"], actual_start=dt.date(2027, 2, 1), actual_finish=dt.date(2027, 2, 5)
    )
    # The team member finished it: only the PM (on Review) hears; the actor never does.
    [notice] = _notices(pm, "predecessor_finished")
    assert notice.text == "'Design' finished on 05 Feb 2027: 'Review' in PRJ-A can go ahead"
    assert str(chain["Review"].public_id) in notice.url
    assert _notices(dev, "predecessor_finished") == []


def test_pm_finishing_tells_each_successor_once_and_only_the_first_time(world, chain):
    dev, pm = world.a["team_member"], world.a["project_manager"]
    _update(
        pm, chain["Design"], actual_start=dt.date(2027, 2, 1), actual_finish=dt.date(2027, 2, 4)
    )
    [notice] = _notices(dev, "predecessor_finished")
    assert "'Build' in PRJ-A" in notice.text  # not about Unlinked, which does not wait on it
    # Moving the finish of a finished task is a correction, not a new finish.
    _update(pm, chain["Design"], actual_finish=dt.date(2027, 2, 5))
    assert Notification.objects.filter(kind="predecessor_finished").count() == 1
    # Nobody of project B hears about A's tasks.
    assert not Notification.objects.filter(recipient__in=world.b.values()).exists()


def test_finishing_through_the_api_notifies(world, chain, api):
    task = chain["Design"]
    task.refresh_from_db()
    url = f"/api/v1/projects/{world.project_a.public_id}/tasks/{task.public_id}/progress/"
    answer = api(world.a["project_manager"]).patch(
        url,
        {"actual_start": "2027-02-01", "actual_finish": "2027-02-03", "version": task.version},
        format="json",
    )
    assert answer.status_code == 200, answer.content
    assert len(_notices(world.a["team_member"], "predecessor_finished")) == 1
