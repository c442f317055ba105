"""One rule for plausible dates: 1 Jan 1990 … 31 Dec 2200, and near the project.

The rule lives in ``BaseModel.clean_fields``, so every service that validates a record
refuses an implausible date as a field error; the pages and reports that compute with
dates (budget, Gantt, baselines) never see one.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from keystage.core.dates import MESSAGE, project_window
from keystage.costs.models import BudgetLine
from keystage.planning.services import wbs
from keystage.portfolio.models import Project

pytestmark = pytest.mark.django_db


def _base(project) -> str:
    return f"/api/v1/projects/{project.public_id}/"


def _page(world, path: str) -> int:
    client = Client(raise_request_exception=True)
    client.force_login(world.a["project_manager"])
    return client.get(f"/projects/{world.project_a.public_id}/{path}").status_code


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1989-12-31", "2201-01-01"])
def test_a_budget_line_with_an_implausible_end_is_refused_and_the_budget_keeps_working(
    world, api, day
):
    pm = api(world.a["project_manager"])
    response = pm.post(
        _base(world.project_a) + "budget-lines/",
        {"category": "travel", "name": "Visits", "amount": "100", "end_date": day},
        format="json",
    )
    assert response.status_code == 400, response.json()
    assert response.json()["errors"]["end_date"] == [MESSAGE]
    assert not BudgetLine.objects.exists()
    assert pm.get(_base(world.project_a) + "budget/").status_code == 200
    assert _page(world, "budget/") == 200


def test_a_budget_line_edit_to_9999_is_refused(world, api):
    pm = api(world.a["project_manager"])
    line = pm.post(
        _base(world.project_a) + "budget-lines/",
        {"category": "travel", "name": "Visits", "amount": "100", "end_date": "2027-03-31"},
        format="json",
    ).json()
    response = pm.patch(
        _base(world.project_a) + f"budget-lines/{line['id']}/",
        {"end_date": "9999-12-31", "version": line["version"]},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["end_date"] == [MESSAGE]
    assert BudgetLine.objects.get().end_date == dt.date(2027, 3, 31)


@pytest.mark.parametrize(
    ("start", "target"), [("0001-01-01", "2027-01-01"), ("2027-01-01", "9999-12-31")]
)
def test_a_project_with_implausible_dates_is_refused(world, api, start, target):
    response = api(world.pmo).post(
        "/api/v1/projects/",
        {
            "name": "Ancient",
            "code": "OLD-1",
            "kind": "software_development",
            "start_date": start,
            "target_date": target,
        },
        format="json",
    )
    assert response.status_code == 400, response.json()
    errors = response.json()["errors"]
    assert MESSAGE in (errors.get("start_date", []) + errors.get("target_date", []))
    assert not Project.objects.filter(code="OLD-1").exists()


def test_a_project_edit_to_year_one_is_refused_and_the_gantt_keeps_working(world, api):
    response = api(world.a["project_manager"]).patch(
        _base(world.project_a),
        {"start_date": "0001-01-01", "version": world.project_a.version},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["errors"]["start_date"] == [MESSAGE]
    assert Project.objects.get(pk=world.project_a.pk).start_date == dt.date(2027, 1, 4)
    wbs.task_create(
        who=world.a["project_manager"],
        project=world.project_a,
        data={"name": "Design", "duration_minutes": 480},
    )
    assert _page(world, "gantt/") == 200
    assert api(world.a["project_manager"]).get(_base(world.project_a) + "gantt/").status_code == 200


def test_the_project_page_form_shows_the_date_error(world):
    client = Client(raise_request_exception=True)
    client.force_login(world.a["project_manager"])
    project = world.project_a
    response = client.post(
        f"/projects/{project.public_id}/edit/",
        {
            "name": project.name,
            "code": project.code,
            "kind": project.kind,
            "start_date": "0001-01-01",
            "target_date": "2027-06-30",
            "version": project.version,
        },
    )
    assert response.status_code in (200, 400)
    assert MESSAGE in response.content.decode()


def test_task_dates_outside_the_project_window_are_refused(world, api):
    low, high = project_window(world.project_a.start_date, world.project_a.target_date)
    assert (low, high) == (dt.date(2017, 1, 4), dt.date(2047, 6, 30))
    pm = api(world.a["project_manager"])
    for day in (low - dt.timedelta(days=1), high + dt.timedelta(days=1)):
        response = pm.post(
            _base(world.project_a) + "tasks/",
            {"name": "Late", "duration_minutes": 480, "deadline": day.isoformat()},
            format="json",
        )
        assert response.status_code == 400, response.json()
        assert "10 years before the project's start" in response.json()["errors"]["deadline"][0]
    inside = pm.post(
        _base(world.project_a) + "tasks/",
        {"name": "Fine", "duration_minutes": 480, "deadline": high.isoformat()},
        format="json",
    )
    assert inside.status_code == 201, inside.json()


def test_the_plan_file_reader_refuses_implausible_dates(tmp_path):
    from keystage.engine.errors import ScheduleError
    from keystage.engine.planfile import parse_plan

    plan = (
        '[project]\nstart = 0001-01-01\n\n[[activities]]\nid = "a"\nname = "A"\nduration = "1d"\n'
    )
    with pytest.raises(ScheduleError, match="1 Jan 1990"):
        parse_plan(plan)


def test_baseline_capture_works_after_refused_dates(world, api):
    pm = api(world.a["project_manager"])
    task = pm.post(
        _base(world.project_a) + "tasks/",
        {"name": "Design", "duration_minutes": 960},
        format="json",
    ).json()
    refused = pm.patch(
        _base(world.project_a) + f"tasks/{task['id']}/",
        {"constraint_type": "SNET", "constraint_date": "0001-01-01", "version": task["version"]},
        format="json",
    )
    assert refused.status_code == 400
    assert "constraint_date" in refused.json()["errors"]
    captured = pm.post(_base(world.project_a) + "baselines/", {"name": "Plan"}, format="json")
    assert captured.status_code == 201, captured.json()
    assert captured.json()["finish_at"].startswith("2027-")
    assert _page(world, "gantt/") == 200
