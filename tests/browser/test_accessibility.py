"""Accessibility of the main pages: axe-core (from npm, installed by CI into a cache
directory, never served by the app nor committed) finds no serious or critical violation;
the skip link leads to the content; status is never carried by colour alone."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from keystage.planning.services import goals, wbs
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AXE_CANDIDATES = (
    os.environ.get("KEYSTAGE_AXE_JS", ""),
    str(Path.home() / ".cache" / "keystage-axe" / "node_modules" / "axe-core" / "axe.min.js"),
)
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def _axe_source() -> str:
    for candidate in AXE_CANDIDATES:
        if candidate and Path(candidate).is_file():
            return Path(candidate).read_text()
    if os.environ.get("CI"):
        pytest.fail("axe-core is required in CI (.ci/run installs it with npm)")
    pytest.skip("axe-core is not installed (npm install --prefix ~/.cache/keystage-axe axe-core)")


@pytest.fixture
def axe_page(browser, live_server):
    """A page whose context lets the test inject axe-core past the app's CSP."""
    source = _axe_source()
    context = browser.new_context(
        viewport={"width": 1360, "height": 900}, base_url=live_server.url, bypass_csp=True
    )
    page = context.new_page()
    yield page, source
    context.close()


def _serious(page, source: str) -> list[str]:
    page.add_script_tag(content=source)
    found = page.evaluate(
        "async (tags) => (await axe.run(document, {runOnly: {type: 'tag', values: tags}}))"
        ".violations.filter(v => v.impact === 'serious' || v.impact === 'critical')"
        ".map(v => v.id + ': ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | '))",
        TAGS,
    )
    return list(found)


def test_main_pages_have_no_serious_axe_violations(axe_page, world):
    page, source = axe_page
    pm = world.a["project_manager"]
    project = world.project_a
    goals.goal_create(
        who=pm,
        project=project,
        data={
            "title": "Faster closing",
            "metric": "Closing time",
            "baseline_value": 4,
            "target_value": 1,
            "due_date": project.target_date,
        },
    )
    wbs.plan_append(
        who=pm,
        project=project,
        rows=[
            {"name": "Design", "duration_minutes": 960},
            {"name": "Build", "duration_minutes": 2400},
        ],
        links=[(0, 1, "FS", 0)],
    )
    from keystage.risks.records import RISKS

    RISKS.create(who=pm, project=project, data={"title": "Vendor late", "probability": "0.6"})
    sign_in(page, "pm_a", PASSWORD)
    base = f"/projects/{project.public_id}/"
    pages = [
        "/",
        base,
        base + "initiation/",
        base + "goals/",
        base + "goals/new/",
        base + "plan/",
        base + "gantt/",
        base + "budget/",
        base + "team/",
        base + "history/",
        base + "risks/",
        base + "risks/new/",
        base + "issues/",
        "/risk-matrix/",
        "/people/",
        "/projects/new/import/",
    ]
    problems: dict[str, list[str]] = {}
    for path in pages:
        page.goto(path)
        page.wait_for_load_state("networkidle")
        found = _serious(page, source)
        if found:
            problems[path] = found
    # A form that failed: errors tied to their fields.
    page.goto(base + "goals/new/")
    page.click("main button:text('Save')")
    page.wait_for_selector(".field-error")
    found = _serious(page, source)
    if found:
        problems["goals/new/ with errors"] = found
    assert problems == {}


def test_skip_link_and_status_not_by_colour_alone(axe_page, world):
    page, _ = axe_page
    sign_in(page, "pm_a", PASSWORD)
    page.goto(f"/projects/{world.project_a.public_id}/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
