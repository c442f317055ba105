"""Phone width (390 px): the header and every project tab stay reachable, and no page is
wider than the screen (issue 12 item 11)."""

from __future__ import annotations

import pytest

from keystage.planning.services import wbs
from keystage.resources import supplies
from tests.browser.conftest import shot, sign_in
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 390


def _fits(page) -> int:
    """The page's scroll width (must not exceed the viewport)."""
    return page.evaluate("document.documentElement.scrollWidth")


def test_header_tabs_and_pages_fit_a_phone(page, world):
    project = world.project_a
    pm = world.a["project_manager"]
    wbs.plan_append(
        who=pm,
        project=project,
        rows=[
            {"outline_level": 1, "name": "Build the customer self-service portal"},
            {"outline_level": 2, "name": "Design", "duration_minutes": 2400},
            {"outline_level": 2, "name": "Build", "duration_minutes": 4800},
        ],
        links=[(1, 2, "FS", 0)],
    )
    supplies.equipment_create(
        who=pm, project=project, data={"name": "Test phones", "quantity": 3, "unit_cost": 400}
    )
    page.set_viewport_size({"width": WIDTH, "height": 844})
    sign_in(page, "pm_a", PASSWORD)
    assert _fits(page) <= WIDTH, "home page"
    sign_out = page.locator("header button:text('Sign out')")
    box = sign_out.bounding_box()
    assert box is not None and box["x"] + box["width"] <= WIDTH
    shot(page, "phone-01-portfolio")

    page.goto(f"/projects/{project.public_id}/")
    tabs = page.locator("nav.tabs a")
    hrefs = [tabs.nth(i).get_attribute("href") for i in range(tabs.count())]
    assert len(hrefs) >= 13
    # The tab bar scrolls by itself; the page does not.
    bar = page.evaluate(
        "(() => { const b = document.querySelector('nav.tabs');"
        " return [b.scrollWidth, b.clientWidth, getComputedStyle(b).overflowX]; })()"
    )
    assert bar[0] > bar[1] and bar[2] == "auto"
    for href in hrefs:
        page.goto(href)
        page.wait_for_load_state("networkidle")
        assert _fits(page) <= WIDTH, href
        current = page.locator('nav.tabs a[aria-current="page"]')
        assert current.count() == 1, href
        cbox = current.bounding_box()
        # The current tab is scrolled into view.
        assert cbox is not None and cbox["x"] >= 0 and cbox["x"] + cbox["width"] <= WIDTH, href
    page.goto(f"/projects/{project.public_id}/budget/")
    shot(page, "phone-02-budget")

    # Keyboard: tabbing through the bar reaches the last tab and scrolls it into view.
    page.goto(f"/projects/{project.public_id}/")
    last = page.locator("nav.tabs a").last
    last.focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"**{hrefs[-1]}")
    assert _fits(page) <= WIDTH
