"""Resources through the REST API: skills, people, absences, equipment, procurement,
with permissions, bad input, versions and the selectors planning reads."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from keystage.core.models import AuditEntry
from keystage.resources import selectors, services, supplies
from keystage.resources.models import Absence, Equipment, PersonSkill, ProcurementItem, Skill

pytestmark = pytest.mark.django_db


def people(user) -> str:
    return f"/api/v1/people/{user.public_id}/"


def project_url(project) -> str:
    return f"/api/v1/projects/{project.public_id}/"


@pytest.fixture
def catalogue(world):
    return {
        name: services.skill_create(who=world.admin, name=name)
        for name in ("Python", "Django", "Networking")
    }


# ------------------------------------------------------------------ skills


def test_skill_catalogue_create_list_and_duplicate_names(world, api):
    dev = api(world.a["team_member"])
    created = dev.post("/api/v1/skills/", {"name": "Kubernetes"}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["name"] == "Kubernetes"
    dup = dev.post("/api/v1/skills/", {"name": "  kubernetes "}, format="json")
    assert dup.status_code == 400
    assert "already has the skill 'Kubernetes'" in dup.json()["errors"]["name"][0]
    blank = dev.post("/api/v1/skills/", {"name": ""}, format="json")
    assert blank.status_code == 400 and "name" in blank.json()["errors"]
    listed = api(world.outsider).get("/api/v1/skills/").json()
    assert [s["name"] for s in listed] == ["Kubernetes"]
    assert AuditEntry.objects.filter(object_type="skill", action="create").count() == 1


def test_skill_catalogue_is_per_organisation(world, api, catalogue):
    from keystage.accounts.services import organisation_get_or_create
    from tests.conftest import make_user

    stranger = make_user("stranger", organisation_get_or_create(name="Other Corp"), "admin")
    client = api(stranger)
    assert client.get("/api/v1/skills/").json() == []
    skill = catalogue["Python"]
    assert client.get(f"/api/v1/skills/{skill.public_id}/").status_code == 404
    assert client.post("/api/v1/skills/", {"name": "Python"}, format="json").status_code == 201


def test_only_admin_or_pmo_edit_and_remove_skills(world, api, catalogue):
    skill = catalogue["Django"]
    url = f"/api/v1/skills/{skill.public_id}/"
    dev = api(world.a["team_member"])
    assert dev.patch(url, {"name": "DJ", "version": 1}, format="json").status_code == 403
    pmo = api(world.pmo)
    assert pmo.patch(url, {"name": "Django REST"}, format="json").status_code == 428
    renamed = pmo.patch(url, {"name": "Django REST", "version": 1}, format="json")
    assert renamed.status_code == 200 and renamed.json()["version"] == 2
    stale = pmo.patch(url, {"name": "Again", "version": 1}, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["name"] == "Django REST"
    clash = pmo.patch(url, {"name": "python", "version": 2}, format="json")
    assert clash.status_code == 400
    assert pmo.delete(url, HTTP_IF_MATCH="2").status_code == 204
    assert not Skill.objects.filter(pk=skill.pk).exists()


# ------------------------------------------------------------------- people


def test_people_list_shows_defaults_profiles_and_filters_by_skill(world, api, catalogue):
    dev = world.a["team_member"]
    services.profile_update(
        who=dev, person=dev, version=None, changes={"capacity_percent": 80, "cost_rate": "75.50"}
    )
    services.person_skill_set(who=dev, person=dev, skill=catalogue["Python"], level=4, version=1)
    client = api(world.outsider)
    everyone = client.get("/api/v1/people/").json()
    assert len(everyone) == 11  # the whole organisation of the test world
    mine = next(p for p in everyone if p["username"] == "dev_a")
    assert (mine["capacity_percent"], mine["cost_rate"], mine["version"]) == (80, "75.50", 2)
    assert mine["skills"] == [
        {"skill": str(catalogue["Python"].public_id), "name": "Python", "level": 4}
    ]
    assert mine["can_edit"] is False
    other = next(p for p in everyone if p["username"] == "pm_b")
    assert (other["capacity_percent"], other["cost_rate"], other["hours_per_day"]) == (
        100,
        "0.00",
        "8.00",
    )
    assert (other["working_weekdays"], other["version"]) == ("12345", None)
    only = client.get("/api/v1/people/?skill=python&min_level=4").json()
    assert [p["username"] for p in only] == ["dev_a"]
    assert client.get("/api/v1/people/?skill=python&min_level=5").json() == []
    unknown = client.get("/api/v1/people/?skill=Cobol")
    assert unknown.status_code == 400 and "skill" in unknown.json()["errors"]
    assert client.get("/api/v1/people/?min_level=9").status_code == 400
    assert client.get("/api/v1/people/?min_level=").status_code == 400


def test_profile_edit_by_self_and_admin_but_not_a_colleague(world, api):
    dev = world.a["team_member"]
    url = people(dev)
    body = {"capacity_percent": 60, "cost_rate": "90.00", "working_weekdays": "5,4,3"}
    assert api(world.b["team_member"]).patch(url, body, format="json").status_code == 403
    assert api(world.a["project_manager"]).patch(url, body, format="json").status_code == 403
    first = api(dev).patch(url, body, format="json")
    assert first.status_code == 200, first.content
    assert (first.json()["working_weekdays"], first.json()["version"]) == ("345", 1)
    admin = api(world.admin)
    assert admin.patch(url, {"capacity_percent": 50}, format="json").status_code == 428
    changed = admin.patch(url, {"capacity_percent": 50}, format="json", HTTP_IF_MATCH="1")
    assert changed.status_code == 200 and changed.json()["capacity_percent"] == 50
    stale = api(world.pmo).patch(url, {"capacity_percent": 40, "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["capacity_percent"] == 50
    by_name = api(world.pmo).get("/api/v1/people/dev_a/")
    assert by_name.status_code == 200 and by_name.json()["can_edit"] is True
    assert AuditEntry.objects.filter(object_type="resourceprofile").count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"capacity_percent": 120}, "capacity_percent"),
        ({"capacity_percent": -1}, "capacity_percent"),
        ({"cost_rate": "-5.00"}, "cost_rate"),
        ({"hours_per_day": "0"}, "hours_per_day"),
        ({"hours_per_day": "25"}, "hours_per_day"),
        ({"working_weekdays": "1289"}, "working_weekdays"),
        ({"working_weekdays": ""}, "working_weekdays"),
        ({"job_title": "x" * 121}, "job_title"),
    ],
)
def test_profile_bad_input_writes_nothing(world, api, body, field):
    dev = world.a["team_member"]
    response = api(dev).patch(people(dev), body, format="json")
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not AuditEntry.objects.filter(object_type="resourceprofile").exists()


def test_person_outside_the_organisation_is_404(world, api):
    from keystage.accounts.services import organisation_get_or_create
    from tests.conftest import make_user

    stranger = make_user("stranger", organisation_get_or_create(name="Other Corp"), "admin")
    client = api(stranger)
    dev = world.a["team_member"]
    for url in (people(dev), people(dev) + "skills/", people(dev) + "absences/"):
        assert client.get(url).status_code == 404
    assert client.patch(people(dev), {"capacity_percent": 1}, format="json").status_code == 404
    assert api(world.admin).get("/api/v1/people/stranger/").status_code == 404
    assert api(world.admin).get("/api/v1/people/not-a-user/").status_code == 404


# ------------------------------------------------------------------- skills of a person


def test_skill_set_replace_with_versions(world, api, catalogue):
    dev = world.a["team_member"]
    url = people(dev) + "skills/"
    client = api(dev)
    assert client.get(url).json() == {"version": None, "skills": []}
    first = client.put(
        url,
        {"skills": [{"skill": "python", "level": 3}, {"skill": "Networking", "level": 2}]},
        format="json",
    )
    assert first.status_code == 200, first.content
    assert first.json()["version"] == 1
    assert {s["name"]: s["level"] for s in first.json()["skills"]} == {
        "Python": 3,
        "Networking": 2,
    }
    django_id = str(catalogue["Django"].public_id)
    body = {"skills": [{"skill": "Python", "level": 4}, {"skill": django_id, "level": 1}]}
    assert client.put(url, body, format="json").status_code == 428
    second = client.put(url, {**body, "version": 1}, format="json")
    assert second.status_code == 200
    assert second.json()["version"] == 2
    assert {s["name"]: s["level"] for s in second.json()["skills"]} == {"Django": 1, "Python": 4}
    assert client.put(url, {**body, "version": 1}, format="json").status_code == 409
    entry = AuditEntry.objects.filter(summary__startswith="Changed the skills").first()
    assert entry.changes == {
        "skill: Django": [None, 1],
        "skill: Networking": [2, None],
        "skill: Python": [3, 4],
    }


@pytest.mark.parametrize(
    ("skills", "message"),
    [
        ([{"skill": "Cobol", "level": 3}], "Unknown skill 'Cobol'"),
        ([{"skill": "Python", "level": 6}], "from 1 to 5"),
        ([{"skill": "Python", "level": 0}], "from 1 to 5"),
        ([{"skill": "Python", "level": 2}, {"skill": "python", "level": 3}], "listed twice"),
    ],
)
def test_bad_skill_levels_are_field_errors(world, api, catalogue, skills, message):
    dev = world.a["team_member"]
    response = api(dev).put(people(dev) + "skills/", {"skills": skills}, format="json")
    assert response.status_code == 400
    assert message in response.json()["errors"]["skills"][0]
    assert not PersonSkill.objects.exists()


def test_non_admin_cannot_edit_another_persons_skills(world, api, catalogue):
    dev = world.a["team_member"]
    body = {"skills": [{"skill": "Python", "level": 5}]}
    for intruder in (world.a["project_manager"], world.b["team_member"], world.outsider):
        response = api(intruder).put(people(dev) + "skills/", body, format="json")
        assert response.status_code == 403
    assert api(world.pmo).put(people(dev) + "skills/", body, format="json").status_code == 200
    assert PersonSkill.objects.get().level == 5


def test_skill_of_another_organisation_is_unknown(world, catalogue):
    from keystage.accounts.services import organisation_get_or_create
    from keystage.core.errors import InvalidInput
    from tests.conftest import make_user

    stranger = make_user("stranger", organisation_get_or_create(name="Other Corp"), "admin")
    foreign = services.skill_create(who=stranger, name="Secret")
    dev = world.a["team_member"]
    with pytest.raises(InvalidInput):
        services.person_skill_set(who=dev, person=dev, skill=foreign, level=3, version=None)


# ------------------------------------------------------------------- absences


def test_absences_create_overlap_edit_delete(world, api):
    dev = world.a["team_member"]
    url = people(dev) + "absences/"
    client = api(dev)
    created = client.post(
        url,
        {"start_date": "2027-03-01", "end_date": "2027-03-05", "reason": "Holiday"},
        format="json",
    )
    assert created.status_code == 201, created.content
    backwards = client.post(
        url, {"start_date": "2027-04-10", "end_date": "2027-04-01"}, format="json"
    )
    assert backwards.status_code == 400 and "end_date" in backwards.json()["errors"]
    overlap = client.post(
        url, {"start_date": "2027-03-05", "end_date": "2027-03-06"}, format="json"
    )
    assert overlap.status_code == 400
    assert "Overlaps" in overlap.json()["errors"]["start_date"][0]
    detail = url + created.json()["id"] + "/"
    assert api(world.a["project_manager"]).delete(detail, HTTP_IF_MATCH="1").status_code == 403
    assert client.patch(detail, {"reason": "Trip"}, format="json").status_code == 428
    moved = client.patch(detail, {"end_date": "2027-03-08", "version": 1}, format="json")
    assert moved.status_code == 200 and moved.json()["end_date"] == "2027-03-08"
    assert client.delete(detail, HTTP_IF_MATCH="1").status_code == 409
    assert client.delete(detail, HTTP_IF_MATCH="2").status_code == 204
    assert not Absence.objects.exists()
    # Another person's absence id under my path is not found.
    other = services.absence_create(
        who=world.admin,
        person=world.b["team_member"],
        data={"start_date": dt.date(2027, 5, 1), "end_date": dt.date(2027, 5, 2)},
    )
    assert client.get(f"{url}{other.public_id}/").status_code == 404


# ---------------------------------------------------------------- equipment


def test_equipment_crud_costs_and_permissions(world, api):
    base = project_url(world.project_a) + "equipment/"
    pm = api(world.a["project_manager"])
    body = {
        "name": "Test laptops",
        "category": "Devices",
        "quantity": 4,
        "unit_cost": "1200.00",
        "status": "planned",
    }
    assert api(world.a["team_member"]).post(base, body, format="json").status_code == 403
    created = pm.post(base, body, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["total_cost"] == "4800.00"
    rented = pm.post(
        base,
        {
            "name": "Load-test servers",
            "quantity": 2,
            "unit_cost": "50.00",
            "cost_basis": "per_day",
            "needed_from": "2027-02-01",
            "needed_until": "2027-02-10",
        },
        format="json",
    )
    assert rented.status_code == 201 and rented.json()["total_cost"] == "1000.00"
    listed = api(world.a["stakeholder"]).get(base).json()
    assert [i["name"] for i in listed] == ["Load-test servers", "Test laptops"]  # undated last
    detail = base + created.json()["id"] + "/"
    assert pm.patch(detail, {"quantity": 5}, format="json").status_code == 428
    changed = pm.patch(detail, {"quantity": 5, "version": 1}, format="json")
    assert changed.status_code == 200 and changed.json()["total_cost"] == "6000.00"
    assert pm.patch(detail, {"quantity": 6, "version": 1}, format="json").status_code == 409
    assert pm.delete(detail, HTTP_IF_MATCH="2").status_code == 204
    assert AuditEntry.objects.filter(object_type="equipment", project=world.project_a).count() == 4


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"unit_cost": "-1.00"}, "unit_cost"),
        ({"quantity": 0}, "quantity"),
        ({"needed_from": "2027-03-01", "needed_until": "2027-02-01"}, "needed_until"),
        ({"cost_basis": "per_day"}, "needed_from"),
        ({"status": "lost"}, "status"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_equipment_writes_nothing(world, api, change, field):
    body = {"name": "Switches", "quantity": 2, "unit_cost": "900.00", **change}
    response = api(world.a["project_manager"]).post(
        project_url(world.project_a) + "equipment/", body, format="json"
    )
    assert response.status_code == 400, response.content
    assert field in response.json()["errors"]
    assert not Equipment.objects.exists()


def test_negative_cost_message_is_clear(world, api):
    response = api(world.a["project_manager"]).post(
        project_url(world.project_a) + "procurement/",
        {"name": "Licences", "cost": "-10.00"},
        format="json",
    )
    assert response.json()["errors"]["cost"] == ["Amounts are never negative."]


# -------------------------------------------------------------- procurement


def test_procurement_crud_rules_and_other_project(world, api):
    base = project_url(world.project_a) + "procurement/"
    pm = api(world.a["project_manager"])
    body = {
        "name": "Firewall licences",
        "supplier": "NetSec Ltd",
        "category": "licence",
        "cost": "18000.00",
        "status": "ordered",
        "order_date": "2027-01-10",
        "delivery_date": "2027-01-31",
    }
    created = pm.post(base, body, format="json")
    assert created.status_code == 201, created.content
    early = pm.post(base, {**body, "delivery_date": "2027-01-01"}, format="json")
    assert early.status_code == 400 and "delivery_date" in early.json()["errors"]
    undated = pm.post(base, {**body, "status": "delivered", "delivery_date": None}, format="json")
    assert undated.status_code == 400 and "delivery_date" in undated.json()["errors"]
    bad_category = pm.post(base, {**body, "category": "snacks"}, format="json")
    assert bad_category.status_code == 400
    detail = base + created.json()["id"] + "/"
    delivered = pm.patch(detail, {"status": "delivered", "version": 1}, format="json")
    assert delivered.status_code == 200 and delivered.json()["status"] == "delivered"
    # Project B's manager: the item's id under project B is not found.
    other = project_url(world.project_b) + "procurement/" + created.json()["id"] + "/"
    assert api(world.b["project_manager"]).get(other).status_code == 404
    assert api(world.outsider).get(base).status_code == 404
    assert api(world.outsider).get(detail).status_code == 404
    assert pm.delete(detail, {"version": 2}, format="json").status_code == 204
    assert not ProcurementItem.objects.exists()


# ------------------------------------------------------------------ selectors


def test_team_profiles_for_planning(world, catalogue):
    dev = world.a["team_member"]
    pm = world.a["project_manager"]
    services.profile_update(
        who=dev,
        person=dev,
        version=None,
        changes={"capacity_percent": 80, "cost_rate": Decimal("70"), "working_weekdays": "1234"},
    )
    services.person_skill_set(who=dev, person=dev, skill=catalogue["Python"], level=4, version=1)
    services.person_skill_set(who=dev, person=dev, skill=catalogue["Django"], level=3, version=2)
    services.absence_create(
        who=dev,
        person=dev,
        data={"start_date": dt.date(2026, 12, 1), "end_date": dt.date(2026, 12, 3)},
    )  # before the project starts: left out
    services.absence_create(
        who=dev,
        person=dev,
        data={"start_date": dt.date(2027, 2, 1), "end_date": dt.date(2027, 2, 5)},
    )
    with CaptureQueriesContext(connection) as queries:
        team = selectors.team_profiles(project=world.project_a)
    assert len(queries) <= 4
    assert [(t.name, t.role) for t in team] == [
        (pm.display_name, "project_manager"),
        (dev.display_name, "team_member"),
    ]
    member = team[1]
    assert member.user == dev
    assert member.skills == {"Django": 3, "Python": 4}
    assert (member.capacity_percent, member.cost_rate, member.hours_per_day) == (
        80,
        Decimal("70.00"),
        Decimal("8.00"),
    )
    assert member.working_weekdays == "1234"
    assert member.absences == [(dt.date(2027, 2, 1), dt.date(2027, 2, 5))]
    lead = team[0]
    assert (lead.skills, lead.capacity_percent, lead.cost_rate) == ({}, 100, Decimal("0"))
    assert (lead.hours_per_day, lead.working_weekdays, lead.absences) == (Decimal(8), "12345", [])


def test_team_profiles_query_count_is_constant(world, catalogue):
    from keystage.portfolio import services as portfolio
    from tests.conftest import make_user

    for i in range(6):
        person = make_user(f"extra{i}", world.org)
        portfolio.member_add(
            who=world.admin, project=world.project_a, user=person, role="team_member"
        )
        services.person_skill_set(
            who=person, person=person, skill=catalogue["Python"], level=3, version=None
        )
    with CaptureQueriesContext(connection) as queries:
        team = selectors.team_profiles(project=world.project_a)
    assert len(team) == 8 and len(queries) <= 4


def test_equipment_and_procurement_selectors_are_scoped(world):
    from keystage.core.errors import NotFound

    pm = world.a["project_manager"]
    supplies.equipment_create(
        who=pm, project=world.project_a, data={"name": "Rack", "unit_cost": Decimal("10")}
    )
    supplies.procurement_create(
        who=pm, project=world.project_a, data={"name": "Cables", "cost": Decimal("5")}
    )
    pid = world.project_a.public_id
    assert [e.name for e in selectors.equipment_list(who=pm, project_id=pid)] == ["Rack"]
    assert [p.name for p in selectors.procurement_list(who=pm, project_id=pid)] == ["Cables"]
    with pytest.raises(NotFound):
        selectors.equipment_list(who=world.b["project_manager"], project_id=pid)
    with pytest.raises(NotFound):
        selectors.procurement_list(who=world.outsider, project_id=pid)
    assert list(selectors.equipment_list(who=world.outsider, project_id=world.project_a)) == []
