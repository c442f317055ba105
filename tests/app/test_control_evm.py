"""Earned value through HTTP: the demo ERP-CLOUD's figures worked out by hand from its records,
the page and the API agree, edge cases are explained, and access holds."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

TODAY = dt.date(2026, 12, 5)


def _local(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def _working_days(first: dt.date, last: dt.date, weekdays: set[int]) -> int:
    days, day = 0, first
    while day <= last:
        days += day.isoweekday() in weekdays
        day += dt.timedelta(days=1)
    return days


def _month_end(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1) - dt.timedelta(days=1)


def _by_hand(project: Any) -> dict[str, float]:
    """PV, EV and AC at the data date from the stored records, with plain loops (no numpy,
    nothing from keystage.control): the rules the page states, applied one task at a time."""
    from keystage.costs.models import CostEntry
    from keystage.execution.models import TimeEntry
    from keystage.planning.models import Baseline, ProjectCalendar, Task

    calendar = ProjectCalendar.objects.get(project=project)
    data_date = calendar.data_date
    weekdays = {int(c) for c in calendar.working_weekdays}
    baseline = Baseline.objects.filter(project=project).order_by("-number").first()
    leaves = [t for t in baseline.tasks.all() if not t.is_summary]
    tasks = {t.pk: t for t in Task.objects.filter(project=project)}

    def planned_share(first: dt.date, last: dt.date, upto: dt.date) -> float:
        total = _working_days(first, last, weekdays)
        if total == 0:
            return 1.0 if first <= upto else 0.0
        return _working_days(first, min(last, upto), weekdays) / total if first <= upto else 0.0

    pv_tasks = ev_tasks = 0.0
    for row in leaves:
        cost = float(row.cost)
        first, last = _local(row.start_at), _local(row.finish_at)
        pv_tasks += cost * planned_share(first, last, data_date)
        task = tasks.get(row.task_id)
        if task is None:
            continue
        percent = task.physical_percent_complete or task.percent_complete
        if task.actual_finish is not None:
            percent = 100
        ev_tasks += cost * percent / 100

    # Costs not tied to a task: what each baseline month holds beyond the tasks' share,
    # scaled to the untied total, spread over the month's working days, earned as planned.
    untied = float(Decimal(baseline.budget["subtotal"])) - sum(float(r.cost) for r in leaves)
    months = []
    for m in baseline.budget["months"]:
        start = dt.date(int(m["month"][:4]), int(m["month"][5:]), 1)
        end = _month_end(start)
        tied = 0.0
        for row in leaves:
            first, last = _local(row.start_at), _local(row.finish_at)
            total = _working_days(first, last, weekdays)
            inside = _working_days(max(first, start), min(last, end), weekdays)
            tied += float(row.cost) * inside / total if total else 0.0
        months.append((start, end, max(float(m["amount"]) - tied, 0.0)))
    rest = sum(amount for _, _, amount in months)
    loe = 0.0
    if untied > 0.005 and rest > 0:
        for start, end, amount in months:
            loe += amount * untied / rest * planned_share(start, end, data_date)

    labour = sum(
        float(e.amount)
        for e in TimeEntry.objects.filter(
            project=project, timesheet__status="approved", day__lte=data_date
        )
    )
    costs = sum(
        float(c.amount) for c in CostEntry.objects.filter(project=project, date__lte=data_date)
    )
    return {
        "data_date": data_date,
        "bac": float(Decimal(baseline.budget["subtotal"])),
        "pv": pv_tasks + loe,
        "ev": ev_tasks + loe,
        "ac": labour + costs,
    }


@pytest.fixture
def erp(db: Any) -> tuple[Any, Any]:
    from keystage.demo.portfolio import demo_load
    from keystage.portfolio.models import Project

    demo_load(today=TODAY)
    project = Project.objects.get(code="ERP-CLOUD")
    manager = project.memberships.get(role="project_manager").user
    return project, manager


def test_demo_erp_cloud_earned_value_matches_the_hand_computation(
    erp, api, django_assert_max_num_queries
):
    project, manager = erp
    hand = _by_hand(project)
    body = api(manager).get(f"/api/v1/projects/{project.public_id}/evm/").json()
    f = body["figures"]
    assert body["summary"]["data_date"] == hand["data_date"].isoformat()
    for key in ("bac", "pv", "ev", "ac"):
        assert float(f[key]) == pytest.approx(hand[key], abs=0.02), key
    # The indices and forecasts follow from the four amounts.
    bac, pv, ev, ac = (float(f[k]) for k in ("bac", "pv", "ev", "ac"))
    assert f["spi"] == pytest.approx(ev / pv, rel=1e-6)
    assert f["cpi"] == pytest.approx(ev / ac, rel=1e-6)
    assert float(f["sv"]) == pytest.approx(ev - pv, abs=0.01)
    assert float(f["cv"]) == pytest.approx(ev - ac, abs=0.01)
    assert float(f["eac_cpi"]) == pytest.approx(ac + (bac - ev) / (ev / ac), abs=0.02)
    assert float(f["eac_budget_rate"]) == pytest.approx(ac + bac - ev, abs=0.02)
    assert float(f["vac"]) == pytest.approx(bac - float(f["eac_cpi"]), abs=0.01)
    assert f["tcpi_bac"] == pytest.approx((bac - ev) / (bac - ac), rel=1e-6)
    # The demo's dates follow today's, so its amounts are checked against the hand
    # computation above rather than pinned.
    assert f["cpi"] < 0.9 and ac > ev  # the demo is well over cost (procurement)
    assert body["summary"]["forecast_finish"] >= body["summary"]["baseline_finish"]
    # Categories and WBS summaries add up; every summary is a baselined summary row.
    cats = body["categories"]
    assert sum(float(c["figures"]["bac"]) for c in cats) == pytest.approx(bac, abs=0.05)
    assert sum(float(c["figures"]["ev"]) for c in cats) == pytest.approx(ev, abs=0.05)
    assert sum(float(c["figures"]["ac"]) for c in cats) == pytest.approx(ac, abs=0.05)
    top = [r for r in body["wbs"] if r["level"] == 1]
    assert top and all(float(r["figures"]["bac"]) > 0 for r in top)

    history = api(manager).get(f"/api/v1/projects/{project.public_id}/evm/history/?period=month")
    assert history.status_code == 200
    points = history.json()["points"]
    assert points[-1]["ev"] == f["ev"] and points[-1]["ac"] == f["ac"]
    assert [float(p["ac"]) for p in points] == sorted(float(p["ac"]) for p in points)
    weekly = api(manager).get(f"/api/v1/projects/{project.public_id}/evm/history/").json()
    assert weekly["period"] == "week" and len(weekly["points"]) > len(points)

    page = Client()
    page.force_login(manager)
    response = page.get(f"/projects/{project.public_id}/earned-value/?period=month")
    html = response.content.decode().replace("\xa0", " ")
    # The page shows the same amounts as the API, as money.
    assert f"€ {bac:,.2f}" in html and f"€ {ac:,.2f}" in html
    assert 'id="evm-s-curve"' in html and 'id="evm-trend"' in html
    assert 'data-series="earned"' in html and "Forecast (EAC)" in html
    assert "TCPI(BAC) is" in html  # the edge case is said in words

    # The summaries of the whole demo portfolio (two projects with a baseline) in the same
    # handful of queries as for none.
    from keystage.accounts.models import User
    from keystage.control.selectors.evm import visible_evm_summaries

    admin = User.objects.get(username="admin")
    with django_assert_max_num_queries(12):
        summaries = visible_evm_summaries(who=admin)
    assert sum(s.has_baseline for s in summaries.values()) >= 2
    assert summaries[project.pk].cpi == pytest.approx(f["cpi"])


def test_without_a_baseline_the_page_and_api_explain(world, api):
    project = world.project_a
    body = api(world.a["stakeholder"]).get(f"/api/v1/projects/{project.public_id}/evm/").json()
    assert body["summary"]["has_baseline"] is False and body["figures"] is None
    assert "No baseline yet" in body["summary"]["notes"][0]
    client = Client()
    client.force_login(world.a["stakeholder"])
    response = client.get(f"/projects/{project.public_id}/earned-value/")
    assert response.status_code == 200
    assert "No baseline yet" in response.content.decode()


def test_bad_period_and_baseline_are_field_errors_and_outsiders_see_nothing(world, api):
    project = world.project_a
    base = f"/api/v1/projects/{project.public_id}/evm/"
    pm = api(world.a["project_manager"])
    response = pm.get(base + "history/?period=year")
    assert response.status_code == 400 and "period" in response.json()["errors"]
    response = pm.get(base + "?baseline=00000000-0000-0000-0000-000000000000")
    assert response.status_code == 400 and "baseline" in response.json()["errors"]
    assert pm.get(base + "?baseline=not-a-uuid").status_code == 400
    assert api(world.outsider).get(base).status_code == 404
    assert api(world.b["project_manager"]).get(base + "history/").status_code == 404
    client = Client()
    client.force_login(world.outsider)
    assert client.get(f"/projects/{project.public_id}/earned-value/").status_code == 404


def test_summaries_of_many_projects_take_a_constant_number_of_queries(
    world, django_assert_max_num_queries
):
    from keystage.control.selectors.evm import visible_evm_summaries

    with django_assert_max_num_queries(10):
        summaries = visible_evm_summaries(who=world.admin)
    assert len(summaries) == 2 and not any(s.has_baseline for s in summaries.values())
