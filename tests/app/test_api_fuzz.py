"""QUALITY.md B1: hostile bodies to every writable operation of our OpenAPI schema — no 500s.

The schemathesis run against the schema is in test_api_schema_fuzz.py.
"""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db

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


def test_a_body_of_an_unread_media_type_gets_a_documented_415(world, api):
    """Operations with a body document 415; text/plain gets it or another documented answer."""
    from django.test import Client

    spec = Client().get("/api/schema/?format=json").json()
    client = api(world.admin)
    pid = str(world.project_a.public_id)
    checked = 0
    for template, operations in spec["paths"].items():
        path = template.replace("{project_id}", pid)
        for method, operation in operations.items():
            if "requestBody" not in operation:
                continue
            assert "415" in operation["responses"], f"{method.upper()} {template}"
            if "{" in path:  # a child object: the parent's routes carry the same parser
                continue
            answer = client.generic(method.upper(), path, "version=1", content_type="text/plain")
            # A view may refuse the request before it parses the body (a 400, a 409): any
            # documented answer will do, and most answer 415.
            code = str(answer.status_code)
            assert code in operation["responses"], f"{method.upper()} {path}: {code}"
            if answer.status_code == 415:
                assert "text/plain" in answer.json()["detail"]
                checked += 1
    assert checked > 50
