"""Hostile input from any client answers 4xx, never 500 — on SQLite and on PostgreSQL.

Non-UTF-8 headers, JSON nested 100,000 levels deep, lone surrogates, NUL bytes, huge
numbers, NaN and Infinity, wrong content types, oversized and chunked bodies: each is
refused at the root (the request-limits middleware, the strict JSON parser, the shared
field validation), so every route is covered, not only the ones tried here.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import quote_from_bytes

import pytest
from django.test import Client

from keystage.portfolio.models import Project

pytestmark = pytest.mark.django_db

LONE_SURROGATE = "\ud800"


def _project_url(world: Any) -> str:
    return f"/api/v1/projects/{world.project_a.public_id}/"


def _raw(client: Any, method: str, path: str, body: str | bytes, **extra: Any) -> Any:
    data = body.encode("utf-8", "surrogatepass") if isinstance(body, str) else body
    return client.generic(method, path, data, content_type="application/json", **extra)


def _surrogate(data: dict[str, Any]) -> bytes:
    return "&".join(
        f"{k}={quote_from_bytes(str(v).encode('utf-8', 'surrogatepass'))}" for k, v in data.items()
    ).encode()


def _client(world: Any, api: Any) -> Any:
    client = api(world.a["project_manager"])
    client.raise_request_exception = True
    return client


def _assert_4xx(response: Any) -> None:
    assert 400 <= response.status_code < 500, (response.status_code, response.content[:300])


def _unchanged(world: Any) -> None:
    project = Project.objects.get(pk=world.project_a.pk)
    assert project.name == world.project_a.name
    assert project.version == world.project_a.version


# ------------------------------------------------------------------ headers


@pytest.mark.parametrize(
    "value", ["Token \xff\xfe", "Token \xc3\x28", "\xff\xff\xff", "Token " + "\xe9" * 50]
)
def test_non_utf8_authorization_header_is_refused(world, value):
    # WSGI hands header bytes over as latin-1 text: these are bytes like b"Token \xff\xfe".
    client = Client(raise_request_exception=True)
    response = client.get(_project_url(world), HTTP_AUTHORIZATION=value)
    assert response.status_code in (400, 401)
    assert "Authorization" in response.json()["detail"]


def test_non_utf8_if_match_header_is_refused(world, api):
    response = _client(world, api).patch(
        _project_url(world), {"name": "X"}, format="json", HTTP_IF_MATCH="\xff\xfe"
    )
    _assert_4xx(response)
    _unchanged(world)


# --------------------------------------------------------------------- JSON


def test_json_nested_100000_levels_is_refused_quickly(world, api):
    body = "[" * 100_000 + "]" * 100_000
    response = _raw(_client(world, api), "PATCH", _project_url(world), body)
    assert response.status_code == 400
    assert "nested" in response.json()["detail"]
    _unchanged(world)


def test_json_objects_nested_deeply_are_refused(world, api):
    body = '{"a":' * 5000 + "1" + "}" * 5000
    response = _raw(_client(world, api), "PATCH", _project_url(world), body)
    assert response.status_code == 400


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_and_infinity_are_refused(world, api, constant):
    body = f'{{"name": "X", "version": {constant}}}'
    response = _raw(_client(world, api), "PATCH", _project_url(world), body)
    assert response.status_code == 400
    _unchanged(world)


@pytest.mark.parametrize("number", ["1" * 5000, "1e400", "-1e400", str(2**64)])
def test_huge_numbers_are_refused(world, api, number):
    body = f'{{"name": "X", "version": {number}}}'
    response = _raw(_client(world, api), "PATCH", _project_url(world), body)
    _assert_4xx(response)
    _unchanged(world)


def test_lone_surrogate_in_a_choice_field_is_refused(world, api):
    body = json.dumps({"kind": LONE_SURROGATE, "version": world.project_a.version})
    response = _raw(_client(world, api), "PATCH", _project_url(world), body)
    assert response.status_code == 400
    assert response.json()["errors"]
    _unchanged(world)


@pytest.mark.parametrize("text", [LONE_SURROGATE, "ok" + LONE_SURROGATE + "ok", "\udfff"])
def test_lone_surrogate_in_a_text_field_is_refused(world, api, text):
    body = json.dumps({"name": text, "version": world.project_a.version})
    response = _raw(_client(world, api), "PATCH", _project_url(world), body)
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    _unchanged(world)


def test_lone_surrogate_in_a_key_is_refused(world, api):
    body = json.dumps({LONE_SURROGATE: "x", "version": world.project_a.version})
    response = _raw(_client(world, api), "PATCH", _project_url(world), body)
    assert response.status_code == 400
    _unchanged(world)


def test_nul_in_text_fields_is_refused(world, api):
    body = json.dumps({"name": "a\x00b", "version": world.project_a.version})
    response = _raw(_client(world, api), "PATCH", _project_url(world), body)
    assert response.status_code == 400
    assert "name" in response.json()["errors"]
    _unchanged(world)


def test_nul_in_a_create_is_refused(world, api):
    url = f"/api/v1/projects/{world.project_a.public_id}/initiation/stakeholders/"
    body = json.dumps({"name": "\x00", "role": "CFO\x00", "influence": 5, "interest": 5})
    response = _raw(_client(world, api), "POST", url, body)
    assert response.status_code == 400


def test_invalid_utf8_body_is_refused(world, api):
    response = _raw(_client(world, api), "PATCH", _project_url(world), b'{"name": "\xff\xfe"}')
    assert response.status_code == 400
    _unchanged(world)


@pytest.mark.parametrize(
    "content_type", ["text/plain", "application/xml", "multipart/form-data", "image/png"]
)
def test_wrong_content_types_are_refused(world, api, content_type):
    response = _client(world, api).generic(
        "PATCH", _project_url(world), b'{"name": "X"}', content_type=content_type
    )
    _assert_4xx(response)
    _unchanged(world)


def test_a_json_body_that_is_not_an_object_is_refused(world, api):
    for body in ("[]", '"text"', "1", "null", "[" * 50 + "]" * 50):
        response = _raw(_client(world, api), "PATCH", _project_url(world), body)
        _assert_4xx(response)
    _unchanged(world)


# -------------------------------------------------------------------- pages


def test_pages_refuse_hostile_form_input(world):
    client = Client(raise_request_exception=True)
    client.force_login(world.a["project_manager"])
    url = f"/projects/{world.project_a.public_id}/edit/"
    for data in (
        {"name": "a\x00b", "version": world.project_a.version},
        {"name": LONE_SURROGATE, "version": world.project_a.version},
        {"kind": LONE_SURROGATE, "version": world.project_a.version},
        {"version": str(2**80)},
        {"start_date": "0001-01-01", "version": world.project_a.version},
    ):
        # A browser sends text as UTF-8 bytes; a lone surrogate arrives as its raw bytes.
        body = _surrogate(data)
        response = client.post(url, body, content_type="application/x-www-form-urlencoded")
        assert response.status_code < 500
    _unchanged(world)


def test_pages_refuse_a_json_body_nested_deeply(world):
    client = Client(raise_request_exception=True)
    client.force_login(world.a["project_manager"])
    response = client.post(
        f"/projects/{world.project_a.public_id}/edit/",
        "[" * 100_000,
        content_type="application/json",
    )
    assert response.status_code < 500
    _unchanged(world)


def test_query_strings_with_hostile_values_never_fail(world):
    client = Client(raise_request_exception=True)
    client.force_login(world.a["project_manager"])
    for query in ("page=99999999999999999999999", "page=%ED%A0%80", "page=-1", "kind=%FF%FE"):
        response = client.get(f"/projects/{world.project_a.public_id}/history/?{query}")
        assert response.status_code < 500


# --------------------------------------------------------------- body limits


def test_an_oversized_body_is_refused_before_it_is_read(world, api, settings):
    settings.KEYSTAGE_REQUEST_MAX_BYTES = 1000
    body = json.dumps({"name": "x" * 2000, "version": world.project_a.version})
    response = _raw(_client(world, api), "PATCH", _project_url(world), body)
    assert response.status_code == 413
    _unchanged(world)


def test_a_lying_content_length_is_refused(world, api):
    response = _client(world, api).generic(
        "PATCH",
        _project_url(world),
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH=str(10**12),
    )
    assert response.status_code == 413
    longer = _client(world, api).generic(
        "PATCH",
        _project_url(world),
        b"{}",
        content_type="application/json",
        CONTENT_LENGTH="9" * 40,
    )
    assert longer.status_code == 413


@pytest.mark.parametrize("length", ["-1", "abc", "1e3", " ", "\xb2", "\u0661"])
def test_a_malformed_content_length_is_refused(world, api, length):
    response = _client(world, api).generic(
        "PATCH", _project_url(world), b"{}", content_type="application/json", CONTENT_LENGTH=length
    )
    _assert_4xx(response)


def test_a_chunked_body_without_length_is_refused(world, api):
    response = _client(world, api).generic(
        "PATCH",
        _project_url(world),
        b"",
        content_type="application/json",
        HTTP_TRANSFER_ENCODING="chunked",
    )
    assert response.status_code == 411


def test_a_huge_version_from_a_page_form_is_a_conflict_not_a_crash(world, api):
    """Form versions reach the services unbounded; the compare-and-set refuses them."""
    from keystage.core.errors import Conflict
    from keystage.core.versioning import bump_version

    for version in (2**31, 2**63, 2**80):
        with pytest.raises(Conflict):
            bump_version(world.project_a, version)
    _unchanged(world)


def test_too_many_form_fields_are_refused(world, api):
    body = "&".join(f"f{i}=x" for i in range(1500)).encode()
    api_response = _client(world, api).generic(
        "PATCH", _project_url(world), body, content_type="application/x-www-form-urlencoded"
    )
    assert api_response.status_code == 400
    client = Client()
    client.force_login(world.a["project_manager"])
    page = client.post(
        f"/projects/{world.project_a.public_id}/edit/",
        body,
        content_type="application/x-www-form-urlencoded",
    )
    assert page.status_code == 400
    _unchanged(world)
