"""Size-like input is refused before any allocation: extreme numbers answer 4xx within a second.

The routes are enumerated from the OpenAPI schema, so a new writable route is covered
without touching this file. Each request targets a real object of the demo portfolio
and is rolled back afterwards, so the next one sees the same data.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from django.db import transaction

pytestmark = pytest.mark.django_db

EXTREMES: tuple[int | float, ...] = (2**31, 2**63, -(2**63), 1e308, 50_000_000)
# CPU seconds of the thread serving the request (the test client runs the view in this
# thread): the work a request costs, not the time it waited for a core on a busy machine.
LIMIT_SECONDS = 1.0
WRITES = ("post", "put", "patch")
PREFERRED_PROJECT = "ERP-CLOUD"  # the demo project with a plan, staffing, budget and scope


@pytest.fixture
def demo(db: Any, api: Any) -> Any:
    """The demo portfolio and an API client of its administrator."""
    from keystage.accounts.models import User
    from keystage.demo.portfolio import demo_load

    demo_load()
    client = api(User.objects.get(username="admin"))
    client.raise_request_exception = True
    return client


def _schema(client: Any) -> dict[str, Any]:
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    return response.json()


def _resolve(schema: dict[str, Any], ref_or_schema: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in ref_or_schema:
        name = ref_or_schema["$ref"].rsplit("/", 1)[-1]
        ref_or_schema = schema["components"]["schemas"][name]
    return ref_or_schema


def _types(prop: dict[str, Any]) -> set[str]:
    kind = prop.get("type")
    if isinstance(kind, list):
        return set(kind)
    if kind:
        return {kind}
    return {t for option in prop.get("oneOf", []) + prop.get("anyOf", []) for t in _types(option)}


def _items(payload: Any) -> list[dict[str, Any]]:
    if isinstance(payload, dict) and isinstance(payload.get("results"), list):
        payload = payload["results"]
    return [p for p in payload if isinstance(p, dict)] if isinstance(payload, list) else []


def _identifier(item: dict[str, Any]) -> str | None:
    for key in ("id", "public_id", "user_id"):
        if item.get(key):
            return str(item[key])
    return next((str(v) for k, v in item.items() if k.endswith("id") and v), None)


def _concrete_path(client: Any, template: str, cache: dict[str, str | None]) -> str | None:
    """Fill each ``{param}`` with a real object listed by the route up to it (None: none)."""
    path = ""
    for segment in template.strip("/").split("/"):
        if not (segment.startswith("{") and segment.endswith("}")):
            path += "/" + segment
            continue
        listing = path + "/"
        if listing not in cache:
            response = client.get(listing)
            items = _items(response.json()) if response.status_code == 200 else []
            items.sort(key=lambda i: i.get("code") != PREFERRED_PROJECT)
            cache[listing] = _identifier(items[0]) if items else None
        if cache[listing] is None:
            return None
        path += "/" + str(cache[listing])
    return path + "/" if template.endswith("/") else path


def _numeric(prop: dict[str, Any]) -> bool:
    return bool(_types(prop) & {"integer", "number"}) or prop.get("format") == "decimal"


def _plausible(schema: dict[str, Any], body_schema: dict[str, Any]) -> dict[str, Any]:
    """A value per writable property, from its type and format."""
    body: dict[str, Any] = {}
    for name, prop in body_schema.get("properties", {}).items():
        prop = _resolve(schema, prop)
        types = _types(prop)
        if prop.get("readOnly"):
            continue
        if "enum" in prop:
            body[name] = next(v for v in prop["enum"] if v is not None)
        elif prop.get("format") == "date":
            body[name] = "2027-03-15"
        elif prop.get("format") == "date-time":
            body[name] = "2027-03-15T09:00:00Z"
        elif prop.get("format") == "decimal":
            body[name] = "1.00"
        elif "integer" in types or "number" in types:
            body[name] = prop.get("minimum", 1)
        elif "boolean" in types:
            body[name] = False
        elif "array" in types:
            body[name] = []
        elif "string" in types:
            body[name] = "Limit probe"
    return body


def _scalar(value: Any) -> Any:
    """A record's value as input: nested records by their id."""
    if isinstance(value, dict):
        return value.get("id")
    return value


def _body_for(
    client: Any, schema: dict[str, Any], method: str, path: str, body_schema: dict[str, Any]
) -> dict[str, Any]:
    """A plausible body: an existing record's values (the one edited, or a sibling for a
    create), so the request gets past type checks to the rules that use the numbers."""
    names = set(body_schema.get("properties", {}))
    current = client.get(path)
    payload = current.json() if current.status_code == 200 else None
    record = payload if isinstance(payload, dict) and "results" not in payload else None
    if record is None:
        siblings = _items(payload)
        record = siblings[0] if siblings else {}
    if method == "patch":
        return {"version": record["version"]} if "version" in record and "version" in names else {}
    body = _plausible(schema, body_schema)
    for name in names & set(record):
        if _scalar(record[name]) is not None:
            body[name] = _scalar(record[name])
    return body


