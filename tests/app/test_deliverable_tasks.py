"""Deliverables linked to the WBS tasks that produce them (issue 12 item 7)."""

from __future__ import annotations

import pytest
from django.test import Client

from keystage.core.errors import InvalidInput
from keystage.core.models import AuditEntry
from keystage.planning.services import scope, wbs

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(world):
    pm = world.a["project_manager"]
    design = wbs.task_create(who=pm, project=world.project_a, data={"name": "Design"})
    build = wbs.task_create(who=pm, project=world.project_a, data={"name": "Build"})
    foreign = wbs.task_create(
        who=world.b["project_manager"], project=world.project_b, data={"name": "B only"}
    )
    deliverable = scope.deliverable_create(
        who=pm,
        project=world.project_a,
        data={"name": "Spec", "acceptance_criteria": "Signed", "tasks": [str(design.public_id)]},
    )
    return pm, design, build, foreign, deliverable


def test_link_tasks_journaled_and_shown_both_ways(world, plan):
    pm, design, build, _, d = plan
    assert list(d.tasks.all()) == [design]
    d = scope.deliverable_update(
        who=pm,
        deliverable=d,
        version=d.version,
        changes={"tasks": [build.public_id, design.public_id]},
    )
    assert set(d.tasks.all()) == {design, build}
    assert (
        AuditEntry.objects.filter(summary__startswith="Deliverable 'Spec' is produced by").count()
        == 2
    )
    client = Client()
    client.force_login(world.a["team_member"])
    task_page = client.get(f"/projects/{world.project_a.public_id}/plan/tasks/{build.public_id}/")
    assert task_page.status_code == 200 and b"Spec" in task_page.content
    d_page = client.get(
        f"/projects/{world.project_a.public_id}/scope/deliverables/{d.public_id}/page/"
    )
    assert b"Build" in d_page.content and b"Design" in d_page.content
    assert b"Change the linked tasks" not in d_page.content  # only the PM links


def test_another_projects_task_is_refused(world, plan):
    pm, _, _, foreign, d = plan
    with pytest.raises(InvalidInput) as exc:
        scope.deliverable_update(
            who=pm, deliverable=d, version=d.version, changes={"tasks": [foreign.public_id]}
        )
    assert "tasks" in exc.value.errors
    with pytest.raises(InvalidInput):
        scope.deliverable_update(
            who=pm, deliverable=d, version=d.version, changes={"tasks": ["nope"]}
        )
    d.refresh_from_db()
    assert d.version == 1 and d.tasks.count() == 1


def test_api_links_tasks(world, api, plan):
    _, design, build, foreign, d = plan
    client = api(world.a["project_manager"])
    url = f"/api/v1/projects/{world.project_a.public_id}/scope/deliverables/{d.public_id}/"
    assert client.get(url).json()["tasks"] == [str(design.public_id)]
    bad = client.patch(url, {"tasks": [str(foreign.public_id)], "version": 1}, format="json")
    assert bad.status_code == 400 and "tasks" in bad.json()["errors"]
    ok = client.patch(url, {"tasks": [str(build.public_id)], "version": 1}, format="json")
    assert ok.status_code == 200 and ok.json()["tasks"] == [str(build.public_id)]


def test_link_page_form(world, plan):
    pm, design, build, foreign, d = plan
    client = Client()
    client.force_login(pm)
    url = f"/projects/{world.project_a.public_id}/scope/deliverables/{d.public_id}/tasks/"
    done = client.post(url, {"tasks": [str(build.public_id)], "version": 1})
    assert done.status_code == 302
    assert list(d.tasks.all()) == [build]
    bad = client.post(url, {"tasks": [str(foreign.public_id)], "version": 2})
    assert bad.status_code == 400
    stale = client.post(url, {"tasks": [str(design.public_id)], "version": 1})
    assert stale.status_code == 409
    assert list(d.tasks.all()) == [build]
