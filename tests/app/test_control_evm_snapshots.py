"""The dashboard's stored earned-value summaries: equal to the live figures after progress,
costs, a new data date and a new baseline; never shown when stale or computed from another
plan; read in a constant number of queries; and only for the projects the reader may see."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keystage.control import evm_snapshots
from keystage.control.evm_snapshots import refresh, stored_summaries
from keystage.control.models import EvmSnapshot
from keystage.control.selectors.evm import EvmSummary, evm_summaries
from keystage.execution.models import Timesheet
from keystage.planning.models import Task
from keystage.portfolio.models import Project

from .test_control_evm import TODAY
from .test_portfolio_dashboard import _baseline, _many_projects

pytestmark = pytest.mark.django_db

DASH = "/api/v1/portfolio/dashboard/"


def _project(project: Any) -> Project:
    return Project.objects.select_related("organisation").get(pk=project.pk)


def live(project: Any) -> EvmSummary:
    """The summary computed now from the records (what the EVM page shows)."""
    return evm_summaries([_project(project)])[project.pk]


def stored(project: Any, today: dt.date | None = None) -> EvmSummary | None:
    """The stored summary when it may be shown, else None."""
    fresh, _ = stored_summaries([_project(project)], today=today)
    return fresh.get(project.pk)


@pytest.fixture
def computed(monkeypatch):
    """How many projects the dashboard computed live (not from the stored rows)."""
    calls: list[int] = []
    real = evm_snapshots.evm_summaries

    def spy(projects, **kw):
        projects = list(projects)
        calls.extend(p.pk for p in projects)
        return real(projects, **kw)

    monkeypatch.setattr(evm_snapshots, "evm_summaries", spy)
    return calls


@pytest.fixture
def queued(monkeypatch):
    """The refreshes the dashboard queued (instead of the background queue)."""
    from keystage.control import tasks

    jobs: list[list[int]] = []

    class Queue:
        enqueue = staticmethod(jobs.append)

    monkeypatch.setattr(tasks, "refresh_evm_snapshots", Queue)
    return jobs


def dashboard_row(client: Any, project: Any) -> dict[str, Any]:
    rows = client.get(DASH).json()["rows"]
    return next(r for r in rows if r["code"] == project.code)


def assert_dashboard_shows(row: dict[str, Any], summary: EvmSummary) -> None:
    assert summary.has_baseline and summary.spi is not None and summary.cpi is not None
    assert row["spi"] == round(summary.spi, 3) and row["cpi"] == round(summary.cpi, 3)
    assert row["eac"] == str(Decimal(summary.eac).quantize(Decimal("0.01")))
    assert row["forecast_finish"] == (
        summary.forecast_finish.isoformat() if summary.forecast_finish else None
    )


@pytest.fixture
def erp(db: Any, django_capture_on_commit_callbacks: Any) -> tuple[Any, Any]:
    from keystage.demo.portfolio import demo_load

    with django_capture_on_commit_callbacks(execute=True):  # as if each write committed
        demo_load(today=TODAY)
    project = Project.objects.get(code="ERP-CLOUD")
    manager = project.memberships.get(role="project_manager").user
    return project, manager


def _open_task(project: Any) -> Task:
    return (
        Task.objects.filter(
            project=project,
            is_summary=False,
            actual_start__isnull=False,
            actual_finish__isnull=True,
            physical_percent_complete=0,
            percent_complete__lt=80,
        )
        .order_by("row")
        .first()
    )


def test_the_stored_summary_equals_the_live_one_after_every_change(
    erp, api, computed, queued, django_capture_on_commit_callbacks
):
    project, manager = erp
    pm = api(manager)
    base = f"/api/v1/projects/{project.public_id}/"

    # The demo's writes refreshed the row after their commits.
    assert stored(project) == live(project)
    computed.clear()
    assert_dashboard_shows(dashboard_row(pm, project), live(project))
    assert project.pk not in computed

    # No row: computed live, and a refresh queued for the next view.
    EvmSnapshot.objects.filter(project=project).delete()
    assert stored(project) is None
    with django_capture_on_commit_callbacks(execute=True):
        assert_dashboard_shows(dashboard_row(pm, project), live(project))
    assert project.pk in computed and any(project.pk in job for job in queued)

    # Progress through the API: the commit hook stores the new figures; the dashboard reads them.
    task = _open_task(project)
    assert task is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = pm.patch(
            f"{base}tasks/{task.public_id}/progress/",
            {"percent_complete": task.percent_complete + 10, "version": task.version},
            format="json",
        )
    assert response.status_code == 200, response.json()
    after_progress = live(project)
    assert stored(project) == after_progress
    computed.clear()
    assert_dashboard_shows(dashboard_row(pm, project), after_progress)
    assert project.pk not in computed  # from the row

    # A write whose refresh has not run (yet): the row is stale and never shown.
    task.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=False) as pending:
        response = pm.patch(
            f"{base}tasks/{task.public_id}/progress/",
            {"percent_complete": task.percent_complete + 10, "version": task.version},
            format="json",
        )
    assert response.status_code == 200
    assert EvmSnapshot.objects.get(project=project).stale is True
    assert stored(project) is None
    moved = live(project)
    assert moved.ev != after_progress.ev
    assert_dashboard_shows(dashboard_row(pm, project), moved)
    assert project.pk in computed
    for hook in pending:  # the refresh, late
        hook()
    assert stored(project) == moved

    # An actual cost: AC moves, the row follows.
    invoice = {
        "kind": "invoice",
        "category": "services",
        "description": "Extra migration sprint",
        "amount": "15000.00",
        "date": (TODAY - dt.timedelta(days=40)).isoformat(),
        "supplier": "Contoso Consulting",
        "reference": "INV-SNAP-1",
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert pm.post(f"{base}costs/", invoice, format="json").status_code == 201
    after_cost = live(project)
    assert after_cost.ac == moved.ac + Decimal("15000.00")
    assert stored(project) == after_cost
    assert_dashboard_shows(dashboard_row(pm, project), after_cost)

    # A reopened week: its approved cost leaves the actuals, and the row follows.
    sheet = (
        Timesheet.objects.filter(project=project, status="approved")
        .exclude(person=manager)
        .order_by("week_start")
        .first()
    )
    assert sheet is not None
    with django_capture_on_commit_callbacks(execute=True):
        response = pm.post(
            f"{base}timesheets/{sheet.public_id}/reopen/",
            {"version": sheet.version, "reason": "Hours booked on the wrong task"},
            format="json",
        )
    assert response.status_code == 200, response.json()
    after_reopen = live(project)
    assert after_reopen.ac < after_cost.ac
    assert stored(project) == after_reopen
    assert_dashboard_shows(dashboard_row(pm, project), after_reopen)

    # Time: a new data date (a week on).
    calendar = pm.get(f"{base}data-date/").json()
    later = dt.date.fromisoformat(calendar["data_date"]) + dt.timedelta(days=7)
    with django_capture_on_commit_callbacks(execute=True):
        response = pm.put(
            f"{base}data-date/",
            {"data_date": later.isoformat(), "version": calendar["version"]},
            format="json",
        )
    assert response.status_code == 200, response.json()
    after_date = live(project)
    assert after_date.data_date == later and stored(project) == after_date

    # A new baseline fires no figures hook: the fingerprint differs, so it is computed live
    # until the next refresh (here the nightly `keystage kpi check`).
    with django_capture_on_commit_callbacks(execute=True):
        response = pm.post(f"{base}baselines/", {"name": "Re-plan"}, format="json")
    assert response.status_code == 201, response.json()
    rebased = live(project)
    assert rebased.baseline_name == "Re-plan"
    assert stored(project) is None
    computed.clear()
    assert_dashboard_shows(dashboard_row(pm, project), rebased)
    assert project.pk in computed
    assert refresh([project.pk]) == 1
    assert stored(project) == rebased


def test_a_row_is_not_shown_on_another_day_or_after_tasks_or_actuals_change(world):
    """Without a data date the figures are as of today: tomorrow the row is not current;
    neither is it after tasks or actuals change behind the hook's back."""
    project = world.project_a
    _baseline(project, dt.date(2027, 6, 30), "250000.00")
    day = dt.date(2027, 1, 20)
    assert refresh([project.pk], today=day) == 1
    summary = stored(project, today=day)
    assert (
        summary is not None and summary == evm_summaries([_project(project)], today=day)[project.pk]
    )
    assert stored(project, today=day + dt.timedelta(days=1)) is None
    Task.objects.create(project=project, name="Added later")
    assert stored(project, today=day) is None
    assert refresh([project.pk], today=day) == 1 and stored(project, today=day) is not None
    # Actuals written by a path that fires no hook still make the row not current.
    from keystage.costs.models import CostEntry

    CostEntry.objects.create(
        project=project,
        kind="invoice",
        category="services",
        description="Imported",
        amount=Decimal("10.00"),
        date=day,
    )
    assert stored(project, today=day) is None


