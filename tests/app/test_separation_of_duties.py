"""Separation of duties at the gates (issue 17, High 1).

The sponsor role is granted or withdrawn only by an organisation administrator or
portfolio owner — never to themselves, never by the project's manager, never to or from
the project manager role — and a gate is decided only by the sponsor or an administrator
with no role in the project; only the sponsor overrides the checklist, and the portfolio
shows it. Every refused path writes nothing: memberships, users, projects and the
journal are compared before and after.
"""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client

from keystage.accounts.models import User
from keystage.core.models import AuditEntry
from keystage.portfolio.models import GateDecision, Project, ProjectMembership
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

OVERRIDE = "Initiation records kept outside Keystage for this test."


def members_url(project, member=None):
    base = f"/api/v1/projects/{project.public_id}/members/"
    return f"{base}{member.public_id}/" if member else base


def snapshot():
    """Everything a refused attempt must leave as it was."""
    return (
        list(
            ProjectMembership.objects.order_by("pk").values_list("pk", "user_id", "role", "version")
        ),
        AuditEntry.objects.count(),
        User.objects.count(),
        Project.objects.count(),
        GateDecision.objects.count(),
    )


def membership(project, user):
    return ProjectMembership.objects.get(project=project, user=user)


def page_client(user):
    client = Client()
    client.force_login(user)
    return client


def decide(client, project, override=OVERRIDE, outcome="go"):
    project.refresh_from_db()
    body = {
        "to_stage": "planning",
        "outcome": outcome,
        "rationale": "The case holds.",
        "version": project.version,
        "override_reason": override,
    }
    return client.post(f"/api/v1/projects/{project.public_id}/gates/", body, format="json")


# ------------------------------------------------------------------ every path to sponsor


def _api_attempts(world):
    """(name, actor, call) for every API path to the sponsor role, none of them allowed."""
    a = world.a
    project = world.project_a
    return [
        ("pm adds a colleague as sponsor", a["project_manager"],
         lambda c: c.post(members_url(project), {"user": "outsider", "role": "sponsor"},
                          format="json")),
        ("pm invites an unknown address as sponsor", a["project_manager"],
         lambda c: c.post(members_url(project), {"email": "new.boss@example.test",
                                                 "role": "sponsor"}, format="json")),
        ("pm makes themselves sponsor", a["project_manager"],
         lambda c: c.patch(members_url(project, membership(project, a["project_manager"])),
                           {"role": "sponsor"}, format="json",
                           HTTP_IF_MATCH=str(membership(project, a["project_manager"]).version))),
        ("pm makes a team member sponsor", a["project_manager"],
         lambda c: c.patch(members_url(project, membership(project, a["team_member"])),
                           {"role": "sponsor"}, format="json",
                           HTTP_IF_MATCH=str(membership(project, a["team_member"]).version))),
        ("pm demotes the sponsor", a["project_manager"],
         lambda c: c.patch(members_url(project, membership(project, a["sponsor"])),
                           {"role": "stakeholder"}, format="json",
                           HTTP_IF_MATCH=str(membership(project, a["sponsor"]).version))),
        ("pm removes the sponsor", a["project_manager"],
         lambda c: c.delete(members_url(project, membership(project, a["sponsor"])),
                            HTTP_IF_MATCH=str(membership(project, a["sponsor"]).version))),
        ("team member makes themselves sponsor", a["team_member"],
         lambda c: c.patch(members_url(project, membership(project, a["team_member"])),
                           {"role": "sponsor"}, format="json",
                           HTTP_IF_MATCH=str(membership(project, a["team_member"]).version))),
        ("team member adds a sponsor", a["team_member"],
         lambda c: c.post(members_url(project), {"user": "outsider", "role": "sponsor"},
                          format="json")),
        ("stakeholder makes themselves sponsor", a["stakeholder"],
         lambda c: c.patch(members_url(project, membership(project, a["stakeholder"])),
                           {"role": "sponsor"}, format="json",
                           HTTP_IF_MATCH=str(membership(project, a["stakeholder"]).version))),
        ("stakeholder removes the sponsor", a["stakeholder"],
         lambda c: c.delete(members_url(project, membership(project, a["sponsor"])),
                            HTTP_IF_MATCH=str(membership(project, a["sponsor"]).version))),
        ("pmo adds themselves as sponsor", world.pmo,
         lambda c: c.post(members_url(project), {"user": "pmo", "role": "sponsor"},
                          format="json")),
        ("pmo invites their own address as sponsor", world.pmo,
         lambda c: c.post(members_url(project), {"email": "PMO@example.test",
                                                 "role": "sponsor"}, format="json")),
        ("admin adds themselves as sponsor", world.admin,
         lambda c: c.post(members_url(project), {"user": "admin", "role": "sponsor"},
                          format="json")),
        ("admin turns the project manager into the sponsor", world.admin,
         lambda c: c.patch(members_url(project, membership(project, a["project_manager"])),
                           {"role": "sponsor"}, format="json",
                           HTTP_IF_MATCH=str(membership(project, a["project_manager"]).version))),
        ("admin turns the sponsor into the project manager", world.admin,
         lambda c: c.patch(members_url(project, membership(project, a["sponsor"])),
                           {"role": "project_manager"}, format="json",
                           HTTP_IF_MATCH=str(membership(project, a["sponsor"]).version))),
        ("member of the organisation (no role) adds a sponsor", world.outsider,
         lambda c: c.post(members_url(project), {"user": "outsider", "role": "sponsor"},
                          format="json")),
    ]  # fmt: skip


