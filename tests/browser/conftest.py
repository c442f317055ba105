"""Headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against a live server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "browser"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]


def _chromium_path() -> str | None:
    for candidate in (
        os.environ.get("KEYSTAGE_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session."""
    path = _chromium_path()
    if path is None:
        if os.environ.get("CI"):
            pytest.fail("Chromium is required in CI (apt-get install chromium)")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by
    # the test itself are plain synchronous code.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    with sync_playwright() as pw:
        instance = pw.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield instance
        instance.close()


@pytest.fixture
def page(browser: Any, live_server: Any) -> Iterator[Any]:
    """A fresh browser page; failures of the page's scripts fail the test."""
    context = browser.new_context(viewport={"width": 1360, "height": 900}, base_url=live_server.url)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))

    def on_console(msg: Any) -> None:
        # A form re-rendered with its errors answers 400/409 on purpose.
        if msg.type == "error" and "status of 4" not in msg.text:
            errors.append(msg.text)

    page.on("console", on_console)
    yield page
    context.close()
    assert errors == [], f"browser errors: {errors}"


def shot(page: Any, name: str) -> Path:
    """Save a full-page screenshot under test-artifacts/browser/, once htmx has settled.

    Playwright hides the caret with a ``<style>`` it adds for the screenshot (from its own
    script world, which the page's CSP does not govern). Taken while htmx is still settling
    a swap, that style is applied from the page's world and the CSP blocks it: two
    "Applying inline style violates … style-src" console errors blamed on htmx. So wait
    until no element is mid-request, mid-swap or mid-settle.
    """
    page.wait_for_selector(
        ".htmx-request, .htmx-swapping, .htmx-settling, .htmx-added", state="detached"
    )
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def sign_in(page: Any, username: str, password: str) -> None:
    """Sign in through the login form."""
    page.goto("/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("main button[type=submit]")
    page.wait_for_url("**/")


def demo_project_manager(code: str = "ERP-CLOUD", password: str = "") -> tuple[Any, Any]:
    """Load the demo portfolio as of 5 Dec 2026; the project ``code`` and its manager, whose
    password is set to ``password`` so the journey can sign in."""
    import datetime as dt

    from keystage.demo.portfolio import demo_load
    from keystage.portfolio.models import Project

    demo_load(today=dt.date(2026, 12, 5))
    project = Project.objects.get(code=code)
    manager = project.memberships.get(role="project_manager").user
    manager.set_password(password)
    manager.save()
    return project, manager
