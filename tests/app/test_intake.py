"""The intake queue: any member submits, the PMO ranks, asks, rejects or promotes; each sees
only what they are entitled to; every change is versioned, journaled and told."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from keystage.core.models import AuditEntry
from keystage.initiation.models import IntakeProposal, Proposal
from keystage.notifications.models import Notification
from keystage.portfolio.models import Project, ProjectMembership

pytestmark = pytest.mark.django_db

URL = "/api/v1/intake/"
IDEA = {
    "title": "Self-service password reset",
    "problem": "The help desk spends a fifth of its calls on passwords.",
    "benefits": "Fewer calls; staff back at work sooner.",
    "rough_cost": "40000.00",
    "rough_duration_days": 90,
    "annual_benefit": "25000.00",
    "benefit_years": 3,
}


def submit(api, user, **extra):
    response = api(user).post(URL, {**IDEA, **extra}, format="json")
    assert response.status_code == 201, response.content
    return response.json()


def test_any_member_submits_and_the_figures_are_computed(world, api):
    body = submit(api, world.outsider, suggested_sponsor="sponsor_a")
    assert body["status"] == "submitted"
    assert body["submitted_by"]["username"] == "outsider"
    assert body["suggested_sponsor"]["username"] == "sponsor_a"
    # −40,000 now, +25,000 a year for 3 years at 8 %: 64,427.42 − 40,000.
    assert Decimal(body["npv"]) == Decimal("24427.42")
    assert body["roi"] == pytest.approx(35_000 / 40_000)
    assert body["payback_years"] == pytest.approx(1.6)
    assert body["score"] is None
    entry = AuditEntry.objects.get(object_id=body["id"])
    assert entry.project is None and entry.action == "create"


def test_bad_input_is_field_errors_and_nothing_written(world, api):
    response = api(world.outsider).post(
        URL,
        {**IDEA, "rough_cost": "-1", "rough_duration_days": 0, "suggested_sponsor": "nobody"},
        format="json",
    )
    assert response.status_code == 400
    assert {"rough_cost", "rough_duration_days"} <= set(response.json()["errors"])
    response = api(world.outsider).post(URL, {**IDEA, "annual_benefit": ""}, format="json")
    assert response.status_code == 400 and "annual_benefit" in response.json()["errors"]
    response = api(world.outsider).post(URL, {**IDEA, "suggested_sponsor": "nobody"}, format="json")
    assert response.status_code == 400 and "suggested_sponsor" in response.json()["errors"]
    assert IntakeProposal.objects.count() == 0


def test_submitters_see_their_own_the_pmo_sees_all_others_nothing(world, api):
    mine = submit(api, world.a["team_member"], title="Mine")
    theirs = submit(api, world.b["team_member"], title="Theirs")
    listed = [p["title"] for p in api(world.a["team_member"]).get(URL).json()]
    assert listed == ["Mine"]
    assert api(world.a["team_member"]).get(URL + theirs["id"] + "/").status_code == 404
    # A project manager or sponsor of a project is no reader of the queue.
    assert api(world.a["project_manager"]).get(URL).json() == []
    assert api(world.b["sponsor"]).get(URL + mine["id"] + "/").status_code == 404
    assert {p["title"] for p in api(world.pmo).get(URL).json()} == {"Mine", "Theirs"}
    assert {p["title"] for p in api(world.admin).get(URL).json()} == {"Mine", "Theirs"}
    assert api(None).get(URL).status_code in (401, 403)


def test_pmo_ranks_by_score_then_npv(world, api):
    low = submit(api, world.outsider, title="Low", annual_benefit="5000.00")
    high = submit(api, world.outsider, title="High", annual_benefit="90000.00")
    none = submit(api, world.outsider, title="No benefit", annual_benefit=None)
    pmo = api(world.pmo)
    titles = [p["title"] for p in pmo.get(URL).json()]
    assert titles == ["High", "Low", "No benefit"]  # unscored: NPV decides, unknown last
    response = pmo.post(
        URL + none["id"] + "/score/",
        {"strategic_score": 5, "feasibility_score": 4, "version": 1},
        format="json",
    )
    assert response.status_code == 200 and response.json()["score"] == 4.5
    body = pmo.get(URL).json()
    assert [(p["title"], p["rank"]) for p in body] == [("No benefit", 1), ("High", 2), ("Low", 3)]
    by_npv = [p["title"] for p in pmo.get(URL + "?sort=npv").json()]
    assert by_npv == ["High", "Low", "No benefit"]
    assert pmo.get(URL + "?sort=bogus").status_code == 400
    # Scoring is the PMO's: the submitter cannot score their own idea.
    response = api(world.outsider).post(
        URL + low["id"] + "/score/", {"strategic_score": 5, "version": 1}, format="json"
    )
    assert response.status_code == 403
    assert high["id"]


def test_versions_428_and_409(world, api):
    idea = submit(api, world.outsider)
    pmo = api(world.pmo)
    path = URL + idea["id"] + "/score/"
    assert pmo.post(path, {"strategic_score": 3}, format="json").status_code == 428
    assert pmo.post(path, {"strategic_score": 3, "version": 1}, format="json").status_code == 200
    stale = pmo.post(path, {"strategic_score": 4, "version": 1}, format="json")
    assert stale.status_code == 409
    assert stale.json()["current"]["strategic_score"] == 3


def test_request_info_then_answer_requeues_and_notifies(world, api):
    idea = submit(api, world.outsider)
    pmo = api(world.pmo)
    path = URL + idea["id"] + "/"
    assert (
        pmo.post(path + "request-info/", {"note": "", "version": 1}, format="json").status_code
        == 400
    )
    response = pmo.post(
        path + "request-info/", {"note": "How many calls a month?", "version": 1}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "info_requested"
    told = Notification.objects.get(recipient=world.outsider, kind="proposal_decided")
    assert "How many calls a month?" in told.text and told.url.endswith(idea["id"] + "/")
    # The PMO does not edit the submitter's text; the submitter answers by editing.
    assert pmo.patch(path, {"benefits": "x", "version": 2}, format="json").status_code == 403
    response = api(world.outsider).patch(
        path, {"benefits": "About 900 calls a month.", "version": 2}, format="json"
    )
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"


def test_reject_needs_a_reason_and_closes_the_proposal(world, api):
    idea = submit(api, world.outsider)
    pmo = api(world.pmo)
    path = URL + idea["id"] + "/"
    assert pmo.post(path + "reject/", {"version": 1}, format="json").status_code == 400
    response = pmo.post(
        path + "reject/", {"note": "Covered by the IAM project.", "version": 1}, format="json"
    )
    assert response.status_code == 200 and response.json()["status"] == "rejected"
    assert Notification.objects.filter(recipient=world.outsider).count() == 1
    # Closed: no more edits, decisions or promotion.
    assert (
        api(world.outsider).patch(path, {"title": "x", "version": 2}, format="json").status_code
        == 403
    )
    again = pmo.post(
        path + "promote/", {"code": "SSPR", "project_manager": "pm_a", "version": 2}, format="json"
    )
    assert again.status_code == 400 and Project.objects.filter(code="SSPR").count() == 0


def test_promote_opens_the_project_in_initiation_with_its_proposal(world, api):
    idea = submit(api, world.outsider, suggested_sponsor="sponsor_b")
    pmo = api(world.pmo)
    path = URL + idea["id"] + "/promote/"
    bad = pmo.post(
        path, {"code": "bad code", "project_manager": "pm_a", "version": 1}, format="json"
    )
    assert bad.status_code == 400 and "code" in bad.json()["errors"]
    assert Project.objects.count() == 2 and IntakeProposal.objects.get().version == 1
    response = pmo.post(
        path,
        {"code": "SSPR", "project_manager": "pm_a", "start_date": "2027-02-01", "version": 1},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "promoted"
    project = Project.objects.get(code="SSPR")
    assert body["project"] == str(project.public_id)
    assert project.stage == "initiation" and project.name == IDEA["title"]
    assert str(project.target_date) == "2027-05-02"  # 90 days on
    roles = dict(
        ProjectMembership.objects.filter(project=project).values_list("user__username", "role")
    )
    assert roles == {"pm_a": "project_manager", "sponsor_b": "sponsor"}
    proposal = Proposal.objects.get(project=project)
    assert proposal.problem == IDEA["problem"] and proposal.estimated_budget == Decimal("40000.00")
    told = Notification.objects.get(recipient=world.outsider)
    assert "SSPR" in told.text and told.project == project
    # A member may not promote (not even their own idea).
    other = submit(api, world.outsider, title="Other")
    refused = api(world.outsider).post(
        URL + other["id"] + "/promote/",
        {"code": "OTH", "project_manager": "pm_a", "version": 1},
        format="json",
    )
    assert refused.status_code == 403


def _page(user):
    client = Client()
    client.force_login(user)
    return client


def test_pages_submit_rank_and_promote(world):
    member = _page(world.outsider)
    assert member.get("/intake/new/").status_code == 200
    response = member.post("/intake/new/", {**IDEA, "annual_benefit": "", "title": ""})
    assert response.status_code == 400 and IntakeProposal.objects.count() == 0
    response = member.post("/intake/new/", {**IDEA, "suggested_sponsor": world.a["sponsor"].pk})
    assert response.status_code == 302
    idea = IntakeProposal.objects.get()
    page = member.get(f"/intake/{idea.public_id}/").content.decode()
    assert "Edit your proposal" in page and "Promote to a project" not in page
    # Someone else's idea is not found by another member.
    assert _page(world.a["team_member"]).get(f"/intake/{idea.public_id}/").status_code == 404
    refused = member.post(f"/intake/{idea.public_id}/", {"action": "promote", "version": 1})
    assert refused.status_code == 403
    pmo = _page(world.pmo)
    queue = pmo.get("/intake/").content.decode()
    assert "Intake queue" in queue and IDEA["title"] in queue
    response = pmo.post(
        f"/intake/{idea.public_id}/",
        {"action": "score", "strategic_score": 4, "feasibility_score": 9, "version": 1},
    )
    assert response.status_code == 400
    response = pmo.post(
        f"/intake/{idea.public_id}/",
        {"action": "score", "strategic_score": 4, "feasibility_score": 3, "version": 1},
    )
    assert response.status_code == 302
    response = pmo.post(
        f"/intake/{idea.public_id}/",
        {
            "action": "promote",
            "code": "SSPR",
            "kind": "other",
            "project_manager": world.a["project_manager"].pk,
            "version": 2,
        },
    )
    assert response.status_code == 302, response.content.decode()
    project = Project.objects.get(code="SSPR")
    assert response["Location"] == f"/projects/{project.public_id}/"
