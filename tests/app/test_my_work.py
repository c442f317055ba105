"""*My work*: the selector (this week's tasks, overdue first), its API, the page's one-click
progress and today's time through the existing services, access and the query count."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from keystage.core.models import AuditEntry
from keystage.execution.models import TimeEntry
from keystage.execution.selectors.my_work import my_work
from keystage.execution.services import my_work as my_work_services
from keystage.execution.services import progress, timesheets
from keystage.planning.models import Assignment, Task
from keystage.planning.services import wbs
from keystage.portfolio import services as portfolio
from keystage.portfolio.models import ProjectMembership
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

TODAY = dt.date(2027, 1, 20)  # a Wednesday; the test projects start on Monday 4 January 2027


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr(progress, "today", lambda: TODAY)
    monkeypatch.setattr(timesheets, "today", lambda: TODAY)


def _task(world, name, days, project=None, **data):
    project = project or world.project_a
    pm = (world.a if project == world.project_a else world.b)["project_manager"]
    return wbs.task_create(
        who=pm, project=project, data={"name": name, "duration_minutes": days * 480, **data}
    )


def _assign(task, person, hours=None):
    Assignment.objects.create(project=task.project, task=task, person=person, work_hours=hours)


@pytest.fixture
def plan(world):
    """dev_a: Late (4–8 Jan, overdue), Long (4 Jan – 12 Feb), Next (from Fri 22 Jan),
    Later (from next Monday), Finished (done); Other is unassigned; dev_b works on B."""
    dev = world.a["team_member"]
    tasks = {
        "late": _task(world, "Late", 5),
        "long": _task(world, "Long", 30),
        "next": _task(world, "Next", 2, constraint_type="SNET", constraint_date="2027-01-22"),
        "later": _task(world, "Later", 2, constraint_type="SNET", constraint_date="2027-01-25"),
        "finished": _task(world, "Finished", 1),
        "other": _task(world, "Other", 1),
        "b": _task(world, "B secret", 30, project=world.project_b),
    }
    for key in ("late", "long", "next", "later", "finished"):
        _assign(tasks[key], dev, hours=Decimal("40") if key == "long" else None)
    _assign(tasks["b"], world.b["team_member"])
    done = tasks["finished"]
    progress.update_progress(
        who=world.a["project_manager"],
        task_id=done.public_id,
        version=done.version,
        data={"actual_start": "2027-01-04", "actual_finish": "2027-01-04"},
    )
    for t in tasks.values():
        t.refresh_from_db()
    return tasks


def _names(work):
    return [r.task.name for r in work.rows]


def test_this_weeks_tasks_overdue_first_with_remaining_work(world, plan):
    work = my_work(world.a["team_member"])
    assert (work.week_start, work.week_end) == (dt.date(2027, 1, 18), dt.date(2027, 1, 24))
    assert _names(work) == ["Late", "Long", "Next"]  # not Later (next week), Finished, Other
    late, long, nxt = work.rows
    assert late.overdue and not long.overdue and not nxt.overdue
    assert work.overdue_count == 1
    assert (long.planned_hours, long.remaining_hours) == (Decimal("40"), Decimal("40.00"))
    assert late.planned_start < late.planned_finish < TODAY < long.planned_finish
    assert all(r.can_progress and r.can_log for r in work.rows)
    # progress lowers the remaining work and puts work in progress before unstarted work
    progress.update_progress(
        who=world.a["team_member"],
        task_id=plan["next"].public_id,
        version=plan["next"].version,
        data={"actual_start": "2027-01-20", "percent_complete": 25},
    )
    work = my_work(world.a["team_member"])
    keys = [(not r.overdue, r.status != "in_progress") for r in work.rows]
    assert keys == sorted(keys) and len(keys) == 3
    assert next(r for r in work.rows if r.task.name == "Next").status == "in_progress"


def test_a_member_of_a_never_sees_b_and_leaves_with_the_membership(world, plan):
    assert "B secret" not in _names(my_work(world.a["team_member"]))
    assert _names(my_work(world.b["team_member"])) == ["B secret"]
    assert _names(my_work(world.outsider)) == []
    # dev_a joins B, is assigned, then leaves: B's task goes with the membership
    dev = world.a["team_member"]
    portfolio.member_add(who=world.admin, project=world.project_b, user=dev, role="team_member")
    _assign(plan["b"], dev)
    assert "B secret" in _names(my_work(dev))
    membership = ProjectMembership.objects.get(project=world.project_b, user=dev)
    portfolio.member_remove(who=world.admin, membership=membership, version=membership.version)
    assert "B secret" not in _names(my_work(dev))


def test_query_count_does_not_grow_with_projects_and_tasks(world, plan, client):
    dev = world.a["team_member"]
    client.login(username=dev.username, password=PASSWORD)
    with CaptureQueriesContext(connection) as few:
        assert len(my_work(dev).rows) == 3
    with CaptureQueriesContext(connection) as few_page:
        client.get(reverse("execution:my-work"))
    portfolio.member_add(who=world.admin, project=world.project_b, user=dev, role="team_member")
    for i in range(12):
        _assign(_task(world, f"B{i}", 3, project=world.project_b), dev)
        _assign(_task(world, f"A{i}", 3), dev)
    my_work_services.log_today(who=dev, task_id=plan["long"].public_id, hours="2")
    with CaptureQueriesContext(connection) as many:
        assert len(my_work(dev).rows) == 27
    with CaptureQueriesContext(connection) as many_page:
        response = client.get(reverse("execution:my-work"))
    assert response.status_code == 200
    assert len(few) == len(many) == 5
    assert len(many_page) == len(few_page)


def test_api_gives_the_same_rows(world, plan, api):
    dev = world.a["team_member"]
    my_work_services.log_today(who=dev, task_id=plan["long"].public_id, hours="1.5", note="x")
    body = api(dev).get("/api/v1/me/work/").json()
    assert body["today"] == "2027-01-20" and body["overdue_count"] == 1
    assert [r["name"] for r in body["rows"]] == ["Late", "Long", "Next"]
    long = body["rows"][1]
    assert long["project_code"] == "PRJ-A" and long["remaining_hours"] == "40.00"
    assert long["today_hours"] == "1.50" and long["today_entry_version"] >= 1
    assert body["rows"][0]["today_hours"] is None and body["rows"][0]["overdue"] is True
    assert api(world.b["team_member"]).get("/api/v1/me/work/").json()["rows"][0]["name"] == (
        "B secret"
    )
    assert api().get("/api/v1/me/work/").status_code in (401, 403)


def test_log_today_creates_changes_and_removes_the_entry(world, plan):
    dev = world.a["team_member"]
    entry = my_work_services.log_today(who=dev, task_id=plan["late"].public_id, hours="3")
    assert (entry.day, entry.hours, entry.timesheet.week_start) == (
        TODAY,
        Decimal("3"),
        dt.date(2027, 1, 18),
    )
    from keystage.core.errors import Conflict, InvalidInput, NotFound, VersionRequired

    with pytest.raises(VersionRequired):
        my_work_services.log_today(who=dev, task_id=plan["late"].public_id, hours="4")
    with pytest.raises(Conflict):
        my_work_services.log_today(
            who=dev, task_id=plan["late"].public_id, hours="4", version=entry.version + 5
        )
    changed = my_work_services.log_today(
        who=dev, task_id=plan["late"].public_id, hours="4", version=entry.version
    )
    assert changed.hours == Decimal("4") and TimeEntry.objects.count() == 1
    with pytest.raises(InvalidInput) as caught:
        my_work_services.log_today(who=dev, task_id=plan["long"].public_id, hours="21")
    assert "24" in " ".join(caught.value.errors["hours"])
    with pytest.raises(NotFound):  # B's task: not even its existence
        my_work_services.log_today(who=dev, task_id=plan["b"].public_id, hours="1")
    assert (
        my_work_services.log_today(
            who=dev, task_id=plan["late"].public_id, hours="0", version=changed.version
        )
        is None
    )
    assert TimeEntry.objects.count() == 0


def _login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_page_lists_marks_overdue_and_links_the_timesheet_week(world, plan, client):
    _login(client, world.a["team_member"])
    html = client.get(reverse("execution:my-work")).content.decode()
    assert html.index("Late") < html.index("Long") < html.index("Next")
    assert "⚠ Overdue" in html and "B secret" not in html and "Later" not in html
    week = reverse("execution:timesheet-week", args=[world.project_a.public_id, "2027-01-18"])
    assert week in html
    assert 'href="/my-work/"' in html and "My work</a>" in html  # the main navigation


def test_page_start_done_and_progress_form(world, plan, client):
    _login(client, world.a["team_member"])
    nxt = plan["next"]
    url = reverse("execution:my-work-progress", args=[nxt.public_id])
    response = client.post(url, {"action": "start", "version": nxt.version})
    assert response.status_code == 302
    nxt.refresh_from_db()
    assert nxt.actual_start == TODAY and nxt.progress_status == "in_progress"
    response = client.post(
        url,
        {"action": "save", "percent_complete": "50", "version": nxt.version},
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 200 and "Progress on &#x27;Next&#x27; saved." in response.text
    nxt.refresh_from_db()
    assert nxt.percent_complete == 50
    # bad input: a finish before the start, shown on the row with 400, nothing written
    journal = AuditEntry.objects.count()
    response = client.post(
        url,
        {
            "action": "save",
            "actual_start": "2027-01-19",
            "actual_finish": "2027-01-10",
            "version": nxt.version,
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 400 and "before the actual start" in response.text
    assert AuditEntry.objects.count() == journal
    # stale version: 409
    response = client.post(url, {"action": "done", "version": nxt.version - 1})
    assert response.status_code == 409
    response = client.post(url, {"action": "done", "version": nxt.version})
    nxt.refresh_from_db()
    assert nxt.actual_finish == TODAY and nxt.percent_complete == 100
    # B's task is not found, and nothing of B changes
    b = plan["b"]
    assert (
        client.post(
            reverse("execution:my-work-progress", args=[b.public_id]),
            {"action": "start", "version": b.version},
        ).status_code
        == 404
    )
    assert Task.objects.get(pk=b.pk).actual_start is None


def test_page_logs_time_today_and_shows_errors(world, plan, client):
    _login(client, world.a["team_member"])
    late = plan["late"]
    url = reverse("execution:my-work-time", args=[late.public_id])
    response = client.post(url, {"hours": "2.5", "note": "fixing"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and "Logged 2.5 h today" in response.text
    entry = TimeEntry.objects.get()
    assert (entry.hours, entry.note, entry.day) == (Decimal("2.5"), "fixing", TODAY)
    response = client.post(url, {"hours": "30"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 400 and 'value="30"' in response.text
    response = client.post(url, {"hours": "3", "version": entry.version + 1})
    assert response.status_code == 409
    response = client.post(url, {"hours": "3", "version": entry.version})
    assert response.status_code == 302
    assert TimeEntry.objects.get().hours == Decimal("3")
    b_url = reverse("execution:my-work-time", args=[plan["b"].public_id])
    assert client.post(b_url, {"hours": "1"}).status_code == 404
    assert TimeEntry.objects.count() == 1


def test_pages_and_api_offsets_keep_the_order(world, plan, client, api, monkeypatch):
    from keystage.execution.views import my_work as views

    monkeypatch.setattr(views, "PAGE_SIZE", 2)
    dev = world.a["team_member"]
    _login(client, dev)
    first = client.get(reverse("execution:my-work")).content.decode()
    second = client.get(reverse("execution:my-work") + "?page=2").content.decode()
    assert "Tasks 1–2 of 3" in first and "Late" in first and ">Next<" not in first
    assert "Tasks 3–3 of 3" in second and ">Next<" in second and ">Late<" not in second
    body = api(dev).get("/api/v1/me/work/?offset=1&limit=1").json()
    assert (body["total"], body["offset"], body["overdue_count"]) == (3, 1, 1)
    assert [r["name"] for r in body["rows"]] == ["Long"]
    refused = api(dev).get("/api/v1/me/work/?limit=0")
    assert refused.status_code == 400 and "limit" in refused.json()["errors"]


def test_the_week_grid_shows_the_weeks_tasks_and_offers_the_others(world, plan):
    from keystage.execution.selectors.timesheets import task_search, week_view

    dev = world.a["team_member"]
    week = week_view(who=dev, project=world.project_a, day=TODAY)
    assert [r.task.name for r in week.rows] == ["Late", "Long", "Next"]
    shown = {r.task.pk for r in week.rows}
    found = task_search(who=dev, project=world.project_a, exclude=shown)
    assert {t.name for t in found} == {"Later", "Finished"}  # assigned, other weeks
    my_work_services.log_today(who=dev, task_id=plan["finished"].public_id, hours="1")
    week = week_view(who=dev, project=world.project_a, day=TODAY)
    assert "Finished" in [r.task.name for r in week.rows]  # time logged: it has a row
    shown = {r.task.pk for r in week.rows}
    assert [t.name for t in task_search(who=dev, project=world.project_a, exclude=shown)] == [
        "Later"
    ]
    later_week = week_view(who=dev, project=world.project_a, day=dt.date(2027, 1, 25))
    assert "Later" in [r.task.name for r in later_week.rows]
