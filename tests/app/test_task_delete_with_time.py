"""A task with time logged on it (any status) is never deleted: the plan's page, the REST API
and the delete of a summary with such a sub-task all refuse with a 400 naming the task, and
nothing is removed. A task without time still goes."""

from __future__ import annotations

import pytest
from django.db.models import RestrictedError
from django.test import Client

from keystage.execution.models import TimeEntry
from keystage.execution.services import timesheets as services
from keystage.planning.models import Task
from tests.app.timesheet_world import MONDAY, plan

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def tasks(world, monkeypatch):
    found = plan(world, monkeypatch)
    services.time_entry_create(
        who=world.a["team_member"],
        project=world.project_a,
        data={"task": found.child, "day": MONDAY, "hours": "3.5"},
    )
    return found


def _page_delete(world, task) -> Client:
    client = Client()
    client.force_login(world.a["project_manager"])
    task.refresh_from_db()
    return client.post(
        f"/projects/{world.project_a.public_id}/plan/tasks/{task.public_id}/delete/",
        {"version": task.version},
        **HX,
    )


def test_the_page_refuses_a_task_or_summary_with_time(world, tasks):
    for task in (tasks.child, tasks.phase):  # the leaf with time, its summary
        response = _page_delete(world, task)
        html = response.content.decode()
        assert response.status_code == 400, html[:500]
        assert "cannot be deleted: 1 time entry is (3.5 h)" in html
    assert Task.objects.filter(pk__in=[tasks.child.pk, tasks.phase.pk]).count() == 2
    assert TimeEntry.objects.count() == 1
    assert _page_delete(world, tasks.docs).status_code == 200  # no time: deleted
    assert not Task.objects.filter(pk=tasks.docs.pk).exists()


def test_the_api_refuses_with_a_field_message(world, tasks, api):
    pm = api(world.a["project_manager"])
    tasks.child.refresh_from_db()
    url = f"/api/v1/projects/{world.project_a.public_id}/tasks/{tasks.child.public_id}/"
    refused = pm.delete(url, HTTP_IF_MATCH=str(tasks.child.version))
    assert refused.status_code == 400
    assert "cannot be deleted" in refused.json()["errors"]["task"][0]
    assert Task.objects.filter(pk=tasks.child.pk).exists() and TimeEntry.objects.count() == 1


def test_the_database_restricts_any_other_delete_path(world, tasks):
    with pytest.raises(RestrictedError):
        Task.objects.filter(pk=tasks.child.pk).delete()
    assert TimeEntry.objects.count() == 1
