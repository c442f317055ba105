"""A risk's or issue's new owner is told (NotificationKind.RISK_OWNED / ISSUE_OWNED)."""

from __future__ import annotations

import pytest

from keystage.notifications.models import Notification, NotificationKind
from keystage.notifications.services import preferences_of

pytestmark = pytest.mark.django_db


def _url(project, tail=""):
    return f"/api/v1/projects/{project.public_id}/{tail}"


def test_a_new_risk_owner_is_told_once_and_not_the_one_who_assigns(world, api):
    pm = api(world.a["project_manager"])
    dev = world.a["team_member"]
    made = pm.post(_url(world.project_a, "risks/"),
                   {"title": "Vendor late", "probability": "0.5", "owner": "dev_a"},
                   format="json")  # fmt: skip
    assert made.status_code == 201, made.content
    told = Notification.objects.get(kind=NotificationKind.RISK_OWNED)
    assert told.recipient == dev and "RSK-1 'Vendor late' is yours now" in told.text
    assert told.url.endswith(f"/risks/{made.json()['id']}/")
    risk = made.json()
    url = _url(world.project_a, f"risks/{risk['id']}/")
    same = pm.patch(url, {"title": "Vendor very late", "version": 1}, format="json")
    assert same.status_code == 200, same.content
    assert Notification.objects.filter(kind=NotificationKind.RISK_OWNED).count() == 1
    # re-assigned to the PM himself: nobody is told; then to the sponsor: the sponsor is
    mine = pm.patch(url, {"owner": "pm_a", "version": 2}, format="json")
    assert mine.status_code == 200, mine.content
    assert Notification.objects.filter(kind=NotificationKind.RISK_OWNED).count() == 1
    pm.patch(url, {"owner": "sponsor_a", "version": 3}, format="json")
    assert list(Notification.objects.filter(kind=NotificationKind.RISK_OWNED)
                .values_list("recipient__username", flat=True).order_by("id")) == [
        "dev_a", "sponsor_a"]  # fmt: skip
    # a stale edit changes nothing and tells nobody
    stale = pm.patch(url, {"owner": "dev_a", "version": 1}, format="json")
    assert stale.status_code == 409
    assert Notification.objects.filter(kind=NotificationKind.RISK_OWNED).count() == 2


def test_a_new_issue_owner_is_told_and_can_turn_the_mail_off(world, api):
    pm = api(world.a["project_manager"])
    made = pm.post(_url(world.project_a, "issues/"), {"title": "Server down"}, format="json")
    assert made.status_code == 201
    assert not Notification.objects.filter(kind=NotificationKind.ISSUE_OWNED).exists()
    url = _url(world.project_a, f"issues/{made.json()['id']}/")
    assert pm.patch(url, {"owner": "dev_a", "version": 1}, format="json").status_code == 200
    told = Notification.objects.get(kind=NotificationKind.ISSUE_OWNED)
    assert told.recipient == world.a["team_member"] and "ISS-1 'Server down'" in told.text
    # the preferences list every kind, these included
    prefs = preferences_of(world.a["team_member"])
    assert prefs["issue_owned"] and prefs["risk_owned"] and prefs["deliverable_signed_off"]
