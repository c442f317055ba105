"""Staffing over HTTP: skill needs, assignments, the recommender, and the assignments page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from keystage.core.models import AuditEntry
from keystage.planning.models import Assignment
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

DAY = 480


def _person(world: Any, username: str, first: str, last: str) -> Any:
    from keystage.accounts import services

    return services.user_create(
        username=username,
        password=PASSWORD,
        email=f"{username}@example.test",
        first_name=first,
        last_name=last,
        organisation=world.org,
        org_role="member",
        check_password_strength=False,
    )


@dataclass
class Team:
    """Project A's plan and people: Amara (SAP Basis 5, cheap), Ben (3, dear), Cara (2)."""

    amara: Any
    ben: Any
    cara: Any
    phase: dict[str, Any]
    install: dict[str, Any]
    patch: dict[str, Any]
    docs: dict[str, Any]


def _base(world: Any, key: str = "a") -> str:
    project = world.project_a if key == "a" else world.project_b
    return f"/api/v1/projects/{project.public_id}/"


def _task(client: Any, base: str, **body: Any) -> dict[str, Any]:
    response = client.post(base + "tasks/", body, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


@pytest.fixture
def team(world, api) -> Team:
    from keystage.portfolio import services as portfolio
    from keystage.resources import services as resources

    sap = resources.skill_create(who=world.admin, name="SAP Basis")
    resources.skill_create(who=world.admin, name="Networking")
    people = {}
    for username, first, last, level, rate in (
        ("amara", "Amara", "Okafor", 5, "50"),
        ("ben", "Ben", "Baker", 3, "90"),
        ("cara", "Cara", "Jones", 2, "40"),
    ):
        user = _person(world, username, first, last)
        profile = resources.profile_update(
            who=world.admin,
            person=user,
            version=None,
            changes={"capacity_percent": 100, "cost_rate": Decimal(rate)},
        )
        resources.person_skill_set(
            who=world.admin, person=user, skill=sap, level=level, version=profile.version
        )
        portfolio.member_add(
            who=world.admin, project=world.project_a, user=user, role="team_member"
        )
        people[username] = user
    pm = api(world.a["project_manager"])
    base = _base(world)
    phase = _task(pm, base, name="SAP upgrade")
    install = _task(pm, base, name="Install SAP", duration_minutes=5 * DAY, parent=phase["id"])
    patch = _task(pm, base, name="Patch SAP", duration_minutes=5 * DAY, parent=phase["id"])
    docs = _task(pm, base, name="Write docs", duration_minutes=2 * DAY)
    return Team(people["amara"], people["ben"], people["cara"], phase, install, patch, docs)


def _need(client: Any, world: Any, task: dict[str, Any], skill: str = "SAP Basis", level=3):
    url = _base(world) + f"tasks/{task['id']}/skills/"
    response = client.post(url, {"skill": skill, "min_level": level}, format="json")
    assert response.status_code == 201, response.json()
    return response.json()


def _assign(client: Any, world: Any, task: dict[str, Any], person: str, **extra: Any):
    body = {"task": task["id"], "person": person, **extra}
    return client.post(_base(world) + "assignments/", body, format="json")


# ------------------------------------------------------------------ skill needs


def test_skill_needs_are_added_edited_and_removed_at_their_version(world, api, team):
    pm = api(world.a["project_manager"])
    url = _base(world) + f"tasks/{team.install['id']}/skills/"
    need = _need(pm, world, team.install)
    assert (need["skill"]["name"], need["min_level"], need["version"]) == ("SAP Basis", 3, 1)
    assert [n["skill"]["name"] for n in pm.get(url).json()] == ["SAP Basis"]

    twice = pm.post(url, {"skill": "sap basis"}, format="json")
    assert twice.status_code == 400
    assert "already needs SAP Basis" in twice.json()["errors"]["skill"][0]
    unknown = pm.post(url, {"skill": "Cobol"}, format="json")
    assert unknown.status_code == 400 and "Cobol" in unknown.json()["errors"]["skill"][0]
    too_high = pm.post(url, {"skill": "Networking", "min_level": 6}, format="json")
    assert too_high.status_code == 400 and "min_level" in too_high.json()["errors"]
    summary = pm.post(
        _base(world) + f"tasks/{team.phase['id']}/skills/", {"skill": "Networking"}, format="json"
    )
    assert summary.status_code == 400 and "summary" in summary.json()["errors"]["task"][0]

    detail = url + f"{need['id']}/"
    assert pm.patch(detail, {"min_level": 4}, format="json").status_code == 428
    edited = pm.patch(detail, {"min_level": 4}, format="json", HTTP_IF_MATCH="1")
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = pm.patch(detail, {"min_level": 2}, format="json", HTTP_IF_MATCH="1")
    assert stale.status_code == 409 and stale.json()["current"]["min_level"] == 4
    assert pm.delete(detail).status_code == 428
    assert pm.delete(detail + "?version=2").status_code == 204
    assert pm.get(url).json() == []
    journal = AuditEntry.objects.filter(object_type="taskskill").values_list("action", flat=True)
    assert sorted(journal) == ["create", "delete", "update"]

    viewer = api(world.a["stakeholder"])
    assert viewer.get(url).status_code == 200
    assert viewer.post(url, {"skill": "Networking"}, format="json").status_code == 403
    assert api(world.outsider).get(url).status_code == 404


# ------------------------------------------------------------------ assignments


def test_assignments_are_created_edited_filtered_and_removed(world, api, team):
    pm = api(world.a["project_manager"])
    created = _assign(pm, world, team.install, "amara", note="Knows the system")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["person"]["username"], body["units_percent"], body["source"]) == (
        "amara",
        100,
        "manual",
    )
    assert body["planned_hours"] == "40.00"  # 5 days × 8 h × 100 %
    assert body["task"]["name"] == "Install SAP"

    url = _base(world) + f"assignments/{body['id']}/"
    assert pm.patch(url, {"units_percent": 50}, format="json").status_code == 428
    half = pm.patch(url, {"units_percent": 50}, format="json", HTTP_IF_MATCH="1")
    assert half.status_code == 200 and half.json()["planned_hours"] == "20.00"
    stale = pm.patch(url, {"units_percent": 75}, format="json", HTTP_IF_MATCH="1")
    assert stale.status_code == 409 and stale.json()["current"]["units_percent"] == 50
    fixed = pm.patch(url, {"work_hours": "12.5", "version": 2}, format="json")
    assert fixed.status_code == 200 and fixed.json()["planned_hours"] == "12.50"
    moved = pm.patch(url, {"task": team.patch["id"], "version": 3}, format="json")
    assert moved.status_code == 400 and "task" in moved.json()["errors"]

    listing = _base(world) + "assignments/"
    assert len(pm.get(listing, {"task": team.install["id"]}).json()) == 1
    assert len(pm.get(listing, {"task": team.patch["id"]}).json()) == 0
    assert len(pm.get(listing, {"person": "amara"}).json()) == 1
    assert len(pm.get(listing, {"person": str(team.ben.public_id)}).json()) == 0
    assert pm.get(listing, {"task": "not-a-task"}).status_code == 400

    assert pm.delete(url).status_code == 428
    assert pm.delete(url + "?version=3").status_code == 204
    assert not Assignment.objects.exists()
    actions = AuditEntry.objects.filter(object_type="assignment").values_list("action", flat=True)
    assert sorted(actions) == ["create", "delete", "update", "update"]


