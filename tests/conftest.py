"""Shared fixtures: an organisation with people in every role and two projects."""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

# CI explores the same examples every run (a red build is reproducible); a developer's
# run explores new ones and keeps failures in .hypothesis/.
hypothesis_settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
hypothesis_settings.register_profile("dev", deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

os.environ.setdefault(
    "KEYSTAGE_DATA_DIR", os.path.join(os.path.dirname(__file__), "..", "var", "test-data")
)


@dataclass
class World:
    """Two projects of one organisation (A and B) and a user per role in each."""

    org: Any
    admin: Any
    pmo: Any
    outsider: Any
    project_a: Any
    project_b: Any
    a: dict[str, Any]
    b: dict[str, Any]


PASSWORD = "correct-horse-battery-9"


def make_user(username: str, org: Any, org_role: str = "member", **extra: Any) -> Any:
    """A user with the shared test password (fast hasher in tests).

    Saved directly rather than through ``accounts.services.user_create``: the values are
    known to be valid, and that service's validation (tested in test_user_admin) costs more
    than the rest of a typical test's setup. The row is the same as the service writes.
    """
    from keystage.accounts.models import User

    user = User(
        username=username,
        email=f"{username}@example.test",
        first_name=username.title(),
        last_name="Tester",
        organisation=org,
        org_role=org_role,
        is_staff=bool(extra.get("is_superuser")),
        **extra,
    )
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture(autouse=True)
def _fast_hasher(settings: Any) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_cache(settings: Any) -> Any:
    """A fresh in-process cache per test (throttle counters must not leak between tests)."""
    settings.CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "t"}
    }
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _private_media(settings: Any, tmp_path: Any) -> None:
    """Uploaded files of a test go to its own folder (and vanish with it)."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def world(db: Any) -> World:
    """Admin, PMO, an outsider; per project a sponsor, PM, team member, stakeholder."""
    from keystage.accounts.services import organisation_get_or_create
    from keystage.portfolio import services

    org = organisation_get_or_create(name="Acme IT")
    admin = make_user("admin", org, "admin")
    pmo = make_user("pmo", org, "portfolio_owner")
    outsider = make_user("outsider", org)
    cast: dict[str, dict[str, Any]] = {}
    projects = []
    for key in ("a", "b"):
        people = {
            "sponsor": make_user(f"sponsor_{key}", org),
            "project_manager": make_user(f"pm_{key}", org),
            "team_member": make_user(f"dev_{key}", org),
            "stakeholder": make_user(f"viewer_{key}", org),
        }
        project = services.project_create(
            who=pmo,
            name=f"Project {key.upper()}",
            code=f"PRJ-{key.upper()}",
            kind="software_development",
            start_date=dt.date(2027, 1, 4),
            target_date=dt.date(2027, 6, 30),
            project_manager=people["project_manager"],
            sponsor=people["sponsor"],
        )
        for role in ("team_member", "stakeholder"):
            services.member_add(who=admin, project=project, user=people[role], role=role)
        cast[key] = people
        projects.append(project)
    return World(org, admin, pmo, outsider, projects[0], projects[1], cast["a"], cast["b"])


@pytest.fixture
def api(db: Any) -> Any:
    """A DRF API client factory: ``api(user)`` authenticates with a real API token."""
    from knox.models import AuthToken
    from rest_framework.test import APIClient

    def make(user: Any = None) -> APIClient:
        client = APIClient()
        if user is not None:
            _, token = AuthToken.objects.create(user=user, expiry=dt.timedelta(days=1))
            client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
        return client

    return make


def pytest_addoption(parser: Any) -> None:
    """``--mpxj``: run the MPXJ cross-check (needs Java) along with every other test, so CI
    pays for one test run, not a second one with its own start-up and test database."""
    parser.addoption(
        "--mpxj",
        action="store_true",
        help="also run the tests marked mpxj (the cross-check against MPXJ; needs Java)",
    )


def pytest_collection_modifyitems(config: Any, items: list[Any]) -> None:
    """Mark database-free engine and chart tests, and the browser journeys, so the
    PostgreSQL run can skip them."""
    for item in items:
        parts = item.path.parts
        if "browser" in parts:
            item.add_marker(pytest.mark.browser)
        if "engine" in parts or ("reporting" in parts and "svg" in item.path.name):
            item.add_marker(pytest.mark.engine)