def _json_body_schema(schema: dict[str, Any], operation: dict[str, Any]) -> dict[str, Any] | None:
    content = operation.get("requestBody", {}).get("content", {})
    if "application/json" not in content:
        return None
    return _resolve(schema, content["application/json"]["schema"])


def _probes(client: Any, schema: dict[str, Any]) -> list[tuple[str, str, str, Any]]:
    """(method, path, field, body or query) for every numeric input of every route."""
    cache: dict[str, str | None] = {}
    probes: list[tuple[str, str, str, Any]] = []
    for template, operations in schema["paths"].items():
        for method, operation in operations.items():
            if method not in (*WRITES, "get", "delete"):
                continue
            path = _concrete_path(client, template, cache)
            if path is None:
                continue
            for parameter in operation.get("parameters", []):
                if parameter.get("in") == "query" and _numeric(parameter.get("schema", {})):
                    for value in EXTREMES:
                        probes.append((method, path, parameter["name"], {parameter["name"]: value}))
            body_schema = _json_body_schema(schema, operation) if method in WRITES else None
            if body_schema is None:
                continue
            base = _body_for(client, schema, method, path, body_schema)
            for name, prop in body_schema.get("properties", {}).items():
                prop = _resolve(schema, prop)
                if _numeric(prop):
                    for value in EXTREMES:
                        sent = str(value) if prop.get("format") == "decimal" else value
                        probes.append((method, path, name, {**base, name: sent}))
    return probes


def _send(client: Any, method: str, path: str, payload: Any) -> Any:
    if method in ("get", "delete"):
        return getattr(client, method)(path, payload)
    return getattr(client, method)(path, payload, format="json")


def test_every_numeric_input_answers_below_500_within_a_second(demo):
    schema = _schema(demo)
    probes = _probes(demo, schema)
    assert len(probes) > 300, "the schema walk found too few numeric inputs"
    failures: list[str] = []

    def probe(method: str, path: str, payload: dict[str, Any]) -> tuple[str, bool, float]:
        savepoint = transaction.savepoint_create()
        started = time.thread_time()
        try:
            response = _send(demo, method, path, payload)
            outcome = str(response.status_code)
            failed = response.status_code >= 500
        except Exception as exc:  # every crash is a finding
            outcome, failed = f"{type(exc).__name__}: {str(exc)[:120]}", True
        elapsed = time.thread_time() - started
        transaction.savepoint_rollback(savepoint)
        return outcome, failed, elapsed

    for method, path, field, payload in probes:
        value = payload[field]
        outcome, failed, elapsed = probe(method, path, payload)
        if not failed and elapsed > LIMIT_SECONDS:
            # Measured once more: the first request to reach a module pays for its import.
            outcome, failed, elapsed = probe(method, path, payload)
        if failed or elapsed > LIMIT_SECONDS:
            failures.append(f"{method.upper()} {path} {field}={value}: {outcome} in {elapsed:.2f}s")
    assert not failures, f"{len(failures)} of {len(probes)} probes failed:\n" + "\n".join(
        failures[:80]
    )


def test_business_case_horizon_is_checked_before_any_array_or_version(world):
    """The service refuses a huge horizon as a field error before sizing cash-flow arrays."""
    from keystage.core.errors import InvalidInput
    from keystage.initiation import services

    pm, project = world.a["project_manager"], world.project_a
    case = services.business_case_save(
        who=pm, project=project, version=None, data={"discount_rate": 8, "horizon": 5}
    )
    services.line_create(
        who=pm,
        project=project,
        data={
            "name": "Licences",
            "kind": "cost",
            "recurrence": "recurring",
            "period_start": 1,
            "period_end": 5,
            "amount_low": 10,
            "amount_likely": 12,
            "amount_high": 15,
        },
    )
    started = time.thread_time()
    with pytest.raises(InvalidInput) as refused:
        # No version on purpose: the size is judged first, so this costs nothing.
        services.business_case_save(
            who=pm, project=project, version=None, data={"horizon": 20_000_000}
        )
    assert time.thread_time() - started < 0.5
    assert "horizon" in refused.value.errors
    case.refresh_from_db()
    assert case.horizon == 5


class _NeverRead:
    """An upload handler that fails the test if Django starts reading a file."""

    def __init__(self, request: Any = None) -> None:
        raise AssertionError("the body was read before the size check")


