"""Journey: create a personal API token in the browser, read the local API docs, use the token."""

from __future__ import annotations

import json
import urllib.request

import pytest

from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def call(
    base: str, method: str, path: str, token: str, body: dict | None = None
) -> tuple[int, dict]:
    request = urllib.request.Request(  # noqa: S310 (loopback only)
        base + path,
        method=method,
        data=json.dumps(body).encode() if body is not None else None,
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (loopback)
            return response.status, json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"{}")


def test_token_then_api_through_a_gate(page, world, live_server):
    sign_in(page, "sponsor_a", PASSWORD)
    page.click("text=API tokens")
    page.fill("input[name=password]", PASSWORD)
    page.click("text=Create token")
    token = page.locator("#new-token").inner_text().strip()
    assert len(token) > 20
    shot(page, "10-api-token")

    docs = page.goto("/api/docs/")
    assert docs is not None and docs.status == 200
    # Swagger UI draws only the operations in view (a virtual list): scroll to the gate
    # endpoint the journey calls, as a reader would.
    page.wait_for_selector("#swagger-ui .opblock-tag")
    gates = page.locator('[data-path="/api/v1/projects/{project_id}/gates/"]')
    for _ in range(100):
        if gates.count():
            break
        page.mouse.wheel(0, 1500)
        page.wait_for_timeout(50)
    assert gates.count() == 2  # GET the history, POST a decision
    gates.last.scroll_into_view_if_needed()
    shot(page, "11-api-docs")

    project_id = str(world.project_a.public_id)
    status, project = call(live_server.url, "GET", f"/api/v1/projects/{project_id}/", token)
    assert status == 200 and project["stage"] == "initiation"
    gate = {
        "to_stage": "planning",
        "outcome": "go",
        "rationale": "Via the API.",
        "override_reason": "Initiation file kept elsewhere for this journey.",
        "version": project["version"],
    }
    status, decision = call(
        live_server.url, "POST", f"/api/v1/projects/{project_id}/gates/", token, gate
    )
    assert status == 201, decision
    status, _ = call(live_server.url, "POST", f"/api/v1/projects/{project_id}/gates/", token, gate)
    assert status == 409

    page.goto(f"/projects/{project_id}/")
    assert "Via the API." in page.locator("#gate-history").inner_text()
