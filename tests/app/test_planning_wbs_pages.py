"""The plan table page over HTTP: rendering in WBS order, cell edits through the services
(each answers with the rescheduled table body), outline commands, insert and delete, the
calendar, read-only roles, outsiders, stale versions, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
import html as htmllib
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from keystage.core.models import AuditEntry
from keystage.planning.models import Dependency, Holiday, ProjectCalendar, Task
from keystage.planning.services import wbs

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
DAY = 480


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def url(world, rest: str = "") -> str:
    return f"/projects/{world.project_a.public_id}/plan/{rest}"


def plan(world) -> dict[str, Task]:
    """Phase (Design 2d → Build 3d, Test 2d SS+1d after Build), then the Go live milestone."""
    rows = [
        {"outline_level": 1, "name": "Phase"},
        {"outline_level": 2, "name": "Design", "duration_minutes": 2 * DAY},
        {"outline_level": 2, "name": "Build", "duration_minutes": 3 * DAY, "work_hours": 40},
        {"outline_level": 2, "name": "Test", "duration_minutes": 2 * DAY, "work_hours": 12},
        {"outline_level": 1, "name": "Go live", "kind": "milestone", "duration_minutes": 0},
    ]
    links = [(1, 2, "FS", 0), (2, 3, "SS", DAY), (3, 4, "FS", 0)]
    wbs.plan_append(who=world.a["project_manager"], project=world.project_a, rows=rows, links=links)
    return {t.name: t for t in Task.objects.filter(project=world.project_a)}


def cell(client, world, task, field, value, version=None, **extra):
    """POST one cell edit the way the page's script does (htmx, with the row's version)."""
    task.refresh_from_db()
    data = {"field": field, "value": value, "version": task.version if version is None else version}
    return client.post(url(world, f"tasks/{task.public_id}/cell/"), {**data, **extra}, **HX)


def row_html(html: str, name: str) -> str:
    """The <tr> of the task called ``name``."""
    match = re.search(
        rf'<tr data-task="[^"]+"[^>]*data-name="{re.escape(name)}".*?</tr>', html, re.S
    )
    assert match, f"no row for {name}"
    return match.group(0)


def cell_text(html: str, name: str, field: str) -> str:
    """The visible text of one cell of a row (tags stripped)."""
    match = re.search(rf'<td[^>]*data-field="{field}"[^>]*>(.*?)</td>', row_html(html, name), re.S)
    assert match, f"no {field} cell for {name}"
    return htmllib.unescape(re.sub(r"<[^>]+>", "", match.group(1))).strip()


# ------------------------------------------------------------------ rendering


def test_the_table_shows_the_plan_in_wbs_order(world):
    plan(world)
    response = signed_in(world.a["project_manager"]).get(url(world))
    assert response.status_code == 200
    html = response.content.decode()
    names = re.findall(r'<tr data-task="[^"]+"[^>]*data-name="([^"]+)"', html)
    assert names == ["Phase", "Design", "Build", "Test", "Go live"]
    assert [cell_text(html, n, "wbs") for n in names] == ["1", "1.1", "1.2", "1.3", "2"]
    assert cell_text(html, "Build", "predecessors") == "2"
    assert cell_text(html, "Test", "predecessors") == "3SS+1d"
    assert cell_text(html, "Go live", "predecessors") == "4"
    assert cell_text(html, "Build", "duration") == "3d"
    assert cell_text(html, "Go live", "duration") == "0d"
    assert "Milestone" in cell_text(html, "Go live", "kind")
    # The summary rolls up: Mon 4 – Fri 8 Jan 2027 is five working days, work 40h + 12h.
    assert cell_text(html, "Phase", "duration") == "5d"
    assert cell_text(html, "Phase", "work") == "52h"
    assert cell_text(html, "Phase", "start") == "Mon 4 Jan 27"
    assert cell_text(html, "Phase", "finish") == "Fri 8 Jan 27"
    assert 'class="summary' in row_html(html, "Phase")
    assert "lvl-2" in row_html(html, "Design")
    # Design → Build → Test's finish → Go live is the critical path; Test has float.
    assert "critical" in row_html(html, "Build").split(">")[0]
    assert cell_text(html, "Build", "critical") == "Yes"
    assert cell_text(html, "Test", "float") == "0d"
    assert cell_text(html, "Design", "constraint") == "ASAP"
    # The project manager gets the editors, the toolbar, the help line and the script.
    assert 'data-edit="text"' in row_html(html, "Design")
    assert 'id="wbs-toolbar"' in html and "new task <strong>below</strong>" in html
    assert "planning/wbs.js" in html
    assert f'href="{url(world)}" aria-current="page">Plan</a>' in html


def test_an_empty_plan_invites_the_first_task(world):
    html = signed_in(world.a["project_manager"]).get(url(world)).content.decode()
    assert "No tasks yet." in html and "Insert task" in html


# ---------------------------------------------------------------- cell edits


def test_rename_answers_with_the_table_body(world):
    tasks = plan(world)
    client = signed_in(world.a["project_manager"])
    response = cell(client, world, tasks["Design"], "name", "Detailed design")
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith('<tbody id="wbs-body"') and "<html" not in html
    assert 'data-name="Detailed design"' in html
    assert 'id="wbs-status"' in html and "name saved" in html  # out-of-band status line
    assert 'id="wbs-summary"' in html
    design = Task.objects.get(pk=tasks["Design"].pk)
    assert (design.name, design.version) == ("Detailed design", tasks["Design"].version + 1)
    entry = AuditEntry.objects.filter(object_id=design.public_id).latest("at")
    assert entry.changes["name"] == ["Design", "Detailed design"]


def test_duration_reschedules_every_row_it_moves(world):
    tasks = plan(world)
    client = signed_in(world.a["project_manager"])
    response = cell(client, world, tasks["Design"], "duration", "4d")
    assert response.status_code == 200
    html = response.content.decode()
    assert cell_text(html, "Design", "duration") == "4d"
    assert cell_text(html, "Build", "start") == "Fri 8 Jan 27"  # two days later
    assert cell_text(html, "Phase", "duration") == "7d"
    assert cell_text(html, "Go live", "finish") == "Tue 12 Jan 27"
    assert cell(client, world, tasks["Design"], "duration", "2.5").status_code == 200
    assert Task.objects.get(pk=tasks["Design"].pk).duration_minutes == 1200
    assert cell(client, world, tasks["Design"], "duration", "4h").status_code == 200
    assert Task.objects.get(pk=tasks["Design"].pk).duration_minutes == 240
    # A zero duration makes a milestone, as in MS Project; a duration makes it a task again.
    assert cell(client, world, tasks["Test"], "duration", "0d").status_code == 200
    assert Task.objects.get(pk=tasks["Test"].pk).kind == "milestone"
    assert cell(client, world, tasks["Test"], "duration", "1w").status_code == 200
    test = Task.objects.get(pk=tasks["Test"].pk)
    assert (test.kind, test.duration_minutes) == ("task", 5 * DAY)


def test_bad_duration_is_shown_by_the_cell_with_what_was_typed(world):
    tasks = plan(world)
    client = signed_in(world.a["project_manager"])
    response = cell(client, world, tasks["Build"], "duration", "three days")
    assert response.status_code == 400
    html = response.content.decode()
    assert "'three days' is not a duration" in cell_text(html, "Build", "duration")
    assert 'data-reopen="three days"' in row_html(html, "Build")
    assert 'role="alert"' in row_html(html, "Build")
    assert Task.objects.get(pk=tasks["Build"].pk).duration_minutes == 3 * DAY
    summary = cell(client, world, tasks["Phase"], "duration", "9d")
    assert summary.status_code == 400
    assert "comes from its sub-tasks" in summary.content.decode()


def test_predecessors_in_ms_project_notation(world):
    tasks = plan(world)
    client = signed_in(world.a["project_manager"])
    response = cell(client, world, tasks["Go live"], "predecessors", "3FS+2d; 4")
    assert response.status_code == 200
    html = response.content.decode()
    assert cell_text(html, "Go live", "predecessors") == "3FS+2d, 4"
    links = Dependency.objects.filter(successor=tasks["Go live"]).order_by("predecessor__row")
    assert [(d.predecessor.name, d.type, d.lag_minutes) for d in links] == [
        ("Build", "FS", 2 * DAY),
        ("Test", "FS", 0),
    ]
    assert cell_text(html, "Go live", "start") == "Tue 12 Jan 27"  # Build ends Fri 8, + 2d
    # The row's version moved on: a second edit based on the old one is a conflict.
    stale = cell(
        client, world, tasks["Go live"], "predecessors", "", version=tasks["Go live"].version
    )
    assert stale.status_code == 409
    # A maximum lag follows the lag after "max"; below the lag it is refused in the cell.
    assert cell(client, world, tasks["Go live"], "predecessors", "3FS+2d max 4d").status_code == 200
    link = Dependency.objects.get(successor=tasks["Go live"])
    assert (link.lag_minutes, link.max_lag_minutes) == (2 * DAY, 4 * DAY)
    html = cell(client, world, tasks["Go live"], "predecessors", "3FS+2d max 1d").content.decode()
    assert "the maximum lag is less than the lag" in cell_text(html, "Go live", "predecessors")
    page = signed_in(world.a["team_member"]).get(url(world)).content.decode()
    assert cell_text(page, "Go live", "predecessors") == "3FS+2d max 4d"
    # Clearing the cell removes the links.
    assert cell(client, world, tasks["Go live"], "predecessors", "").status_code == 200
    assert not Dependency.objects.filter(successor=tasks["Go live"]).exists()


def test_a_cycle_is_refused_and_named_next_to_the_cell(world):
    tasks = plan(world)
    client = signed_in(world.a["project_manager"])
    before = list(Dependency.objects.values_list("pk", "version"))
    response = cell(client, world, tasks["Design"], "predecessors", "4")
    assert response.status_code == 400
    note = cell_text(response.content.decode(), "Design", "predecessors")
    assert "cycle" in note and "'Design' → 'Build' → 'Test' → 'Design'" in note
    assert list(Dependency.objects.values_list("pk", "version")) == before
    bad = cell(client, world, tasks["Design"], "predecessors", "9")
    assert bad.status_code == 400 and "No task on row 9" in bad.content.decode()
    junk = cell(client, world, tasks["Design"], "predecessors", "two")
    assert junk.status_code == 400 and "is not a predecessor" in junk.content.decode()
    # A long run of spaces between the optional parts fails at once (the pattern used to
    # backtrack over every split of the spaces: minutes of CPU for one cell).
    spaces = cell(client, world, tasks["Design"], "predecessors", "1" + " " * 3900 + "x")
    assert spaces.status_code == 400 and "1 x&#x27; is not a predecessor" in spaces.content.decode()


def test_constraint_deadline_and_work(world):
    tasks = plan(world)
    client = signed_in(world.a["project_manager"])
    missing = cell(client, world, tasks["Test"], "constraint", "SNET")
    assert missing.status_code == 400
    assert "needs a constraint date" in cell_text(missing.content.decode(), "Test", "constraint")
    ok = cell(client, world, tasks["Test"], "constraint", "SNET", constraint_date="2027-01-13")
    assert ok.status_code == 200
    html = ok.content.decode()
    assert cell_text(html, "Test", "constraint") == "SNET 13 Jan 27"
    assert cell_text(html, "Test", "start") == "Wed 13 Jan 27"
    assert cell_text(html, "Go live", "finish") == "Thu 14 Jan 27"
    late = cell(client, world, tasks["Go live"], "deadline", "2027-01-12")
    assert late.status_code == 200
    assert "late" in cell_text(late.content.decode(), "Go live", "deadline")
    assert cell(client, world, tasks["Go live"], "deadline", "12/01").status_code == 400
    assert cell(client, world, tasks["Design"], "work", "16h").status_code == 200
    assert str(Task.objects.get(pk=tasks["Design"].pk).work_hours) == "16.00"
    assert cell(client, world, tasks["Design"], "work", "lots").status_code == 400
    assert cell(client, world, tasks["Design"], "name", "").status_code == 400
    assert cell(client, world, tasks["Design"], "colour", "red").status_code == 400


def test_stale_version_is_a_conflict_that_reloads_the_row(world):
    tasks = plan(world)
    pm = world.a["project_manager"]
    old = Task.objects.get(pk=tasks["Build"].pk).version
    wbs.task_update(
        who=pm, project=world.project_a, task=tasks["Build"], version=old, data={"name": "Build it"}
    )
    client = signed_in(pm)
    response = cell(client, world, tasks["Build"], "duration", "9d", version=old)
    assert response.status_code == 409
    html = response.content.decode()
    row = row_html(html, "Build it")  # the row shows the current version …
    assert f'data-version="{old + 1}"' in row
    assert "changed by someone else" in row and "You had typed: 9d" in row
    assert "data-reopen" not in row  # … and the editor does not reopen over it
    assert Task.objects.get(pk=tasks["Build"].pk).duration_minutes == 3 * DAY
    lost = cell(client, world, tasks["Build"], "duration", "9d", version="")
    assert lost.status_code == 428


# ------------------------------------------------------------- outline commands


def _command(client, world, task, action):
    task.refresh_from_db()
    return client.post(
        url(world, f"tasks/{task.public_id}/move/"),
        {"action": action, "version": task.version},
        **HX,
    )


def test_indent_outdent_and_move(world):
    tasks = plan(world)
    client = signed_in(world.a["project_manager"])
    response = _command(client, world, tasks["Go live"], "indent")
    assert response.status_code == 200
    assert cell_text(response.content.decode(), "Go live", "wbs") == "1.4"
    assert Task.objects.get(pk=tasks["Go live"].pk).parent_id == tasks["Phase"].pk
    response = _command(client, world, tasks["Go live"], "outdent")
    assert cell_text(response.content.decode(), "Go live", "wbs") == "2"
    response = _command(client, world, tasks["Test"], "up")
    html = response.content.decode()
    assert (cell_text(html, "Test", "wbs"), cell_text(html, "Build", "wbs")) == ("1.2", "1.3")
    refused = _command(client, world, tasks["Phase"], "outdent")
    assert refused.status_code == 400
    assert "A top-level task cannot be outdented." in refused.content.decode()
    first = _command(client, world, tasks["Design"], "indent")
    assert first.status_code == 400 and "cannot be indented" in first.content.decode()


def test_a_leaf_with_links_people_or_skill_needs_does_not_become_a_summary(world):
    """Indenting under a leaf makes it a summary: refused while it holds its own work."""
    from keystage.staffing import services as staffing

    tasks = plan(world)
    pm = world.a["project_manager"]
    client = signed_in(pm)
    linked = _command(client, world, tasks["Test"], "indent")  # under Build, which has links
    assert linked.status_code == 400
    assert "'Build' has dependencies" in htmllib.unescape(linked.content.decode())
    wbs.plan_append(
        who=pm,
        project=world.project_a,
        rows=[{"outline_level": 1, "name": n, "duration_minutes": DAY} for n in ("Docs", "Ops")],
        links=[],
    )
    docs, ops = (Task.objects.get(name=n) for n in ("Docs", "Ops"))
    staffing.assignment_create(
        who=pm, project=world.project_a, task=docs, data={"person": "dev_a", "units_percent": 50}
    )
    staffed = _command(client, world, ops, "indent")
    assert staffed.status_code == 400
    assert "'Docs' has people assigned" in htmllib.unescape(staffed.content.decode())
    assert Task.objects.get(pk=ops.pk).parent_id is None
    assert Task.objects.get(pk=docs.pk).is_summary is False


def test_insert_below_a_row_and_under_a_summary(world):
    tasks = plan(world)
    client = signed_in(world.a["project_manager"])
    create = url(world, "tasks/new/")
    response = client.post(create, {"after": tasks["Design"].public_id}, **HX)
    assert response.status_code == 200
    html = response.content.decode()
    names = re.findall(r'data-name="([^"]+)"', html)
    assert names[:4] == ["Phase", "Design", "New task", "Build"]
    new = Task.objects.get(name="New task")
    assert (
        f'data-focus-task="{new.public_id}" data-focus-field="name" data-focus-edit="true"' in html
    )
    assert new.parent_id == tasks["Phase"].pk
    # On a summary row the new task becomes its first sub-task (still directly below).
    response = client.post(create, {"after": tasks["Phase"].public_id, "name": "Kick-off"}, **HX)
    names = re.findall(r'data-name="([^"]+)"', response.content.decode())
    assert names[:3] == ["Phase", "Kick-off", "Design"]
    # Without a row it is appended at the end.
    response = client.post(create, {}, **HX)
    assert re.findall(r'data-name="([^"]+)"', response.content.decode())[-1] == "New task"
    assert Task.objects.filter(project=world.project_a).count() == 8


def test_delete_takes_the_sub_tasks_along(world):
    tasks = plan(world)
    client = signed_in(world.a["project_manager"])
    phase = Task.objects.get(pk=tasks["Phase"].pk)
    stale = client.post(
        url(world, f"tasks/{phase.public_id}/delete/"), {"version": phase.version + 5}, **HX
    )
    assert stale.status_code == 409
    response = client.post(
        url(world, f"tasks/{phase.public_id}/delete/"), {"version": phase.version}, **HX
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert re.findall(r'data-name="([^"]+)"', html) == ["Go live"]
    assert "deleted" in html
    assert list(Task.objects.filter(project=world.project_a).values_list("name", flat=True)) == [
        "Go live"
    ]


def test_without_htmx_a_write_redirects_back_to_the_page(world):
    tasks = plan(world)
    client = signed_in(world.a["project_manager"])
    task = Task.objects.get(pk=tasks["Design"].pk)
    response = client.post(
        url(world, f"tasks/{task.public_id}/cell/"),
        {"field": "name", "value": "Design v2", "version": task.version},
    )
    assert response.status_code == 302 and response["Location"] == url(world)
    page = client.get(url(world)).content.decode()
    assert "name saved" in page and 'data-name="Design v2"' in page
    bad = client.post(
        url(world, f"tasks/{task.public_id}/cell/"),
        {"field": "duration", "value": "soon", "version": task.version + 1},
    )
    assert bad.status_code == 400 and "<html" in bad.content.decode()
    assert "is not a duration" in bad.content.decode()


# ------------------------------------------------------------------ permissions


def test_stakeholders_read_the_table_without_edit_controls(world):
    tasks = plan(world)
    for role in ("stakeholder", "team_member", "sponsor"):
        client = signed_in(world.a[role])
        response = client.get(url(world))
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-name="Build"' in html and "Read-only" in html
        assert "data-edit" not in html and 'id="wbs-toolbar"' not in html
        assert 'data-can-edit="false"' in html
        task = Task.objects.get(pk=tasks["Build"].pk)
        assert cell(client, world, task, "name", "Hijacked").status_code == 403
        assert _command(client, world, task, "indent").status_code == 403
        assert client.post(url(world, "tasks/new/"), {}, **HX).status_code == 403
        assert (
            client.post(url(world, f"tasks/{task.public_id}/delete/"), {"version": task.version})
        ).status_code == 403
    assert Task.objects.get(pk=tasks["Build"].pk).name == "Build"
    assert Task.objects.filter(project=world.project_a).count() == 5


def test_outsiders_get_404(world):
    tasks = plan(world)
    client = signed_in(world.outsider)
    assert client.get(url(world)).status_code == 404
    assert cell(client, world, tasks["Build"], "name", "x").status_code == 404
    assert client.get(url(world, "calendar/")).status_code == 404
    # The project manager of B does not reach A's tasks through B's plan either.
    other = signed_in(world.b["project_manager"])
    path = f"/projects/{world.project_b.public_id}/plan/tasks/{tasks['Build'].public_id}/cell/"
    assert other.post(path, {"field": "name", "value": "x", "version": 1}).status_code == 404


# ------------------------------------------------------------------- the calendar


def test_calendar_and_holidays_reschedule_the_plan(world):
    tasks = plan(world)
    client = signed_in(world.a["project_manager"])
    page = client.get(url(world, "calendar/"))
    assert page.status_code == 200
    assert "Standard calendar" in page.content.decode()
    bad = client.post(
        url(world, "calendar/"), {"name": "Six days", "working_weekdays": ["1"], "shifts": "9-5"}
    )
    assert bad.status_code == 400 and "field-error" in bad.content.decode()
    saved = client.post(
        url(world, "calendar/"),
        {
            "name": "Six days",
            "working_weekdays": ["1", "2", "3", "4", "5", "6"],
            "shifts": "08:00-12:00,13:00-17:00",
        },
    )
    assert saved.status_code == 302
    calendar = ProjectCalendar.objects.get(project=world.project_a)
    assert (calendar.working_weekdays, calendar.version) == ("123456", 1)
    # Build now runs Wed 6 – Fri 8 and Test Thu 7 – Fri 8; Go live still the 8th. Add a holiday.
    added = client.post(
        url(world, "calendar/holidays/new/"), {"name": "Plant shutdown", "start_date": "2027-01-06"}
    )
    assert added.status_code == 302
    holiday = Holiday.objects.get(project=world.project_a)
    assert holiday.end_date == dt.date(2027, 1, 6)
    html = client.get(url(world)).content.decode()
    assert cell_text(html, "Build", "start") == "Thu 7 Jan 27"
    assert cell_text(html, "Go live", "finish") == "Sat 9 Jan 27"  # Saturdays work now
    stale = client.post(
        url(world, "calendar/"),
        {"name": "x", "working_weekdays": ["1"], "shifts": "09:00-17:00", "version": 7},
    )
    assert stale.status_code == 409 and "conflicting edit" in stale.content.decode()
    removed = client.post(
        url(world, f"calendar/holidays/{holiday.public_id}/delete/"), {"version": holiday.version}
    )
    assert removed.status_code == 302
    assert not Holiday.objects.filter(project=world.project_a).exists()
    assert Task.objects.get(pk=tasks["Build"].pk).start_at.date() == dt.date(2027, 1, 6)


def test_calendar_is_read_only_for_stakeholders(world):
    client = signed_in(world.a["stakeholder"])
    html = client.get(url(world, "calendar/")).content.decode()
    assert "Mon Tue Wed Thu Fri" in html and "Save calendar" not in html
    refused = client.post(
        url(world, "calendar/"), {"name": "x", "working_weekdays": ["1"], "shifts": "09:00-17:00"}
    )
    assert refused.status_code == 403
    assert not ProjectCalendar.objects.filter(project=world.project_a).exists()
    holiday = client.post(
        url(world, "calendar/holidays/new/"), {"name": "x", "start_date": "2027-01-06"}
    )
    assert holiday.status_code == 403


# ------------------------------------------------------------------- performance


def _grow(world, count: int) -> None:
    """A plan of ``count`` tasks: phases of four linked tasks."""
    rows, links = [], []
    for i in range(count):
        level = 1 if i % 5 == 0 else 2
        rows.append({"outline_level": level, "name": f"Task {i}", "duration_minutes": DAY})
        if level == 2 and i % 5 != 1:
            links.append((i - 1, i, "FS", 0))
    wbs.plan_append(who=world.a["project_manager"], project=world.project_a, rows=rows, links=links)


def _queries(client, world) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url(world))
    assert response.status_code == 200
    return len(captured)


def test_the_table_renders_in_a_constant_number_of_queries(world):
    client = signed_in(world.a["project_manager"])
    _grow(world, 10)
    small = _queries(client, world)
    _grow(world, 30)
    assert Task.objects.filter(project=world.project_a).count() == 40
    assert _queries(client, world) == small
    assert small <= 12