def test_every_api_path_to_sponsor_is_refused_and_writes_nothing(world, api, mailoutbox):
    before = snapshot()
    for name, actor, call in _api_attempts(world):
        response = call(api(actor))
        assert 400 <= response.status_code < 500, (name, response.status_code)
        body = response.json()
        if response.status_code == 400:
            assert body["errors"].get("role"), (name, body)
            assert "sponsor" in " ".join(body["errors"]["role"]).lower(), (name, body)
        else:
            assert body["detail"], (name, body)
        assert snapshot() == before, name
    assert mailoutbox == []
    assert not User.objects.filter(email="new.boss@example.test").exists()
    # …and the project manager still cannot decide the gate.
    response = decide(api(world.a["project_manager"]), world.project_a)
    assert response.status_code == 403
    assert GateDecision.objects.count() == 0


def test_pm_granting_sponsor_is_told_why(world, api):
    response = api(world.a["project_manager"]).post(
        members_url(world.project_a), {"user": "outsider", "role": "sponsor"}, format="json"
    )
    assert response.status_code == 400
    assert "administrator or portfolio owner" in response.json()["errors"]["role"][0]


def test_self_grant_is_told_why(world, api):
    response = api(world.pmo).post(
        members_url(world.project_a), {"user": "pmo", "role": "sponsor"}, format="json"
    )
    assert response.status_code == 400
    assert "yourself" in response.json()["errors"]["role"][0]


def test_project_creation_paths_to_sponsor_are_refused(world, api):
    client = api(world.pmo)
    body = {
        "name": "Self-approved",
        "code": "SELF-1",
        "kind": "software_development",
        "start_date": "2027-01-04",
        "target_date": "2027-06-30",
    }
    before = snapshot()
    for extra in (
        {"sponsor": "pmo"},  # names themselves sponsor
        {"sponsor": "outsider", "project_manager": "outsider"},  # PM = sponsor
        {"sponsor": "outsider", "project_manager": "pmo"},  # the PM picks the sponsor
    ):
        response = client.post("/api/v1/projects/", body | extra, format="json")
        assert response.status_code == 400, extra
        assert response.json()["errors"]["sponsor"], extra
        assert snapshot() == before, extra
    response = api(world.admin).post("/api/v1/projects/", body | {"sponsor": "admin"})
    assert response.status_code == 400
    assert snapshot() == before


def test_project_creation_page_refuses_self_sponsor(world):
    client = page_client(world.pmo)
    page = client.get("/projects/new/").content.decode()
    sponsor_menu = re.search(r'<select name="sponsor".*?</select>', page, re.S).group(0)
    assert f'value="{world.pmo.pk}"' not in sponsor_menu
    assert f'value="{world.outsider.pk}"' in sponsor_menu
    before = snapshot()
    response = client.post(
        "/projects/new/",
        {
            "name": "Self-approved",
            "code": "SELF-2",
            "kind": "software_development",
            "start_date": "2027-01-04",
            "target_date": "2027-06-30",
            "sponsor": world.pmo.pk,
        },
    )
    assert response.status_code == 400
    assert snapshot() == before