def test_units_default_to_the_persons_capacity(world, api, team):
    from keystage.resources import services as resources

    resources.profile_update(
        who=world.admin, person=team.ben, version=2, changes={"capacity_percent": 60}
    )
    pm = api(world.a["project_manager"])
    body = _assign(pm, world, team.install, "ben").json()
    assert (body["units_percent"], body["planned_hours"]) == (60, "24.00")


def test_a_person_without_the_skill_is_told_which_skill_is_missing(world, api, team):
    pm = api(world.a["project_manager"])
    _need(pm, world, team.install, level=3)
    _need(pm, world, team.install, skill="Networking", level=1)
    low = _assign(pm, world, team.install, "cara")
    assert low.status_code == 400
    assert low.json()["errors"]["person"] == [
        "Cara Jones has no Networking (needs level 1) and lacks SAP Basis (needs level 3, has 2)."
    ]
    none = _assign(pm, world, team.install, "dev_a")
    assert none.json()["errors"]["person"][0].startswith("Dev_A Tester has no Networking")
    assert "has no SAP Basis (needs level 3)" in none.json()["errors"]["person"][0]
    # Changing the person of an assignment is checked the same way.
    ok = _assign(pm, world, team.patch, "cara")
    assert ok.status_code == 201
    _need(pm, world, team.patch, level=3)
    swap = pm.patch(
        _base(world) + f"assignments/{ok.json()['id']}/",
        {"person": "dev_a", "version": 1},
        format="json",
    )
    assert swap.status_code == 400
    assert "has no SAP Basis (needs level 3)" in swap.json()["errors"]["person"][0]


