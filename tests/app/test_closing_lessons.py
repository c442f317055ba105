"""Stage 5: the post-project review, lessons learned and their search across projects."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from typer.testing import CliRunner

from keystage.closing.models import Lesson, Review
from keystage.closing.review.services import LESSONS
from keystage.portfolio.gate_checks import gate_checklist
from keystage.portfolio.models import Project

pytestmark = pytest.mark.django_db

CANARY = "zanzibarquokka"
LESSON = {
    "title": "Vendor delay on the data feed",
    "category": "vendors",
    "stage": "execution",
    "what_happened": "The vendor shipped the feed five weeks late.",
    "recommendation": "Put the delivery date in the contract.",
    "tags": " Vendor, data feed, vendor ",
}


def _lesson(who, project, **changes):
    return LESSONS.create(who=who, project=project, data={**LESSON, **changes})


def test_review_and_lessons_through_the_api(world, api):
    Project.objects.filter(pk=world.project_a.pk).update(stage="closing")
    project = Project.objects.get(pk=world.project_a.pk)
    pm = api(world.a["project_manager"])
    base = f"/api/v1/projects/{project.public_id}/"
    review = {
        "held_on": "2027-06-20",
        "attendees": "Ann\nBob",
        "went_well": "Scope held.",
        "went_badly": "Late vendor.",
    }
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    assert (
        pm.put(base + "review/", {**review, "held_on": tomorrow}, format="json").status_code == 400
    )
    assert pm.put(base + "review/", {**review, "went_well": ""}, format="json").status_code == 400
    assert not Review.objects.exists()
    today = dt.date.today().isoformat()
    assert pm.put(base + "review/", {**review, "held_on": today}, format="json").status_code == 200
    assert (
        api(world.a["team_member"]).put(base + "review/", review, format="json").status_code == 403
    )
    # An empty lesson, a bad category: field errors, nothing written.
    empty = pm.post(base + "lessons/", {}, format="json")
    assert empty.status_code == 400
    assert {"title", "category", "stage", "what_happened", "recommendation"} <= set(
        empty.json()["errors"]
    )
    assert pm.post(base + "lessons/", {**LESSON, "category": "x"}, format="json").status_code == 400
    assert not Lesson.objects.exists()
    assert {i.key: i for i in gate_checklist(project)}["review"].done is False
    made = api(world.a["team_member"]).post(base + "lessons/", LESSON, format="json")
    assert made.status_code == 201 and made.json()["tags"] == "vendor, data feed"
    item = {i.key: i for i in gate_checklist(project)}["review"]
    assert item.done and "1 lessons learned" in item.detail


def test_search_ranks_matches_and_never_shows_another_projects_lesson(world, api):
    a, b = world.project_a, world.project_b
    pm_a, pm_b = world.a["project_manager"], world.b["project_manager"]
    best = _lesson(pm_a, a, title="Vendor delay again", tags="vendor, delay")
    weaker = _lesson(pm_a, a, title="Feed", tags="", what_happened="A vendor delay hit us.")
    _lesson(pm_a, a, title="Unrelated", what_happened="Nothing.", recommendation="None.", tags="")
    _lesson(pm_b, b, title=f"Secret {CANARY} vendor delay", tags=CANARY)
    reader = api(world.a["team_member"])
    found = reader.get("/api/v1/lessons/", {"q": "vendor delay"}).json()
    assert [f["id"] for f in found] == [str(best.public_id), str(weaker.public_id)]
    assert found[0]["project"] == "PRJ-A" and found[0]["rank"] > found[1]["rank"]
    # The canary of project B: 0 hits for A's member in the API, the page and the CLI.
    for q in (CANARY, "secret", ""):
        assert CANARY not in reader.get("/api/v1/lessons/", {"q": q}).content.decode()
    page = Client()
    page.force_login(world.a["team_member"])
    for q in (CANARY, "vendor"):
        response = page.get("/lessons/", {"q": q})
        results = response.content.decode().split('id="found"')[1]  # past the echoed query
        assert response.status_code == 200 and CANARY not in results and "PRJ-B" not in results
    from keystage.cli.app import app

    runner = CliRunner()
    as_a = runner.invoke(app, ["lessons", "search", f"{CANARY} vendor", "--user", "dev_a"])
    assert as_a.exit_code == 0 and CANARY not in as_a.output and "No lessons found" in as_a.output
    as_b = runner.invoke(app, ["lessons", "search", CANARY, "--user", "dev_b"])
    assert as_b.exit_code == 0 and CANARY in as_b.output and "1 lesson." in as_b.output
    operator = runner.invoke(app, ["lessons", "search", "vendor delay"])
    assert operator.exit_code == 0 and "3 lessons." in operator.output
    nobody = runner.invoke(app, ["lessons", "search", "x", "--user", "ghost"])
    assert nobody.exit_code == 2 and "no active user 'ghost'" in nobody.output
    blank = runner.invoke(app, ["lessons", "search", "  "])
    assert blank.exit_code == 2 and blank.output.count("\n") == 1
    # A member of B sees it; an outsider sees nothing at all.
    assert (
        CANARY
        in api(world.b["team_member"]).get("/api/v1/lessons/", {"q": CANARY}).content.decode()
    )
    assert api(world.outsider).get("/api/v1/lessons/", {"q": "vendor"}).json() == []


@pytest.mark.parametrize(
    "q",
    [
        '"vendor',
        "vendor & | ! : * ( ) '",
        "!!!",
        "<script>alert(1)</script>",
        "a:*|b",
        "x" * 10_000,
        "\x00vendor",
    ],
)
def test_hostile_search_is_200_or_400(world, api, q):
    _lesson(world.a["project_manager"], world.project_a)
    reader = api(world.a["team_member"])
    response = reader.get("/api/v1/lessons/", {"q": q})
    assert response.status_code in (200, 400), response.content
    if response.status_code == 400:
        assert "q" in response.json()["errors"]
    page = Client()
    page.force_login(world.a["team_member"])
    shown = page.get("/lessons/", {"q": q})
    assert shown.status_code in (200, 400) and b"<script>alert" not in shown.content


def test_a_new_projects_goals_page_suggests_lessons_of_similar_projects(world):
    from keystage.portfolio import services

    # A closed-out software project's lessons; a new software project in Planning.
    _lesson(world.a["project_manager"], world.project_a, title="Pin the API version")
    _lesson(world.a["project_manager"], world.project_a, title="Other", tags="")
    fresh = services.project_create(
        who=world.pmo,
        name="Data feed rebuild",
        code="PRJ-C",
        kind="network_upgrade",
        start_date=dt.date(2027, 1, 4),
        target_date=dt.date(2027, 6, 30),
        project_manager=world.a["project_manager"],
    )
    Project.objects.filter(pk=fresh.pk).update(stage="planning")
    client = Client()
    client.force_login(world.a["project_manager"])
    body = client.get(f"/projects/{fresh.public_id}/goals/").content.decode()
    # Not the same kind: only the lesson tagged "data feed", which the name mentions.
    assert "Pin the API version" in body and "tags data feed" in body and ">Other<" not in body
    Project.objects.filter(pk=fresh.pk).update(kind="software_development")
    body = client.get(f"/projects/{fresh.public_id}/goals/").content.decode()
    assert "Other" in body and "also software development" in body
    # Someone who cannot see project A gets no suggestion from it.
    other = Client()
    other.force_login(world.b["project_manager"])
    services.member_add(
        who=world.admin, project=fresh, user=world.b["project_manager"], role="stakeholder"
    )
    assert b"lesson-suggestions" not in other.get(f"/projects/{fresh.public_id}/goals/").content