def test_uploads_are_capped_by_content_length_before_the_body_is_read(world, api, settings):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from keystage.initiation import services
    from keystage.initiation.models import ResearchAttachment

    note = services.note_create(
        who=world.a["project_manager"],
        project=world.project_a,
        data={"title": "Offers", "body": "Vendor offers."},
    )
    url = (
        f"/api/v1/projects/{world.project_a.public_id}/initiation/notes/{note.public_id}"
        "/attachments/"
    )
    client = api(world.a["project_manager"])
    settings.KEYSTAGE_REQUEST_MAX_BYTES = 1000
    settings.KEYSTAGE_ATTACHMENT_MAX_BYTES = 50_000
    # An upload route takes a file larger than the general cap …
    small = client.post(url, {"file": SimpleUploadedFile("a.txt", b"a" * 5000)}, format="multipart")
    assert small.status_code == 201, small.content
    # … and refuses one over its own cap with 413 before a byte is spooled.
    settings.FILE_UPLOAD_HANDLERS = [f"{__name__}._NeverRead"]
    big = client.post(
        url, {"file": SimpleUploadedFile("b.txt", b"b" * 2_000_000)}, format="multipart"
    )
    assert big.status_code == 413
    # Any other route refuses a multipart body over the general cap.
    other = client.post(
        f"/api/v1/projects/{world.project_a.public_id}/initiation/notes/",
        {"title": "x" * 2000},
        format="multipart",
    )
    assert other.status_code == 413
    assert ResearchAttachment.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("duration", "99999999999999999999d"),
        ("duration", "1e308d"),
        ("duration", "50000000w"),
        ("duration", "-5d"),
        ("work", "99999999999999999999h"),
        ("work", "nan"),
        ("predecessors", "1FS+99999999999999d"),
        ("predecessors", "1FS-50000000w"),
        ("predecessors", "99999999999999999999999"),
        ("deadline", "9999-12-31"),
        ("deadline", "0001-01-01"),
        ("constraint", "SNET 9999-12-31"),
    ],
)
def test_plan_table_cells_refuse_extreme_values_quickly(world, field, value):
    """The plan page's cell edits parse durations, lags and dates: extremes are a 4xx."""
    from django.test import Client

    from keystage.planning.models import Task
    from keystage.planning.services import wbs

    pm = world.a["project_manager"]
    rows = [
        {"outline_level": 1, "name": "Design", "duration_minutes": 960},
        {"outline_level": 1, "name": "Build", "duration_minutes": 1440},
    ]
    wbs.plan_append(who=pm, project=world.project_a, rows=rows, links=[(0, 1, "FS", 0)])
    build = Task.objects.get(project=world.project_a, name="Build")
    client = Client(raise_request_exception=True)
    client.force_login(pm)
    assert client.get(f"/projects/{world.project_a.public_id}/plan/").status_code == 200  # warm
    started = time.thread_time()
    response = client.post(
        f"/projects/{world.project_a.public_id}/plan/tasks/{build.public_id}/cell/",
        {"field": field, "value": value, "version": build.version},
        HTTP_HX_REQUEST="true",
    )
    assert time.thread_time() - started < LIMIT_SECONDS
    assert 400 <= response.status_code < 500, response.content[:300]
    assert Task.objects.get(pk=build.pk).version == build.version


def test_the_business_case_page_refuses_a_huge_horizon_quickly(world):
    from django.test import Client

    client = Client(raise_request_exception=True)
    client.force_login(world.a["project_manager"])
    url = f"/projects/{world.project_a.public_id}/initiation/business-case/"
    assert client.post(url, {"discount_rate": "8", "horizon": "5"}).status_code == 302
    started = time.thread_time()
    response = client.post(url, {"discount_rate": "8", "horizon": "50000000", "version": 1})
    assert time.thread_time() - started < 1
    assert response.status_code in (200, 400)
    assert "Enter a number from 1 to 50." in response.content.decode()


def test_the_simulation_refuses_run_counts_and_horizons_before_sizing_arrays(world):
    from keystage.core.errors import InvalidInput
    from keystage.initiation import engine
    from keystage.initiation.models import BusinessCase, CashFlowLine

    case = BusinessCase(project=world.project_a, horizon=5, discount_rate=8)
    line = CashFlowLine(
        case=case, name="L", kind="cost", amount_low=1, amount_likely=2, amount_high=3
    )
    for runs in (0, 50_000_000, 2**63):
        with pytest.raises(InvalidInput) as refused:
            engine.case_figures(case, [line], runs=runs)
        assert "runs" in refused.value.errors
    case.horizon = 50_000_000  # as if it came from elsewhere than a validated form
    started = time.thread_time()
    with pytest.raises(InvalidInput):
        engine.case_figures(case, [line])
    assert time.thread_time() - started < 0.1
