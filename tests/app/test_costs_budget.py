"""The project budget over HTTP: the cost plan's numbers, settings, set / reopen, budget
lines, errors and versions, roles, the page with htmx, and a constant number of queries."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from keystage.core.models import AuditEntry
from keystage.costs import services as budget_services
from keystage.costs.models import BudgetLine, ProjectBudget
from keystage.planning.models import Assignment
from keystage.planning.services import wbs
from keystage.resources import services as resources
from keystage.resources import supplies

pytestmark = pytest.mark.django_db

D = Decimal
DAY = 480
HX = {"HTTP_HX_REQUEST": "true"}


def _base(project) -> str:
    return f"/api/v1/projects/{project.public_id}/"


def _task(world, name: str, days: int, project=None):
    project = project or world.project_a
    pm = world.a["project_manager"] if project == world.project_a else world.b["project_manager"]
    return wbs.task_create(
        who=pm, project=project, data={"name": name, "duration_minutes": days * DAY}
    )


def _costs(world) -> dict:
    """Labour, equipment (per day across a month end, one-off), procurement and tasks of A.

    Project A starts on Monday 4 January 2027; tasks without links start then.
    """
    pm, dev = world.a["project_manager"], world.a["team_member"]
    project = world.project_a
    build = _task(world, "Build", 10)  # 4–15 Jan
    migrate = _task(world, "Migrate", 30)  # 4 Jan – 12 Feb: 20 working days in Jan, 10 in Feb
    resources.profile_update(
        who=world.admin, person=dev, version=None, changes={"cost_rate": D("80")}
    )
    Assignment.objects.create(project=project, task=build, person=dev, units_percent=50)
    supplies.equipment_create(
        who=pm,
        project=project,
        data={
            "name": "Staging VMs",
            "quantity": 2,
            "unit_cost": D("35"),
            "cost_basis": "per_day",
            "needed_from": dt.date(2027, 1, 27),
            "needed_until": dt.date(2027, 2, 5),
        },
    )
    supplies.equipment_create(
        who=pm,
        project=project,
        data={
            "name": "Test laptops",
            "quantity": 3,
            "unit_cost": D("1000"),
            "cost_basis": "one_off",
            "needed_from": dt.date(2027, 2, 15),
        },
    )
    supplies.procurement_create(
        who=pm,
        project=project,
        data={
            "name": "Cloud subscription",
            "cost": D("5000"),
            "status": "delivered",
            "order_date": dt.date(2027, 3, 1),
            "delivery_date": dt.date(2027, 3, 10),
        },
    )
    supplies.procurement_create(
        who=pm,
        project=project,
        data={"name": "Firewall renewal", "cost": D("9000"), "status": "cancelled"},
    )
    return {"build": build, "migrate": migrate}


def _month(body: dict, month: str) -> dict:
    return next(m for m in body["months"] if m["month"] == month)


def test_cost_plan_numbers_from_every_source(world, api):
    tasks = _costs(world)
    pm = api(world.a["project_manager"])
    line = pm.post(
        _base(world.project_a) + "budget-lines/",
        {
            "category": "services",
            "name": "SAP consultant",
            "amount": "3000",
            "task": str(tasks["migrate"].public_id),
        },
        format="json",
    )
    assert line.status_code == 201, line.json()
    assert line.json()["task_name"] == "Migrate"
    settings = pm.patch(
        _base(world.project_a) + "budget/",
        {"contingency_percent": "10", "management_reserve": "5000", "notes": "Quoted in EUR."},
        format="json",
    )
    assert settings.status_code == 200, settings.json()
    body = pm.get(_base(world.project_a) + "budget/").json()
    categories = {c["key"]: c["amount"] for c in body["categories"]}
    # Labour: 10 days × 8 h × 50 % = 40 h at 80 / h. Equipment: 2 × 35 × 10 calendar days,
    # plus 3 × 1,000 once. The cancelled purchase is left out.
    assert categories == {
        "labour": "3200.00",
        "equipment": "3700.00",
        "procurement": "5000.00",
        "services": "3000.00",
    }
    assert body["labour"] == [
        {
            "name": "Dev_A Tester",
            "hours": "40.00",
            "cost_rate": "80.00",
            "cost": "3200.00",
            "assignments": 1,
        }
    ]
    assert [m["month"] for m in body["months"]] == ["2027-01-01", "2027-02-01", "2027-03-01"]
    january, february = _month(body, "2027-01-01"), _month(body, "2027-02-01")
    # The line on 'Migrate' follows its working days: 20 in January, 10 in February.
    assert january["amounts"] == {"labour": "3200.00", "equipment": "350.00", "services": "2000.00"}
    assert february["amounts"] == {"equipment": "3350.00", "services": "1000.00"}
    assert [m["cumulative"] for m in body["months"]] == ["5550.00", "9900.00", "14900.00"]
    assert (body["subtotal"], body["contingency"], body["cost_baseline"]) == (
        "14900.00",
        "1490.00",
        "16390.00",
    )
    assert (body["management_reserve"], body["total_budget"]) == ("5000.00", "21390.00")
    # The contingency is phased with the costs; the baseline's S-curve ends at the BAC.
    assert body["months"][-1]["cumulative_baseline"] == body["cost_baseline"]
    assert january["contingency"] == "555.00"
    assert (body["is_set"], body["version"], body["notes"]) == (False, 1, "Quoted in EUR.")


def test_a_plan_without_assignments_still_has_its_other_costs(world, api):
    pm = api(world.a["project_manager"])
    created = pm.post(
        _base(world.project_a) + "budget-lines/",
        {
            "category": "travel",
            "name": "Site visits",
            "amount": "1200",
            "start_date": "2027-02-01",
            "end_date": "2027-03-31",
        },
        format="json",
    )
    assert created.status_code == 201
    body = pm.get(_base(world.project_a) + "budget/").json()
    assert body["labour"] == [] and body["version"] is None
    assert body["contingency_percent"] == "0.00"  # nothing saved yet
    # Spread by working days: 20 in February 2027, 23 in March.
    assert [m["amounts"] for m in body["months"]] == [
        {"travel": "558.14"},
        {"travel": "641.86"},
    ]


def test_set_and_reopen_freeze_and_free_the_budget(world, api):
    pm = api(world.a["project_manager"])
    base = _base(world.project_a)
    pm.patch(base + "budget/", {"contingency_percent": "5"}, format="json")
    line = pm.post(
        base + "budget-lines/", {"name": "Licences", "category": "licences", "amount": "800"}
    ).json()
    assert pm.post(base + "budget/set/", {}, format="json").status_code == 428
    done = pm.post(base + "budget/set/", {"version": 1}, format="json")
    assert done.status_code == 200, done.json()
    body = done.json()
    assert body["is_set"] is True and body["set_by"]["username"] == "pm_a"
    assert body["cost_baseline"] == "840.00" and body["version"] == 2
    entry = AuditEntry.objects.filter(summary__startswith="Set the budget").get()
    assert "840" in entry.summary and entry.actor == world.a["project_manager"]
    # Frozen: the settings and the lines wait for a reopen.
    refused = pm.post(base + "budget-lines/", {"name": "More", "amount": "1"}, format="json")
    assert refused.status_code == 400
    assert "Reopen" in refused.json()["errors"]["non_field_errors"][0]
    assert (
        pm.patch(
            base + f"budget-lines/{line['id']}/",
            {"amount": "900"},
            format="json",
            HTTP_IF_MATCH="1",
        ).status_code
        == 400
    )
    again = pm.post(base + "budget/set/", {"version": 2}, format="json")
    assert (
        again.status_code == 400 and "already set" in again.json()["errors"]["non_field_errors"][0]
    )
    reopened = pm.post(base + "budget/reopen/", {}, format="json", HTTP_IF_MATCH="2")
    assert reopened.status_code == 200
    assert (reopened.json()["is_set"], reopened.json()["set_by"]) == (False, None)
    assert pm.post(base + "budget-lines/", {"name": "More", "amount": "1"}).status_code == 201
    nothing = pm.post(base + "budget/reopen/", {"version": 3}, format="json")
    assert nothing.status_code == 400


def test_an_empty_budget_is_not_set(world, api):
    pm = api(world.a["project_manager"])
    response = pm.post(_base(world.project_a) + "budget/set/", {}, format="json")
    assert response.status_code == 400
    message = response.json()["errors"]["non_field_errors"][0]
    assert "cost plan is empty" in message and "budget lines" in message
    assert not ProjectBudget.objects.exists()
    # A budget with nothing but settings is empty too.
    pm.patch(_base(world.project_a) + "budget/", {"contingency_percent": "10"}, format="json")
    refused = pm.post(_base(world.project_a) + "budget/set/", {"version": 1}, format="json")
    assert refused.status_code == 400 and ProjectBudget.objects.get().set_at is None


def test_set_without_settings_records_them_at_zero(world, api):
    pm = api(world.a["project_manager"])
    base = _base(world.project_a)
    pm.post(base + "budget-lines/", {"name": "Training", "category": "training", "amount": "500"})
    done = pm.post(base + "budget/set/", {}, format="json")
    assert done.status_code == 200, done.json()
    assert (done.json()["cost_baseline"], done.json()["version"]) == ("500.00", 1)


def test_bad_lines_and_settings_are_field_errors(world, api):
    pm = api(world.a["project_manager"])
    base = _base(world.project_a)
    negative = pm.post(base + "budget-lines/", {"name": "Refund", "amount": "-50"}, format="json")
    assert negative.status_code == 400
    assert "cannot be negative" in negative.json()["errors"]["amount"][0]
    reversed_dates = pm.post(
        base + "budget-lines/",
        {"name": "Travel", "amount": "5", "start_date": "2027-03-01", "end_date": "2027-02-01"},
        format="json",
    )
    assert reversed_dates.status_code == 400 and "end_date" in reversed_dates.json()["errors"]
    foreign = _task(world, "B task", 2, project=world.project_b)
    other = pm.post(
        base + "budget-lines/",
        {"name": "X", "amount": "5", "task": str(foreign.public_id)},
        format="json",
    )
    assert other.status_code == 400
    assert other.json()["errors"]["task"] == ["Choose a task of this project."]
    both = pm.post(
        base + "budget-lines/",
        {
            "name": "X",
            "amount": "5",
            "task": str(_task(world, "A", 1).public_id),
            "start_date": "2027-02-01",
        },
        format="json",
    )
    assert both.status_code == 400 and "task" in both.json()["errors"]
    assert not BudgetLine.objects.exists()
    too_much = pm.patch(base + "budget/", {"contingency_percent": "150"}, format="json")
    assert too_much.status_code == 400 and "contingency_percent" in too_much.json()["errors"]
    minus = pm.patch(base + "budget/", {"management_reserve": "-1"}, format="json")
    assert minus.status_code == 400
    assert "cannot be negative" in minus.json()["errors"]["management_reserve"][0]
    assert not ProjectBudget.objects.exists()


def test_versions_are_checked(world, api):
    pm = api(world.a["project_manager"])
    base = _base(world.project_a)
    assert (
        pm.patch(base + "budget/", {"contingency_percent": "10"}, format="json").status_code == 200
    )
    missing = pm.patch(base + "budget/", {"contingency_percent": "12"}, format="json")
    assert missing.status_code == 428
    assert (
        pm.patch(
            base + "budget/", {"contingency_percent": "12", "version": 1}, format="json"
        ).status_code
        == 200
    )
    stale = pm.patch(base + "budget/", {"contingency_percent": "15", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["contingency_percent"] == "12.00"
    line = pm.post(
        base + "budget-lines/", {"name": "Licences", "amount": "10"}, format="json"
    ).json()
    url = base + f"budget-lines/{line['id']}/"
    assert pm.patch(url, {"amount": "20"}, format="json").status_code == 428
    assert pm.patch(url, {"amount": "20"}, format="json", HTTP_IF_MATCH="1").status_code == 200
    conflict = pm.patch(url, {"amount": "30"}, format="json", HTTP_IF_MATCH="1")
    assert conflict.status_code == 409 and conflict.json()["current"]["amount"] == "20.00"
    assert pm.delete(url).status_code == 428
    assert pm.delete(url, HTTP_IF_MATCH="2").status_code == 204
    assert pm.get(url).status_code == 404


def test_roles_read_and_write(world, api):
    base = _base(world.project_a)
    line = api(world.a["project_manager"]).post(
        base + "budget-lines/", {"name": "L", "amount": "1"}
    )
    line_url = base + f"budget-lines/{line.json()['id']}/"
    for role in ("stakeholder", "team_member", "sponsor"):
        client = api(world.a[role])
        assert client.get(base + "budget/").status_code == 200
        assert client.get(base + "budget-lines/").json()[0]["name"] == "L"
        assert (
            client.patch(base + "budget/", {"contingency_percent": "1"}, format="json").status_code
            == 403
        )
        assert client.post(base + "budget-lines/", {"name": "x", "amount": "1"}).status_code == 403
        assert (
            client.patch(line_url, {"amount": "2"}, format="json", HTTP_IF_MATCH="1").status_code
            == 403
        )
        assert client.post(base + "budget/set/", {}, format="json").status_code == 403
    outsider = api(world.outsider)
    for url in (base + "budget/", base + "budget-lines/", line_url):
        assert outsider.get(url).status_code == 404
    assert outsider.post(base + "budget/set/", {}, format="json").status_code == 404
    assert BudgetLine.objects.get().amount == D("1.00") and not ProjectBudget.objects.exists()


def _grow(world, n: int, start: int) -> None:
    pm, dev = world.a["project_manager"], world.a["team_member"]
    for i in range(start, start + n):
        task = _task(world, f"Task {i}", 3 + i % 5)
        Assignment.objects.create(project=world.project_a, task=task, person=dev)
        budget_services.line_create(
            who=pm,
            project=world.project_a,
            data={"name": f"Line {i}", "amount": D("100"), "task": task},
        )
        budget_services.line_create(
            who=pm,
            project=world.project_a,
            data={
                "name": f"Trip {i}",
                "category": "travel",
                "amount": D("10"),
                "start_date": dt.date(2027, 1 + i % 6, 3),
            },
        )


def _count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def test_queries_do_not_grow_with_lines_and_tasks(world, api):
    client = api(world.a["project_manager"])
    page = Client()
    page.force_login(world.a["project_manager"])
    api_url = _base(world.project_a) + "budget/"
    page_url = f"/projects/{world.project_a.public_id}/budget/"
    _grow(world, 2, 0)
    small = (_count(client, api_url), _count(page, page_url))
    _grow(world, 8, 2)
    large = (_count(client, api_url), _count(page, page_url))
    assert small == large
    assert BudgetLine.objects.count() == 20


# ------------------------------------------------------------------------- the page


def _signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def _page(project, rest: str = "") -> str:
    return f"/projects/{project.public_id}/budget/{rest}"


def test_page_shows_figures_table_chart_and_labour(world):
    _costs(world)
    pm = world.a["project_manager"]
    budget_services.budget_save(
        who=pm,
        project=world.project_a,
        version=None,
        data={"contingency_percent": D("10"), "management_reserve": D("5000")},
    )
    html = _signed_in(pm).get(_page(world.project_a)).content.decode()
    assert 'aria-current="page">Budget</a>' in html
    # 3,200 labour + 3,700 equipment + 5,000 procurement; 10 %; a reserve of 5,000.
    assert "11,900" in html and "13,090" in html and "18,090" in html  # thousands separators
    assert "<svg" in html and "Budget at completion 13.1k" in html
    assert "Total budget (with reserve) 18.1k" in html
    assert html.count('<th class="num nowrap">') == 3  # Jan, Feb, Mar
    assert 'data-person="Dev_A Tester"' in html and "3,200" in html
    assert "Set budget" in html and "Add budget line" in html and "Draft" in html


def test_page_is_read_only_for_stakeholders_and_hidden_from_outsiders(world):
    budget_services.line_create(
        who=world.a["project_manager"],
        project=world.project_a,
        data={"name": "Travel", "category": "travel", "amount": D("1234567.8")},
    )
    html = _signed_in(world.a["stakeholder"]).get(_page(world.project_a)).content.decode()
    assert "1,234,567.80" in html
    assert (
        "Set budget" not in html and "Add budget line" not in html and "Edit settings" not in html
    )
    viewer = _signed_in(world.a["stakeholder"])
    assert viewer.post(_page(world.project_a, "set/")).status_code == 403
    assert viewer.get(_page(world.project_a, "lines/new/")).status_code == 403
    assert _signed_in(world.outsider).get(_page(world.project_a)).status_code == 404


def test_page_adds_a_line_with_htmx_and_sets_the_budget(world):
    client = _signed_in(world.a["project_manager"])
    ask = client.post(_page(world.project_a, "set/"), {"version": ""}, **HX)
    assert ask.status_code == 200 and 'id="budget-confirm"' in ask.content.decode()
    refused = client.post(_page(world.project_a, "set/"), {"version": "", "confirm": "yes"}, **HX)
    assert refused.status_code == 400 and "cost plan is empty" in refused.content.decode()
    form = client.get(_page(world.project_a, "lines/new/"), **HX)
    assert form.status_code == 200 and "<html" not in form.content.decode()
    line = {
        "category": "services",
        "name": "SAP consultancy",
        "amount": "-5",
        "start_date": "2027-02-01",
    }
    bad = client.post(_page(world.project_a, "lines/new/"), line, **HX)
    assert bad.status_code == 400 and "cannot be negative" in bad.content.decode()
    ok = client.post(_page(world.project_a, "lines/new/"), {**line, "amount": "12500"}, **HX)
    assert ok.status_code == 200 and ok["HX-Retarget"] == "#budget"
    html = ok.content.decode()
    assert "Budget line saved." in html and 'data-line="SAP consultancy"' in html
    assert "12,500" in html and "Feb 2027" in html
    done = client.post(_page(world.project_a, "set/"), {"version": "", "confirm": "yes"}, **HX)
    assert done.status_code == 200 and "Budget set." in done.content.decode()
    assert "Reopen budget" in done.content.decode()
    assert "Add budget line" not in done.content.decode()
    budget = ProjectBudget.objects.get()
    assert budget.set_by == world.a["project_manager"]
    reopened = client.post(_page(world.project_a, "reopen/"), {"version": str(budget.version)})
    assert reopened.status_code == 302
    assert ProjectBudget.objects.get().set_at is None


def test_page_edits_settings_and_removes_a_line(world):
    pm = world.a["project_manager"]
    line = budget_services.line_create(
        who=pm, project=world.project_a, data={"name": "Travel", "amount": D("100")}
    )
    client = _signed_in(pm)
    saved = client.post(
        _page(world.project_a, "settings/"),
        {"contingency_percent": "20", "management_reserve": "50", "notes": ""},
        **HX,
    )
    assert saved.status_code == 200 and "Budget settings saved." in saved.content.decode()
    assert ProjectBudget.objects.get().contingency_percent == D("20")
    stale = client.post(
        _page(world.project_a, "settings/"),
        {"contingency_percent": "5", "management_reserve": "0", "version": "9"},
        **HX,
    )
    assert stale.status_code == 409
    gone = client.post(
        _page(world.project_a, f"lines/{line.public_id}/"), {"action": "remove", "version": "1"}
    )
    assert gone.status_code == 302 and not BudgetLine.objects.exists()


def test_demo_budget_loads_and_sets_with_or_without_assignments(world, api):
    from keystage.demo.costs import LINES, load_budget
    from keystage.demo.planning import load_plan

    pm = world.a["project_manager"]
    load_plan(project=world.project_a, pm=pm)
    earlier = dt.date.today() - dt.timedelta(days=3)
    load_budget(project=world.project_a, pm=pm, set_on=earlier)
    body = api(pm).get(_base(world.project_a) + "budget/").json()
    assert body["is_set"] and body["set_at"].startswith(earlier.isoformat())
    assert body["contingency_percent"] == "10.00" and body["management_reserve"] == "45000.00"
    assert {c["key"] for c in body["categories"]} == {"services", "licences", "training", "travel"}
    assert D(body["subtotal"]) == sum(D(line[2]) for line in LINES)
    assert len(body["months"]) >= 3  # lines follow tasks across the plan
