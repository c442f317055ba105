"""QUALITY.md B1: schemathesis against our own OpenAPI schema — no 500s, no schema violations.

In a module of its own: building the schema's test cases takes seconds at collection, which
the PostgreSQL run (where this test does not run) skips with ``--ignore``.
"""

from __future__ import annotations

import datetime as dt

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import positive_data_acceptance

from keystage.config.wsgi import application

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_wsgi("/api/schema/?format=json", application)


@pytest.fixture
def token(world):
    """An administrator's token: the widest view, so the fuzzer reaches every branch."""
    from knox.models import AuthToken

    # As Django's test client does: keep the test's connection (and its transaction) open.
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    _, secret = AuthToken.objects.create(user=world.admin, expiry=dt.timedelta(days=1))
    yield secret
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@schema.parametrize()
@settings(max_examples=25, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_never_fails_and_matches_its_schema(case, token):
    # Schema-valid bodies may still break a business rule (an unknown sponsor, a
    # target before the start): a 400 with field messages is the right answer there.
    case.call_and_validate(
        headers={"Authorization": f"Token {token}"}, excluded_checks=[positive_data_acceptance]
    )
