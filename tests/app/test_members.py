"""Members: invite with roles, one project manager, change roles, remove — all versioned."""

from __future__ import annotations

import pytest

from keystage.core.models import AuditEntry
from keystage.portfolio.models import ProjectMembership

pytestmark = pytest.mark.django_db


def url(project, member=None):
    base = f"/api/v1/projects/{project.public_id}/members/"
    return f"{base}{member.public_id}/" if member else base


def test_pm_invites_and_lists_members(world, api):
    client = api(world.a["project_manager"])
    response = client.post(
        url(world.project_a), {"user": "outsider", "role": "team_member"}, format="json"
    )
    assert response.status_code == 201, response.json()
    assert response.json()["user"]["username"] == "outsider"
    roles = {m["user"]["username"]: m["role"] for m in client.get(url(world.project_a)).json()}
    assert roles["outsider"] == "team_member"
    assert roles["sponsor_a"] == "sponsor"
    entry = AuditEntry.objects.filter(project=world.project_a).first()
    assert entry.action == "create"
    assert entry.changes == {"user": [None, "outsider"], "role": [None, "team_member"]}


def test_duplicate_member_is_refused(world, api):
    client = api(world.a["project_manager"])
    before = ProjectMembership.objects.count()
    response = client.post(
        url(world.project_a), {"user": "dev_a", "role": "stakeholder"}, format="json"
    )
    assert response.status_code == 400
    assert "user" in response.json()["errors"]
    assert ProjectMembership.objects.count() == before


def test_second_project_manager_is_refused(world, api):
    client = api(world.admin)
    response = client.post(
        url(world.project_a), {"user": "outsider", "role": "project_manager"}, format="json"
    )
    assert response.status_code == 400
    assert "role" in response.json()["errors"]


def test_unknown_user_and_role(world, api):
    client = api(world.a["project_manager"])
    assert client.post(
        url(world.project_a), {"user": "nobody", "role": "team_member"}, format="json"
    ).json()["errors"]["user"]
    response = client.post(
        url(world.project_a), {"user": "outsider", "role": "overlord"}, format="json"
    )
    assert "role" in response.json()["errors"]


def test_user_of_another_organisation_cannot_be_invited(world, api):
    from keystage.accounts.services import organisation_get_or_create
    from tests.conftest import make_user

    stranger = make_user("stranger", organisation_get_or_create(name="Other Corp"))
    response = api(world.a["project_manager"]).post(
        url(world.project_a),
        {"user": str(stranger.public_id), "role": "team_member"},
        format="json",
    )
    assert response.status_code == 400
    assert not ProjectMembership.objects.filter(user=stranger).exists()


def test_only_managers_manage_members(world, api):
    for role in ("team_member", "stakeholder", "sponsor"):
        response = api(world.a[role]).post(
            url(world.project_a), {"user": "outsider", "role": "team_member"}, format="json"
        )
        assert response.status_code == 403, role


