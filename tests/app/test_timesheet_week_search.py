"""The week's grid at scale: *Add a task* is a search over the tasks one may log time on
(never another project's, never an un-assigned one unless the project allows it), the grid
reads only the week's tasks, and the page's query count does not grow with the rows."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from keystage.execution.services import timesheets as services
from keystage.planning.models import Assignment
from keystage.planning.services import wbs
from tests.app.timesheet_world import MONDAY, plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def tasks(world, monkeypatch):
    return plan(world, monkeypatch)


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _has(html: str, task) -> bool:
    return f'data-task="{task.public_id}"' in html


def _week(project) -> str:
    return f"/projects/{project.public_id}/timesheet/{MONDAY.isoformat()}/"


def test_the_search_finds_only_tasks_one_may_log_on(world, tasks, api):
    dev = _client(world.a["team_member"])
    url = _week(world.project_a) + "tasks/"

    def found(q: str) -> str:
        return dev.get(url, {"q": q}).content.decode()

    assert _has(found("t"), tasks.test) and not _has(found("t"), tasks.build)  # by name
    assert _has(found("2"), tasks.test)  # by WBS code
    assert not _has(found("Docs"), tasks.docs) and "ts-found-none" in found("Docs")  # unassigned
    assert not _has(found("Phase"), tasks.phase)  # a summary
    assert not _has(found("B"), tasks.b_task)  # another project
    assert dev.get(_week(world.project_b) + "tasks/", {"q": "B"}).status_code in (403, 404)
    sponsor = _client(world.a["sponsor"])
    assert sponsor.get(url, {"q": "t"}).status_code == 403  # records no time
    pm = world.a["project_manager"]
    services.settings_save(who=pm, project=world.project_a, version=None, allow_unassigned=True)
    assert _has(found("Doc"), tasks.docs)
    # the page without JavaScript: ?q= shows the same links, less the grid's rows
    page = dev.get(_week(world.project_a), {"q": "o"}).content.decode()
    assert f"?add={tasks.docs.public_id}" in page and f"?add={tasks.child.public_id}" not in page
    # the API's search: the same rule, a bounded limit
    base = f"/api/v1/projects/{world.project_a.public_id}/timesheets/tasks/"
    body = api(world.a["team_member"]).get(base, {"q": "doc"}).json()
    assert [t["name"] for t in body] == ["Docs"]
    assert len(api(world.a["team_member"]).get(base, {"limit": 2}).json()) == 2
    refused = api(world.a["team_member"]).get(base, {"limit": "500"})
    assert refused.status_code == 400 and "limit" in refused.json()["errors"]
    assert api(world.b["team_member"]).get(base).status_code == 404


def test_adding_a_row_is_checked_and_logs(world, tasks):
    dev = _client(world.a["team_member"])
    url = _week(world.project_a)
    added = dev.get(url, {"add": str(tasks.docs.public_id)}).content.decode()
    assert f'data-task="{tasks.docs.public_id}"' not in added  # not assigned: not added
    assert (
        f'data-task="{tasks.b_task.public_id}"'
        not in dev.get(url, {"add": str(tasks.b_task.public_id)}).content.decode()
    )
    assert dev.get(url, {"add": "not-an-id"}).status_code == 200
    pm = world.a["project_manager"]
    services.settings_save(who=pm, project=world.project_a, version=None, allow_unassigned=True)
    added = dev.get(url, {"add": str(tasks.docs.public_id)}).content.decode()
    assert f'data-task="{tasks.docs.public_id}"' in added and "not assigned" in added


def test_the_week_page_reads_a_constant_number_of_queries(world, tasks):
    pm, dev = world.a["project_manager"], world.a["team_member"]
    client = _client(dev)
    url = _week(world.project_a)

    def count() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    few = count()
    for i in range(20):
        task = wbs.task_create(who=pm, project=world.project_a, data={"name": f"More {i}"})
        Assignment.objects.create(project=world.project_a, task=task, person=dev)
    page = client.get(url).content.decode()
    assert "More 19" in page  # unscheduled, assigned: on the grid
    found = client.get(url + "tasks/", {"q": "More"}).content.decode()
    assert found.count("<li>") == 20 and "The first 20 matches" in found  # capped
    assert count() == few
    rows = {f"task-{i}": str(t.public_id) for i, t in enumerate([tasks.build, tasks.test])}
    client.post(url, {**rows, "h-0-0": "1"})
    with CaptureQueriesContext(connection) as two:
        client.post(url, {**rows, "h-0-0": "1", "h-1-0": "1", "version": "1"})
    more = list(Assignment.objects.filter(person=dev).select_related("task"))
    rows = {f"task-{i}": str(a.task.public_id) for i, a in enumerate(more)}
    cells = {f"h-{i}-1": "0.5" for i in range(len(more))}
    with CaptureQueriesContext(connection) as many:
        response = client.post(url, {**rows, **cells, "version": "2"})
    assert response.status_code == 302, response.content.decode()[:2000]
    assert len(many) == len(two)  # one query for the rows' tasks, whatever their number
