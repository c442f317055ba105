"""Sign-in and password-reset throttling: per account and address, atomic, before hashing."""

from __future__ import annotations

import threading
import time as real_time
from types import SimpleNamespace
from typing import Any

import pytest
from django.core import mail
from django.core.cache.backends import base as cache_base
from django.core.cache.backends import locmem
from django.test import Client, RequestFactory
from rest_framework.test import APIClient

from keystage.accounts import services, throttle
from keystage.accounts.throttle import client_address
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db

IMMEDIATE = {"default": {"BACKEND": "django.tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def clock(monkeypatch):
    """The cache's clock, moved by hand: ``clock.advance(seconds)``."""
    state = {"now": real_time.time()}
    fake = SimpleNamespace(time=lambda: state["now"])
    monkeypatch.setattr(locmem, "time", fake)
    monkeypatch.setattr(cache_base, "time", fake)

    def advance(seconds: float) -> None:
        state["now"] += seconds

    return SimpleNamespace(advance=advance)


def login(username: str, password: str, address: str = "198.51.100.7", **extra: Any):
    return Client(REMOTE_ADDR=address, **extra).post(
        "/accounts/login/", {"username": username, "password": password}
    )


def test_a_stranger_cannot_lock_the_sponsor_out_of_their_own_address(world, settings, clock):
    # The clock stands still: on a slow machine the back-off must not run out between tries.
    settings.LOGIN_FAILURE_LIMIT = 3
    for _ in range(10):
        assert login("sponsor_a", "guess", address="203.0.113.66").status_code in (400, 429)
    assert login("sponsor_a", PASSWORD, address="203.0.113.66").status_code == 429
    assert login("sponsor_a", PASSWORD, address="198.51.100.7").status_code == 302


def test_failures_behind_one_proxy_do_not_lock_every_account(world, settings, clock):
    settings.LOGIN_FAILURE_LIMIT = 5
    for n in range(20):
        assert login(f"someone{n}", "bad").status_code == 400
    for _ in range(4):
        assert login("pm_a", "typo").status_code == 400
    assert login("pm_a", PASSWORD).status_code == 302


def test_a_busy_address_is_slowed_down_not_locked(world, settings, clock):
    settings.LOGIN_ADDRESS_FAILURE_LIMIT = 10
    for n in range(10):
        login(f"someone{n}", "bad")
    assert login("pm_a", PASSWORD).status_code == 302  # the first attempt of this second
    assert login("pm_b", PASSWORD).status_code == 429  # a second one in the same second
    clock.advance(1.1)
    assert login("pm_b", PASSWORD).status_code == 302


def test_back_off_doubles_after_the_free_failures(world, settings, clock):
    settings.LOGIN_FAILURE_LIMIT = 2
    assert [login("pm_a", "bad").status_code for _ in range(2)] == [400, 400]
    assert login("pm_a", PASSWORD).status_code == 429  # 1 s back-off, right password or not
    clock.advance(1.1)
    assert login("pm_a", "bad").status_code == 400  # the one attempt after the wait
    clock.advance(1.1)
    assert login("pm_a", PASSWORD).status_code == 429  # now 2 s
    clock.advance(1.0)
    assert login("pm_a", PASSWORD).status_code == 302
    assert login("pm_a", "bad").status_code == 400  # success forgot the failures
    assert login("pm_a", "bad").status_code == 400


def test_back_off_is_capped(world, settings, clock):
    settings.LOGIN_FAILURE_LIMIT = 1
    settings.LOGIN_BACKOFF_MAX_SECONDS = 4
    login("pm_a", "bad")
    for wait in (1, 2, 4, 4, 4):
        clock.advance(wait + 0.01)
        assert login("pm_a", "bad").status_code == 400
    clock.advance(3.9)
    assert login("pm_a", PASSWORD).status_code == 429
    clock.advance(0.2)
    assert login("pm_a", PASSWORD).status_code == 302


def test_a_throttled_attempt_never_hashes(world, settings, monkeypatch):
    settings.LOGIN_FAILURE_LIMIT = 2
    hashed = []
    from django.contrib.auth.hashers import MD5PasswordHasher

    original = MD5PasswordHasher.verify
    monkeypatch.setattr(
        MD5PasswordHasher, "verify", lambda self, *a: hashed.append(1) or original(self, *a)
    )
    for _ in range(2):
        login("pm_a", "bad")
    assert len(hashed) == 2
    for _ in range(5):
        assert login("pm_a", PASSWORD).status_code == 429
    api = APIClient(REMOTE_ADDR="198.51.100.7")
    refused = api.post(
        "/api/v1/auth/tokens/", {"username": "pm_a", "password": PASSWORD}, format="json"
    )
    assert refused.status_code == 429
    assert len(hashed) == 2


def test_the_same_answer_for_real_and_made_up_accounts(world, settings):
    settings.LOGIN_FAILURE_LIMIT = 2
    answers = {}
    for name in ("pm_a", "nobody_here"):
        for _ in range(2):
            login(name, "bad")
        answers[name] = login(name, "bad")
    assert answers["pm_a"].status_code == answers["nobody_here"].status_code == 429
    text = {k: r.content.decode().replace(k, "X") for k, r in answers.items()}
    from tests.app.test_auth import normalise

    assert normalise(answers["pm_a"], "pm_a") == normalise(answers["nobody_here"], "nobody_here")
    assert "Too many failed sign-in attempts" in text["pm_a"]


def _thirty_at_once(monkeypatch: Any) -> tuple[list[str], list[int]]:
    """30 threads ask for a token for one account from one address at the same moment."""
    from django.db import connections

    checked: list[str] = []
    lock = threading.Lock()

    def slow_check(request: Any = None, **credentials: Any) -> None:
        with lock:
            checked.append(credentials["username"])
        real_time.sleep(0.05)  # a real hash takes long: let the others pile up
        return None

    monkeypatch.setattr(services, "authenticate", slow_check)
    # A long back-off, so a slow machine cannot see the first one pass mid-test.
    monkeypatch.setattr(throttle, "_backoff", lambda level: 600)
    start = threading.Barrier(30)
    statuses: list[int] = []

    def attempt() -> None:
        try:
            client = APIClient(REMOTE_ADDR="198.51.100.7")
            start.wait(timeout=30)
            response = client.post(
                "/api/v1/auth/tokens/", {"username": "sponsor", "password": "x"}, format="json"
            )
            with lock:
                statuses.append(response.status_code)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    return checked, statuses


def test_thirty_simultaneous_attempts_at_a_limit_of_five(settings, monkeypatch):
    settings.LOGIN_FAILURE_LIMIT = 5
    checked, statuses = _thirty_at_once(monkeypatch)
    assert len(statuses) == 30
    assert 1 <= len(checked) <= 5
    assert sorted(set(statuses)) == [400, 429]
    assert statuses.count(400) == len(checked)


@pytest.mark.django_db(transaction=True)
def test_the_limit_holds_on_the_database_cache_too(settings, monkeypatch):
    from django.core.cache import cache
    from django.core.management import call_command

    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "t_c"}
    }
    call_command("createcachetable", verbosity=0)
    cache.clear()
    settings.LOGIN_FAILURE_LIMIT = 5
    checked, statuses = _thirty_at_once(monkeypatch)
    assert len(statuses) == 30
    assert 1 <= len(checked) <= 5
    assert statuses.count(400) == len(checked)


