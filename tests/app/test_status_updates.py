"""Status updates (issue 12 item 6): the PM posts, everyone on the project reads the history."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from keystage.core.errors import Forbidden, InvalidInput
from keystage.core.models import AuditEntry
from keystage.execution.models import StatusUpdate
from keystage.execution.status_updates import STATUS_UPDATES

pytestmark = pytest.mark.django_db

WEEK = {
    "week_of": dt.date(2027, 2, 1),
    "health": "amber",
    "summary": "Migration slipping",
    "accomplishments": "Data mapped",
    "next_steps": "Dry run",
    "blockers": "Vendor API keys",
    "decisions_needed": "Approve overtime",
}


def test_pm_posts_and_the_history_is_newest_first(world):
    pm = world.a["project_manager"]
    STATUS_UPDATES.create(who=pm, project=world.project_a, data=WEEK)
    later = STATUS_UPDATES.create(
        who=pm,
        project=world.project_a,
        data=WEEK | {"week_of": dt.date(2027, 2, 8), "health": "red", "summary": "Blocked"},
    )
    rows = list(STATUS_UPDATES.list_records(who=world.a["stakeholder"], project=world.project_a))
    assert [r.summary for r in rows] == ["Blocked", "Migration slipping"]
    assert rows[0] == later and later.health_icon == "■"
    assert AuditEntry.objects.filter(summary="Added status update 'Blocked'").exists()


def test_only_the_pm_writes_and_bad_input_is_a_field_error(world):
    for role in ("team_member", "stakeholder", "sponsor"):
        with pytest.raises(Forbidden):
            STATUS_UPDATES.create(who=world.a[role], project=world.project_a, data=WEEK)
    pm = world.a["project_manager"]
    with pytest.raises(InvalidInput) as exc:
        STATUS_UPDATES.create(
            who=pm,
            project=world.project_a,
            data=WEEK | {"health": "purple", "week_of": dt.date(2027, 2, 3), "summary": ""},
        )
    assert {"health", "week_of", "summary"} <= set(exc.value.errors)
    assert not StatusUpdate.objects.exists()


def test_api_round_trip_versions_and_access(world, api):
    pm = api(world.a["project_manager"])
    url = f"/api/v1/projects/{world.project_a.public_id}/status-updates/"
    body = WEEK | {"week_of": "2027-02-01"}
    made = pm.post(url, body, format="json")
    assert made.status_code == 201, made.content
    detail = f"{url}{made.json()['id']}/"
    assert pm.patch(detail, {"health": "green"}, format="json").status_code == 428
    assert (
        pm.patch(detail, {"health": "green", "version": 1}, format="json").json()["health"]
        == "green"
    )
    assert pm.patch(detail, {"health": "red", "version": 1}, format="json").status_code == 409
    assert api(world.a["team_member"]).post(url, body, format="json").status_code == 403
    assert api(world.a["stakeholder"]).get(url).json()[0]["summary"] == "Migration slipping"
    # A member of project B sees none of A's.
    outsider = api(world.b["project_manager"])
    assert outsider.get(url).status_code == 404
    assert outsider.get(detail).status_code == 404


def test_status_tab_shows_health_as_word_and_icon(world):
    pm = world.a["project_manager"]
    STATUS_UPDATES.create(who=pm, project=world.project_a, data=WEEK)
    client = Client()
    client.force_login(world.a["stakeholder"])
    page = client.get(f"/projects/{world.project_a.public_id}/status-updates/")
    html = page.content.decode()
    assert page.status_code == 200
    assert "At risk" in html and "▲" in html and "Approve overtime" in html
    assert 'aria-current="page">Status<' in html
    assert "Post a status update" not in html  # stakeholders read only
    client.force_login(pm)
    form = client.post(
        f"/projects/{world.project_a.public_id}/status-updates/new/",
        {"week_of": "2027-02-10", "health": "green", "summary": "x"},
    )
    assert form.status_code == 400 and "Monday" in form.content.decode()


# ------------------------------------------------------------------ comment threads


def test_a_status_update_carries_a_comment_thread(world, api):
    from keystage.notifications.models import Notification

    pm, dev = world.a["project_manager"], world.a["team_member"]
    update = STATUS_UPDATES.create(who=pm, project=world.project_a, data=WEEK)
    base = f"/api/v1/projects/{world.project_a.public_id}/comments/"
    key = f"status_update:{update.public_id}"
    posted = api(dev).post(
        f"{base}?record={key}", {"body": "Overtime is fine by me @pm_a"}, format="json"
    )
    assert posted.status_code == 201, posted.content
    listed = api(world.a["stakeholder"]).get(base, {"record": key})
    assert [c["body"] for c in listed.json()] == ["Overtime is fine by me @pm_a"]
    [mention] = Notification.objects.filter(recipient=pm, kind="mentioned")
    assert mention.url.endswith(f"/status-updates/{update.public_id}/page/")
    # Project A's thread URL never reaches B's status update, nor B's members A's.
    b_update = STATUS_UPDATES.create(
        who=world.b["project_manager"], project=world.project_b, data=WEEK
    )
    stray = api(pm).get(base, {"record": f"status_update:{b_update.public_id}"})
    assert stray.status_code == 404
    assert api(world.b["project_manager"]).get(base, {"record": key}).status_code == 404


def test_status_update_page_shows_the_update_and_its_thread(world):
    pm = world.a["project_manager"]
    update = STATUS_UPDATES.create(who=pm, project=world.project_a, data=WEEK)
    stem = f"/projects/{world.project_a.public_id}/status-updates/"
    page = f"{stem}{update.public_id}/page/"
    client = Client()
    client.force_login(world.a["team_member"])
    history = client.get(stem).content.decode()
    assert page in history and "Discuss" in history
    thread = f"/projects/{world.project_a.public_id}/threads/status_update/{update.public_id}/"
    assert client.post(thread, {"body": "Dry run on **Friday**"}).status_code in (200, 302)
    shown = client.get(page)
    html = shown.content.decode()
    assert shown.status_code == 200
    assert "Migration slipping" in html and "Approve overtime" in html
    assert "Dry run on <strong>Friday</strong>" in html and "Post comment" in html
    assert "1 comment" in client.get(stem).content.decode()
    client.force_login(world.a["stakeholder"])  # reads the discussion; read-only role
    html = client.get(page).content.decode()
    assert "Dry run on" in html and "Post comment" not in html
    client.force_login(world.b["project_manager"])
    assert client.get(page).status_code == 404
    # The kit's edit page is reached through the renamed id too.
    client.force_login(pm)
    assert client.get(f"{stem}{update.public_id}/").status_code == 200
