"""The personal iCal feed: token created, rotated and revoked on the account page (only a
hash stored), one VEVENT per assigned task and per milestone, never another project's."""

from __future__ import annotations

import hashlib

import icalendar
import pytest
from django.urls import reverse

from keystage.accounts import calendar_tokens
from keystage.accounts.models import CalendarToken
from keystage.core.models import AuditEntry
from keystage.planning.models import Assignment
from keystage.planning.services import wbs
from keystage.portfolio import services as portfolio
from keystage.portfolio.models import ProjectMembership
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def _task(world, name, days=3, project=None):
    project = project or world.project_a
    pm = (world.a if project == world.project_a else world.b)["project_manager"]
    data = {"name": name, "duration_minutes": days * 480}
    if days == 0:
        data["kind"] = "milestone"
    return wbs.task_create(who=pm, project=project, data=data)


@pytest.fixture
def plan(world):
    dev = world.a["team_member"]
    build, other = _task(world, "Build"), _task(world, "Not mine")
    launch = _task(world, "Go live", days=0)
    secret = _task(world, "B secret", project=world.project_b)
    b_launch = _task(world, "B launch", days=0, project=world.project_b)
    Assignment.objects.create(project=world.project_a, task=build, person=dev)
    Assignment.objects.create(project=world.project_b, task=secret, person=world.b["team_member"])
    return {"build": build, "other": other, "launch": launch, "secret": secret, "b": b_launch}


def _events(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    cal = icalendar.Calendar.from_ical(response.content)
    return {str(e["summary"]): e for e in cal.walk("VEVENT")}


def test_feed_has_my_tasks_and_milestones_only(world, plan, client):
    token = calendar_tokens.calendar_token_create(who=world.a["team_member"])
    url = reverse("execution:calendar-feed", args=[token])
    events = _events(client, url)  # no session
    assert set(events) == {"PRJ-A: Build", "◆ PRJ-A: Go live"}
    build = events["PRJ-A: Build"]
    assert str(build["uid"]) == f"task-{plan['build'].public_id}@keystage"
    assert build.decoded("dtstart") == plan["build"].start_at
    assert build.decoded("dtend") == plan["build"].finish_at
    assert str(plan["build"].public_id) in str(build["url"])
    assert str(build["url"]).startswith("http://testserver/projects/")
    # the UID is stable from one fetch to the next
    assert str(_events(client, url)["PRJ-A: Build"]["uid"]) == str(build["uid"])


def test_only_a_hash_is_stored_and_rotate_and_revoke_end_the_old_link(world, plan, client):
    dev = world.a["team_member"]
    token = calendar_tokens.calendar_token_create(who=dev)
    row = CalendarToken.objects.get(user=dev)
    assert row.digest == hashlib.sha256(token.encode()).hexdigest() and token not in row.digest
    assert calendar_tokens.calendar_token_user(token) == dev
    newer = calendar_tokens.calendar_token_create(who=dev)
    assert client.get(reverse("execution:calendar-feed", args=[token])).status_code == 404
    assert client.get(reverse("execution:calendar-feed", args=[newer])).status_code == 200
    calendar_tokens.calendar_token_revoke(who=dev)
    assert client.get(reverse("execution:calendar-feed", args=[newer])).status_code == 404
    assert client.get(reverse("execution:calendar-feed", args=["x" * 43])).status_code == 404
    summaries = list(
        AuditEntry.objects.filter(object_type="user", object_id=dev.public_id)
        .order_by("id")
        .values_list("summary", flat=True)
    )
    assert summaries[-3:] == [
        "Created a calendar feed link",
        "Rotated the calendar feed link",
        "Revoked the calendar feed link",
    ]


def test_a_deactivated_user_has_no_feed(world, plan, client):
    dev = world.a["team_member"]
    token = calendar_tokens.calendar_token_create(who=dev)
    dev.is_active = False
    dev.save(update_fields=["is_active"])
    assert client.get(reverse("execution:calendar-feed", args=[token])).status_code == 404


def test_a_project_left_leaves_the_feed(world, plan, client):
    dev = world.a["team_member"]
    portfolio.member_add(who=world.admin, project=world.project_b, user=dev, role="team_member")
    Assignment.objects.create(project=world.project_b, task=plan["secret"], person=dev)
    url = reverse("execution:calendar-feed", args=[calendar_tokens.calendar_token_create(who=dev)])
    assert {"PRJ-B: B secret", "◆ PRJ-B: B launch"} <= set(_events(client, url))
    membership = ProjectMembership.objects.get(project=world.project_b, user=dev)
    portfolio.member_remove(who=world.admin, membership=membership, version=membership.version)
    assert set(_events(client, url)) == {"PRJ-A: Build", "◆ PRJ-A: Go live"}


def test_account_page_creates_rotates_and_revokes(world, plan, client):
    dev = world.a["team_member"]
    assert client.login(username=dev.username, password=PASSWORD)
    page = client.get(reverse("accounts:tokens")).content.decode()
    assert "Create calendar link" in page
    response = client.post(reverse("accounts:calendar-token"))
    html = response.content.decode()
    assert response.status_code == 200 and 'id="calendar-url"' in html
    start = html.index("http://testserver/calendar/")
    url = html[start : html.index("</div>", start)]
    assert url.endswith(".ics")
    assert client.get(url.removeprefix("http://testserver")).status_code == 200
    again = client.get(reverse("accounts:tokens")).content.decode()
    assert "Rotate link" in again and url not in again  # shown once only
    client.post(reverse("accounts:calendar-token-revoke"))
    assert client.get(url.removeprefix("http://testserver")).status_code == 404
    assert not CalendarToken.objects.filter(user=dev).exists()
    # someone else's revoke touches only their own (nothing here): a message, no error
    response = client.post(reverse("accounts:calendar-token-revoke"), follow=True)
    assert "no calendar feed link" in response.content.decode()
