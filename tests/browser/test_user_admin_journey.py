"""Journey: an organisation admin deactivates a colleague; their session and token stop working."""

from __future__ import annotations

import datetime as dt

import pytest
from knox.models import AuthToken

from tests.browser.conftest import shot, sign_in
from tests.browser.test_api_token_journey import call
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_admin_deactivates_a_user_whose_session_and_token_end(browser, page, world, live_server):
    # The colleague is signed in in their own browser and holds an API token.
    colleague = browser.new_context(
        viewport={"width": 1360, "height": 900}, base_url=live_server.url
    )
    theirs = colleague.new_page()
    sign_in(theirs, "dev_a", PASSWORD)
    assert theirs.goto("/accounts/tokens/").url.endswith("/accounts/tokens/")
    _, token = AuthToken.objects.create(user=world.a["team_member"], expiry=dt.timedelta(days=1))
    assert call(live_server.url, "GET", "/api/v1/me/", token)[0] == 200

    sign_in(page, "admin", PASSWORD)
    page.click("nav >> text=Users")
    row = page.locator('tr[data-user="dev_a"]')
    assert "Active" in row.inner_text()
    assert row.locator("td").nth(4).inner_text().strip() == "1"  # one live token
    shot(page, "40-user-admin")
    row.locator("button", has_text="Deactivate").click()
    page.wait_for_selector('tr[data-user="dev_a"] >> text=Deactivated')
    assert "dev_a: deactivated" in page.locator(".messages").inner_text()
    assert page.locator('tr[data-user="dev_a"] td').nth(4).inner_text().strip() == "0"
    shot(page, "41-user-deactivated")

    # Their open page now asks them to sign in, and the token is refused.
    theirs.goto("/accounts/tokens/")
    assert "/accounts/login/" in theirs.url
    assert call(live_server.url, "GET", "/api/v1/me/", token)[0] == 401
    theirs.fill("input[name=username]", "dev_a")
    theirs.fill("input[name=password]", PASSWORD)
    theirs.click("main button[type=submit]")
    assert "/accounts/login/" in theirs.url
    colleague.close()

    # The admin's own row offers no deactivation or role change (the service refuses both;
    # tests/app/test_user_admin.py covers the refusal itself).
    own = page.locator('tr[data-user="admin"]')
    assert own.locator("button", has_text="Deactivate").count() == 0
    assert own.locator("select").count() == 0
    assert "Active" in own.inner_text() and "(you)" in own.inner_text()
