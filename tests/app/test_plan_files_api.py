"""The REST API of files on tasks and deliverables: list, upload, read, download, remove
with a version; JSON errors; another project's records out of reach (issue 12 item 7)."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from keystage.core.models import AuditEntry
from keystage.planning.models import PlanFile
from keystage.planning.services import scope, wbs

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4 the specification"


@pytest.fixture
def records(world):
    pm = world.a["project_manager"]
    task = wbs.task_create(who=pm, project=world.project_a, data={"name": "Interfaces"})
    deliverable = scope.deliverable_create(
        who=pm, project=world.project_a, data={"name": "API spec", "acceptance_criteria": "OK"}
    )
    return task, deliverable


def _base(world, record, project=None) -> str:
    project = project or world.project_a
    stem = f"/api/v1/projects/{project.public_id}/"
    kind = "tasks" if record.__class__.__name__ == "Task" else "scope/deliverables"
    return f"{stem}{kind}/{record.public_id}/files/"


@pytest.mark.parametrize("which", [0, 1], ids=["task", "deliverable"])
def test_upload_list_read_download_and_remove(world, records, api, which):
    record = records[which]
    url = _base(world, record)
    dev = api(world.a["team_member"])
    made = dev.post(url, {"file": SimpleUploadedFile("../spec.pdf", PDF)}, format="multipart")
    assert made.status_code == 201, made.content
    body = made.json()
    assert (body["original_name"], body["content_type"], body["size"]) == (
        "spec.pdf",
        "application/pdf",
        len(PDF),
    )
    assert body["uploaded_by"]["username"] == "dev_a" and len(body["sha256"]) == 64
    listed = api(world.a["stakeholder"]).get(url)
    assert [f["id"] for f in listed.json()] == [body["id"]]
    one = f"{url}{body['id']}/"
    assert dev.get(one).json()["version"] == 1
    assert body["download"] == f"{one}download/"
    sent = api(world.a["stakeholder"]).get(body["download"])
    assert sent.status_code == 200
    assert b"".join(sent.streaming_content) == PDF
    assert sent["Content-Disposition"].startswith("attachment")
    assert sent["X-Content-Type-Options"] == "nosniff"
    # Removing needs the version (428), the current one (409 with the file), and a right.
    assert dev.delete(one).status_code == 428
    stale = dev.delete(one, {"version": 7}, format="json")
    assert stale.status_code == 409 and stale.json()["current"]["id"] == body["id"]
    assert api(world.a["stakeholder"]).delete(one, {"version": 1}, format="json").status_code == 403
    assert dev.delete(one, {"version": 1}, format="json").status_code == 204
    assert PlanFile.objects.count() == 0
    assert AuditEntry.objects.filter(summary__startswith="Removed 'spec.pdf'").exists()
    gone = dev.get(f"{one}download/")
    assert gone.status_code == 404 and gone["Content-Type"].startswith("application/json")


def test_bad_uploads_are_400_with_the_field(world, records, api, settings):
    task, _ = records
    dev = api(world.a["team_member"])
    url = _base(world, task)
    missing = dev.post(url, {}, format="multipart")
    assert missing.status_code == 400 and "file" in missing.json()["errors"]
    settings.KEYSTAGE_ATTACHMENT_MAX_BYTES = 10
    big = dev.post(url, {"file": SimpleUploadedFile("big.txt", b"x" * 11)}, format="multipart")
    assert big.status_code == 400 and "file" in big.json()["errors"]
    assert (
        api(world.a["stakeholder"])
        .post(url, {"file": SimpleUploadedFile("a.txt", b"a")}, format="multipart")
        .status_code
        == 403
    )
    assert PlanFile.objects.count() == 0


def test_another_projects_records_and_files_are_out_of_reach(world, records, api):
    task, _ = records
    b_task = wbs.task_create(
        who=world.b["project_manager"], project=world.project_b, data={"name": "B secret"}
    )
    from keystage.planning.services.attachments import plan_file_create

    b_file = plan_file_create(
        who=world.b["project_manager"], record=b_task, upload=SimpleUploadedFile("b.pdf", PDF)
    )
    pm_a = api(world.a["project_manager"])
    # B's task through A's project, B's file under A's task, A's task from B's manager.
    assert pm_a.get(_base(world, b_task)).status_code == 404
    assert pm_a.get(_base(world, b_task, project=world.project_b)).status_code == 404
    under_a = f"{_base(world, task)}{b_file.public_id}/"
    assert pm_a.get(under_a).status_code == 404
    assert pm_a.get(under_a + "download/").status_code == 404
    assert pm_a.delete(under_a, {"version": 1}, format="json").status_code == 404
    assert api(world.b["project_manager"]).get(_base(world, task)).status_code == 404
    assert PlanFile.objects.filter(pk=b_file.pk).exists()
