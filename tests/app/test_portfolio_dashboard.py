"""The portfolio dashboard and the cross-project resource load: figures from the registered
providers, filters and sorting, a constant query count, and the A5 canary (a member of A
crawls dashboard, heat map and intake and never meets a string planted in project B)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from keystage.accounts.roles import ProjectRole
from keystage.control.models import KpiState
from keystage.control.selectors.portfolio_figures import control_figures
from keystage.execution.services import timesheets as time_services
from keystage.initiation import intake
from keystage.planning.models import Assignment, Baseline, Task
from keystage.portfolio import dashboard as registry
from keystage.portfolio.models import Project, ProjectMembership

from .timesheet_world import plan

pytestmark = pytest.mark.django_db

DASH = "/api/v1/portfolio/dashboard/"
LOAD = "/api/v1/portfolio/resource-load/"
CANARY = "CANARY-7f3e91-Bravo"


def _at(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), timezone.get_current_timezone())


def _baseline(project, finish: dt.date, cost: str) -> None:
    Baseline.objects.create(
        project=project, number=1, name="Approved plan", finish_at=_at(finish, 17), cost=cost
    )


def test_rows_show_stage_pm_and_the_planning_and_costs_figures(world, api, without_control):
    _baseline(world.project_a, dt.date(2027, 6, 30), "250000.00")
    body = api(world.pmo).get(DASH).json()
    assert body["control_installed"] is False and body["total"] == 2
    rows = {r["code"]: r for r in body["rows"]}
    a = rows["PRJ-A"]
    assert a["stage"] == "initiation" and a["project_manager"] == "Pm_A Tester"
    assert a["baseline_finish"] == "2027-06-30" and a["budget"] == "250000.00"
    assert a["spi"] is None and a["cpi"] is None and a["health"] is None and a["eac"] is None
    assert rows["PRJ-B"]["budget"] is None


@pytest.fixture
def without_control():
    """The dashboard as it is without control's provider (earned value and health)."""
    registry.unregister_project_figures(control_figures)
    yield
    registry.register_project_figures(control_figures)


@pytest.fixture
def control():
    """Stand-in figures laid over control's own (a risk register is still to come)."""

    def provide(projects):
        figures = {
            "PRJ-A": {
                "spi": 0.82,
                "cpi": 1.05,
                "health": "red",
                "health_reason": "SPI 0.82 < 0.90",
                "eac": Decimal("240000"),
                "top_risk": "Vendor late",
            },
            "PRJ-B": {"spi": 1.01, "cpi": 0.97, "health": "green", "eac": Decimal("90000")},
        }
        return {p.pk: figures.get(p.code, {}) for p in projects}

    registry.register_project_figures(provide)
    yield provide
    registry.unregister_project_figures(provide)


def test_control_figures_filter_and_sort(world, api, control):
    pmo = api(world.pmo)
    body = pmo.get(DASH).json()
    assert body["control_installed"] is True
    assert [r["code"] for r in pmo.get(DASH + "?sort=spi").json()["rows"]] == ["PRJ-A", "PRJ-B"]
    assert [r["code"] for r in pmo.get(DASH + "?sort=spi&order=desc").json()["rows"]] == [
        "PRJ-B",
        "PRJ-A",
    ]
    assert [r["code"] for r in pmo.get(DASH + "?health=red").json()["rows"]] == ["PRJ-A"]
    assert [r["code"] for r in pmo.get(DASH + "?pm=Pm_B Tester").json()["rows"]] == ["PRJ-B"]
    assert [r["code"] for r in pmo.get(DASH + "?search=project b").json()["rows"]] == ["PRJ-B"]
    assert pmo.get(DASH + "?stage=planning").json()["rows"] == []
    for bad in (
        "?sort=evil",
        "?health=purple",
        "?stage=nowhere",
        "?order=up",
        "?sort=",
        "?health=",
    ):
        assert pmo.get(DASH + bad).status_code == 400
    client = Client()
    client.force_login(world.pmo)
    page = client.get("/portfolio/dashboard/?sort=cpi").content.decode()
    assert "SPI 0.82 &lt; 0.90" in page and "Vendor late" in page
    assert f'data-project-id="{world.project_a.public_id}"' in page  # a bubble