# ------------------------------------------------------------------ client address


def _address(remote: str, forwarded: str | None = None) -> str:
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return client_address(RequestFactory().get("/", REMOTE_ADDR=remote, **extra))


def test_forwarded_for_is_ignored_without_trusted_proxies(settings):
    settings.KEYSTAGE_TRUSTED_PROXIES = []
    assert _address("198.51.100.7", "1.2.3.4") == "198.51.100.7"


def test_forwarded_for_from_an_untrusted_peer_is_ignored(settings):
    settings.KEYSTAGE_TRUSTED_PROXIES = ["10.0.0.0/24"]
    assert _address("198.51.100.7", "10.0.0.5, 1.2.3.4") == "198.51.100.7"


def test_the_right_most_untrusted_hop_is_the_client(settings):
    settings.KEYSTAGE_TRUSTED_PROXIES = ["10.0.0.0/24", "192.0.2.1"]
    assert _address("10.0.0.1", "6.6.6.6, 203.0.113.5") == "203.0.113.5"
    assert _address("10.0.0.1", "6.6.6.6, 203.0.113.5, 192.0.2.1") == "203.0.113.5"
    assert _address("10.0.0.1", "") == "10.0.0.1"
    assert _address("10.0.0.1", "203.0.113.5, not-an-address") == "10.0.0.1"


