"""Goals, scope and collaboration links through the REST API: writes, bad input, versions,
permissions, and the goal status rule."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from keystage.core.models import AuditEntry
from keystage.planning.models import CollaborationLink, Deliverable, Goal, ScopeStatement
from keystage.planning.selectors.goals import evaluate, goal_status_list

pytestmark = pytest.mark.django_db

GOAL = {
    "title": "Faster month-end closing",
    "metric": "Closing time",
    "unit": "days",
    "baseline_value": "4",
    "target_value": "1.5",
    "due_date": "2027-06-30",
}


def base(project) -> str:
    return f"/api/v1/projects/{project.public_id}/"


@pytest.fixture
def pm(world, api):
    return api(world.a["project_manager"])


# ---------------------------------------------------------------------- goals


def test_goal_create_edit_delete_with_versions(world, api, pm):
    url = base(world.project_a) + "goals/"
    created = pm.post(url, GOAL, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    # Direction inferred from target < baseline; current starts at the baseline.
    assert (body["direction"], body["current_value"], body["order"]) == ("decrease", "4.0000", 1)
    assert body["progress"] == 0.0
    assert body["status"] in ("on_track", "at_risk")
    goal_url = f"{url}{body['id']}/"
    assert pm.patch(goal_url, {"current_value": "2"}, format="json").status_code == 428
    stale = pm.patch(goal_url, {"current_value": "2", "version": 5}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["current_value"] == "4.0000"
    edited = pm.patch(goal_url, {"current_value": "2.75"}, format="json", HTTP_IF_MATCH="1")
    assert edited.status_code == 200, edited.json()
    assert (edited.json()["version"], edited.json()["progress"]) == (2, 0.5)
    entry = AuditEntry.objects.get(object_type="goal", action="update")
    assert entry.changes == {"current_value": ["4.0000", "2.7500"]}
    assert entry.actor == world.a["project_manager"]
    assert pm.delete(goal_url, HTTP_IF_MATCH="1").status_code == 409
    assert pm.delete(goal_url + "?version=2").status_code == 204
    assert Goal.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="goal", action="delete").count() == 1


@pytest.mark.parametrize(
    ("change", "field", "phrase"),
    [
        ({"target_value": "4"}, "target_value", "must differ from the baseline"),
        ({"direction": "increase"}, "target_value", "above the baseline"),
        ({"direction": "sideways"}, "direction", ""),
        ({"title": ""}, "title", ""),
        ({"title": "x" * 201}, "title", ""),
        ({"due_date": "someday"}, "due_date", ""),
        ({"baseline_value": "abc"}, "baseline_value", ""),
    ],
)
def test_goal_bad_input_is_a_field_error(world, pm, change, field, phrase):
    response = pm.post(base(world.project_a) + "goals/", {**GOAL, **change}, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors
    assert phrase in " ".join(errors[field])
    assert Goal.objects.count() == 0


def test_goal_edit_that_breaks_the_direction_is_refused(world, pm):
    url = base(world.project_a) + "goals/"
    goal = pm.post(url, GOAL, format="json").json()
    response = pm.patch(f"{url}{goal['id']}/", {"target_value": "6", "version": 1}, format="json")
    assert response.status_code == 400
    assert "below the baseline" in response.json()["errors"]["target_value"][0]


def test_goal_status_rule():
    start, due = dt.date(2027, 1, 1), dt.date(2027, 12, 31)
    d = Decimal

    def status(current: str, today: dt.date, baseline="10", target="20") -> str:
        return evaluate(
            baseline=d(baseline),
            target=d(target),
            current=d(current),
            due=due,
            start=start,
            today=today,
        ).status

    mid = dt.date(2027, 7, 2)  # half the time gone
    assert status("20", mid) == "achieved"
    assert status("25", dt.date(2028, 3, 1)) == "achieved"  # reached, even if late
    assert status("19", dt.date(2028, 1, 1)) == "missed"
    assert status("14.5", mid) == "on_track"  # 45 % ≥ 50 % − 10 points
    assert status("13", mid) == "at_risk"  # 30 %
    assert status("10", dt.date(2027, 1, 10)) == "on_track"  # early days, no movement yet
    assert status("8", mid) == "at_risk"  # moved the wrong way
    # A decreasing goal: 4 → 1.5 days.
    assert status("2.75", mid, baseline="4", target="1.5") == "on_track"
    assert status("1.5", mid, baseline="4", target="1.5") == "achieved"
    assert status("4.5", mid, baseline="4", target="1.5") == "at_risk"


def test_goal_status_list_for_kpis(world, pm):
    pm.post(base(world.project_a) + "goals/", {**GOAL, "current_value": "1.2"}, format="json")
    rows = goal_status_list(who=world.a["sponsor"], project_id=world.project_a.public_id)
    assert [(r["title"], r["status"]) for r in rows] == [("Faster month-end closing", "achieved")]
    assert rows[0]["progress"] == pytest.approx(1.12)
    from keystage.core.errors import NotFound

    with pytest.raises(NotFound):
        goal_status_list(who=world.outsider, project_id=world.project_a.public_id)


def test_goals_permissions(world, api, pm):
    url = base(world.project_a) + "goals/"
    goal = pm.post(url, GOAL, format="json").json()
    viewer = api(world.a["stakeholder"])
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, GOAL, format="json").status_code == 403
    assert (
        viewer.patch(f"{url}{goal['id']}/", {"title": "x", "version": 1}, format="json")
    ).status_code == 403
    assert api(world.a["team_member"]).post(url, GOAL, format="json").status_code == 403
    assert api(world.outsider).get(url).status_code == 404
    assert api(world.outsider).get(f"{url}{goal['id']}/").status_code == 404
    # Another project's goal under this project's URL is not found.
    other = api(world.b["project_manager"]).post(
        base(world.project_b) + "goals/", GOAL, format="json"
    )
    assert pm.get(f"{url}{other.json()['id']}/").status_code == 404


# ---------------------------------------------------------------------- scope


def test_scope_statement_is_a_versioned_singleton(world, api, pm):
    url = base(world.project_a) + "scope/"
    assert pm.get(url).status_code == 404
    first = pm.put(url, {"statement": "Migrate the ERP."}, format="json")
    assert (first.status_code, first.json()["version"]) == (200, 1)
    assert pm.put(url, {"statement": "Migrate it all."}, format="json").status_code == 428
    stale = pm.put(url, {"statement": "Migrate it all.", "version": 3}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["statement"] == "Migrate the ERP."
    second = pm.put(url, {"statement": "Migrate it all.", "version": 1}, format="json")
    assert (second.json()["statement"], second.json()["version"]) == ("Migrate it all.", 2)
    assert pm.put(url, {"statement": ""}, format="json").status_code == 400
    viewer = api(world.a["stakeholder"])
    assert viewer.get(url).json()["statement"] == "Migrate it all."
    assert viewer.put(url, {"statement": "x", "version": 2}, format="json").status_code == 403
    assert api(world.outsider).get(url).status_code == 404
    assert ScopeStatement.objects.get().version == 2


def test_deliverables_with_owner_and_criteria(world, api, pm):
    url = base(world.project_a) + "scope/deliverables/"
    body = {
        "name": "Migrated ERP in production",
        "acceptance_criteria": "Month-end closing runs on the cloud platform.",
        "due_date": "2027-05-31",
        "owner": "dev_a",
    }
    created = pm.post(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["owner"]["username"] == "dev_a"
    assert created.json()["status"] == "planned"
    # The owner must be a project member; acceptance criteria are required.
    outsider = pm.post(url, {**body, "owner": "dev_b"}, format="json")
    assert outsider.status_code == 400 and "owner" in outsider.json()["errors"]
    missing = pm.post(url, {**body, "acceptance_criteria": ""}, format="json")
    assert missing.status_code == 400 and "acceptance_criteria" in missing.json()["errors"]
    did = created.json()["id"]
    edited = pm.patch(
        f"{url}{did}/", {"status": "accepted", "owner": None, "version": 1}, format="json"
    )
    assert edited.status_code == 200, edited.json()
    assert (edited.json()["status"], edited.json()["owner"]) == ("accepted", None)
    bad = pm.patch(f"{url}{did}/", {"status": "lost", "version": 2}, format="json")
    assert bad.status_code == 400
    assert api(world.a["stakeholder"]).delete(f"{url}{did}/?version=2").status_code == 403
    assert pm.delete(f"{url}{did}/?version=2").status_code == 204
    assert Deliverable.objects.count() == 0


def test_scope_items_and_notes(world, pm):
    items = base(world.project_a) + "scope/items/"
    for text, flag in (("Finance modules", True), ("HR modules", False), ("Reporting", True)):
        assert pm.post(items, {"text": text, "in_scope": flag}, format="json").status_code == 201
    assert [i["text"] for i in pm.get(items).json()] == [
        "Finance modules",
        "Reporting",
        "HR modules",
    ]
    assert [i["text"] for i in pm.get(items + "?in_scope=false").json()] == ["HR modules"]
    assert pm.post(items, {"text": "", "in_scope": True}, format="json").status_code == 400
    notes = base(world.project_a) + "scope/notes/"
    a = pm.post(notes, {"kind": "assumption", "text": "The vendor keeps the price."}, format="json")
    c = pm.post(notes, {"kind": "constraint", "text": "Cut-over at a quarter end."}, format="json")
    assert (a.status_code, c.status_code) == (201, 201)
    assert [n["kind"] for n in pm.get(notes + "?kind=constraint").json()] == ["constraint"]
    bad = pm.post(notes, {"kind": "wish", "text": "x"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.json()["errors"]
    edited = pm.patch(
        f"{notes}{a.json()['id']}/", {"kind": "constraint", "version": 1}, format="json"
    )
    assert edited.json()["kind"] == "constraint"


# ------------------------------------------------------------- collaboration


def test_links_validate_urls_and_owners(world, api):
    url = base(world.project_a) + "links/"
    dev = api(world.a["team_member"])
    body = {"kind": "repository", "title": "ERP config repo", "url": "https://git.example/erp"}
    created = dev.post(url, body, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["owner"]["username"] == "dev_a"  # defaults to the member adding it
    for bad_url in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "ftp://files.example/x", "x"):
        response = dev.post(url, {**body, "url": bad_url}, format="json")
        assert response.status_code == 400, bad_url
        assert "http:// or https://" in response.json()["errors"]["url"][0]
    not_meeting = dev.post(url, {**body, "schedule": "Weekly"}, format="json")
    assert not_meeting.status_code == 400 and "schedule" in not_meeting.json()["errors"]
    meeting = dev.post(
        url,
        {
            "kind": "meeting",
            "title": "Steering committee",
            "url": "https://meet.example/steer",
            "schedule": "Every second Tue 10:00",
            "owner": "pm_a",
        },
        format="json",
    )
    assert meeting.status_code == 201
    assert meeting.json()["owner"]["username"] == "pm_a"
    mid = meeting.json()["id"]
    # A meeting turned into a channel loses its schedule.
    changed = dev.patch(f"{url}{mid}/", {"kind": "channel", "version": 1}, format="json")
    assert (changed.json()["kind"], changed.json()["schedule"]) == ("channel", "")
    js = dev.patch(f"{url}{mid}/", {"url": "javascript:void(0)", "version": 2}, format="json")
    assert js.status_code == 400
    viewer = api(world.a["stakeholder"])
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, body, format="json").status_code == 403
    assert api(world.outsider).get(url).status_code == 404
    # An admin who is not a member must name an owner.
    admin = api(world.admin).post(url, body, format="json")
    assert admin.status_code == 400 and "owner" in admin.json()["errors"]
    assert CollaborationLink.objects.filter(project=world.project_a).count() == 2