def test_without_control_the_page_says_why_the_columns_are_empty(world, without_control):
    client = Client()
    client.force_login(world.pmo)
    page = client.get("/portfolio/dashboard/").content.decode()
    assert 'id="control-note"' in page and "No project has earned-value figures yet." in page


def _many_projects(world, count: int) -> None:
    start = dt.date(2027, 1, 4)
    projects = Project.objects.bulk_create(
        Project(
            organisation=world.org,
            name=f"Bulk {i}",
            code=f"BULK-{i}",
            kind="other",
            start_date=start,
            target_date=start + dt.timedelta(days=90),
        )
        for i in range(count)
    )
    ProjectMembership.objects.bulk_create(
        ProjectMembership(
            project=p, user=world.a["project_manager"], role=ProjectRole.PROJECT_MANAGER
        )
        for p in projects
    )
    Baseline.objects.bulk_create(
        Baseline(project=p, number=1, name="B", finish_at=_at(start, 17), cost="1000")
        for p in projects
    )


def test_query_count_is_constant_for_200_projects(world, api, control):
    _baseline(world.project_a, dt.date(2027, 6, 30), "250000.00")  # as every bulk project
    client = api(world.pmo)
    client.get(DASH)  # warm-up (sessions, token)
    with CaptureQueriesContext(connection) as few:
        assert client.get(DASH).status_code == 200
    _many_projects(world, 200)
    with CaptureQueriesContext(connection) as many:
        body = client.get(DASH).json()
    assert body["total"] == 202
    assert len(many) == len(few) <= 24


def test_health_is_the_worst_rag_of_the_last_check_with_its_reasons(world, api):
    now = timezone.now()
    for key, rag, reason in (
        ("cpi", "amber", "CPI 0.93 < 0.95"),
        ("spi_t", "red", "SPI(t) 0.84 < 0.90"),
        ("scope", "green", ""),
    ):
        KpiState.objects.create(
            project=world.project_a, key=key, rag=rag, reason=reason, checked_at=now,
            changed_at=now,
        )  # fmt: skip
    rows = {r["code"]: r for r in api(world.pmo).get(DASH).json()["rows"]}
    assert rows["PRJ-A"]["health"] == "red"
    assert rows["PRJ-A"]["health_reason"] == "SPI(t) 0.84 < 0.90"
    assert rows["PRJ-B"]["health"] is None


# ------------------------------------------------------------------ resource load


MONDAY = dt.date(2027, 1, 11)


@pytest.fixture
def load_plan(world, monkeypatch):
    tasks = plan(world, monkeypatch)
    Task.objects.update(start_at=None, finish_at=None)
    Task.objects.filter(pk=tasks.build.pk).update(
        start_at=_at(MONDAY, 8), finish_at=_at(MONDAY + dt.timedelta(days=4), 17)
    )
    Task.objects.filter(pk=tasks.b_task.pk).update(
        start_at=_at(MONDAY, 8), finish_at=_at(MONDAY + dt.timedelta(days=11), 17), name=CANARY
    )
    Assignment.objects.filter(task=tasks.build, person=world.a["team_member"]).update(work_hours=60)
    Assignment.objects.filter(task=tasks.b_task).update(work_hours=20)
    # dev_b also works on A for a week, so B's hours of dev_b must stay hidden from A's members.
    Assignment.objects.create(
        project=world.project_a, task=tasks.build, person=world.b["team_member"], work_hours=10
    )
    time_services.time_entry_create(
        who=world.a["team_member"],
        project=world.project_a,
        data={"task": str(tasks.build.public_id), "day": "2027-01-12", "hours": "9"},
    )
    Project.objects.filter(pk=world.project_b.pk).update(name=f"Project {CANARY}")
    return tasks


def _cells(body, username):
    person = next(p for p in body["people"] if p["username"] == username)
    return {c["week"]: c for c in person["cells"]}