def test_admin_and_pmo_grant_sponsor_to_a_colleague(world, api, mailoutbox):
    project = world.project_a
    response = api(world.pmo).post(
        members_url(project), {"user": "outsider", "role": "sponsor"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert membership(project, world.outsider).role == "sponsor"
    entry = AuditEntry.objects.filter(project=project).order_by("-id").first()
    assert entry.actor == world.pmo and entry.changes["role"] == [None, "sponsor"]
    # A portfolio owner invites a new person as sponsor (an account is created).
    response = api(world.pmo).post(
        members_url(project), {"email": "board@example.test", "role": "sponsor"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert User.objects.filter(email="board@example.test").exists()
    # An administrator makes a team member sponsor, then withdraws it again.
    dev = membership(project, world.a["team_member"])
    response = api(world.admin).patch(
        members_url(project, dev), {"role": "sponsor"}, format="json", HTTP_IF_MATCH="1"
    )
    assert response.status_code == 200, response.json()
    response = api(world.pmo).patch(
        members_url(project, dev), {"role": "team_member"}, format="json", HTTP_IF_MATCH="2"
    )
    assert response.status_code == 200, response.json()
    # The PMO removes the original sponsor; the project manager could not.
    sponsor = membership(project, world.a["sponsor"])
    response = api(world.pmo).delete(members_url(project, sponsor), HTTP_IF_MATCH="1")
    assert response.status_code == 204
    # The PMO may grant the sponsor role, but not manage the rest of the team.
    response = api(world.pmo).post(
        members_url(project), {"user": "admin", "role": "team_member"}, format="json"
    )
    assert response.status_code == 403


def test_pm_still_manages_the_rest_of_the_team(world, api):
    project = world.project_a
    client = api(world.a["project_manager"])
    response = client.post(
        members_url(project), {"user": "outsider", "role": "stakeholder"}, format="json"
    )
    assert response.status_code == 201
    dev = membership(project, world.a["team_member"])
    response = client.patch(
        members_url(project, dev), {"role": "stakeholder"}, format="json", HTTP_IF_MATCH="1"
    )
    assert response.status_code == 200


# --------------------------------------------------------------------------- pages


def test_pm_is_not_offered_sponsor_and_a_forged_post_is_refused(world, mailoutbox):
    project = world.project_a
    client = page_client(world.a["project_manager"])
    url = f"/projects/{project.public_id}/members/"
    page = client.get(url).content.decode()
    assert 'value="sponsor"' not in page  # neither in the menus nor for any row
    assert "Stakeholder (read-only)" in page
    before = snapshot()
    response = client.post(url, {"user": world.outsider.pk, "role": "sponsor"})
    assert response.status_code == 400
    assert "administrator or portfolio owner" in response.content.decode()
    response = client.post(
        url, {"mode": "email", "email": "new.boss@example.test", "role": "sponsor"}
    )
    assert response.status_code == 400
    for member, role, action in (
        (world.a["project_manager"], "sponsor", "role"),
        (world.a["team_member"], "sponsor", "role"),
        (world.a["sponsor"], "team_member", "role"),
        (world.a["sponsor"], "", "remove"),
    ):
        m = membership(project, member)
        response = client.post(
            f"{url}{m.public_id}/", {"action": action, "role": role, "version": m.version}
        )
        assert response.status_code in (400, 403), (member, action)
        assert "sponsor" in response.content.decode().lower()
    assert snapshot() == before
    assert mailoutbox == []


@pytest.mark.parametrize("role", ["team_member", "stakeholder"])
def test_team_member_and_stakeholder_pages_refuse(world, role):
    project = world.project_a
    user = world.a[role]
    client = page_client(user)
    url = f"/projects/{project.public_id}/members/"
    before = snapshot()
    assert client.post(url, {"user": world.outsider.pk, "role": "sponsor"}).status_code == 403
    m = membership(project, user)
    response = client.post(
        f"{url}{m.public_id}/", {"action": "role", "role": "sponsor", "version": m.version}
    )
    assert response.status_code == 403
    assert snapshot() == before


def test_pmo_is_offered_sponsor_but_not_for_themselves(world):
    project = world.project_a
    client = page_client(world.pmo)
    url = f"/projects/{project.public_id}/members/"
    page = client.get(url).content.decode()
    assert 'value="sponsor"' in page
    before = snapshot()
    response = client.post(url, {"user": world.pmo.pk, "role": "sponsor"})
    assert response.status_code == 400
    assert "yourself" in response.content.decode()
    assert snapshot() == before
    response = client.post(url, {"user": world.outsider.pk, "role": "sponsor"})
    assert response.status_code == 302
    assert membership(project, world.outsider).role == "sponsor"


# --------------------------------------------------------------------------- gates


def test_admin_holding_a_role_in_the_project_does_not_decide(world, api):
    boss = make_user("boss", world.org, "admin")
    project = world.project_a
    ProjectMembership.objects.filter(project=project, user=world.a["project_manager"]).delete()
    response = api(world.admin).post(
        members_url(project), {"user": "boss", "role": "project_manager"}, format="json"
    )
    assert response.status_code == 201, response.json()
    before = snapshot()
    response = decide(api(boss), project, override="", outcome="hold")
    assert response.status_code == 403
    assert snapshot() == before
    # As the project's manager, the administrator cannot grant the sponsor role either.
    response = api(boss).post(
        members_url(project), {"user": "outsider", "role": "sponsor"}, format="json"
    )
    assert response.status_code == 400
    assert snapshot() == before
    # An administrator with no role in the project still decides (without an override).
    assert decide(api(world.admin), project, override="", outcome="hold").status_code == 201


def test_override_by_admin_is_refused(world, api):
    before = snapshot()
    response = decide(api(world.admin), world.project_a)
    assert response.status_code == 400
    assert "sponsor" in response.json()["errors"]["override_reason"][0]
    assert snapshot() == before


def test_override_by_sponsor_is_accepted_and_flagged(world, api):
    project = world.project_a
    assert (
        api(world.pmo).get(f"/api/v1/projects/{project.public_id}/").json()["last_gate_override"]
        is None
    )
    response = decide(api(world.a["sponsor"]), project)
    assert response.status_code == 201, response.json()
    detail = api(world.pmo).get(f"/api/v1/projects/{project.public_id}/").json()
    flag = detail["last_gate_override"]
    assert flag["reason"] == OVERRIDE
    assert flag["decided_by"]["username"] == "sponsor_a"
    assert (flag["from_stage"], flag["to_stage"]) == ("initiation", "planning")
    listed = {p["code"]: p for p in api(world.pmo).get("/api/v1/projects/").json()}
    assert listed["PRJ-A"]["last_gate_override"]["reason"] == OVERRIDE
    assert listed["PRJ-B"]["last_gate_override"] is None
    # The portfolio page says it in words, with who and why (not by colour alone).
    page = page_client(world.pmo).get("/").content.decode()
    assert "Gate passed by override" in page
    assert OVERRIDE in page and "Sponsor_A Tester" in page
    assert page.count("Gate passed by override") == 1
    overview = page_client(world.pmo).get(f"/projects/{project.public_id}/").content.decode()
    assert "Last gate passed by override" in overview
    # A later gate decided on a full checklist (here a hold) clears the flag.
    project.refresh_from_db()
    response = api(world.a["sponsor"]).post(
        f"/api/v1/projects/{project.public_id}/gates/",
        {"to_stage": "execution", "outcome": "hold", "rationale": "Wait.",
         "version": project.version},
        format="json",
    )  # fmt: skip
    assert response.status_code == 201, response.json()
    detail = api(world.pmo).get(f"/api/v1/projects/{project.public_id}/").json()
    assert detail["last_gate_override"] is None


def test_gate_form_offers_override_only_to_the_sponsor(world):
    project = world.project_a
    admin_page = page_client(world.admin).get(f"/projects/{project.public_id}/").content.decode()
    assert 'name="override_reason"' not in admin_page
    assert "Only the project's sponsor may pass this gate" in admin_page
    sponsor_page = page_client(world.a["sponsor"]).get(f"/projects/{project.public_id}/")
    assert 'name="override_reason"' in sponsor_page.content.decode()
    before = snapshot()
    response = page_client(world.admin).post(
        f"/projects/{project.public_id}/gate/",
        {
            "to_stage": "planning",
            "outcome": "go",
            "rationale": "ok",
            "override_reason": "waived",
            "version": project.version,
        },
    )
    assert response.status_code == 400
    assert "Only the project&#x27;s sponsor may pass a gate" in response.content.decode()
    assert snapshot() == before


def test_demo_style_opening_still_works(world, api):
    """The PMO opens a project with a manager and a sponsor (two other people)."""
    response = api(world.pmo).post(
        "/api/v1/projects/",
        {
            "name": "Fine",
            "code": "FINE-1",
            "kind": "software_development",
            "start_date": str(dt.date(2027, 1, 4)),
            "target_date": str(dt.date(2027, 3, 1)),
            "project_manager": "dev_a",
            "sponsor": "sponsor_a",
        },
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["sponsors"][0]["username"] == "sponsor_a"
