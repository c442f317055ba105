"""QUALITY.md B1: schemathesis against our own OpenAPI schema — no 500s, no schema violations."""

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


# Hostile bodies, sent raw to every writable operation of the schema (a new route is
# covered without an edit here): each must answer 4xx, never 500.
HOSTILE_BODIES = {
    "deep-array": "[" * 100_000 + "]" * 100_000,
    "deep-object": '{"a":' * 3000 + "1" + "}" * 3000,
    "nan": '{"version": NaN}',
    "infinity": '{"version": Infinity, "name": -Infinity}',
    "huge-integer": '{"version": ' + "9" * 4000 + "}",
    "invalid-utf8": b'{"name": "\xff\xfe"}',
    "not-an-object": '"text"',
}


def _hostile_requests(world) -> list[tuple[str, str, str, str | bytes]]:
    import json

    from django.test import Client

    spec = Client().get("/api/schema/?format=json").json()
    pid = str(world.project_a.public_id)
    out = []
    for template, operations in spec["paths"].items():
        path = template.replace("{project_id}", pid)
        if "{" in path:  # a child object: the parent's routes carry the same parser
            continue
        for method, operation in operations.items():
            content = operation.get("requestBody", {}).get("content", {})
            if method not in ("post", "put", "patch") or "application/json" not in content:
                continue
            for name, body in HOSTILE_BODIES.items():
                out.append((method, path, name, body))
            ref = content["application/json"]["schema"].get("$ref", "")
            props = spec["components"]["schemas"].get(ref.rsplit("/", 1)[-1], {}).get("properties")
            for field in props or {}:
                out.append((method, path, f"surrogate:{field}", json.dumps({field: "\ud800"})))
                out.append((method, path, f"nul:{field}", json.dumps({field: "a\x00b"})))
    return out


def test_hostile_bodies_never_fail(world, api):
    client = api(world.admin)
    client.raise_request_exception = True
    requests = _hostile_requests(world)
    assert len(requests) > 100
    failures = []
    for method, path, name, body in requests:
        raw = body if isinstance(body, bytes) else body.encode("utf-8", "surrogatepass")
        try:
            status = client.generic(
                method.upper(), path, raw, content_type="application/json"
            ).status_code
        except Exception as exc:  # a crash is a finding, like a 500
            status = f"{type(exc).__name__}: {exc}"[:150]
        if not isinstance(status, int) or status >= 500:
            failures.append(f"{method.upper()} {path} {name}: {status}")
    assert not failures, "\n".join(failures[:50])
