"""Everyday editing (issue 19): one save per submission, every error at once, messages in
the user's units, no silent truncation, the WBS Work column, the budget confirmation."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from django.test import Client

from keystage.core import submissions
from keystage.costs.views import set_budget_question
from keystage.initiation.models import Stakeholder
from keystage.planning.models import Goal
from keystage.planning.selectors import wbs as wbs_selectors
from keystage.planning.services import dependencies, wbs
from keystage.resources.models import Equipment
from keystage.staffing import services as staffing

pytestmark = pytest.mark.django_db

GOAL = {
    "title": "Faster closing",
    "metric": "Closing time",
    "unit": "days",
    "direction": "",
    "baseline_value": "4",
    "target_value": "1.5",
    "due_date": "2027-06-30",
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(project, rest: str) -> str:
    return f"/projects/{project.public_id}/{rest}"


def key_of(html: str) -> str:
    found = re.search(r'name="submit_key" value="([^"]+)"', html)
    assert found, "the form carries no submission key"
    return found.group(1)


# ------------------------------------------------------------------- 1. one save


def test_standalone_goal_page_posts_natively_and_saves_once(world):
    client = signed_in(world.a["project_manager"])
    url = page(world.project_a, "goals/new/")
    html = client.get(url).content.decode()
    form = html[html.index('<form method="post" action="' + url) :]
    assert "hx-post" not in form.split(">")[0]  # a page of its own redirects after saving
    key = key_of(html)
    first = client.post(url, {**GOAL, "submit_key": key})
    second = client.post(url, {**GOAL, "submit_key": key})
    assert first.status_code == 302 and second.status_code == 302
    assert first["Location"] == second["Location"]
    assert Goal.objects.filter(project=world.project_a).count() == 1
    # A new form gets a new key and saves a second goal on purpose.
    other = key_of(client.get(url).content.decode())
    assert other != key
    client.post(url, {**GOAL, "title": "Second", "submit_key": other})
    assert Goal.objects.filter(project=world.project_a).count() == 2


def test_htmx_goal_form_repeat_answers_the_section_without_a_second_goal(world):
    client = signed_in(world.a["project_manager"])
    url = page(world.project_a, "goals/new/")
    key = key_of(client.get(url, HTTP_HX_REQUEST="true").content.decode())
    for _ in range(2):
        answer = client.post(url, {**GOAL, "submit_key": key}, HTTP_HX_REQUEST="true")
        assert answer.status_code == 200 and answer["HX-Retarget"] == "#goals-section"
    assert Goal.objects.filter(project=world.project_a).count() == 1


def test_a_refused_submission_releases_its_key(world):
    client = signed_in(world.a["project_manager"])
    url = page(world.project_a, "goals/new/")
    key = key_of(client.get(url).content.decode())
    bad = client.post(url, {**GOAL, "title": "", "submit_key": key})
    assert bad.status_code == 400 and key_of(bad.content.decode()) == key
    good = client.post(url, {**GOAL, "submit_key": key})
    assert good.status_code == 302
    assert Goal.objects.filter(project=world.project_a).count() == 1


def test_record_form_page_double_post_creates_one_equipment(world):
    client = signed_in(world.a["project_manager"])
    url = page(world.project_a, "team/equipment/new/")
    key = key_of(client.get(url).content.decode())
    data = {
        "name": "Laptop",
        "category": "hardware",
        "quantity": "2",
        "unit_cost": "900",
        "cost_basis": "one_off",
        "status": "planned",
        "submit_key": key,
    }
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert "already saved" in again.content.decode()
    assert Equipment.objects.filter(project=world.project_a).count() == 1


def test_keys_belong_to_one_user(world, rf):
    request = rf.post("/", {"submit_key": "k" * 20})
    request.user = world.a["project_manager"]
    mine = submissions.Submission(request)
    assert mine.repeat_of() is None
    mine.done("/there/")
    assert submissions.Submission(request).repeat_of() == "/there/"
    request.user = world.a["team_member"]
    assert submissions.Submission(request).repeat_of() is None


# ---------------------------------------------------------------- 2. all errors


def test_equipment_form_shows_form_model_and_service_errors_in_one_response(world):
    client = signed_in(world.a["project_manager"])
    url = page(world.project_a, "team/equipment/new/")
    answer = client.post(
        url,
        {
            "name": "Projector",
            "category": "hardware",
            "quantity": "0",  # model rule: at least one
            "unit_cost": "abc",  # form rule: a number
            "cost_basis": "per_day",  # service rule: needs both days
            "status": "planned",
            "needed_from": "",
            "needed_until": "not a date",  # form rule
        },
    )
    assert answer.status_code == 400
    html = answer.content.decode()
    assert "Enter a number." in html  # unit_cost (form)
    assert "At least one." in html  # quantity (model)
    assert "A per-day cost needs the first and last day it is needed." in html  # service
    assert Equipment.objects.count() == 0


def test_goal_service_rule_comes_with_the_model_errors(world):
    client = signed_in(world.a["project_manager"])
    answer = client.post(
        page(world.project_a, "goals/new/"),
        {**GOAL, "direction": "increase", "target_value": "2", "metric": "x" * 500},
    )
    html = answer.content.decode()
    assert answer.status_code == 400
    assert "An increasing goal needs a target above the baseline" in html
    assert 'aria-describedby="id_metric_helptext id_metric_error"' in html
    assert 'id="id_metric_error"' in html and 'aria-invalid="true"' in html


# ---------------------------------------------------------------- 3. units and bounds


def test_stakeholder_score_has_one_bound_message(world):
    client = signed_in(world.a["project_manager"])
    url = page(world.project_a, "initiation/stakeholders/new/")
    base = {"name": "CFO", "role": "Sponsor", "influence": "5", "interest": "5"}
    for value in ("-1", "0", "11"):
        html = client.post(url, {**base, "influence": value}).content.decode()
        assert "Enter a number from 1 to 10." in html, value
        assert "greater than or equal" not in html and "less than or equal" not in html
    assert Stakeholder.objects.count() == 0


def test_duration_limit_is_quoted_in_working_days():
    with pytest.raises(Exception) as refused:
        dependencies.parse_duration("20000d", 480)
    text = str(refused.value.errors["duration_minutes"][0])  # type: ignore[attr-defined]
    assert text == "A duration is at most 10,950 working days."
    assert "5256000" not in text and "minutes" not in text


def test_text_inputs_do_not_cut_long_input_silently(world):
    client = signed_in(world.a["project_manager"])
    html = client.get(f"/projects/{world.project_a.public_id}/edit/").content.decode()
    assert "<textarea" in html and "maxlength" not in html
    answer = client.post(
        f"/projects/{world.project_a.public_id}/edit/",
        {"name": world.project_a.name, "description": "x" * 5001, "version": "1"},
    )
    assert answer.status_code == 400
    assert "at most 5000 characters (it has 5001)" in answer.content.decode()


# ------------------------------------------------------- 4. work column, budget


def assigned_task(world):
    """A three-day task 'Build' with project A's team member assigned full time (24 h)."""
    pm = world.a["project_manager"]
    task = wbs.task_create(
        who=pm, project=world.project_a, data={"name": "Build", "duration_minutes": 3 * 480}
    )
    staffing.assignment_create(
        who=pm,
        project=world.project_a,
        task=task.public_id,
        data={"person": world.a["team_member"].public_id, "units_percent": 100},
    )
    return task


def test_wbs_work_column_shows_assigned_hours(world):
    pm = world.a["project_manager"]
    task = assigned_task(world)
    table = wbs_selectors.plan_table(who=pm, project=world.project_a)
    row = next(r for r in table.rows if r.task.pk == task.pk)
    assert row.work_hours == Decimal("24")


def test_set_budget_question_names_a_tenfold_gap():
    assert set_budget_question(Decimal("950000"), Decimal("95000"))["gap"] == (
        "10× the proposal's estimate of 95,000"
    )
    assert set_budget_question(Decimal("100000"), Decimal("95000"))["gap"] == ""
    assert "below" in set_budget_question(Decimal("9000"), Decimal("95000"))["gap"]
    assert set_budget_question(Decimal("9000"), None)["gap"] == ""


def test_set_budget_asks_first(world):
    from keystage.costs.models import ProjectBudget

    client = signed_in(world.a["project_manager"])
    url = page(world.project_a, "budget/set/")
    ask = client.post(url, {"version": ""})
    assert ask.status_code == 200 and 'id="budget-confirm"' in ask.content.decode()
    assert not ProjectBudget.objects.filter(project=world.project_a, set_at__isnull=False).exists()
