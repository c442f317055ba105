"""Issue 15 item 8: a closed or cancelled project is read-only for everyone, everywhere.

Generated from the URL resolver, like the access matrix: every project-scoped route that
writes (any method but GET) is tried on project B once it is closed (completed) and once it
is cancelled, as its project manager and as an organisation administrator. Each must be
refused (403 or 409) with a message that names the reason, and nothing may be written: the
rows, versions, journal and notifications are compared before and after each route. A new
write route is covered the day it is added to the matrix.
"""

from __future__ import annotations

from typing import Any

import pytest

from keystage.portfolio.models import Project
from tests.app.test_access_matrix import (
    ALL_ROUTES,
    ROUTES,
    _client,
    _path,
    _send,
    _snapshot,
    build_project_b_records,
)

pytestmark = pytest.mark.django_db

# Routes that write on a closed project on purpose: the administrator reopens it
# (tests/app/test_reopen.py covers who may and what it records).
WRITES_ALLOWED_WHEN_CLOSED = {"api:project-reopen", "portfolio:project-reopen"}

WRITE_ROUTES = sorted(
    (name, pattern, method)
    for name, pattern, _ in ALL_ROUTES
    if ROUTES[name].scope == "project"
    for method in ROUTES[name].methods
    if method != "GET"
)


def _close(project: Project, status: str) -> None:
    Project.objects.filter(pk=project.pk).update(stage="closed", status=status)
    project.refresh_from_db()


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_every_write_route_refuses_a_closed_project_and_writes_nothing(world, api, status):
    from keystage.portfolio.models import ProjectMembership

    build_project_b_records(world)
    project = world.project_b
    _close(project, status)
    reason = f"PRJ-B is {'cancelled' if status == 'cancelled' else 'closed'}".encode()
    member = ProjectMembership.objects.get(project=project, user=world.b["team_member"])
    failures: list[str] = []
    for name, pattern, method in WRITE_ROUTES:
        if name in WRITES_ALLOWED_WHEN_CLOSED:
            continue
        route = ROUTES[name]
        path = _path(pattern, project, member)
        assert "<" not in path, f"{name}: give _path a record for {path}"
        for user in (world.b["project_manager"], world.admin):
            before = _snapshot()
            response = _send(_client(route, user, api), method, path, route.body, route.api)
            where = f"{user.username} {method} {name} {path}"
            if response.status_code not in (403, 409):
                failures.append(f"{where} → {response.status_code}")
            elif reason not in response.content:
                failures.append(f"{where} → {response.status_code} without the reason")
            if _snapshot() != before:
                failures.append(f"{where} wrote to the database")
    assert not failures, "\n".join(failures)


def test_the_generated_list_covers_api_and_pages():
    names = {name for name, _, _ in WRITE_ROUTES}
    assert any(n.startswith("api:") for n in names)
    assert any(not n.startswith("api:") for n in names)
    assert len(names) > 100  # every writable route of the product, not a sample


def _reason_line(output: str, code: str = "PRJ-B") -> bool:
    return f"{code} is closed" in output or f"{code} is cancelled" in output


@pytest.mark.parametrize("status", ["completed", "cancelled"])
def test_command_line_writes_refuse_a_closed_project(world, tmp_path, status):
    from typer.testing import CliRunner

    from keystage.cli.app import app

    build_project_b_records(world)
    _close(world.project_b, status)
    runner = CliRunner()
    before = _snapshot()
    for args in (
        ["progress", "PRJ-B", "--data-date", "2027-02-12"],
        ["baseline", "PRJ-B", "--name", "After close"],
        ["schedule", "PRJ-B", "--method", "cpm"],
        ["charter", "PRJ-B", "--regenerate"],
    ):
        done = runner.invoke(app, args)
        assert done.exit_code == 1, (args, done.output)
        assert _reason_line(done.output), (args, done.output)
        assert len(done.output.strip().splitlines()) == 1, done.output
    # Reading stays possible.
    assert runner.invoke(app, ["baseline", "PRJ-B", "--list"]).exit_code == 0
    task = _first_task(world.project_b)
    csv = tmp_path / "late.csv"
    csv.write_text(
        "person_email,project_code,task,date,hours,note\n"
        f"dev_b@example.test,PRJ-B,{task.wbs_code},2027-01-12,4,after the close\n"
    )
    imported = runner.invoke(app, ["timesheet", "import", str(csv)])
    assert imported.exit_code == 1
    assert _reason_line(imported.output), imported.output
    assert _snapshot() == before


def _first_task(project: Project) -> Any:
    from keystage.planning.models import Task

    return Task.objects.filter(project=project).order_by("pk").first()
