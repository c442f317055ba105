"""Sign-in throttling, no user enumeration, password reset, API tokens."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from knox.models import AuthToken

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def login(client, username, password):
    return client.post("/accounts/login/", {"username": username, "password": password})


def test_sign_in_and_out(world):
    client = Client()
    response = login(client, "pm_a", PASSWORD)
    assert response.status_code == 302
    assert "PRJ-A" in client.get("/").content.decode()
    client.post("/accounts/logout/")
    assert client.get("/").status_code == 302


def test_wrong_password_and_unknown_user_look_the_same(world):
    client = Client()
    wrong = login(client, "pm_a", "nope")
    unknown = login(client, "no_such_user", "nope")
    assert wrong.status_code == unknown.status_code == 400
    assert normalise(wrong, "pm_a") == normalise(unknown, "no_such_user")


def normalise(response, username):
    """The page without its per-request secrets (CSRF token, CSP nonce) and the typed name."""
    text = response.content.decode().replace(username, "X")
    return re.sub(r'(value="|nonce="|X-CSRFToken": ")[^"]+', "", text)


def test_login_is_throttled_after_repeated_failures(world, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    client = Client()
    for _ in range(3):
        assert login(client, "pm_a", "bad").status_code == 400
    locked = login(client, "pm_a", PASSWORD)
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    ghost = Client()
    for _ in range(3):
        login(ghost, "ghost", "bad")
    assert "Too many failed sign-in attempts" in login(ghost, "ghost", "x").content.decode()
    assert login(Client(), "ghost", "x").status_code == 429  # the same for a made-up name


IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


def test_password_reset_does_not_reveal_accounts_and_works(world, settings):
    settings.TASKS = IMMEDIATE
    client = Client()
    known = client.post("/accounts/password-reset/", {"email": "pm_a@example.test"})
    unknown = client.post("/accounts/password-reset/", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert len(mail.outbox) == 1
    link = re.search(r"https?://[^\s]+/reset/[^\s]+/", mail.outbox[0].body).group(0)
    path = "/accounts/reset/" + link.split("/reset/", 1)[1]
    form = client.get(path, follow=True)
    assert form.status_code == 200
    set_url = form.redirect_chain[-1][0] if form.redirect_chain else path
    done = client.post(
        set_url, {"new_password1": "A-new-long-pass-42", "new_password2": "A-new-long-pass-42"}
    )
    assert done.status_code == 302
    assert login(Client(), "pm_a", "A-new-long-pass-42").status_code == 302


def test_api_token_lifecycle(world):
    from rest_framework.test import APIClient

    anon = APIClient()
    bad = anon.post("/api/v1/auth/tokens/", {"username": "pm_a", "password": "x"}, format="json")
    assert bad.status_code == 400
    created = anon.post(
        "/api/v1/auth/tokens/",
        {"username": "pm_a", "password": PASSWORD, "expires_in_days": 7},
        format="json",
    )
    assert created.status_code == 201
    token = created.json()["token"]
    record = AuthToken.objects.get(token_key=created.json()["token_key"])
    assert token not in record.digest  # stored hashed
    assert record.expiry - timezone.now() > dt.timedelta(days=6)
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").json()["username"] == "pm_a"
    listed = client.get("/api/v1/auth/tokens/").json()
    assert [t["token_key"] for t in listed] == [record.token_key]
    assert "token" not in listed[0]
    assert client.delete(f"/api/v1/auth/tokens/{record.token_key}/").status_code == 204
    assert client.get("/api/v1/me/").status_code in (401, 403)


def test_expired_token_is_refused(world):
    from rest_framework.test import APIClient

    record, token = AuthToken.objects.create(
        user=world.a["project_manager"], expiry=dt.timedelta(days=1)
    )
    AuthToken.objects.filter(pk=record.pk).update(expiry=timezone.now() - dt.timedelta(seconds=1))
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert client.get("/api/v1/me/").status_code == 401


def test_cannot_revoke_someone_elses_token(world, api):
    record, _ = AuthToken.objects.create(user=world.a["sponsor"], expiry=dt.timedelta(days=1))
    response = api(world.a["project_manager"]).delete(f"/api/v1/auth/tokens/{record.token_key}/")
    assert response.status_code == 404
    assert AuthToken.objects.filter(pk=record.pk).exists()


def test_token_page_creates_a_token(world):
    client = Client()
    login(client, "pm_a", PASSWORD)
    page = client.post("/accounts/tokens/", {"password": PASSWORD, "expires_in_days": "3"})
    assert page.status_code == 200
    assert 'id="new-token"' in page.content.decode()
    assert AuthToken.objects.filter(user=world.a["project_manager"]).count() == 1


def test_csrf_is_enforced_on_pages(world):
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.pmo)
    response = client.post(
        "/projects/new/",
        {
            "name": "X",
            "code": "XX-1",
            "kind": "other",
            "start_date": "2027-01-01",
            "target_date": "2027-02-01",
        },
    )
    assert response.status_code == 403


def test_session_cookie_is_samesite_lax(world):
    client = Client()
    response = login(client, "pm_a", PASSWORD)
    assert response.cookies["sessionid"]["samesite"] == "Lax"
    assert response.cookies["sessionid"]["httponly"]
