"""Reopening a closed or cancelled project: administrators only, with a journaled reason."""

from __future__ import annotations

import pytest
from django.test import Client

from keystage.core.models import AuditEntry
from keystage.notifications.models import Notification
from keystage.portfolio.models import Project

pytestmark = pytest.mark.django_db

WAIVED = "Records kept outside Keystage for this test."


def _gate(api, world, to_stage, outcome="go"):
    project = world.project_a
    project.refresh_from_db()
    response = api(world.a["sponsor"]).post(
        f"/api/v1/projects/{project.public_id}/gates/",
        {
            "to_stage": to_stage,
            "outcome": outcome,
            "rationale": "Decided.",
            "override_reason": WAIVED,
            "version": project.version,
        },
        format="json",
    )
    assert response.status_code == 201, response.json()


def _complete(api, world):
    for stage in ("planning", "execution", "closing", "closed"):
        _gate(api, world, stage)
    world.project_a.refresh_from_db()
    assert (world.project_a.stage, world.project_a.status) == ("closed", "completed")


def _reopen(client, project, **body):
    project.refresh_from_db()
    payload = {"reason": "The customer found a missing interface.", "version": project.version}
    payload.update(body)
    payload = {k: v for k, v in payload.items() if v is not None}
    return client.post(f"/api/v1/projects/{project.public_id}/reopen/", payload, format="json")


def test_admin_reopens_a_completed_project_in_closing_with_a_journaled_reason(world, api):
    _complete(api, world)
    project = world.project_a
    response = _reopen(api(world.admin), project)
    assert response.status_code == 200, response.json()
    assert (response.json()["stage"], response.json()["status"]) == ("closing", "active")
    project.refresh_from_db()
    assert (project.stage, project.status) == ("closing", "active")
    entry = AuditEntry.objects.filter(project=project).latest("pk")
    assert entry.actor == world.admin
    assert entry.changes["stage"] == ["closed", "closing"]
    assert entry.changes["status"] == ["completed", "active"]
    assert entry.changes["reopen_reason"] == [None, "The customer found a missing interface."]
    told = set(
        Notification.objects.filter(project=project, kind="project_reopened").values_list(
            "recipient__username", flat=True
        )
    )
    assert told == {"sponsor_a", "pm_a", "dev_a", "viewer_a"}
    text = Notification.objects.filter(kind="project_reopened").first().text
    assert "PRJ-A was reopened in Closing" in text and "missing interface" in text
    # Writable again for its manager.
    edit = api(world.a["project_manager"]).patch(
        f"/api/v1/projects/{project.public_id}/",
        {"name": "Project A, reopened", "version": project.version},
        format="json",
    )
    assert edit.status_code == 200, edit.json()


def test_a_cancelled_project_returns_to_the_stage_it_was_stopped_in(world, api):
    _gate(api, world, "planning")
    _gate(api, world, "execution", outcome="no_go")
    project = world.project_a
    project.refresh_from_db()
    assert (project.stage, project.status) == ("closed", "cancelled")
    assert _reopen(api(world.admin), project).status_code == 200
    project.refresh_from_db()
    assert (project.stage, project.status) == ("planning", "active")


@pytest.mark.parametrize("who", ["project_manager", "sponsor", "team_member", "stakeholder"])
def test_nobody_but_an_admin_reopens(world, api, who):
    _complete(api, world)
    before = (AuditEntry.objects.count(), Notification.objects.count())
    response = _reopen(api(world.a[who]), world.project_a)
    assert response.status_code == 403
    assert "Only an administrator of the organisation may reopen PRJ-A" in response.json()["detail"]
    assert (AuditEntry.objects.count(), Notification.objects.count()) == before
    world.project_a.refresh_from_db()
    assert world.project_a.stage == "closed"


def test_portfolio_owner_is_refused_and_another_organisations_admin_sees_nothing(world, api):
    from keystage.accounts.services import organisation_get_or_create
    from tests.conftest import make_user

    _complete(api, world)
    assert _reopen(api(world.pmo), world.project_a).status_code == 403
    foreign = make_user("foreign_admin", organisation_get_or_create(name="Other"), "admin")
    assert _reopen(api(foreign), world.project_a).status_code == 404


def test_bad_requests_change_nothing(world, api):
    admin = api(world.admin)
    open_project = _reopen(admin, world.project_a)
    assert open_project.status_code == 409
    assert "PRJ-A is not closed" in open_project.json()["detail"]
    _complete(api, world)
    project = world.project_a
    before = (project.version, AuditEntry.objects.count())
    blank = _reopen(admin, project, reason="   ")
    assert blank.status_code == 400 and "reason" in blank.json()["errors"]
    missing = admin.post(
        f"/api/v1/projects/{project.public_id}/reopen/", {"version": 99}, format="json"
    )
    assert missing.status_code == 400 and "reason" in missing.json()["errors"]
    assert _reopen(admin, project, version=None).status_code == 428
    stale = _reopen(admin, project, version=1)
    assert stale.status_code == 409 and stale.json()["current"]["stage"] == "closed"
    project.refresh_from_db()
    assert (project.version, AuditEntry.objects.count()) == before


def test_the_overview_offers_reopening_to_admins_only(world, api):
    _complete(api, world)
    project = world.project_a
    url = f"/projects/{project.public_id}/"
    manager = Client()
    manager.force_login(world.a["project_manager"])
    page = manager.get(url).content.decode()
    assert "Closed: read-only" in page and "reopen-form" not in page
    assert "Only an organisation administrator can reopen it." in page
    refused = manager.post(url + "reopen/", {"reason": "x", "version": project.version})
    assert refused.status_code == 403
    admin = Client()
    admin.force_login(world.admin)
    page = admin.get(url).content.decode()
    assert 'id="reopen-form"' in page and "to Closing (the stage it was closed from)" in page
    empty = admin.post(url + "reopen/", {"reason": "", "version": project.version})
    assert empty.status_code == 400 and "This field is required." in empty.content.decode()
    done = admin.post(url + "reopen/", {"reason": "Audit finding", "version": project.version})
    assert done.status_code == 302
    project.refresh_from_db()
    assert (project.stage, project.status) == ("closing", "active")
    after = admin.get(url).content.decode()
    assert "Closed: read-only" not in after
    closed_step = after.split('data-stage="closed"')[1].split("</div></div>")[0]
    assert "since" not in closed_step  # no longer closed: the timeline dates no future step


def test_the_project_list_and_reads_stay_available_when_closed(world, api):
    _complete(api, world)
    stakeholder = api(world.a["stakeholder"])
    assert stakeholder.get(f"/api/v1/projects/{world.project_a.public_id}/").status_code == 200
    codes = [p["code"] for p in stakeholder.get("/api/v1/projects/?search=PRJ-A").json()]
    assert codes == ["PRJ-A"]
    assert Project.objects.get(pk=world.project_a.pk).stage == "closed"
