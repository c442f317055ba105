"""Team members change only their own research notes, files and collaboration links; the
project manager (and administrators) anyone's. Others get 403 and nothing is written."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from keystage.core.models import AuditEntry
from keystage.initiation import attachments, services
from keystage.initiation.models import ResearchAttachment, ResearchNote
from keystage.planning.models import CollaborationLink
from keystage.planning.services import collaboration
from keystage.portfolio import services as portfolio
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def team(world):
    """Project A with a second team member, and a note, a file and a link by dev_a."""
    other = make_user("dev2_a", world.org)
    portfolio.member_add(who=world.admin, project=world.project_a, user=other, role="team_member")
    dev = world.a["team_member"]
    note = services.note_create(
        who=dev, project=world.project_a, data={"title": "Dev's findings", "body": "Mine."}
    )
    upload = SimpleUploadedFile("findings.pdf", PDF)
    attachment = attachments.attachment_create(who=dev, note=note, upload=upload)
    link = collaboration.collaboration_link_create(
        who=dev,
        project=world.project_a,
        data={"kind": "repository", "title": "Dev repo", "url": "https://git.example/dev"},
    )
    return {"dev": dev, "other": other, "note": note, "file": attachment, "link": link}


def snapshot():
    return (
        list(ResearchNote.objects.order_by("pk").values_list("pk", "version", "title")),
        list(ResearchAttachment.objects.order_by("pk").values_list("pk", "version")),
        list(CollaborationLink.objects.order_by("pk").values_list("pk", "version", "title")),
        AuditEntry.objects.count(),
    )


def api_urls(world, team):
    project = f"/api/v1/projects/{world.project_a.public_id}"
    note = f"{project}/initiation/notes/{team['note'].public_id}/"
    return {
        "note": note,
        "files": f"{note}attachments/",
        "file": f"{note}attachments/{team['file'].public_id}/",
        "link": f"{project}/links/{team['link'].public_id}/",
    }


def test_another_team_member_cannot_change_them_through_the_api(world, api, team):
    client = api(team["other"])
    urls = api_urls(world, team)
    before = snapshot()
    attempts = [
        client.patch(urls["note"], {"title": "Mine now", "version": 1}, format="json"),
        client.delete(urls["note"], HTTP_IF_MATCH="1"),
        client.post(urls["files"], {"file": SimpleUploadedFile("x.pdf", PDF)}, format="multipart"),
        client.delete(urls["file"], HTTP_IF_MATCH="1"),
        client.patch(urls["link"], {"title": "Mine now", "version": 1}, format="json"),
        client.delete(urls["link"], HTTP_IF_MATCH="1"),
    ]
    for response in attempts:
        assert response.status_code == 403, response.content
        assert "project manager" in response.json()["detail"]
    assert snapshot() == before
    # They still read everything, and add their own.
    assert client.get(urls["note"]).status_code == 200
    own = client.post(
        f"/api/v1/projects/{world.project_a.public_id}/initiation/notes/",
        {"title": "Other's note", "body": "Theirs."},
        format="json",
    )
    assert own.status_code == 201


def test_the_author_changes_their_own(world, api, team, django_capture_on_commit_callbacks):
    client = api(team["dev"])
    urls = api_urls(world, team)
    response = client.patch(urls["note"], {"title": "Better title", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    response = client.patch(urls["link"], {"title": "Renamed", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(urls["file"], HTTP_IF_MATCH="1").status_code == 204
    assert client.delete(urls["link"], HTTP_IF_MATCH="2").status_code == 204


@pytest.mark.parametrize("who", ["project_manager", "admin"])
def test_project_manager_and_admin_change_anyones(world, api, team, who, settings):
    client = api(world.admin if who == "admin" else world.a["project_manager"])
    urls = api_urls(world, team)
    response = client.patch(urls["note"], {"title": "Edited", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    response = client.patch(urls["link"], {"title": "Edited", "version": 1}, format="json")
    assert response.status_code == 200, response.json()
    assert client.delete(urls["file"], HTTP_IF_MATCH="1").status_code == 204
    assert client.delete(urls["note"], HTTP_IF_MATCH="2").status_code == 204
    assert client.delete(urls["link"], HTTP_IF_MATCH="2").status_code == 204


def test_a_team_member_does_not_attach_to_the_managers_note(world, api):
    pm_note = services.note_create(
        who=world.a["project_manager"], project=world.project_a, data={"title": "PM", "body": "x"}
    )
    url = (
        f"/api/v1/projects/{world.project_a.public_id}/initiation/notes/{pm_note.public_id}"
        "/attachments/"
    )
    response = api(world.a["team_member"]).post(
        url, {"file": SimpleUploadedFile("x.pdf", PDF)}, format="multipart"
    )
    assert response.status_code == 403
    assert not ResearchAttachment.objects.exists()


def test_the_owner_named_for_a_link_may_change_it(world, api, team):
    """A link someone else added but names you as its owner is yours to look after."""
    link = collaboration.collaboration_link_create(
        who=world.a["project_manager"],
        project=world.project_a,
        data={
            "kind": "channel",
            "title": "Team chat",
            "url": "https://chat.example/t",
            "owner": "dev2_a",
        },
    )
    url = f"/api/v1/projects/{world.project_a.public_id}/links/{link.public_id}/"
    response = api(team["other"]).patch(url, {"title": "Team chat (new)", "version": 1})
    assert response.status_code == 200, response.json()
    assert api(team["dev"]).delete(url, HTTP_IF_MATCH="2").status_code == 403


def test_pages_refuse_and_hide_the_controls(world, team):
    other = Client()
    other.force_login(team["other"])
    project = world.project_a.public_id
    note = team["note"]
    before = snapshot()
    overview = other.get(f"/projects/{project}/initiation/").content.decode()
    assert "Dev&#x27;s findings" in overview or "Dev's findings" in overview
    assert f'/initiation/notes/{note.public_id}/"' not in overview  # no Edit link
    edit = other.post(
        f"/projects/{project}/initiation/notes/{note.public_id}/",
        {"title": "Mine now", "body": "x", "version": 1},
    )
    assert edit.status_code == 403
    files = f"/projects/{project}/initiation/notes/{note.public_id}/files/"
    page = other.get(files).content.decode()
    assert "Attach a file" not in page and "Remove findings.pdf" not in page
    assert other.post(files, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 403
    removed = other.post(f"{files}{team['file'].public_id}/remove/", {"version": 1})
    assert removed.status_code == 403
    links = other.get(f"/projects/{project}/links/").content.decode()
    assert f"/links/{team['link'].public_id}/" not in links
    link_edit = other.post(
        f"/projects/{project}/links/{team['link'].public_id}/",
        {
            "kind": "repository",
            "title": "Mine now",
            "url": "https://git.example/x",
            "owner": team["dev"].pk,
            "version": 1,
        },
    )
    assert link_edit.status_code == 403
    assert snapshot() == before
    # The author sees the controls.
    dev = Client()
    dev.force_login(team["dev"])
    assert "Remove findings.pdf" in dev.get(files).content.decode()
    assert (
        f"/links/{team['link'].public_id}/"
        in dev.get(f"/projects/{project}/links/").content.decode()
    )
