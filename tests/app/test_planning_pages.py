"""Goals, scope, collaboration and charter pages: htmx fragments, field errors, conflicts and
read-only roles."""

from __future__ import annotations

import pytest
from django.test import Client

from keystage.core.models import AuditEntry
from keystage.planning.models import CollaborationLink, Goal, ScopeItem, ScopeStatement
from keystage.planning.services import goals, scope

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}
GOAL = {
    "title": "Faster closing",
    "metric": "Closing time",
    "unit": "days",
    "direction": "",
    "baseline_value": "4",
    "target_value": "1.5",
    "due_date": "2027-06-30",
}


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(project, rest: str) -> str:
    return f"/projects/{project.public_id}/{rest}"


def test_tabs_link_the_pages(world):
    client = signed_in(world.a["project_manager"])
    overview = client.get(page(world.project_a, "")).content.decode()
    assert page(world.project_a, "goals/") in overview
    assert page(world.project_a, "charter/") in overview
    for rest in ("goals/", "scope/", "links/", "charter/"):
        response = client.get(page(world.project_a, rest))
        assert response.status_code == 200, rest
        html = response.content.decode()
        assert page(world.project_a, "scope/") in html or rest == "charter/"


def test_goal_added_with_htmx_swaps_the_section(world):
    client = signed_in(world.a["project_manager"])
    form = client.get(page(world.project_a, "goals/new/"), **HX)
    assert form.status_code == 200
    html = form.content.decode()
    assert 'class="card editor"' in html and "<html" not in html
    assert 'value="2027-06-30"' in html  # due date defaults to the project's target, ISO
    bad = client.post(page(world.project_a, "goals/new/"), {**GOAL, "target_value": "4"}, **HX)
    assert bad.status_code == 400
    assert "must differ from the baseline" in bad.content.decode()
    assert "HX-Retarget" not in bad  # the form swaps itself
    ok = client.post(page(world.project_a, "goals/new/"), GOAL, **HX)
    assert ok.status_code == 200
    assert ok["HX-Retarget"] == "#goals-section"
    assert "Goal saved." in ok.content.decode()
    assert 'data-goal="Faster closing"' in ok.content.decode()
    goal = Goal.objects.get()
    assert (goal.direction, goal.current_value) == ("decrease", goal.baseline_value)


def test_goal_edit_conflict_and_lost_version(world):
    pm = world.a["project_manager"]
    goal = goals.goal_create(
        who=pm, project=world.project_a, data={k: v for k, v in GOAL.items() if v}
    )
    goals.goal_update(who=pm, goal=goal, version=1, changes={"current_value": "3"})
    client = signed_in(pm)
    edit = page(world.project_a, f"goals/{goal.public_id}/")
    stale = client.post(edit, {**GOAL, "current_value": "2", "version": "1"}, **HX)
    assert stale.status_code == 409
    assert "conflicting edit" in stale.content.decode()
    lost = client.post(edit, {**GOAL, "current_value": "2", "version": ""}, **HX)
    assert lost.status_code == 428
    saved = client.post(edit, {**GOAL, "current_value": "2", "version": "2"})
    assert saved.status_code == 302 and saved["Location"].endswith("goals/#goals-section")
    removed = client.post(edit, {"action": "remove", "version": "3"}, **HX)
    assert removed.status_code == 200 and "Goal removed." in removed.content.decode()
    assert Goal.objects.count() == 0
    assert AuditEntry.objects.filter(object_type="goal").count() == 4


def test_scope_statement_items_and_notes_pages(world):
    client = signed_in(world.a["project_manager"])
    statement = page(world.project_a, "scope/statement/")
    empty = client.post(statement, {"statement": ""}, **HX)
    assert empty.status_code == 400 and "field-error" in empty.content.decode()
    ok = client.post(statement, {"statement": "The ERP moves."}, **HX)
    assert ok["HX-Retarget"] == "#statement-section"
    again = client.post(statement, {"statement": "The ERP moves, all of it."}, **HX)
    assert again.status_code == 428  # the form lost its version
    assert ScopeStatement.objects.get().statement == "The ERP moves."
    out = client.post(
        page(world.project_a, "scope/items/new/?in_scope=0"), {"text": "HR modules"}, **HX
    )
    assert out.status_code == 200 and "HR modules" in out.content.decode()
    assert ScopeItem.objects.get().in_scope is False
    note = client.post(
        page(world.project_a, "scope/notes/new/"), {"kind": "constraint", "text": "Q4 cut-over"}
    )
    assert note.status_code == 302
    html = client.get(page(world.project_a, "scope/")).content.decode()
    assert "Q4 cut-over" in html and "The ERP moves." in html


def test_deliverable_owner_must_be_a_member(world):
    client = signed_in(world.a["project_manager"])
    url = page(world.project_a, "scope/deliverables/new/")
    form = client.get(url).content.decode()
    assert "Dev_A Tester" in form and "Dev_B Tester" not in form
    bad = client.post(
        url, {"name": "D", "acceptance_criteria": "c", "status": "planned", "owner": "999999"}
    )
    assert bad.status_code == 400


def test_link_with_a_javascript_url_is_refused(world):
    client = signed_in(world.a["team_member"])
    url = page(world.project_a, "links/new/")
    body = {"kind": "document", "title": "Runbook", "url": "javascript:alert(1)"}
    bad = client.post(url, body, **HX)
    assert bad.status_code == 400
    assert "http:// or https://" in bad.content.decode()
    ok = client.post(url, {**body, "url": "https://docs.example/runbook"}, **HX)
    assert ok.status_code == 200 and ok["HX-Retarget"] == "#links-section"
    link = CollaborationLink.objects.get()
    assert link.owner == world.a["team_member"]
    html = client.get(page(world.project_a, "links/")).content.decode()
    assert 'href="https://docs.example/runbook" rel="noopener noreferrer nofollow"' in html


def test_read_only_roles_see_no_edit_controls(world):
    pm = world.a["project_manager"]
    goals.goal_create(who=pm, project=world.project_a, data={k: v for k, v in GOAL.items() if v})
    scope.statement_save(
        who=pm, project=world.project_a, version=None, data={"statement": "The ERP moves."}
    )
    viewer = signed_in(world.a["stakeholder"])
    for rest, control in (
        ("goals/", "Add goal"),
        ("scope/", "Add deliverable"),
        ("links/", "Add link"),
        ("charter/", "Regenerate"),
    ):
        html = viewer.get(page(world.project_a, rest)).content.decode()
        assert control not in html, rest
    assert viewer.get(page(world.project_a, "goals/new/")).status_code == 403
    assert viewer.post(page(world.project_a, "charter/regenerate/")).status_code == 403
    assert signed_in(world.outsider).get(page(world.project_a, "goals/")).status_code == 404


def test_charter_page_regenerates_and_lists_versions(world):
    client = signed_in(world.a["project_manager"])
    assert "No charter yet" in client.get(page(world.project_a, "charter/")).content.decode()
    made = client.post(page(world.project_a, "charter/regenerate/"))
    assert made.status_code == 302
    html = client.get(page(world.project_a, "charter/")).content.decode()
    assert "Charter version 1 generated." in html
    assert 'id="charter-document"' in html and "Showing version 1 of 1" in html
    pdf = client.get(page(world.project_a, "charter/versions/1/pdf"))
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF-")
    assert client.get(page(world.project_a, "charter/versions/2/pdf")).status_code == 404