def test_change_role_and_hand_over_project_manager(world, api):
    client = api(world.a["project_manager"])
    pm = ProjectMembership.objects.get(project=world.project_a, role="project_manager")
    dev = ProjectMembership.objects.get(project=world.project_a, user=world.a["team_member"])
    blocked = client.patch(
        url(world.project_a, dev),
        {"role": "project_manager", "version": dev.version},
        format="json",
    )
    assert blocked.status_code == 400
    assert (
        client.patch(
            url(world.project_a, pm), {"role": "team_member", "version": 1}, format="json"
        ).status_code
        == 200
    )
    admin = api(world.admin)
    handed = admin.patch(
        url(world.project_a, dev), {"role": "project_manager", "version": 1}, format="json"
    )
    assert handed.status_code == 200
    assert handed.json()["role"] == "project_manager"
    stale = admin.patch(
        url(world.project_a, dev), {"role": "stakeholder", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert stale.json()["current"]["role"] == "project_manager"


def test_remove_member_needs_version(world, api):
    client = api(world.a["project_manager"])
    viewer = ProjectMembership.objects.get(project=world.project_a, user=world.a["stakeholder"])
    assert client.delete(url(world.project_a, viewer)).status_code == 428
    assert client.delete(url(world.project_a, viewer), HTTP_IF_MATCH="5").status_code == 409
    assert client.delete(url(world.project_a, viewer), HTTP_IF_MATCH="1").status_code == 204
    assert not ProjectMembership.objects.filter(pk=viewer.pk).exists()
    entry = AuditEntry.objects.filter(project=world.project_a, action="delete").get()
    assert entry.changes["user"] == ["viewer_a", None]
    assert (
        api(world.a["stakeholder"])
        .get(f"/api/v1/projects/{world.project_a.public_id}/")
        .status_code
        == 404
    )


def test_member_of_other_project_is_not_reachable_through_this_one(world, api):
    other = ProjectMembership.objects.get(project=world.project_b, user=world.b["team_member"])
    client = api(world.admin)
    assert client.get(url(world.project_a, other)).status_code == 404
    response = client.patch(
        url(world.project_a, other), {"role": "stakeholder", "version": 1}, format="json"
    )
    assert response.status_code == 404
    assert client.delete(url(world.project_a, other), HTTP_IF_MATCH="1").status_code == 404
    other.refresh_from_db()
    assert (other.role, other.version) == ("team_member", 1)


def test_invite_new_person_by_email_creates_account_and_mails_a_link(
    world, api, mailoutbox, django_capture_on_commit_callbacks
):
    from django.test import Client

    from keystage.accounts.models import User

    client = api(world.a["project_manager"])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url(world.project_a),
            {"email": "New.Person@Example.test", "full_name": "Nia Person", "role": "team_member"},
            format="json",
        )
    assert response.status_code == 201, response.json()
    user = User.objects.get(email="new.person@example.test")
    assert (user.organisation, user.first_name, user.has_usable_password()) == (
        world.org,
        "Nia",
        False,
    )
    assert response.json()["user"]["username"] == user.username
    assert len(mailoutbox) == 1
    assert "PRJ-A" in mailoutbox[0].body
    link = next(line for line in mailoutbox[0].body.splitlines() if "/accounts/reset/" in line)
    browser = Client()
    form = browser.get(link.split("8000", 1)[1], follow=True)
    set_url = form.redirect_chain[-1][0]
    done = browser.post(
        set_url, {"new_password1": "Brand-new-pass-77", "new_password2": "Brand-new-pass-77"}
    )
    assert done.status_code == 302
    assert browser.login(username=user.username, password="Brand-new-pass-77")


def test_invite_existing_colleague_by_email_reuses_the_account(world, api, mailoutbox):
    response = api(world.a["project_manager"]).post(
        url(world.project_a),
        {"email": "outsider@example.test", "role": "stakeholder"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["user"]["username"] == "outsider"
    assert mailoutbox == []


@pytest.mark.parametrize(
    "body",
    [
        {"email": "not-an-address", "role": "team_member"},
        {"role": "team_member"},
        {"email": "a@example.test", "user": "outsider", "role": "team_member"},
    ],
)
def test_bad_invitations_write_nothing(world, api, mailoutbox, body):
    from keystage.accounts.models import User

    users = User.objects.count()
    response = api(world.a["project_manager"]).post(url(world.project_a), body, format="json")
    assert response.status_code == 400
    assert response.json()["errors"]
    assert User.objects.count() == users
    assert mailoutbox == []


def test_invite_page_form(world, mailoutbox, django_capture_on_commit_callbacks):
    from django.test import Client

    client = Client()
    client.force_login(world.a["project_manager"])
    page = f"/projects/{world.project_a.public_id}/members/"
    bad = client.post(page, {"mode": "email", "email": "nope", "role": "team_member"})
    assert bad.status_code == 400
    assert "Enter a valid" in bad.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        ok = client.post(
            page,
            {
                "mode": "email",
                "email": "kai@example.test",
                "full_name": "Kai Lee",
                "role": "stakeholder",
            },
        )
    assert ok.status_code == 302
    assert "Kai Lee" in client.get(page).content.decode()
    assert len(mailoutbox) == 1
