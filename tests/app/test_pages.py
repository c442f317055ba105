"""Pages: what each role sees, forms with field errors, conflicts shown, not overwritten."""

from __future__ import annotations

import re

import pytest
from django.test import Client

from keystage.portfolio.models import Project
from keystage.portfolio.record_api import with_article

pytestmark = pytest.mark.django_db


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def test_portfolio_shows_kind_stage_leads_and_dates(world):
    html = signed_in(world.pmo).get("/").content.decode()
    for text in (
        "PRJ-A",
        "PRJ-B",
        "Software development",
        "Initiation",
        "Pm_A Tester",
        "Sponsor_B Tester",
        "4 Jan 2027",
        "30 Jun 2027",
    ):
        assert text in html


def test_portfolio_filter_partial_for_htmx(world):
    response = signed_in(world.pmo).get("/?q=PRJ-B", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert "PRJ-B" in html and "PRJ-A" not in html


def test_member_sees_own_project_only(world):
    client = signed_in(world.a["team_member"])
    assert client.get(f"/projects/{world.project_a.public_id}/").status_code == 200
    for page in ("", "members/", "history/", "edit/"):
        assert client.get(f"/projects/{world.project_b.public_id}/{page}").status_code == 404
    assert "PRJ-B" not in client.get("/").content.decode()


def test_create_form_shows_field_errors_and_writes_nothing(world):
    client = signed_in(world.pmo)
    response = client.post(
        "/projects/new/",
        {
            "name": "N",
            "code": "NEW-1",
            "kind": "other",
            "start_date": "2027-05-01",
            "target_date": "2027-01-01",
        },
    )
    assert response.status_code == 400
    assert "must not be before the start date" in response.content.decode()
    assert not Project.objects.filter(code="NEW-1").exists()


def test_team_member_cannot_open_create_page(world):
    assert signed_in(world.a["team_member"]).get("/projects/new/").status_code == 403


def test_edit_page_reports_conflict_instead_of_overwriting(world):
    client = signed_in(world.a["project_manager"])
    url = f"/projects/{world.project_a.public_id}/edit/"
    form = {
        "name": "First",
        "code": "PRJ-A",
        "kind": "software_development",
        "start_date": "2027-01-04",
        "target_date": "2027-06-30",
        "description": "",
        "version": 1,
    }
    assert client.post(url, form).status_code == 302
    second = client.post(url, {**form, "name": "Second"})
    assert second.status_code == 409
    assert "conflicting edit" in second.content.decode()
    world.project_a.refresh_from_db()
    assert (world.project_a.name, world.project_a.version) == ("First", 2)


def test_gate_form_is_only_offered_to_the_sponsor(world):
    url = f"/projects/{world.project_a.public_id}/"
    assert "Record decision" in signed_in(world.a["sponsor"]).get(url).content.decode()
    assert "Record decision" not in signed_in(world.a["project_manager"]).get(url).content.decode()
    response = signed_in(world.a["project_manager"]).post(
        url + "gate/", {"to_stage": "planning", "outcome": "go", "rationale": "x", "version": 1}
    )
    assert response.status_code == 403


def test_gate_form_errors_are_shown(world):
    response = signed_in(world.a["sponsor"]).post(
        f"/projects/{world.project_a.public_id}/gate/",
        {"to_stage": "closing", "outcome": "go", "rationale": "skip ahead", "version": 1},
    )
    assert response.status_code == 400
    assert "cannot be reached without it" in response.content.decode()


def test_members_page_adds_and_removes(world):
    client = signed_in(world.a["project_manager"])
    url = f"/projects/{world.project_a.public_id}/members/"
    assert client.post(url, {"user": world.outsider.pk, "role": "stakeholder"}).status_code == 302
    assert "Outsider Tester" in client.get(url).content.decode()
    membership = world.project_a.memberships.get(user=world.outsider)
    client.post(
        f"{url}{membership.public_id}/", {"action": "remove", "version": membership.version}
    )
    assert not world.project_a.memberships.filter(user=world.outsider).exists()


def test_history_page_lists_changes(world):
    client = signed_in(world.a["project_manager"])
    html = client.get(f"/projects/{world.project_a.public_id}/history/").content.decode()
    assert "Opened project PRJ-A in Initiation" in html


def test_stored_text_is_escaped(world):
    client = signed_in(world.a["project_manager"])
    client.post(
        f"/projects/{world.project_a.public_id}/edit/",
        {
            "name": "<script>alert(1)</script>",
            "code": "PRJ-A",
            "kind": "software_development",
            "start_date": "2027-01-04",
            "target_date": "2027-06-30",
            "description": "<img src=x onerror=alert(1)>",
            "version": 1,
        },
    )
    for page in ("", "history/"):
        html = client.get(f"/projects/{world.project_a.public_id}/{page}").content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;" in html
    assert (
        "<img src=x" not in client.get(f"/projects/{world.project_a.public_id}/").content.decode()
    )


def test_api_docs_and_schema_are_served_locally(world):
    client = signed_in(world.pmo)
    docs = client.get("/api/docs/").content.decode()
    assert "cdn" not in docs.lower()
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/projects/{project_id}/gates/" in schema["paths"]


def test_every_api_operation_has_a_summary_in_plain_english(world):
    schema = signed_in(world.pmo).get("/api/schema/?format=json").json()
    operations = {
        f"{method.upper()} {path}": operation.get("summary", "")
        for path, item in schema["paths"].items()
        for method, operation in item.items()
        if method in {"get", "put", "patch", "post", "delete"}
    }
    assert len(operations) > 100
    assert [op for op, summary in operations.items() if not summary.strip()] == []
    assert {op: s for op, s in operations.items() if re.search(r"\ba [aeio]", s, re.I)} == {}
    articles = {
        op: (found.group(0), with_article(found.group(2)))
        for op, summary in operations.items()
        for found in re.finditer(r"\b(a|an) ([\w-]+)", summary, re.I)
        if found.group(0).lower() != with_article(found.group(2)).lower()
    }
    assert articles == {}  # "an equipment item", "a user": the article follows the sound
    assert operations["POST /api/v1/projects/{project_id}/equipment/"] == "Add an equipment item"


def test_edit_page_fills_date_pickers_with_iso_dates(world):
    page = signed_in(world.a["project_manager"]).get(f"/projects/{world.project_a.public_id}/edit/")
    body = page.content.decode()
    assert 'value="2027-01-04"' in body and 'value="2027-06-30"' in body