def test_a_refresh_that_raced_a_write_stores_nothing(world, monkeypatch):
    project = world.project_a
    _baseline(project, dt.date(2027, 6, 30), "250000.00")
    real = evm_snapshots.evm_summaries

    def write_meanwhile(projects, **kw):
        evm_snapshots.mark_stale(project)  # another request's write committed meanwhile
        return real(projects, **kw)

    monkeypatch.setattr(evm_snapshots, "evm_summaries", write_meanwhile)
    assert refresh([project.pk]) == 0
    monkeypatch.setattr(evm_snapshots, "evm_summaries", real)
    assert EvmSnapshot.objects.get(project=project).stale is True
    assert refresh([project.pk]) == 1 and stored(project) is not None


def test_stored_rows_are_read_in_constant_queries_and_only_visible_ones(
    world, api, computed, queued
):
    _baseline(world.project_a, dt.date(2027, 6, 30), "250000.00")
    _baseline(world.project_b, dt.date(2027, 6, 30), "90000.00")
    refresh([world.project_a.pk, world.project_b.pk])
    pmo = api(world.pmo)
    pmo.get(DASH)  # warm-up (sessions, token)
    computed.clear()
    with CaptureQueriesContext(connection) as few:
        assert pmo.get(DASH).status_code == 200
    assert computed == [] and queued == []
    _many_projects(world, 200)
    refresh(Project.objects.values_list("pk", flat=True))
    computed.clear()  # the refresh's own computation
    with CaptureQueriesContext(connection) as many:
        body = pmo.get(DASH).json()
    assert body["total"] == 202 and computed == [] and queued == []
    assert EvmSnapshot.objects.filter(stale=False).count() == 202
    assert len(many) == len(few) <= 24

    # A sponsor of A sees A's stored figures, never B's (stored for B too).
    sponsor = api(world.a["sponsor"])
    rows = sponsor.get(DASH).json()["rows"]
    assert [r["code"] for r in rows] == ["PRJ-A"]
    assert stored(world.project_a) is not None and stored(world.project_b) is not None
    assert world.project_b.code not in sponsor.get(DASH + "?search=PRJ").content.decode()
    assert api(world.outsider).get(DASH).json()["rows"] == []


