"""Reads and writes of the risk register and the estimates in a bounded number of queries."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from keystage.planning.services import wbs
from keystage.risks.models import Risk, TaskEstimate
from keystage.risks.records import RISKS

pytestmark = pytest.mark.django_db


def _plan(world: Any, n: int = 12) -> list[Any]:
    rows = [{"name": f"T{i}", "duration_minutes": 960, "kind": "task"} for i in range(n)]
    return wbs.plan_append(who=world.a["project_manager"], project=world.project_a, rows=rows,
                           links=[])  # fmt: skip


def _risks(world: Any, tasks: list[Any], count: int) -> None:
    for n in range(count):
        RISKS.create(
            who=world.a["project_manager"], project=world.project_a,
            data={"title": f"R{n}", "probability": "0.5", "tasks": tasks[n % 4 : n % 4 + 3],
                  "schedule_low": "1", "schedule_likely": "2", "schedule_high": "3"},
        )  # fmt: skip


def _count(fn: Any) -> int:
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def test_reading_the_register_costs_the_same_for_2_or_8_risks(world, api):
    from keystage.risks.engine import simulation_input

    tasks = _plan(world)
    pm = api(world.a["project_manager"])
    page = Client()
    page.force_login(world.a["project_manager"])
    base = f"/projects/{world.project_a.public_id}/"
    url = f"/api/v1/projects/{world.project_a.public_id}/risks/"

    def reads() -> list[int]:
        return [
            _count(lambda: pm.get(url)),
            _count(lambda: page.get(base + "risks/")),
            _count(lambda: simulation_input(project=world.project_a)),
        ]

    _risks(world, tasks, 2)
    few = reads()
    _risks(world, tasks, 6)
    assert Risk.objects.count() == 8
    assert reads() == few
    body = pm.get(url).json()
    rows = body["results"] if isinstance(body, dict) else body
    assert {len(r["tasks"]) for r in rows} == {3}


def test_the_estimates_bulk_put_writes_in_a_constant_number_of_queries(world, api):
    tasks = _plan(world, 30)
    pm = api(world.a["project_manager"])
    url = f"/api/v1/projects/{world.project_a.public_id}/risk-estimates/"

    def put(chosen: list[Any], likely: str) -> int:
        rows = [{"task": str(t.public_id), "optimistic_days": "1", "likely_days": likely,
                 "pessimistic_days": "4"} for t in chosen]  # fmt: skip
        with CaptureQueriesContext(connection) as ctx:
            response = pm.put(url, {"rows": rows}, format="json")
        assert response.status_code == 200, response.content
        return len(ctx.captured_queries)

    created_few, created_many = put(tasks[:3], "2"), put(tasks[3:30], "2")
    assert created_many == created_few
    updated_few, updated_many = put(tasks[:3], "3"), put(tasks[3:30], "3")
    assert updated_many == updated_few
    assert set(TaskEstimate.objects.values_list("likely_minutes", flat=True)) == {3 * 480}
    assert all(e.version == 2 for e in TaskEstimate.objects.all())
