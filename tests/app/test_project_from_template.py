"""A new project from a template (issue #16): the plan copied, dates moved, only templates
the user may see, journaled, one transaction — through the page and the API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from keystage.core.models import AuditEntry
from keystage.costs import services as costs
from keystage.costs.models import BudgetLine, ProjectBudget
from keystage.planning.models import Dependency, ProjectCalendar, Task, TaskSkill
from keystage.planning.services import calendar as calendars
from keystage.planning.services import wbs
from keystage.portfolio.models import Project, ProjectMembership
from keystage.resources import services as resources
from keystage.staffing import services as staffing
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

API = "/api/v1/projects-from-template/"
PAGE = "/projects/new/from-template/"
NEW_START = dt.date(2027, 3, 1)  # eight weeks after PRJ-A's 4 January 2027


def _plan(world: Any) -> dict[str, Task]:
    """PRJ-A: a phase with two linked tasks, a milestone, a calendar, skills and budget."""
    pm, project = world.a["project_manager"], world.project_a
    calendars.calendar_save(
        who=pm,
        project=project,
        version=None,
        data={
            "name": "Team week",
            "working_weekdays": "12345",
            "shifts": "09:00-13:00,14:00-18:00",
        },
    )
    tasks = wbs.plan_append(
        who=pm,
        project=project,
        rows=[
            {"name": "Build", "outline_level": 1, "duration_minutes": 0},
            {"name": "Design", "outline_level": 2, "duration_minutes": 2400, "work_hours": "40"},
            {
                "name": "Code",
                "outline_level": 2,
                "duration_minutes": 4800,
                "fixed_cost": "1500.00",
                "constraint_type": "SNET",
                "constraint_date": dt.date(2027, 1, 18),
                "deadline": dt.date(2027, 2, 26),
                "notes": "Pair on the hard parts.",
            },
            {"name": "Go-live", "outline_level": 1, "kind": "milestone", "duration_minutes": 0},
        ],
        links=[(1, 2, "SS", 480), (2, 3, "FS", 0)],
    )
    by_name = {t.name: t for t in tasks}
    python = resources.skill_create(who=world.admin, name="Python")
    staffing.skill_need_create(
        who=pm, project=project, task=by_name["Code"], data={"skill": python, "min_level": 3}
    )
    costs.budget_save(
        who=pm,
        project=project,
        version=None,
        data={"contingency_percent": "15", "management_reserve": "2000.00", "notes": "Kept."},
    )
    costs.line_create(
        who=pm,
        project=project,
        data={"category": "licences", "name": "IDE seats", "amount": "900.00"},
    )
    costs.line_create(
        who=pm,
        project=project,
        data={
            "category": "training",
            "name": "Course",
            "amount": "1200.00",
            "start_date": dt.date(2027, 2, 1),
            "end_date": dt.date(2027, 2, 5),
        },
    )
    costs.line_create(
        who=pm,
        project=project,
        data={"category": "services", "name": "Review", "amount": "300", "task": by_name["Code"]},
    )
    return by_name


def _body(**extra: Any) -> dict[str, Any]:
    return {"code": "PRJ-C", "name": "Project C", "start_date": NEW_START.isoformat(), **extra}


def test_api_copies_the_plan_with_dates_moved_to_the_new_start(world, api):
    source = _plan(world)
    pm = world.a["project_manager"]
    response = api(pm).post(API, _body(template=str(world.project_a.public_id)), format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["code"] == "PRJ-C" and data["stage"] == "initiation"
    project = Project.objects.get(code="PRJ-C")
    assert project.start_date == NEW_START
    assert project.target_date == dt.date(2027, 8, 25)  # same length as PRJ-A
    assert project.kind == world.project_a.kind
    assert ProjectMembership.objects.get(project=project, user=pm).role == "project_manager"
    tasks = {t.name: t for t in Task.objects.filter(project=project)}
    assert [t.wbs_code for t in Task.objects.filter(project=project).order_by("row")] == [
        "1", "1.1", "1.2", "2",
    ]  # fmt: skip
    code = tasks["Code"]
    assert code.duration_minutes == 4800 and code.fixed_cost == Decimal("1500.00")
    assert code.constraint_type == "SNET" and code.constraint_date == dt.date(2027, 3, 15)
    assert code.deadline == dt.date(2027, 4, 23) and code.notes == "Pair on the hard parts."
    assert tasks["Design"].work_hours == Decimal("40.00")
    assert tasks["Go-live"].kind == "milestone" and tasks["Build"].is_summary
    links = {
        (d.predecessor.name, d.successor.name, d.type, d.lag_minutes)
        for d in Dependency.objects.filter(project=project).select_related(
            "predecessor", "successor"
        )
    }
    assert links == {("Design", "Code", "SS", 480), ("Code", "Go-live", "FS", 0)}
    # Scheduled on the copied calendar: the SNET moved with the start holds Code.
    assert code.start_at is not None and code.start_at.date() == dt.date(2027, 3, 15)
    assert ProjectCalendar.objects.get(project=project).shifts == "09:00-13:00,14:00-18:00"
    need = TaskSkill.objects.get(task__project=project)
    assert need.task.name == "Code" and need.skill.name == "Python" and need.min_level == 3
    budget = ProjectBudget.objects.get(project=project)
    assert budget.contingency_percent == Decimal("15.00") and budget.set_at is None
    assert budget.management_reserve == Decimal("2000.00")
    lines = {line.name: line for line in BudgetLine.objects.filter(project=project)}
    assert lines["IDE seats"].amount == Decimal("900.00") and lines["IDE seats"].task is None
    assert (lines["Course"].start_date, lines["Course"].end_date) == (
        dt.date(2027, 3, 29),
        dt.date(2027, 4, 2),
    )
    assert lines["Review"].task == code
    # The source is untouched.
    assert Task.objects.filter(project=world.project_a).count() == 4
    assert Task.objects.get(pk=source["Code"].pk).constraint_date == dt.date(2027, 1, 18)


def test_the_copy_is_journaled_with_its_template(world, api):
    _plan(world)
    pm = world.a["project_manager"]
    response = api(pm).post(API, _body(template=str(world.project_a.public_id)), format="json")
    assert response.status_code == 201
    project = Project.objects.get(code="PRJ-C")
    entries = AuditEntry.objects.filter(project=project)
    summaries = [e.summary for e in entries]
    assert any(
        s.startswith("Created from template PRJ-A (4 task(s), dates moved by +56")
        for s in summaries
    )
    assert "Opened project PRJ-C in Initiation" in summaries
    assert sum(s.startswith("Added task") for s in summaries) == 4
    assert any("budget line 'Course'" in s for s in summaries)
    history = api(pm).get(f"/api/v1/projects/{project.public_id}/history/")
    assert history.status_code == 200 and b"Created from template PRJ-A" in history.content


def test_only_templates_the_user_may_see(world, api):
    _plan(world)
    # pm_b manages PRJ-B (so may open projects) but is no member of PRJ-A.
    intruder = world.b["project_manager"]
    for template in (
        str(world.project_a.public_id),
        "not-a-uuid",
        "00000000-0000-4000-8000-000000000000",
    ):
        response = api(intruder).post(API, _body(template=template), format="json")
        assert response.status_code == 400
        assert response.json()["errors"]["template"] == [
            "Choose a project you can see as the template."
        ]
        assert b"PRJ-A" not in response.content and b"Project A" not in response.content
    assert not Project.objects.filter(code="PRJ-C").exists()
    # The PMO sees every project of the organisation and may copy any of them.
    response = api(world.pmo).post(
        API, _body(template=str(world.project_a.public_id)), format="json"
    )
    assert response.status_code == 201


def test_people_who_may_not_open_projects_are_refused(world, api):
    _plan(world)
    dev = world.a["team_member"]  # sees PRJ-A, manages nothing
    response = api(dev).post(API, _body(template=str(world.project_a.public_id)), format="json")
    assert response.status_code == 403
    assert not Project.objects.filter(code="PRJ-C").exists()
    assert api().post(API, _body(template=str(world.project_a.public_id))).status_code in (401, 403)


def test_bad_input_is_a_field_message_and_writes_nothing(world, api):
    _plan(world)
    pm = world.a["project_manager"]
    template = str(world.project_a.public_id)
    before = (Project.objects.count(), Task.objects.count(), AuditEntry.objects.count())
    cases = [
        (_body(template=template, code="PRJ-B"), "code"),  # taken
        (_body(template=template, code="bad code!"), "code"),
        (_body(template=template, start_date="3027-01-01"), "start_date"),
        (_body(template=template, start_date="yesterday"), "start_date"),
        ({"template": template}, "code"),
        (_body(template=template, name=""), "name"),
    ]
    for body, field in cases:
        response = api(pm).post(API, body, format="json")
        assert response.status_code == 400, (body, response.content)
        assert field in response.json()["errors"], (body, response.json())
    assert (Project.objects.count(), Task.objects.count(), AuditEntry.objects.count()) == before


def test_a_refusal_late_in_the_copy_leaves_nothing_behind(world, api, monkeypatch):
    _plan(world)
    from keystage.core.errors import InvalidInput
    from keystage.interop import from_template

    def broken(*args: Any, **kwargs: Any) -> None:
        raise InvalidInput({"budget": "The budget cannot be copied."})

    monkeypatch.setattr(from_template, "_copy_budget", broken)
    before = (Project.objects.count(), Task.objects.count(), AuditEntry.objects.count())
    pm = world.a["project_manager"]
    response = api(pm).post(API, _body(template=str(world.project_a.public_id)), format="json")
    assert response.status_code == 400
    assert (Project.objects.count(), Task.objects.count(), AuditEntry.objects.count()) == before


def test_a_closed_project_is_a_template_too(world, api):
    _plan(world)
    Project.objects.filter(pk=world.project_a.pk).update(stage="closed", status="completed")
    pm = world.a["project_manager"]
    response = api(pm).post(API, _body(template=str(world.project_a.public_id)), format="json")
    assert response.status_code == 201, response.json()
    assert Task.objects.filter(project__code="PRJ-C").count() == 4


def test_an_empty_template_gives_an_empty_plan(world, api):
    response = api(world.a["project_manager"]).post(
        API, _body(template=str(world.project_b.public_id)), format="json"
    )
    assert response.status_code == 400  # pm_a cannot see PRJ-B
    response = api(world.b["project_manager"]).post(
        API, _body(template=str(world.project_b.public_id)), format="json"
    )
    assert response.status_code == 201
    assert not Task.objects.filter(project__code="PRJ-C").exists()


def _login(user: Any) -> Client:
    client = Client()
    assert client.login(username=user.username, password=PASSWORD)
    return client


def test_page_offers_visible_templates_and_creates_the_project(world):
    _plan(world)
    pm = world.a["project_manager"]
    client = _login(pm)
    listing = client.get("/")
    assert b"New from template" in listing.content
    page = client.get(PAGE + f"?template={world.project_a.public_id}")
    assert page.status_code == 200
    text = page.content.decode()
    assert "PRJ-A" in text and "PRJ-B" not in text  # only what pm_a may see
    assert f'value="{world.project_a.public_id}" selected' in text
    response = client.post(
        PAGE,
        {
            "template": str(world.project_a.public_id),
            "code": "PRJ-C",
            "name": "Project C",
            "start_date": "2027-03-01",
        },
    )
    project = Project.objects.get(code="PRJ-C")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.public_id}/"
    assert Task.objects.filter(project=project).count() == 4


def test_page_refuses_an_invisible_template_and_bad_fields(world):
    _plan(world)
    client = _login(world.b["project_manager"])
    response = client.post(
        PAGE,
        {
            "template": str(world.project_a.public_id),
            "code": "PRJ-A",
            "name": "",
            "start_date": "soon",
        },
    )
    assert response.status_code == 400
    form = response.context["form"]
    assert set(form.errors) == {"template", "name", "start_date"}
    assert b"Project A" not in response.content
    assert not Project.objects.filter(name="").exists()
    taken = client.post(
        PAGE,
        {
            "template": str(world.project_b.public_id),
            "code": "PRJ-A",
            "name": "Copy",
            "start_date": "2027-03-01",
        },
    )
    assert taken.status_code == 400
    assert taken.context["form"].errors["code"] == ["Another project already uses this code."]


def test_page_is_refused_to_people_who_may_not_open_projects(world):
    client = _login(world.a["team_member"])
    assert client.get(PAGE).status_code == 403
    assert Client().get(PAGE).status_code == 302


# ------------------------------------------------------------------- a plan TOML as template

PLAN = b"""
[project]
start = 2027-01-04T08:00:00
calendar = "team"
data_date = 2027-01-08