def test_only_the_team_takes_on_leaf_tasks_once_within_the_limits(world, api, team):
    pm = api(world.a["project_manager"])
    outsider = _assign(pm, world, team.install, "outsider")
    assert outsider.status_code == 400
    assert "team member" in outsider.json()["errors"]["person"][0]
    for username, role in (("viewer_a", "stakeholder"), ("sponsor_a", "sponsor")):
        refused = _assign(pm, world, team.install, username)
        assert refused.status_code == 400
        assert role in refused.json()["errors"]["person"][0]
    other_team = _assign(pm, world, team.install, "dev_b")
    assert other_team.status_code == 400
    summary = _assign(pm, world, team.phase, "amara")
    assert summary.status_code == 400
    assert "'SAP upgrade' is a summary task" in summary.json()["errors"]["task"][0]
    b_task = _task(api(world.b["project_manager"]), _base(world, "b"), name="B task")
    foreign = _assign(pm, world, b_task, "amara")
    assert foreign.status_code == 400
    assert foreign.json()["errors"]["task"] == ["No such task in this project."]
    assert _assign(pm, world, team.install, "amara").status_code == 201
    twice = _assign(pm, world, team.install, str(team.amara.public_id))
    assert twice.status_code == 400
    assert twice.json()["errors"]["person"] == ["Amara Okafor is already on 'Install SAP'."]
    for units in (0, 1001):
        bad = _assign(pm, world, team.patch, "ben", units_percent=units)
        assert bad.status_code == 400 and "units_percent" in bad.json()["errors"]
    negative = _assign(pm, world, team.patch, "ben", work_hours="-1")
    assert negative.status_code == 400 and "work_hours" in negative.json()["errors"]
    assert Assignment.objects.count() == 1
    # Stakeholders and team members read; only the project manager assigns.
    for key in ("stakeholder", "team_member"):
        reader = api(world.a[key])
        assert reader.get(_base(world) + "assignments/").status_code == 200
        assert _assign(reader, world, team.patch, "ben").status_code == 403
    assert api(world.outsider).get(_base(world) + "assignments/").status_code == 404


# ------------------------------------------------------------------ recommender


def _ranking(client: Any, world: Any, task: dict[str, Any]) -> dict[str, Any]:
    response = client.get(_base(world) + f"tasks/{task['id']}/candidates/")
    assert response.status_code == 200, response.json()
    return response.json()