def test_stale_projects_are_queued_once_a_minute_in_constant_queries(
    world, api, queued, monkeypatch, django_capture_on_commit_callbacks
):
    from django.core.cache import cache

    cache.delete(evm_snapshots.REFRESH_QUEUED_KEY)
    _baseline(world.project_a, dt.date(2027, 6, 30), "250000.00")
    pmo = api(world.pmo)
    pmo.get(DASH)  # warm-up (sessions, token)
    cache.delete(evm_snapshots.REFRESH_QUEUED_KEY)
    queued.clear()
    clock = [1_000_000.0]
    monkeypatch.setattr(evm_snapshots.time, "time", lambda: clock[0])

    def view() -> int:
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True),
        ):
            assert pmo.get(DASH).status_code == 200
        return len(queries)

    few = view()
    assert len(queued) == 1
    assert sorted(queued[0]) == sorted([world.project_a.pk, world.project_b.pk])
    clock[0] += 30  # within the minute: nothing queued again
    view()
    assert len(queued) == 1
    clock[0] += 31  # past it: queued again (the rows are still missing)
    view()
    assert len(queued) == 2

    _many_projects(world, 50)  # no stored rows: every one computed live and queued
    cache.delete(evm_snapshots.REFRESH_QUEUED_KEY)
    many = view()
    assert len(queued[-1]) == 52
    # The queue's bookkeeping costs the same however many projects were found stale.
    assert many - few <= 12, (few, many)