[calendars.team]
hours = ["09:00-13:00", "14:00-18:00"]
holidays = [2027-01-15]

[[activities]]
id = "BUILD"
name = "Build"
kind = "summary"

[[activities]]
id = "DESIGN"
name = "Design"
parent = "BUILD"
duration = "5d"
work = 40
actual_start = 2027-01-04T09:00:00
percent_complete = 40

[[activities]]
id = "CODE"
name = "Code"
parent = "BUILD"
duration = "10d"
cost = 1500
constraint = "SNET"
constraint_date = 2027-01-18
deadline = 2027-02-26
predecessors = ["DESIGN SS+1d"]

[[activities]]
id = "LIVE"
name = "Go-live"
kind = "milestone"
predecessors = ["CODE"]
"""


def _upload(content: bytes = PLAN, name: str = "release.toml") -> Any:
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, content, content_type="application/toml")


def test_api_opens_a_project_from_a_plan_file_with_dates_moved(world, api):
    pm = world.a["project_manager"]
    body = _body(plan=_upload(), kind="software_development")
    response = api(pm).post(API, body, format="multipart")
    assert response.status_code == 201, response.json()
    project = Project.objects.get(code="PRJ-C")
    assert project.start_date == NEW_START and project.kind == "software_development"
    assert ProjectMembership.objects.get(project=project, user=pm).role == "project_manager"
    rows = list(Task.objects.filter(project=project).order_by("row"))
    assert [(t.wbs_code, t.name) for t in rows] == [
        ("1", "Build"), ("1.1", "Design"), ("1.2", "Code"), ("2", "Go-live"),
    ]  # fmt: skip
    tasks = {t.name: t for t in rows}
    code = tasks["Code"]
    assert code.duration_minutes == 4800 and code.fixed_cost == Decimal("1500.00")
    assert code.constraint_type == "SNET" and code.constraint_date == dt.date(2027, 3, 15)
    assert code.deadline == dt.date(2027, 4, 23)  # both moved by the 56 days of the start
    assert tasks["Design"].work_hours == Decimal("40.00")
    assert tasks["Design"].actual_start is None and tasks["Design"].percent_complete == 0
    assert tasks["Go-live"].kind == "milestone" and tasks["Build"].is_summary
    links = {
        (d.predecessor.name, d.successor.name, d.type, d.lag_minutes)
        for d in Dependency.objects.filter(project=project).select_related(
            "predecessor", "successor"
        )
    }
    assert links == {("Design", "Code", "SS", 480), ("Code", "Go-live", "FS", 0)}
    calendar = ProjectCalendar.objects.get(project=project)
    assert calendar.shifts == "09:00-13:00,14:00-18:00" and calendar.data_date is None
    assert not project.holidays.exists()  # the plan's own year's holiday is not moved
    assert code.start_at is not None and code.start_at.date() == dt.date(2027, 3, 15)
    assert project.target_date == tasks["Go-live"].finish_at.date()
    summaries = [e.summary for e in AuditEntry.objects.filter(project=project)]
    assert any(
        s.startswith("Created from template plan release.toml (4 task(s), dates moved by +56")
        for s in summaries
    )
    assert "Fixed cost of 'Code' set from the template plan" in summaries
    assert project.import_reports.get().file_name == "release.toml"


def test_a_plan_template_refuses_bad_input_and_writes_nothing(world, api):
    pm = world.a["project_manager"]
    before = (Project.objects.count(), Task.objects.count(), AuditEntry.objects.count())
    template = str(world.project_a.public_id)
    cases = [
        (_body(plan=_upload(), template=template), "template"),  # both
        (_body(), "template"),  # neither
        (_body(plan=_upload(b"[project]\nstart = 2027-01-04\n[[activities]]\nid = 3\n")), "plan"),
        (_body(plan=_upload(b"[project]\nstart = 2027-01-04\n")), "plan"),  # no tasks
        (_body(plan=_upload(name="plan.xml")), "plan"),
        (_body(plan=_upload(b"")), "plan"),
        (_body(plan=_upload(), start_date="3027-01-01"), "start_date"),
        (_body(plan=_upload(), kind="moon_base"), "kind"),
        (_body(plan=_upload(), code="PRJ-B"), "code"),
    ]
    for body, field in cases:
        response = api(pm).post(API, body, format="multipart")
        assert response.status_code == 400, (field, response.content)
        assert field in response.json()["errors"], (field, response.json())
    assert (Project.objects.count(), Task.objects.count(), AuditEntry.objects.count()) == before
    dev = world.a["team_member"]  # may not open projects
    assert api(dev).post(API, _body(plan=_upload()), format="multipart").status_code == 403


def test_page_opens_a_project_from_an_uploaded_plan(world):
    client = _login(world.b["project_manager"])
    page = client.get(PAGE)
    assert page.status_code == 200 and b'enctype="multipart/form-data"' in page.content
    bad = client.post(PAGE, {**_body(), "plan": _upload(b"[project\n")})
    assert bad.status_code == 400 and "plan" in bad.context["form"].errors
    response = client.post(PAGE, {**_body(), "plan": _upload(), "kind": "other"})
    project = Project.objects.get(code="PRJ-C")
    assert response.status_code == 302
    assert response["Location"] == f"/projects/{project.public_id}/"
    assert Task.objects.filter(project=project).count() == 4


def _costed_plan(tasks: int) -> bytes:
    rows = "".join(
        f'[[activities]]\nid = "T{i}"\nname = "Task {i}"\nduration = "1d"\ncost = {100 * i}\n'
        for i in range(1, tasks + 1)
    )
    return b"[project]\nstart = 2027-01-04T08:00:00\n\n" + rows.encode()


def test_a_plan_template_is_scheduled_once_in_queries_that_do_not_grow(world, api, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from keystage.engine import cpm

    schedule, runs = cpm.schedule, []

    def counted(*args: Any, **kwargs: Any) -> Any:
        runs.append(1)
        return schedule(*args, **kwargs)

    monkeypatch.setattr(cpm, "schedule", counted)
    client = api(world.a["project_manager"])
    counts = []
    for code, tasks in (("SMALL", 2), ("LARGE", 8)):
        body = _body(code=code, plan=_upload(_costed_plan(tasks)))
        with CaptureQueriesContext(connection) as queries:
            assert client.post(API, body, format="multipart").status_code == 201
        counts.append(len(queries))
        project = Project.objects.get(code=code)
        costed = AuditEntry.objects.filter(project=project, summary__startswith="Fixed cost of")
        assert costed.count() == tasks  # every fixed cost is still journaled
        assert project.target_date == max(
            t.finish_at.date() for t in Task.objects.filter(project=project)
        )
    assert len(runs) == 2  # once per project: the rows it writes
    assert counts[1] == counts[0], counts  # six more costed tasks, not one more query
