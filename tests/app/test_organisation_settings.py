"""The organisation's settings: its currency on every amount, and project managers who open
projects (issue 12 items 9 and 11)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from keystage.accounts.models import Organisation
from keystage.accounts.organisation import organisation_settings_update
from keystage.core.errors import Conflict, Forbidden, InvalidInput
from keystage.core.models import AuditEntry
from keystage.core.templatetags.money import format_money
from keystage.portfolio import services
from keystage.portfolio.access import can_create_projects, projects_visible_to
from keystage.portfolio.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


# ------------------------------------------------------------------ the money filter


@pytest.mark.parametrize(
    ("amount", "currency", "shown"),
    [
        (Decimal("12345"), "EUR", f"€{NBSP}12,345.00"),
        (Decimal("12345.675"), "EUR", f"€{NBSP}12,345.68"),  # half up, to the cent
        (Decimal("-80.5"), "USD", f"-${NBSP}80.50"),
        (1234567.891, "GBP", f"£{NBSP}1,234,567.89"),
        (Decimal("12345"), "CHF", f"12,345.00{NBSP}CHF"),
        (Decimal("-0.001"), "chf", f"0.00{NBSP}CHF"),  # never "-0.00"
        ("950000.00", "EUR", f"€{NBSP}950,000.00"),  # a snapshot's JSON string
        (7, "", "7.00"),
        (None, "EUR", ""),
        ("", "EUR", ""),
        ("n/a", "EUR", "n/a"),
    ],
)
def test_money_groups_rounds_and_shows_the_currency(amount, currency, shown):
    assert format_money(amount, currency) == shown


# ------------------------------------------------------------------ settings service


def test_admin_changes_currency_with_version_and_journal(world):
    org = Organisation.objects.get(pk=world.org.pk)
    assert (org.currency, org.project_managers_open_projects, org.version) == ("EUR", True, 1)
    fresh = organisation_settings_update(
        who=world.admin,
        version=1,
        changes={"currency": "usd", "project_managers_open_projects": False},
    )
    assert (fresh.currency, fresh.project_managers_open_projects, fresh.version) == (
        "USD",
        False,
        2,
    )
    entry = AuditEntry.objects.get(object_id=org.public_id)
    assert entry.changes["currency"] == ["EUR", "USD"]
    assert entry.actor == world.admin
    with pytest.raises(Conflict):
        organisation_settings_update(who=world.admin, version=1, changes={"currency": "GBP"})
    assert Organisation.objects.get(pk=org.pk).currency == "USD"


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"currency": "EU"}, "currency"),
        ({"currency": "E1R"}, "currency"),
        ({"currency": ""}, "currency"),
        ({"project_managers_open_projects": "yes"}, "project_managers_open_projects"),
        ({"name": "Renamed"}, "name"),
    ],
)
def test_bad_settings_are_refused_with_field_messages(world, changes, field):
    with pytest.raises(InvalidInput) as caught:
        organisation_settings_update(who=world.admin, version=1, changes=changes)
    assert field in caught.value.errors
    org = Organisation.objects.get(pk=world.org.pk)
    assert (org.currency, org.version, org.name) == ("EUR", 1, "Acme IT")


@pytest.mark.parametrize("who", ["pmo", "outsider"])
def test_only_admins_change_the_settings(world, who):
    with pytest.raises(Forbidden):
        organisation_settings_update(
            who=getattr(world, who), version=1, changes={"currency": "USD"}
        )
    assert Organisation.objects.get(pk=world.org.pk).currency == "EUR"


# ------------------------------------------------------------------ API and page


def test_api_reads_for_members_and_patches_for_admins(world, api):
    body = api(world.a["team_member"]).get("/api/v1/org/").json()
    assert body["currency"] == "EUR"
    assert body["project_managers_open_projects"] is True
    response = api(world.a["project_manager"]).patch(
        "/api/v1/org/", {"currency": "USD", "version": 1}, format="json"
    )
    assert response.status_code == 403
    response = api(world.admin).patch("/api/v1/org/", {"currency": "US"}, format="json")
    assert response.status_code in (400, 428)
    response = api(world.admin).patch(
        "/api/v1/org/", {"currency": "US", "version": 1}, format="json"
    )
    assert response.status_code == 400
    assert "currency" in response.json()["errors"]
    response = api(world.admin).patch(
        "/api/v1/org/", {"currency": "CHF"}, format="json", HTTP_IF_MATCH="1"
    )
    assert response.status_code == 200
    assert response.json()["currency"] == "CHF"
    assert response.json()["version"] == 2
    stale = api(world.admin).patch("/api/v1/org/", {"currency": "GBP", "version": 1}, format="json")
    assert stale.status_code == 409
    assert Organisation.objects.get(pk=world.org.pk).currency == "CHF"
    project = api(world.a["team_member"]).get(f"/api/v1/projects/{world.project_a.public_id}/")
    assert project.json()["currency"] == "CHF"


def test_settings_page_for_admins_shows_field_errors(world):
    assert signed_in(world.pmo).get("/accounts/organisation/").status_code == 403
    assert signed_in(world.a["project_manager"]).get("/accounts/organisation/").status_code == 403
    client = signed_in(world.admin)
    page = client.get("/accounts/organisation/")
    assert page.status_code == 200
    assert 'value="EUR"' in page.content.decode()
    bad = client.post("/accounts/organisation/", {"currency": "E1R", "version": 1})
    assert bad.status_code == 400
    assert "three-letter ISO 4217 code" in bad.content.decode()
    done = client.post("/accounts/organisation/", {"currency": "gbp", "version": 1})
    assert done.status_code == 302
    org = Organisation.objects.get(pk=world.org.pk)
    assert (org.currency, org.project_managers_open_projects) == ("GBP", False)
    stale = client.post(
        "/accounts/organisation/",
        {"currency": "USD", "project_managers_open_projects": "on", "version": 1},
    )
    assert stale.status_code == 409
    assert Organisation.objects.get(pk=world.org.pk).currency == "GBP"


def test_pages_show_amounts_in_the_organisation_currency(world):
    from keystage.resources import supplies

    supplies.equipment_create(
        who=world.a["project_manager"],
        project=world.project_a,
        data={
            "name": "Switch",
            "category": "hardware",
            "quantity": 2,
            "unit_cost": Decimal("1250.5"),
        },
    )
    client = signed_in(world.a["project_manager"])
    url = f"/projects/{world.project_a.public_id}/team/"
    assert f"€{NBSP}2,501.00" in client.get(url).content.decode()
    organisation_settings_update(who=world.admin, version=1, changes={"currency": "SEK"})
    assert f"2,501.00{NBSP}SEK" in client.get(url).content.decode()


# ------------------------------------------------------------------ PMs open projects


def _open(who, code="PM-NEW", **extra):
    return services.project_create(
        who=who,
        name="Opened by a PM",
        code=code,
        kind="software_development",
        start_date=dt.date(2027, 2, 1),
        target_date=dt.date(2027, 8, 1),
        **extra,
    )


def test_project_manager_opens_a_project_and_manages_it(world):
    pm = world.a["project_manager"]
    assert can_create_projects(pm)
    with pytest.raises(InvalidInput) as caught:  # the sponsor is granted by admins or the PMO
        _open(pm, sponsor=world.a["sponsor"])
    assert "sponsor" in caught.value.errors
    assert not Project.objects.filter(code="PM-NEW").exists()
    project = _open(pm)
    roles = dict(ProjectMembership.objects.filter(project=project).values_list("user", "role"))
    assert roles == {pm.pk: "project_manager"}
    assert project in projects_visible_to(pm)
    assert project not in projects_visible_to(world.b["project_manager"])
    assert AuditEntry.objects.filter(project=project, summary__startswith="Opened").exists()


def test_project_manager_cannot_name_someone_else_manager(world):
    with pytest.raises(InvalidInput) as caught:
        _open(world.a["project_manager"], project_manager=world.outsider)
    assert "project_manager" in caught.value.errors
    assert not Project.objects.filter(code="PM-NEW").exists()


def test_others_and_a_disallowing_organisation_are_refused(world, api):
    for who in (world.a["team_member"], world.a["sponsor"], world.a["stakeholder"], world.outsider):
        assert not can_create_projects(who)
        with pytest.raises(Forbidden):
            _open(who)
    organisation_settings_update(
        who=world.admin, version=1, changes={"project_managers_open_projects": False}
    )
    pm = world.a["project_manager"]
    assert not can_create_projects(pm)
    with pytest.raises(Forbidden):
        _open(pm)
    assert signed_in(pm).get("/projects/new/").status_code == 403
    assert can_create_projects(world.pmo)
    assert not Project.objects.filter(code="PM-NEW").exists()


def test_project_manager_opens_through_page_and_api(world, api):
    pm = world.a["project_manager"]
    client = signed_in(pm)
    page = client.get("/projects/new/").content.decode()
    assert 'id="sponsor-later"' in page
    assert 'href="/projects/new/"' in client.get("/").content.decode()
    response = client.post(
        "/projects/new/",
        {
            "name": "Page opened",
            "code": "PM-PAGE",
            "kind": "software_development",
            "start_date": "2027-02-01",
            "target_date": "2027-08-01",
        },
    )
    assert response.status_code == 302
    project = Project.objects.get(code="PM-PAGE")
    assert ProjectMembership.objects.get(project=project, user=pm).role == "project_manager"
    body = {
        "name": "API opened",
        "code": "PM-API",
        "kind": "software_development",
        "start_date": "2027-02-01",
        "target_date": "2027-08-01",
    }
    refused = api(pm).post(
        "/api/v1/projects/", body | {"project_manager": "outsider"}, format="json"
    )
    assert refused.status_code == 400
    assert "project_manager" in refused.json()["errors"]
    done = api(pm).post("/api/v1/projects/", body, format="json")
    assert done.status_code == 201
    assert done.json()["project_manager"]["username"] == pm.username
    assert done.json()["currency"] == "EUR"
    assert (
        api(world.a["team_member"])
        .post("/api/v1/projects/", body | {"code": "X-1"}, format="json")
        .status_code
        == 403
    )
