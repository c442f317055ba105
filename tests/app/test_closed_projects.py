"""One definition of a closed project (``portfolio.access.is_closed``): the Closed stage, or a
cancelled or completed status. Every rule that refuses writes on a closed project reads it:
the permission chokepoint, the time rules (grid, API, import), the record kit."""

from __future__ import annotations

import pytest

from keystage.accounts.roles import Perm
from keystage.execution.selectors.timesheets import week_view
from keystage.portfolio.access import closed_state, is_closed, project_perms
from keystage.portfolio.models import Project
from tests.app.timesheet_world import MONDAY, plan

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("stage", "status", "closed", "state"),
    [
        ("execution", "active", False, ""),
        ("execution", "on_hold", False, ""),
        ("closed", "active", True, "closed"),
        ("closed", "completed", True, "closed"),
        ("execution", "completed", True, "completed"),
        ("closed", "cancelled", True, "cancelled"),
        ("planning", "cancelled", True, "cancelled"),
    ],
)
def test_closed_is_one_rule_everywhere(world, monkeypatch, api, stage, status, closed, state):
    tasks = plan(world, monkeypatch)
    Project.objects.filter(pk=world.project_a.pk).update(stage=stage, status=status)
    project = Project.objects.get(pk=world.project_a.pk)
    dev = world.a["team_member"]
    assert is_closed(project) is closed
    assert (Perm.RECORD_WORK in project_perms(dev, project)) is not closed
    assert week_view(who=dev, project=project, day=MONDAY).editable is not closed
    body = {"task": str(tasks.build.public_id), "day": MONDAY.isoformat(), "hours": "2"}
    logged = api(dev).post(f"/api/v1/projects/{project.public_id}/time-entries/", body)
    if closed:
        assert closed_state(project) == state
        assert logged.status_code == 403 and state in logged.json()["detail"]
    else:
        assert logged.status_code == 201, logged.json()
