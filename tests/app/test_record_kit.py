"""The record kit: every route a RecordSpec generates, on a test-only spec."""

from __future__ import annotations

import pytest

from keystage.core.models import AuditAction, AuditEntry
from keystage.planning.models import ScopeNote
from tests.app.record_kit_urls import KIT, SPEC
from tests.conftest import PASSWORD

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.app.record_kit_urls")]

BODY = {"kind": "assumption", "text": "Runbook"}


def api_base(project):
    return f"/kit-api/v1/projects/{project.public_id}/test-notes/"


def page_base(project):
    return f"/projects/{project.public_id}/test-notes/"


def test_api_list_create_read_edit_delete_with_journal(world, api):
    dev = api(world.a["team_member"])
    url = api_base(world.project_a)
    assert dev.get(url).json() == []
    created = dev.post(url, BODY, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert (body["text"], body["version"]) == ("Runbook", 1)
    detail = f"{url}{body['id']}/"
    assert dev.get(detail).json()["kind"] == "assumption"
    assert [row["text"] for row in dev.get(url).json()] == ["Runbook"]

    missing = dev.patch(detail, {"text": "Runbook 2"}, format="json")
    assert missing.status_code == 428
    edited = dev.patch(detail, {"text": "Runbook 2", "version": 1}, format="json")
    assert edited.status_code == 200 and edited.json()["version"] == 2
    stale = dev.patch(detail, {"text": "Runbook 3"}, format="json", HTTP_IF_MATCH="1")
    assert stale.status_code == 409
    assert stale.json()["current"]["text"] == "Runbook 2"
    bad = dev.patch(detail, {"text": "x" * 1001, "version": 2}, format="json")
    assert bad.status_code == 400 and "text" in bad.json()["errors"]

    assert dev.delete(detail).status_code == 428
    assert dev.delete(detail + "?version=1").status_code == 409
    assert dev.delete(detail + "?version=2").status_code == 204
    assert dev.get(detail).status_code == 404

    actions = list(
        AuditEntry.objects.filter(object_type="scopenote", object_id=body["id"])
        .order_by("id")
        .values_list("action", "actor__username")
    )
    assert actions == [
        (AuditAction.CREATE, "dev_a"),
        (AuditAction.UPDATE, "dev_a"),
        (AuditAction.DELETE, "dev_a"),
    ]


def test_api_scoping_non_member_404_stakeholder_403(world, api):
    url = api_base(world.project_a)
    record = KIT.create(who=world.a["team_member"], project=world.project_a, data=dict(BODY))
    detail = f"{url}{record.public_id}/"
    outsider = api(world.outsider)
    assert outsider.get(url).status_code == 404
    assert outsider.get(detail).status_code == 404
    assert outsider.post(url, BODY, format="json").status_code == 404
    viewer = api(world.a["stakeholder"])
    assert viewer.get(detail).status_code == 200
    assert viewer.post(url, BODY, format="json").status_code == 403
    assert viewer.patch(detail, {"text": "x", "version": 1}, format="json").status_code == 403
    assert viewer.delete(detail + "?version=1").status_code == 403
    # A record of project A is not found through project B, even by B's manager.
    other = api(world.b["project_manager"])
    assert other.get(f"{api_base(world.project_b)}{record.public_id}/").status_code == 404
    assert ScopeNote.objects.filter(pk=record.pk, version=1).exists()


def test_pages_list_create_edit_remove(world, client):
    client.login(username="dev_a", password=PASSWORD)
    url = page_base(world.project_a)
    assert client.get(url).status_code == 200
    assert client.get(url + "new/").status_code == 200
    bad = client.post(url + "new/", {**BODY, "kind": "wish"})
    assert bad.status_code == 400
    saved = client.post(url + "new/", BODY)
    assert saved.status_code == 302 and saved["Location"] == url
    record = ScopeNote.objects.get(text="Runbook")
    listing = client.get(url).content.decode()
    assert "Runbook" in listing and f"{url}{record.public_id}/" in listing
    edit = f"{url}{record.public_id}/"
    assert client.get(edit).status_code == 200
    assert client.post(edit, {**BODY, "text": "Runbook 2"}).status_code == 428
    assert client.post(edit, {**BODY, "text": "Runbook 2", "version": 1}).status_code == 302
    assert client.post(edit, {**BODY, "text": "Runbook 3", "version": 1}).status_code == 409
    assert client.post(edit, {"action": "remove", "version": 2}).status_code == 302
    assert not ScopeNote.objects.filter(pk=record.pk).exists()


def test_pages_scoping(world, client):
    record = KIT.create(who=world.a["team_member"], project=world.project_a, data=dict(BODY))
    url = page_base(world.project_a)
    client.login(username="outsider", password=PASSWORD)
    assert client.get(url).status_code == 404
    client.login(username="viewer_a", password=PASSWORD)
    assert client.get(url).status_code == 200
    assert client.get(url + "new/").status_code == 403
    assert client.post(f"{url}{record.public_id}/", {**BODY, "version": 1}).status_code == 403


def test_access_routes_declare_every_generated_route():
    routes = KIT.access_routes(api_namespace="")
    assert set(routes) == {
        "kit:test_notes",
        "kit:test_notes-create",
        "kit:test_notes-edit",
        "test-notes-list",
        "test-notes-detail",
    }
    assert all(scope == "project" for scope, _, _ in routes.values())
    assert "api:test-notes-list" in KIT.access_routes()  # mounted under /api/v1/ by default
    assert SPEC.nouns == "test notes"


def test_hooks_check_references_and_open_projects(world):
    """``check`` runs on the new and the edited copy; ``open_projects_only`` refuses closed
    projects; ``references`` refuse another project's records (here: a scope note's
    project is checked through a test-only reference on the same model)."""
    from keystage.core.errors import Forbidden, InvalidInput
    from keystage.portfolio.models import Project
    from keystage.portfolio.record_kit import RecordKit, RecordSpec

    seen = []

    def no_secrets(note):
        seen.append(note.text)
        if "secret" in note.text:
            raise InvalidInput({"text": "No secrets."})

    kit = RecordKit(
        RecordSpec(
            model=ScopeNote,
            fields=("kind", "text"),
            noun="checked note",
            slug="checked-notes",
            title_field="text",
            open_projects_only=True,
            check=no_secrets,
        )
    )
    dev = world.a["team_member"]
    note = kit.create(who=dev, project=world.project_a, data=dict(BODY))
    with pytest.raises(InvalidInput) as caught:
        kit.create(who=dev, project=world.project_a, data={**BODY, "text": "a secret"})
    assert caught.value.errors == {"text": ["No secrets."]}
    with pytest.raises(InvalidInput):
        kit.update(who=dev, record=note, version=1, changes={"text": "secret 2"})
    assert seen == ["Runbook", "a secret", "secret 2"]
    # Field rules come first: an over-long text never reaches the check.
    with pytest.raises(InvalidInput) as caught:
        kit.create(who=dev, project=world.project_a, data={**BODY, "text": "x" * 1001})
    assert "text" in caught.value.errors and len(seen) == 3
    # A completed, closed or cancelled project is read-only at the chokepoint (403 with the
    # reason); the kit's own field error stays behind it as a second line of defence.
    Project.objects.filter(pk=world.project_a.pk).update(status="completed")
    world.project_a.refresh_from_db()
    note.project = world.project_a
    calls = (
        lambda: kit.create(who=dev, project=world.project_a, data=dict(BODY)),
        lambda: kit.update(who=dev, record=note, version=1, changes={"text": "x"}),
        lambda: kit.delete(who=dev, record=note, version=1),
    )
    for call in calls:
        with pytest.raises(Forbidden, match="PRJ-A is closed"):
            call()
    Project.objects.filter(pk=world.project_a.pk).update(status="cancelled")
    world.project_a.refresh_from_db()
    for call in calls:
        with pytest.raises(Forbidden, match="cancelled"):
            call()
    assert ScopeNote.objects.filter(pk=note.pk, version=1, text="Runbook").exists()


def test_reference_fields_take_public_ids_and_stay_in_the_project(world):
    """A spec's ``references`` become public-id fields; the form lists the project's rows."""
    from keystage.costs.records import COSTS
    from keystage.planning.services import wbs

    ours = wbs.task_create(
        who=world.a["project_manager"], project=world.project_a, data={"name": "Ours"}
    )
    wbs.task_create(who=world.b["project_manager"], project=world.project_b, data={"name": "B"})
    form = COSTS.project_form(world.project_a)()
    choices = [str(value) for value, _ in form.fields["task"].choices if value]
    assert choices == [str(ours.public_id)]
    write = COSTS.write_serializer(data={"task": str(ours.public_id)}, partial=True)
    assert write.is_valid(), write.errors
    assert write.validated_data["task"] == ours
    missing = COSTS.write_serializer(data={"task": "not-a-uuid"}, partial=True)
    assert not missing.is_valid() and "task" in missing.errors