def _reasons(candidate: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {r["factor"]: r for r in candidate["reasons"]}


def test_a_cheaper_free_expert_ranks_above_a_busy_professional(world, api, team):
    pm = api(world.a["project_manager"])
    _need(pm, world, team.install, level=3)
    assert _assign(pm, world, team.patch, "ben").status_code == 201  # same days, full time
    ranking = _ranking(pm, world, team.install)
    assert ranking["needs"] == [{"skill": "SAP Basis", "min_level": 3}]
    assert ranking["effort_hours"] == "40.00"
    people = [(c["person"]["username"], c["eligible"]) for c in ranking["candidates"]]
    assert people[:2] == [("amara", True), ("ben", True)]
    assert {u for u, ok in people[2:]} == {"cara", "dev_a", "pm_a"}
    assert not any(ok for _, ok in people[2:])

    amara, ben = ranking["candidates"][:2]
    assert amara["score"] > ben["score"]
    assert set(_reasons(amara)) == {"skill", "free_capacity", "load", "cost"}
    assert _reasons(amara)["skill"]["text"] == "SAP Basis 5 (needs 3)"
    assert _reasons(amara)["free_capacity"]["value"] == 1.0
    assert "the cheapest" in _reasons(amara)["cost"]["text"]
    assert _reasons(ben)["free_capacity"]["value"] == 0.0
    assert _reasons(ben)["free_capacity"]["text"].startswith("0 % of their 100 % capacity")
    assert "1 other task here" in _reasons(ben)["load"]["text"]
    # Amara works 1.4x as fast at level 5: 40 h ÷ 1.4 × 50/h ≈ 1,429; Ben 40 h × 90/h.
    assert _reasons(ben)["cost"]["text"] == "about 3,600 at 90/h (cheapest 1,429)"
    by_name = {c["person"]["username"]: c for c in ranking["candidates"]}
    assert by_name["cara"]["reasons"][0]["text"] == "Lacks SAP Basis (needs level 3, has 2)"
    assert by_name["dev_a"]["reasons"][0]["text"] == "Has no SAP Basis (needs level 3)"


def test_assignments_in_other_projects_reduce_free_capacity_without_naming_them(world, api, team):
    from keystage.portfolio import services as portfolio

    portfolio.member_add(
        who=world.admin, project=world.project_b, user=team.ben, role="team_member"
    )
    pm_b = api(world.b["project_manager"])
    secret = _task(pm_b, _base(world, "b"), name="Secret merger prep", duration_minutes=10 * DAY)
    response = pm_b.post(
        _base(world, "b") + "assignments/",
        {"task": secret["id"], "person": "ben", "units_percent": 60},
        format="json",
    )
    assert response.status_code == 201, response.json()

    pm = api(world.a["project_manager"])
    _need(pm, world, team.install, level=3)
    response = pm.get(_base(world) + f"tasks/{team.install['id']}/candidates/")
    ben = next(c for c in response.json()["candidates"] if c["person"]["username"] == "ben")
    assert _reasons(ben)["free_capacity"]["value"] == pytest.approx(0.4)
    assert _reasons(ben)["free_capacity"]["text"].startswith("40 % of their 100 % capacity")
    assert "1 assignment in other projects" in _reasons(ben)["load"]["text"]
    assert b"Secret" not in response.content and b"PRJ-B" not in response.content
    assert b"Project B" not in response.content


def test_accepting_a_candidate_records_the_recommendation(world, api, team):
    pm = api(world.a["project_manager"])
    _need(pm, world, team.install, level=3)
    url = _base(world) + f"tasks/{team.install['id']}/candidates/accept/"
    best = _ranking(pm, world, team.install)["candidates"][0]["person"]
    accepted = pm.post(url, {"person": best["id"]}, format="json")
    assert accepted.status_code == 201
    assert (accepted.json()["person"]["username"], accepted.json()["source"]) == (
        "amara",
        "recommended",
    )
    again = _ranking(pm, world, team.install)["candidates"]
    assert next(c for c in again if c["person"]["username"] == "amara")["assigned"] is True
    unfit = pm.post(url, {"person": "cara"}, format="json")
    assert unfit.status_code == 400
    assert "lacks SAP Basis" in unfit.json()["errors"]["person"][0]
    viewer = api(world.a["stakeholder"])
    assert viewer.get(_base(world) + f"tasks/{team.install['id']}/candidates/").status_code == 200
    assert viewer.post(url, {"person": "ben"}, format="json").status_code == 403
    assert api(world.outsider).post(url, {"person": "ben"}, format="json").status_code == 404


def test_recommending_every_open_task(world, api, team):
    pm = api(world.a["project_manager"])
    _need(pm, world, team.install, level=3)
    _need(pm, world, team.patch, level=3)
    _need(pm, world, team.docs, skill="Networking", level=2)  # nobody has it
    url = _base(world) + "recommendations/"
    preview = pm.get(url).json()
    assert [s["task"]["name"] for s in preview] == ["Install SAP", "Patch SAP", "Write docs"]
    assert preview[0]["pick"]["person"]["username"] == "amara"
    assert preview[2]["pick"] is None and "Nobody on the team" in preview[2]["reason"]
    assert not Assignment.objects.exists()
    assert api(world.a["stakeholder"]).post(url).status_code == 403
    done = pm.post(url)
    assert done.status_code == 201
    assert sorted(a["task"]["name"] for a in done.json()) == ["Install SAP", "Patch SAP"]
    assert {a["source"] for a in done.json()} == {"recommended"}
    assert [s["task"]["name"] for s in pm.get(url).json()] == ["Write docs"]


# ------------------------------------------------------------------------ page


def _page(world: Any) -> str:
    return f"/projects/{world.project_a.public_id}/assignments/"


def _client(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_assignments_page_for_the_manager(world, api, team):
    pm_api = api(world.a["project_manager"])
    _need(pm_api, world, team.install, level=3)
    assert _assign(pm_api, world, team.patch, "ben", units_percent=50).status_code == 201
    pm = _client(world.a["project_manager"])
    page = pm.get(_page(world))
    assert page.status_code == 200
    html = page.content.decode()
    assert 'aria-current="page">Assignments</a>' in html
    assert "Install SAP" in html and "Write docs" in html and "SAP upgrade</div>" in html
    assert 'Ben Baker</a> <span class="units">50 %</span>' in html
    assert "Recommend</a>" in html and "Assign…</a>" in html
    assert 'id="load-table"' in html and "20 h" in html  # Ben: 5 days × 8 h × 50 %

    install = team.install["id"]
    prefix = _page(world) + f"tasks/{install}/"
    ranking = pm.get(prefix + "candidates/", HTTP_HX_REQUEST="true")
    text = ranking.content.decode()
    assert ranking.status_code == 200
    assert text.index("Amara Okafor") < text.index("Ben Baker") < text.index("Cara Jones")
    assert "SAP Basis 5 (needs 3)" in text and "Lacks SAP Basis (needs level 3, has 2)" in text
    assert '<svg class="scorebar"' in text

    accepted = pm.post(
        prefix + "accept/", {"person": str(team.amara.public_id)}, HTTP_HX_REQUEST="true"
    )
    assert accepted.status_code == 200 and accepted["HX-Retarget"] == "#staffing-section"
    assert "Amara Okafor assigned to &#x27;Install SAP&#x27;." in accepted.content.decode()
    assert Assignment.objects.get(task__name="Install SAP").source == "recommended"

    refused = pm.post(prefix + "new/", {"person": team.cara.pk}, HTTP_HX_REQUEST="true")
    assert refused.status_code == 400
    assert "Cara Jones lacks SAP Basis (needs level 3, has 2)." in refused.content.decode()

    docs = _page(world) + f"tasks/{team.docs['id']}/"
    from keystage.resources.models import Skill

    added = pm.post(
        docs + "skills/new/", {"skill": Skill.objects.get(name="Networking").pk, "min_level": 2}
    )
    assert added.status_code == 302
    manual = pm.post(docs + "new/", {"person": team.ben.pk, "units_percent": 100})
    assert manual.status_code == 400  # Ben has no Networking
    assert "Ben Baker has no Networking (needs level 2)." in manual.content.decode()


def test_the_assignments_page_is_read_only_for_stakeholders(world, api, team):
    pm_api = api(world.a["project_manager"])
    assert _assign(pm_api, world, team.install, "amara").status_code == 201
    viewer = _client(world.a["stakeholder"])
    page = viewer.get(_page(world))
    html = page.content.decode()
    assert page.status_code == 200 and "Amara Okafor" in html
    assert "Recommend" not in html and "Assign…" not in html and "+ skill" not in html
    prefix = _page(world) + f"tasks/{team.patch['id']}/"
    assert viewer.post(prefix + "accept/", {"person": "ben"}).status_code == 403
    assert viewer.get(prefix + "new/").status_code == 403
    assert _client(world.outsider).get(_page(world)).status_code == 404
    assert Assignment.objects.count() == 1


def test_recommend_all_on_the_page(world, api, team):
    pm_api = api(world.a["project_manager"])
    _need(pm_api, world, team.install, level=3)
    pm = _client(world.a["project_manager"])
    url = _page(world) + "recommend/"
    preview = pm.get(url, HTTP_HX_REQUEST="true")
    html = preview.content.decode()
    assert preview.status_code == 200 and 'id="recommend-table"' in html
    assert "Assign 3 tasks" in html  # Install SAP, Patch SAP, Write docs
    assert html.index("Install SAP") < html.index("Write docs")
    assert not Assignment.objects.exists()
    done = pm.post(url, HTTP_HX_REQUEST="true")
    assert done.status_code == 200 and "3 tasks assigned." in done.content.decode()
    assert Assignment.objects.get(task__name="Install SAP").person == team.amara
    assert set(Assignment.objects.values_list("source", flat=True)) == {"recommended"}
    assert "Recommend for" not in pm.get(_page(world)).content.decode()  # nothing open
    assert _client(world.a["team_member"]).post(url).status_code == 403
