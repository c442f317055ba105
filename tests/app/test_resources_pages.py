"""Resource pages: People & skills, a person's page and a project's Team & resources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from keystage.resources import services, supplies
from keystage.resources.models import Absence, Equipment, PersonSkill, ProcurementItem, Skill

pytestmark = pytest.mark.django_db


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def python(world):
    return services.skill_create(who=world.admin, name="Python", description="Code")


def test_people_page_shows_the_skills_matrix_and_filters(world, python):
    dev = world.a["team_member"]
    services.person_skill_set(who=dev, person=dev, skill=python, level=4, version=None)
    services.skill_create(who=world.admin, name="UX")
    client = client_for(world.outsider)
    page = client.get("/people/")
    assert page.status_code == 200
    html = page.content.decode()
    assert 'id="skills-matrix"' in html and "Python" in html and "UX" in html
    assert 'title="Level 4 of 5"' in html
    partial = client.get(f"/people/?skill={python.public_id}&min_level=4", HTTP_HX_REQUEST="true")
    assert partial.status_code == 200
    body = partial.content.decode()
    assert "<html" not in body and 'data-person="dev_a"' in body
    assert 'data-person="pm_a"' not in body and ">UX<" not in body
    unknown = client.get("/people/?skill=Cobol")
    assert unknown.status_code == 200 and "No skill &#x27;Cobol&#x27;" in unknown.content.decode()


def test_anyone_adds_to_the_catalogue_and_next_stays_local(world):
    client = client_for(world.a["team_member"])
    added = client.post("/skills/new/", {"name": "Terraform", "next": "/people/#catalogue"})
    assert added.status_code == 302 and added["Location"] == "/people/#catalogue"
    outside = client.post("/skills/new/", {"name": "Ansible", "next": "https://evil.example/"})
    assert outside["Location"] == "/people/"
    duplicate = client.post("/skills/new/", {"name": "terraform"}, follow=True)
    assert "already has the skill" in duplicate.content.decode()
    assert sorted(Skill.objects.values_list("name", flat=True)) == ["Ansible", "Terraform"]


def test_person_edits_own_profile_with_field_errors_and_versions(world):
    dev = world.a["team_member"]
    client = client_for(dev)
    url = f"/people/{dev.public_id}/"
    page = client.get(url)
    assert page.status_code == 200 and "Save profile" in page.content.decode()
    bad = client.post(
        url,
        {
            "capacity_percent": 150,
            "cost_rate": "-1",
            "hours_per_day": "8",
            "working_weekdays": "12345",
        },
    )
    assert bad.status_code == 400
    assert "Enter a number from 0 to 100." in bad.content.decode()  # one message per field
    good = {"capacity_percent": 80, "cost_rate": "70", "hours_per_day": "7.5"}
    saved = client.post(url, {**good, "working_weekdays": "1234"})
    assert saved.status_code == 302
    stale = client_for(world.admin).post(url, {**good, "working_weekdays": "12345", "version": ""})
    assert stale.status_code == 428  # the form lost its version: refused, not overwritten
    conflict = client_for(world.admin).post(
        url, {**good, "capacity_percent": 10, "working_weekdays": "12345", "version": 7}
    )
    assert conflict.status_code == 409 and "conflicting edit" in conflict.content.decode()
    dev.resource_profile.refresh_from_db()
    assert (dev.resource_profile.capacity_percent, dev.resource_profile.working_weekdays) == (
        80,
        "1234",
    )


def test_colleague_sees_but_cannot_change_a_person(world, python):
    dev = world.a["team_member"]
    client = client_for(world.a["project_manager"])
    url = f"/people/{dev.public_id}/"
    page = client.get(url)
    assert page.status_code == 200 and "Save profile" not in page.content.decode()
    assert client.post(url, {"capacity_percent": 1}).status_code == 403
    assert client.post(url + "skills/", {"skill": python.public_id, "level": 5}).status_code == 403
    assert (
        client.post(
            url + "absences/", {"start_date": "2027-01-01", "end_date": "2027-01-02"}
        ).status_code
        == 403
    )
    assert not PersonSkill.objects.exists() and not Absence.objects.exists()


def test_person_page_sets_changes_and_removes_skills(world, python):
    dev = world.a["team_member"]
    client = client_for(world.pmo)
    url = f"/people/{dev.public_id}/skills/"
    added = client.post(url, {"skill": python.public_id, "level": 3})
    assert added.status_code == 302
    changed = client.post(url, {"skill": python.public_id, "level": 5, "version": 1})
    assert changed.status_code == 302 and PersonSkill.objects.get().level == 5
    stale = client.post(url, {"skill": python.public_id, "level": 1, "version": 1})
    assert stale.status_code == 409
    removed = client.post(url, {"skill": python.public_id, "level": 0, "version": 2})
    assert removed.status_code == 302 and not PersonSkill.objects.exists()
    bad = client.post(url, {"skill": "not-a-skill", "level": 3, "version": 3})
    assert bad.status_code == 400 and "Select a valid choice" in bad.content.decode()


def test_absences_on_the_person_page(world):
    dev = world.a["team_member"]
    client = client_for(dev)
    url = f"/people/{dev.public_id}/absences/"
    start = dt.date.today() + dt.timedelta(days=3)
    backwards = client.post(
        url, {"start_date": start.isoformat(), "end_date": (start - dt.timedelta(days=2))}
    )
    assert backwards.status_code == 400
    assert "must not be before the first day" in backwards.content.decode()
    created = client.post(
        url,
        {"start_date": start.isoformat(), "end_date": start.isoformat(), "reason": "Dentist"},
    )
    assert created.status_code == 302
    absence = Absence.objects.get()
    page = client.get(f"/people/{dev.public_id}/").content.decode()
    assert "Dentist" in page
    removed = client.post(f"{url}{absence.public_id}/remove/", {"version": 1})
    assert removed.status_code == 302 and not Absence.objects.exists()


def test_team_page_shows_members_equipment_and_procurement(world, python):
    dev = world.a["team_member"]
    pm = world.a["project_manager"]
    services.person_skill_set(who=dev, person=dev, skill=python, level=4, version=None)
    services.absence_create(
        who=dev,
        person=dev,
        data={
            "start_date": dt.date.today() + dt.timedelta(days=5),
            "end_date": dt.date.today() + dt.timedelta(days=6),
            "reason": "Holiday",
        },
    )
    supplies.equipment_create(
        who=pm,
        project=world.project_a,
        data={"name": "Test phones", "quantity": 3, "unit_cost": Decimal("400")},
    )
    supplies.procurement_create(
        who=pm,
        project=world.project_a,
        data={"name": "Licences", "cost": Decimal("1500"), "status": "cancelled"},
    )
    supplies.procurement_create(
        who=pm, project=world.project_a, data={"name": "Cloud credits", "cost": Decimal("2500")}
    )
    url = f"/projects/{world.project_a.public_id}/team/"
    html = client_for(pm).get(url).content.decode()
    assert 'data-person="dev_a"' in html and "Python" in html and "Holiday" in html
    assert "Test phones" in html and "1,200" in html
    assert 'id="procurement-total">€\xa02,500.00<' in html  # the cancelled item is left out
    assert "Add equipment" in html and "Add procurement item" in html
    viewer = client_for(world.a["stakeholder"]).get(url).content.decode()
    assert "Test phones" in viewer and "Add equipment" not in viewer
    assert client_for(world.b["project_manager"]).get(url).status_code == 404


def test_equipment_and_procurement_forms(world):
    pm = client_for(world.a["project_manager"])
    base = f"/projects/{world.project_a.public_id}/team/"
    form = {
        "name": "Switches",
        "category": "Network",
        "quantity": 2,
        "unit_cost": "-5",
        "cost_basis": "one_off",
        "status": "planned",
    }
    bad = pm.post(base + "equipment/new/", form)
    assert bad.status_code == 400 and "Amounts are never negative." in bad.content.decode()
    assert pm.post(base + "equipment/new/", {**form, "unit_cost": "900"}).status_code == 302
    item = Equipment.objects.get()
    edit = base + f"equipment/{item.public_id}/"
    assert pm.get(edit).status_code == 200
    changed = pm.post(edit, {**form, "unit_cost": "950", "version": 1})
    assert changed.status_code == 302
    stale = pm.post(edit, {**form, "unit_cost": "990", "version": 1})
    assert stale.status_code == 409
    assert pm.post(edit, {"action": "remove", "version": 2}).status_code == 302
    assert not Equipment.objects.exists()
    buy = {"name": "Routers", "category": "hardware", "cost": "3000", "status": "delivered"}
    undated = pm.post(base + "procurement/new/", buy)
    assert undated.status_code == 400
    assert "Give the delivery date" in undated.content.decode()
    dated = {**buy, "order_date": "2027-01-04", "delivery_date": "2027-01-20"}
    assert pm.post(base + "procurement/new/", dated).status_code == 302
    assert ProcurementItem.objects.get().status == "delivered"
    dev = client_for(world.a["team_member"])
    assert dev.get(base + "procurement/new/").status_code == 403


def test_stored_text_is_escaped(world):
    services.skill_create(who=world.admin, name="<script>alert(1)</script>")
    html = client_for(world.admin).get("/people/").content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;" in html
