"""Research-note attachments: upload (API multipart and page), list, download, delete;
access checks, size limit, safe content types and hostile file names."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from keystage.core.models import AuditEntry
from keystage.initiation import attachments, services
from keystage.initiation.models import ResearchAttachment

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


@pytest.fixture
def note(world):
    """A team member's note: files go on a note by its author (or the project manager)."""
    return services.note_create(
        who=world.a["team_member"],
        project=world.project_a,
        data={"title": "Vendor comparison", "body": "Three vendors compared."},
    )


def files_url(world, note) -> str:
    return (
        f"/api/v1/projects/{world.project_a.public_id}/initiation/notes/{note.public_id}"
        "/attachments/"
    )


def upload(client, url, name, content, content_type="application/octet-stream"):
    return client.post(
        url, {"file": SimpleUploadedFile(name, content, content_type)}, format="multipart"
    )


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_upload_list_download_delete_through_the_api(
    world, api, note, settings, django_capture_on_commit_callbacks
):
    dev = api(world.a["team_member"])
    url = files_url(world, note)
    created = upload(dev, url, "comparison.pdf", PDF, "application/pdf")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["original_name"], body["content_type"], body["size"]) == (
        "comparison.pdf",
        "application/pdf",
        len(PDF),
    )
    assert body["download"] == f"{url}{body['id']}/download/"
    (path,) = stored_files(settings)
    assert path.read_bytes() == PDF and "comparison" not in path.name
    assert str(world.project_a.public_id) in str(path)
    listed = api(world.a["stakeholder"]).get(url).json()
    assert [f["original_name"] for f in listed] == ["comparison.pdf"]
    note_json = api(world.a["stakeholder"]).get(url.removesuffix("attachments/")).json()
    assert note_json["attachments"][0]["id"] == body["id"]
    download = api(world.a["stakeholder"]).get(body["download"])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"
    assert download["Content-Disposition"] == 'attachment; filename="comparison.pdf"'
    assert download["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in download["Content-Security-Policy"]
    detail = f"{url}{body['id']}/"
    assert api(world.a["stakeholder"]).delete(detail, HTTP_IF_MATCH="1").status_code == 403
    assert dev.delete(detail).status_code == 428
    with django_capture_on_commit_callbacks(execute=True):
        assert dev.delete(detail, HTTP_IF_MATCH="1").status_code == 204
    assert not ResearchAttachment.objects.exists()
    assert stored_files(settings) == []
    kinds = list(
        AuditEntry.objects.filter(object_type="researchattachment").values_list("action", flat=True)
    )
    assert sorted(kinds) == ["create", "delete"]


def test_outsiders_cannot_list_or_download(world, api, note):
    url = files_url(world, note)
    created = upload(api(world.a["project_manager"]), url, "secret.txt", b"budget 1.2 M")
    download = created.json()["download"]
    for intruder in (world.outsider, world.b["project_manager"], world.b["sponsor"]):
        client = api(intruder)
        assert client.get(url).status_code == 404
        response = client.get(download)
        assert response.status_code == 404
        assert b"budget" not in response.content
        assert upload(client, url, "x.txt", b"x").status_code == 404
    assert api().get(download).status_code in (401, 403)
    page = Client()
    page.force_login(world.outsider)
    page_url = (
        f"/projects/{world.project_a.public_id}/initiation/notes/{note.public_id}"
        f"/files/{created.json()['id']}/"
    )
    assert page.get(page_url).status_code == 404
    # Project B's manager asking for A's file under B's project and A's note: not found.
    b_path = download.replace(str(world.project_a.public_id), str(world.project_b.public_id))
    assert api(world.b["project_manager"]).get(b_path).status_code == 404


def test_size_limit_is_a_field_error(world, api, note, settings):
    settings.KEYSTAGE_ATTACHMENT_MAX_BYTES = 1024
    client = api(world.a["team_member"])
    response = upload(client, files_url(world, note), "big.bin", b"x" * 1025)
    assert response.status_code == 400
    assert "larger than the limit" in response.json()["errors"]["file"][0]
    empty = upload(client, files_url(world, note), "empty.txt", b"")
    assert empty.status_code == 400 and "empty" in empty.json()["errors"]["file"][0]
    missing = client.post(files_url(world, note), {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["errors"]
    assert not ResearchAttachment.objects.exists() and stored_files(settings) == []


def test_default_limit_is_twenty_megabytes():
    assert attachments.max_bytes() == 20 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "content", "expected_name", "expected_type"),
    [
        ("../../etc/passwd", b"root:x:0:0", "passwd", "application/octet-stream"),
        ("..\\..\\windows\\win.ini", b"[fonts]", "win.ini", "application/octet-stream"),
        ("/abs/path/report.pdf", PDF, "report.pdf", "application/pdf"),
        ("fake.pdf", b"<html><script>alert(1)</script>", "fake.pdf", "application/octet-stream"),
        ("page.html", b"<html><script>alert(1)</script>", "page.html", "application/octet-stream"),
        ("image.svg", b"<svg onload=alert(1)>", "image.svg", "application/octet-stream"),
        ("chart.PNG", PNG, "chart.PNG", "image/png"),
        ("notes.txt", "Grüße".encode(), "notes.txt", "text/plain; charset=utf-8"),
        ("binary.txt", b"\x00\x01\x02", "binary.txt", "application/octet-stream"),
        ("...", b"x", "attachment", "application/octet-stream"),
    ],
)
def test_hostile_names_and_contents_are_made_safe(
    world, api, note, settings, name, content, expected_name, expected_type
):
    response = upload(api(world.a["team_member"]), files_url(world, note), name, content)
    assert response.status_code == 201, response.content
    assert (response.json()["original_name"], response.json()["content_type"]) == (
        expected_name,
        expected_type,
    )
    (path,) = stored_files(settings)
    assert path.is_relative_to(Path(settings.MEDIA_ROOT)) and path.read_bytes() == content
    download = api(world.a["stakeholder"]).get(response.json()["download"])
    assert download["Content-Type"] == expected_type
    assert download["Content-Disposition"].startswith("attachment;")
    assert "\n" not in download["Content-Disposition"]


def test_long_and_unicode_names_keep_their_extension(world):
    assert attachments.sanitise_filename("x" * 300 + ".pdf").endswith("x.pdf")
    assert len(attachments.sanitise_filename("x" * 300 + ".pdf")) == 200
    assert attachments.sanitise_filename("Angebot Müller.pdf") == "Angebot Müller.pdf"
    assert attachments.sanitise_filename("  spaced   name .txt ") == "spaced name .txt"
    assert attachments.sanitise_filename("a\r\nSet-Cookie: x=1.txt") == "aSet-Cookie x=1.txt"
    assert attachments.sanitise_filename("C:\\Users\\x\\..\\report.pdf") == "report.pdf"


def test_deleting_the_note_removes_its_files(
    world, api, note, settings, django_capture_on_commit_callbacks
):
    client = api(world.a["project_manager"])
    upload(client, files_url(world, note), "a.pdf", PDF)
    upload(client, files_url(world, note), "b.png", PNG)
    assert len(stored_files(settings)) == 2
    note_url = files_url(world, note).removesuffix("attachments/")
    with django_capture_on_commit_callbacks(execute=True):
        assert client.delete(note_url, HTTP_IF_MATCH="1").status_code == 204
    assert not ResearchAttachment.objects.exists() and stored_files(settings) == []
    removed = AuditEntry.objects.filter(object_type="researchattachment", action="delete")
    assert removed.count() == 2


def test_attachment_pages(world, note, settings, django_capture_on_commit_callbacks):
    dev = Client()
    dev.force_login(world.a["team_member"])
    base = f"/projects/{world.project_a.public_id}/initiation/notes/{note.public_id}/files/"
    page = dev.get(base)
    assert page.status_code == 200 and "Attach a file" in page.content.decode()
    settings.KEYSTAGE_ATTACHMENT_MAX_BYTES = 10
    too_big = dev.post(base, {"file": SimpleUploadedFile("big.pdf", PDF)})
    assert too_big.status_code == 400 and "larger than the limit" in too_big.content.decode()
    settings.KEYSTAGE_ATTACHMENT_MAX_BYTES = 1024 * 1024
    done = dev.post(base, {"file": SimpleUploadedFile("../offer.pdf", PDF)})
    assert done.status_code == 302
    attachment = ResearchAttachment.objects.get()
    assert attachment.original_name == "offer.pdf"
    overview = dev.get(f"/projects/{world.project_a.public_id}/initiation/").content.decode()
    assert "offer.pdf" in overview and "Manage files" in overview
    download = dev.get(f"{base}{attachment.public_id}/")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Disposition"] == 'attachment; filename="offer.pdf"'
    viewer = Client()
    viewer.force_login(world.a["stakeholder"])
    assert "Attach a file" not in viewer.get(base).content.decode()
    assert viewer.post(base, {"file": SimpleUploadedFile("x.pdf", PDF)}).status_code == 403
    assert viewer.post(f"{base}{attachment.public_id}/remove/", {"version": 1}).status_code == 403
    with django_capture_on_commit_callbacks(execute=True):
        removed = dev.post(f"{base}{attachment.public_id}/remove/", {"version": 1})
    assert removed.status_code == 302 and not ResearchAttachment.objects.exists()
    assert stored_files(settings) == []


def test_missing_file_on_disk_is_404_not_500(world, api, note, settings):
    created = upload(api(world.a["team_member"]), files_url(world, note), "gone.pdf", PDF)
    for path in stored_files(settings):
        path.unlink()
    assert api(world.a["team_member"]).get(created.json()["download"]).status_code == 404
