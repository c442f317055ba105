"""Offboarding: admins manage users; password changes and deactivation revoke access."""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

import pytest
from django.test import Client
from knox.models import AuthToken
from rest_framework.test import APIClient

from keystage.accounts.models import User
from keystage.core.models import AuditEntry
from tests.conftest import PASSWORD, make_user

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}
NEW_PASSWORD = "A-fresh-long-pass-31"


def signed_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    assert client.post(
        "/accounts/login/", {"username": username, "password": password}
    ).status_code == (302)
    return client


def token_client(user: Any) -> APIClient:
    _, secret = AuthToken.objects.create(user=user, expiry=dt.timedelta(days=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {secret}")
    return client


def works(client: Any) -> bool:
    """Whether the client is still signed in (page session or API token)."""
    if isinstance(client, APIClient):
        return client.get("/api/v1/me/").status_code == 200
    return client.get("/accounts/tokens/").status_code == 200


def user_url(user: Any, tail: str = "") -> str:
    return f"/api/v1/org/users/{user.public_id}/{tail}"


@pytest.fixture
def foreign_admin(world):
    from keystage.accounts.services import organisation_get_or_create

    return make_user("foreign_admin", organisation_get_or_create(name="Other Corp"), "admin")


def _state() -> list:
    return [
        list(User.objects.order_by("pk").values_list("pk", "is_active", "org_role", "version")),
        AuthToken.objects.count(),
        AuditEntry.objects.count(),
    ]


# ------------------------------------------------------------------ passwords


def test_password_change_ends_other_sessions_and_tokens_but_keeps_this_one(world):
    pm = world.a["project_manager"]
    here, elsewhere, api = signed_in("pm_a"), signed_in("pm_a"), token_client(pm)
    response = here.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert works(here)
    assert not works(elsewhere)
    assert not works(api)
    assert AuthToken.objects.filter(user=pm).count() == 0
    assert AuditEntry.objects.filter(object_id=pm.public_id, summary="Changed password").exists()


def test_password_change_with_a_wrong_current_password_changes_nothing(world):
    here, api = signed_in("pm_a"), token_client(world.a["project_manager"])
    response = here.post(
        "/accounts/password/",
        {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    assert works(api)


def test_password_reset_ends_every_session_and_token(world, settings):
    from django.core import mail

    settings.TASKS = IMMEDIATE
    pm = world.a["project_manager"]
    session, api = signed_in("pm_a"), token_client(pm)
    Client().post("/accounts/password-reset/", {"email": "pm_a@example.test"})
    link = re.search(r"/reset/[^\s]+/", mail.outbox[0].body).group(0)
    client = Client()
    form = client.get("/accounts" + link, follow=True)
    done = client.post(
        form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert done.status_code == 302
    assert not works(session)
    assert not works(api)
    assert signed_in("pm_a", NEW_PASSWORD)


def test_console_password_change_ends_every_session_and_token(world, monkeypatch):
    from django.contrib.auth.management.commands import changepassword
    from django.core.management import call_command

    pm = world.a["project_manager"]
    session, api = signed_in("pm_a"), token_client(pm)
    monkeypatch.setattr(changepassword.Command, "_get_pass", lambda self, prompt="": NEW_PASSWORD)
    call_command("changepassword", "pm_a")
    assert not works(session)
    assert not works(api)
    assert AuditEntry.objects.filter(summary__contains="server's command line").exists()
    assert signed_in("pm_a", NEW_PASSWORD)


# ------------------------------------------------------------------ API


def test_admin_lists_the_organisations_users_with_their_standing(world, foreign_admin):
    AuthToken.objects.create(user=world.a["sponsor"], expiry=dt.timedelta(days=1))
    User.objects.filter(pk=world.outsider.pk).update(is_active=False)
    body = token_client(world.admin).get("/api/v1/org/users/").json()
    rows = {row["username"]: row for row in body["results"]}
    assert "foreign_admin" not in rows
    assert rows["outsider"]["is_active"] is False
    assert rows["sponsor_a"]["token_count"] == 1
    assert rows["admin"]["org_role"] == "admin"
    assert {"last_login", "version"} <= set(rows["pmo"])


@pytest.mark.parametrize("who", ["pmo", "pm_a", "outsider"])
def test_only_admins_administer_users(world, who):
    client = token_client(User.objects.get(username=who))
    target = world.a["team_member"]
    before = _state()
    assert client.get("/api/v1/org/users/").status_code == 403
    assert client.get(user_url(target)).status_code == 403
    patched = client.patch(user_url(target), {"is_active": False, "version": 1}, format="json")
    assert patched.status_code == 403
    assert client.post(user_url(target, "revoke-tokens/")).status_code == 403
    assert _state() == before


def test_users_of_another_organisation_are_invisible(world, foreign_admin):
    client = token_client(foreign_admin)
    target = world.a["team_member"]
    before = _state()
    assert client.get(user_url(target)).status_code == 404
    assert client.patch(user_url(target), {"is_active": False}, HTTP_IF_MATCH="1").status_code == (
        404
    )
    assert client.post(user_url(target, "revoke-tokens/")).status_code == 404
    page = Client()
    page.force_login(foreign_admin)
    form = page.post(f"/accounts/users/{target.public_id}/", {"action": "revoke"})
    assert form.status_code == 404
    assert b"dev_a" not in page.get("/accounts/users/").content
    assert _state() == before


def test_deactivation_ends_the_users_sessions_and_tokens(world):
    dev = world.a["team_member"]
    session, api = signed_in("dev_a"), token_client(dev)
    response = token_client(world.admin).patch(
        user_url(dev), {"is_active": False}, format="json", HTTP_IF_MATCH="1"
    )
    assert response.status_code == 200, response.content
    assert response.json()["is_active"] is False
    assert response.json()["version"] == 2
    assert not works(session)
    assert not works(api)
    assert AuthToken.objects.filter(user=dev).count() == 0
    entry = AuditEntry.objects.get(object_id=dev.public_id)
    assert entry.actor == world.admin
    assert entry.changes["is_active"] == [True, False]
    again = Client()
    refused = again.post("/accounts/login/", {"username": "dev_a", "password": PASSWORD})
    assert refused.status_code == 400
    token_client(world.admin).patch(user_url(dev), {"is_active": True, "version": 2}, format="json")
    assert signed_in("dev_a")


def test_edits_need_the_current_version(world):
    admin, dev = token_client(world.admin), world.a["team_member"]
    assert admin.patch(user_url(dev), {"org_role": "member"}, format="json").status_code == 428
    assert (
        admin.patch(user_url(dev), {"org_role": "portfolio_owner", "version": 1}).status_code == 200
    )
    stale = admin.patch(user_url(dev), {"is_active": False, "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["org_role"] == "portfolio_owner"
    assert User.objects.get(pk=dev.pk).is_active


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"org_role": "overlord"}, "org_role"),
        ({"org_role": "\ud800"}, "org_role"),
        ({"is_active": "maybe"}, "is_active"),
        ({}, "is_active"),
    ],
)
def test_bad_input_is_a_field_error(world, body, field):
    before = _state()
    response = token_client(world.admin).patch(
        user_url(world.a["team_member"]),
        json.dumps({**body, "version": 1}),  # ASCII-escaped, so a lone surrogate travels
        content_type="application/json",
    )
    assert response.status_code == 400
    assert field in response.json()["errors"]
    assert _state()[0] == before[0]


def test_nobody_deactivates_or_demotes_themselves(world):
    admin = token_client(world.admin)
    me = world.admin
    off = admin.patch(user_url(me), {"is_active": False, "version": 1}, format="json")
    assert off.status_code == 400
    assert "is_active" in off.json()["errors"]
    down = admin.patch(user_url(me), {"org_role": "member", "version": 1}, format="json")
    assert down.status_code == 400
    assert "org_role" in down.json()["errors"]
    assert User.objects.get(pk=me.pk).org_role == "admin"


def test_the_organisation_keeps_an_active_admin(world):
    from keystage.accounts import offboarding
    from keystage.core.errors import InvalidInput

    second = make_user("admin2", world.org, "admin")
    client = token_client(second)
    demoted = client.patch(user_url(world.admin), {"org_role": "member", "version": 1})
    assert demoted.status_code == 200
    with pytest.raises(InvalidInput, match="at least one active administrator"):
        offboarding.managed_user_update(who=None, user=second, version=None, is_active=False)
    assert User.objects.get(pk=second.pk).is_active


def test_revoke_tokens_ends_sessions_and_tokens(world):
    sponsor = world.a["sponsor"]
    session, api = signed_in("sponsor_a"), token_client(sponsor)
    response = token_client(world.admin).post(user_url(sponsor, "revoke-tokens/"))
    assert response.status_code == 200
    assert response.json() == {"tokens_revoked": 1}
    assert not works(session)
    assert not works(api)
    assert User.objects.get(pk=sponsor.pk).is_active
    assert signed_in("sponsor_a")


# ------------------------------------------------------------------ page


def test_admin_page_lists_and_changes_users(world):
    page = signed_in("admin")
    listing = page.get("/accounts/users/")
    assert listing.status_code == 200
    assert b"dev_a" in listing.content
    own_row = listing.content.decode().split('data-user="admin"')[1].split("</tr>")[0]
    assert "(you)" in own_row and "deactivate" not in own_row  # no controls one may not use
    dev = world.a["team_member"]
    done = page.post(
        f"/accounts/users/{dev.public_id}/",
        {"action": "role", "org_role": "portfolio_owner", "version": 1},
    )
    assert done.status_code == 302
    assert User.objects.get(pk=dev.pk).org_role == "portfolio_owner"
    stale = page.post(f"/accounts/users/{dev.public_id}/", {"action": "deactivate", "version": 1})
    assert stale.status_code == 409
    bad = page.post(f"/accounts/users/{dev.public_id}/", {"action": "explode", "version": 2})
    assert bad.status_code == 400
    own = page.post(f"/accounts/users/{world.admin.public_id}/", {"action": "revoke"})
    assert own.status_code == 302
    assert works(page)  # revoking one's own access keeps the session doing it


def test_non_admins_get_no_admin_page(world):
    page = signed_in("pmo")
    assert page.get("/accounts/users/").status_code == 403
    dev = world.a["team_member"]
    refused = page.post(f"/accounts/users/{dev.public_id}/", {"action": "deactivate", "version": 1})
    assert refused.status_code == 403
    assert User.objects.get(pk=dev.pk).is_active


# ------------------------------------------------------------------ command line


def test_cli_user_commands(world, capsys):
    from typer.testing import CliRunner

    from keystage.cli.app import app

    runner = CliRunner()
    AuthToken.objects.create(user=world.a["team_member"], expiry=dt.timedelta(days=1))
    listed = runner.invoke(app, ["user", "list", "--organisation", "acme it"])
    assert listed.exit_code == 0, listed.output
    assert re.search(r"dev_a\s+member\s+active\s+never\s+1", listed.output)
    assert runner.invoke(app, ["user", "deactivate", "dev_a"]).exit_code == 0
    assert not User.objects.get(username="dev_a").is_active
    assert AuthToken.objects.filter(user__username="dev_a").count() == 0
    assert runner.invoke(app, ["user", "activate", "dev_a"]).exit_code == 0
    assert runner.invoke(app, ["user", "role", "dev_a", "portfolio_owner"]).exit_code == 0
    assert User.objects.get(username="dev_a").org_role == "portfolio_owner"
    assert runner.invoke(app, ["user", "revoke-tokens", "dev_a"]).exit_code == 0
    last = runner.invoke(app, ["user", "role", "admin", "member"])
    assert last.exit_code == 1
    assert "at least one active administrator" in last.output
    missing = runner.invoke(app, ["user", "deactivate", "nobody"])
    assert missing.exit_code == 1
    assert "no user 'nobody'" in missing.output
    wrong = runner.invoke(app, ["user", "role", "dev_a", "overlord"])
    assert wrong.exit_code == 1
    assert len(wrong.output.strip().splitlines()) == 1


@pytest.mark.parametrize(
    "query", ["limit=0", "limit=501", "limit=x", "offset=-1", "offset=null", "offset=1&offset=2"]
)
def test_a_malformed_page_is_a_field_error(world, query):
    response = token_client(world.admin).get(f"/api/v1/org/users/?{query}")
    assert response.status_code == 400
    assert set(response.json()["errors"]) <= {"limit", "offset"}


def test_pages_of_users(world):
    client = token_client(world.admin)
    first = client.get("/api/v1/org/users/?limit=2").json()
    second = client.get("/api/v1/org/users/?limit=2&offset=2").json()
    assert first["count"] == second["count"] == 11
    names = [r["username"] for r in first["results"] + second["results"]]
    assert names == ["admin", "dev_a", "dev_b", "outsider"]
