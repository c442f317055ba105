"""Projects through the REST API: create, list, read, edit with versions, bad input."""

from __future__ import annotations

from typing import Any

import pytest

from keystage.core.models import AuditEntry
from keystage.portfolio.models import Project

pytestmark = pytest.mark.django_db


def new_project(**over: Any) -> dict[str, Any]:
    body = {
        "name": "Data warehouse",
        "code": "DWH-1",
        "kind": "data_management",
        "start_date": "2027-02-01",
        "target_date": "2027-09-30",
    }
    body.update(over)
    return body


def test_pmo_creates_project_with_leads_and_it_is_journaled(world, api):
    client = api(world.pmo)
    body = new_project(
        project_manager=str(world.a["project_manager"].public_id),
        sponsor=world.a["sponsor"].username,
    )
    response = client.post("/api/v1/projects/", body, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["stage"] == "initiation"
    assert data["status"] == "active"
    assert data["version"] == 1
    assert data["project_manager"]["username"] == "pm_a"
    assert [s["username"] for s in data["sponsors"]] == ["sponsor_a"]
    project = Project.objects.get(public_id=data["id"])
    actions = list(AuditEntry.objects.filter(project=project).values_list("action", flat=True))
    assert sorted(actions) == ["create", "create", "create"]  # project + 2 memberships


def test_portfolio_lists_only_visible_projects_with_leads(world, api):
    mine = api(world.a["team_member"]).get("/api/v1/projects/").json()
    assert [p["code"] for p in mine] == ["PRJ-A"]
    assert mine[0]["project_manager"]["username"] == "pm_a"
    everything = api(world.pmo).get("/api/v1/projects/").json()
    assert sorted(p["code"] for p in everything) == ["PRJ-A", "PRJ-B"]
    assert api(world.outsider).get("/api/v1/projects/").json() == []


def test_portfolio_filters(world, api):
    client = api(world.pmo)
    assert [p["code"] for p in client.get("/api/v1/projects/?search=prj-b").json()] == ["PRJ-B"]
    assert client.get("/api/v1/projects/?stage=planning").json() == []
    assert len(client.get("/api/v1/projects/?kind=software_development").json()) == 2


@pytest.mark.parametrize(
    ("override", "field"),
    [
        ({"target_date": "2027-01-01"}, "target_date"),
        ({"name": "x" * 201}, "name"),
        ({"description": "y" * 5001}, "description"),
        ({"kind": "space_programme"}, "kind"),
        ({"code": "bad code!"}, "code"),
        ({"start_date": "not-a-date"}, "start_date"),
        ({"name": ""}, "name"),
        ({"project_manager": "00000000-0000-0000-0000-000000000000"}, "project_manager"),
    ],
)
def test_bad_project_input_gets_field_error_and_writes_nothing(world, api, override, field):
    before = (Project.objects.count(), AuditEntry.objects.count())
    response = api(world.pmo).post("/api/v1/projects/", new_project(**override), format="json")
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert (Project.objects.count(), AuditEntry.objects.count()) == before


def test_duplicate_code_is_a_field_error(world, api):
    response = api(world.pmo).post("/api/v1/projects/", new_project(code="PRJ-A"), format="json")
    assert response.status_code == 400
    assert "code" in response.json()["errors"]


def test_team_member_cannot_create_projects(world, api):
    response = api(world.a["team_member"]).post("/api/v1/projects/", new_project(), format="json")
    assert response.status_code == 403


def test_edit_needs_version_then_conflicts_on_stale_version(world, api):
    client = api(world.a["project_manager"])
    url = f"/api/v1/projects/{world.project_a.public_id}/"
    assert client.patch(url, {"name": "Renamed"}, format="json").status_code == 428
    ok = client.patch(url, {"name": "Renamed", "version": 1}, format="json")
    assert ok.status_code == 200
    assert ok.json()["version"] == 2
    stale = client.patch(url, {"name": "Again", "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["name"] == "Renamed"
    assert stale.json()["current"]["version"] == 2
    via_header = client.patch(url, {"name": "Header"}, format="json", HTTP_IF_MATCH='"2"')
    assert via_header.status_code == 200
    entries = AuditEntry.objects.filter(object_id=world.project_a.public_id, action="update")
    assert entries.count() == 2
    assert entries.first().changes == {"name": ["Renamed", "Header"]}


def test_edit_rejects_target_before_start(world, api):
    client = api(world.a["project_manager"])
    url = f"/api/v1/projects/{world.project_a.public_id}/"
    response = client.patch(url, {"target_date": "2026-01-01", "version": 1}, format="json")
    assert response.status_code == 400
    assert "target_date" in response.json()["errors"]
    world.project_a.refresh_from_db()
    assert world.project_a.version == 1


def test_protected_fields_are_ignored_on_edit(world, api):
    client = api(world.a["project_manager"])
    url = f"/api/v1/projects/{world.project_a.public_id}/"
    body = {
        "version": 1,
        "name": "Kept",
        "id": "00000000-0000-0000-0000-000000000001",
        "stage": "closed",
        "status": "cancelled",
        "organisation": 999,
        "created_by": 1,
    }
    response = client.patch(url, body, format="json")
    assert response.status_code == 200
    world.project_a.refresh_from_db()
    assert world.project_a.stage == "initiation"
    assert world.project_a.status == "active"
    assert str(world.project_a.public_id) != body["id"]
    assert world.project_a.name == "Kept"


def test_stakeholder_and_team_member_cannot_edit(world, api):
    url = f"/api/v1/projects/{world.project_a.public_id}/"
    for role in ("stakeholder", "team_member", "sponsor"):
        response = api(world.a[role]).patch(url, {"name": "x", "version": 1}, format="json")
        assert response.status_code == 403, role


def test_history_shows_changes(world, api):
    client = api(world.a["project_manager"])
    url = f"/api/v1/projects/{world.project_a.public_id}/"
    client.patch(url, {"target_date": "2027-07-31", "version": 1}, format="json")
    history = client.get(url + "history/").json()
    assert history[0]["action"] == "update"
    assert history[0]["changes"] == {"target_date": ["2027-06-30", "2027-07-31"]}
    assert history[0]["actor"]["username"] == "pm_a"


def test_anonymous_is_refused(world, api):
    assert api().get("/api/v1/projects/").status_code in (401, 403)


def test_nul_characters_are_refused_not_stored(world, api):
    client = api(world.pmo)
    assert client.get("/api/v1/projects/?search=a%00b").status_code == 400
    response = client.post("/api/v1/projects/", new_project(name="bad\x00name"), format="json")
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
