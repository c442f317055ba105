"""Shared set-up of the timesheet tests: tasks of projects A and B, assignments, a fixed today."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from keystage.execution.services import timesheets as services
from keystage.planning.models import Assignment
from keystage.planning.services import wbs
from keystage.resources import services as resources

TODAY = dt.date(2027, 1, 20)  # a Wednesday; projects A and B start on Monday 4 January 2027
MONDAY = dt.date(2027, 1, 11)  # the week before
D = Decimal


@dataclass
class Plan:
    """Tasks of A (build, test assigned to dev_a and pm_a; a summary; docs unassigned), B."""

    build: Any
    test: Any
    phase: Any
    child: Any
    docs: Any
    b_task: Any


def plan(world: Any, monkeypatch: Any) -> Plan:
    """Tasks and assignments of both projects; today is fixed at ``TODAY``; dev_a costs 80/h."""
    monkeypatch.setattr(services, "today", lambda: TODAY)
    pm, dev = world.a["project_manager"], world.a["team_member"]
    a = world.project_a
    build = wbs.task_create(who=pm, project=a, data={"name": "Build"})
    test = wbs.task_create(who=pm, project=a, data={"name": "Test"})
    phase = wbs.task_create(who=pm, project=a, data={"name": "Phase"})
    child = wbs.task_create(who=pm, project=a, data={"name": "Child"}, parent_id=phase.public_id)
    docs = wbs.task_create(who=pm, project=a, data={"name": "Docs"})
    phase.refresh_from_db()
    for task in (build, test, child):
        Assignment.objects.create(project=a, task=task, person=dev, units_percent=50)
    Assignment.objects.create(project=a, task=build, person=pm, units_percent=50)
    b_task = wbs.task_create(
        who=world.b["project_manager"], project=world.project_b, data={"name": "B work"}
    )
    Assignment.objects.create(
        project=world.project_b, task=b_task, person=world.b["team_member"], units_percent=50
    )
    resources.profile_update(who=world.admin, person=dev, version=None, changes={"cost_rate": 80})
    return Plan(build, test, phase, child, docs, b_task)