def test_a_spoofed_header_does_not_escape_the_throttle(world, settings):
    settings.LOGIN_FAILURE_LIMIT = 3
    settings.KEYSTAGE_TRUSTED_PROXIES = ["10.0.0.1"]
    for n in range(3):  # the attacker makes up a new left-most address each time
        forwarded = f"7.7.7.{n}, 203.0.113.5"
        assert login("pm_a", "bad", "10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded).status_code == 400
    locked = login("pm_a", PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5")
    assert locked.status_code == 429
    # the sponsor's own address behind the same proxy is not affected
    other = login("pm_a", PASSWORD, "10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.77")
    assert other.status_code == 302


# ------------------------------------------------------------------ password reset


def _reset(email: str, address: str = "198.51.100.7"):
    return Client(REMOTE_ADDR=address).post("/accounts/password-reset/", {"email": email})


def test_reset_does_the_same_work_for_known_and_unknown_addresses(world, monkeypatch):
    from keystage.accounts import tasks

    queued = []
    monkeypatch.setattr(
        tasks, "send_password_reset", SimpleNamespace(enqueue=lambda email: queued.append(email))
    )
    known = _reset("pm_a@example.test")
    unknown = _reset("nobody@example.test")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"]
    assert queued == ["pm_a@example.test", "nobody@example.test"]
    assert mail.outbox == []  # nothing is sent inside the request


def test_reset_mail_is_throttled_per_email_address(world, settings):
    settings.TASKS = IMMEDIATE
    settings.PASSWORD_RESET_LIMIT_PER_EMAIL = 2
    answers = {_reset("pm_a@example.test", f"198.51.100.{n}").status_code for n in range(5)}
    assert answers == {302}
    assert len(mail.outbox) == 2


def test_reset_requests_are_throttled_per_client_address(world, settings):
    settings.TASKS = IMMEDIATE
    settings.PASSWORD_RESET_LIMIT_PER_ADDRESS = 3
    for n in range(3):
        assert _reset(f"someone{n}@example.test").status_code == 302
    known, unknown = _reset("pm_a@example.test"), _reset("nobody@example.test")
    assert known.status_code == unknown.status_code == 429
    assert mail.outbox == []
    assert _reset("pm_a@example.test", "198.51.100.8").status_code == 302
    assert len(mail.outbox) == 1


def test_reset_with_a_malformed_address_is_a_form_error(world):
    response = _reset("not an address")
    assert response.status_code == 200
    assert "valid email" in response.content.decode().lower()


def test_a_malformed_trusted_proxy_is_a_configuration_error(settings):
    from keystage.accounts.checks import trusted_proxies_are_addresses

    settings.KEYSTAGE_TRUSTED_PROXIES = ["10.0.0.0/8", "proxy.example"]
    errors = trusted_proxies_are_addresses()
    assert [e.id for e in errors] == ["keystage.accounts.E001"]
    assert "proxy.example" in errors[0].msg
    settings.KEYSTAGE_TRUSTED_PROXIES = ["10.0.0.0/8", "::1"]
    assert trusted_proxies_are_addresses() == []