def test_resource_load_shows_over_allocation(world, api, load_plan):
    body = api(world.pmo).get(LOAD + "?from=2027-01-13&weeks=3").json()
    assert body["start"] == "2027-01-11" and body["weeks"] == [
        "2027-01-11",
        "2027-01-18",
        "2027-01-25",
    ]
    dev = _cells(body, "dev_a")
    assert Decimal(dev["2027-01-11"]["planned"]) == Decimal("60.00")
    assert Decimal(dev["2027-01-11"]["actual"]) == Decimal("9.00")
    assert Decimal(dev["2027-01-11"]["capacity"]) == Decimal("40.00")
    assert dev["2027-01-11"]["over"] is True and dev["2027-01-18"]["over"] is False
    dev_b = _cells(body, "dev_b")
    # 20 h of B over ten working days, and 10 h of A in the first week.
    assert Decimal(dev_b["2027-01-11"]["planned"]) == Decimal("20.00")
    assert {s["project"] for s in dev_b["2027-01-11"]["projects"]} == {"PRJ-A", "PRJ-B"}
    # Over-allocated people come first.
    assert body["people"][0]["username"] == "dev_a"


def test_member_sees_only_their_projects_hours(world, api, load_plan):
    body = api(world.a["team_member"]).get(LOAD + "?from=2027-01-11&weeks=2").json()
    dev_b = _cells(body, "dev_b")
    assert Decimal(dev_b["2027-01-11"]["planned"]) == Decimal("10.00")  # A's only
    assert [s["project"] for s in dev_b["2027-01-11"]["projects"]] == ["PRJ-A"]
    assert Decimal(dev_b["2027-01-18"]["planned"]) == Decimal("0.00")
    outsider = api(world.outsider).get(LOAD + "?from=2027-01-11").json()
    assert outsider["people"] == []


def test_resource_load_bad_input_and_constant_queries(world, api, load_plan):
    client = api(world.pmo)
    for bad in ("?from=yesterday", "?weeks=0", "?weeks=27", "?weeks=two"):
        response = client.get(LOAD + bad)
        assert response.status_code == 400, bad
    client.get(LOAD + "?from=2027-01-11")
    with CaptureQueriesContext(connection) as few:
        client.get(LOAD + "?from=2027-01-11&weeks=4")
    for task in Task.objects.filter(project=world.project_a):
        Task.objects.filter(pk=task.pk).update(
            start_at=_at(MONDAY, 8), finish_at=_at(MONDAY + dt.timedelta(days=20), 17)
        )
    for user in (world.admin, world.pmo, world.outsider, world.a["sponsor"]):
        Assignment.objects.create(project=world.project_a, task=load_plan.docs, person=user)
    with CaptureQueriesContext(connection) as many:
        body = client.get(LOAD + "?from=2027-01-11&weeks=4").json()
    assert len(body["people"]) >= 6
    assert len(many) == len(few)


# ------------------------------------------------------------------ A5 canary


def test_a5_canary_member_of_a_never_sees_project_b(world, api, load_plan, control):
    # B carries the canary in its name, its task, a proposal's title and a status in intake.
    intake.intake_submit(
        who=world.b["team_member"],
        data={
            "title": f"Idea {CANARY}",
            "problem": "p",
            "benefits": "b",
            "rough_cost": Decimal("1"),
            "rough_duration_days": 5,
        },
    )
    for user in (world.a["team_member"], world.a["project_manager"], world.a["sponsor"]):
        client = Client()
        client.force_login(user)
        token = api(user)
        pages = [
            client.get("/portfolio/dashboard/"),
            client.get("/portfolio/dashboard/?sort=budget&order=desc"),
            client.get("/portfolio/resource-load/?from=2027-01-04&weeks=6"),
            client.get("/intake/"),
            token.get(DASH),
            token.get(LOAD + "?from=2027-01-04&weeks=6"),
            token.get("/api/v1/intake/"),
        ]
        for response in pages:
            assert response.status_code == 200
            text = response.content.decode()
            assert text.count(CANARY) == 0
            assert "PRJ-B" not in text
    # The PMO sees it: the canary is really there.
    client = Client()
    client.force_login(world.pmo)
    assert CANARY in client.get("/portfolio/dashboard/").content.decode()
    assert CANARY in client.get("/intake/").content.decode()
    assert "PRJ-B" in api(world.pmo).get(LOAD + "?from=2027-01-04&weeks=6").content.decode()
