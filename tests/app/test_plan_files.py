"""Files on tasks and deliverables (issue 12 item 7), through the shared ``core.files``."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from keystage.core.errors import Conflict, Forbidden, InvalidInput
from keystage.core.models import AuditEntry
from keystage.planning.models import PlanFile
from keystage.planning.services import scope, wbs
from keystage.planning.services.attachments import plan_file_create, plan_file_delete

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


def test_team_member_attaches_to_task_and_deliverable(world, records):
    task, deliverable = records
    dev = world.a["team_member"]
    on_task = plan_file_create(
        who=dev, record=task, upload=SimpleUploadedFile("../x/spec.pdf", PDF)
    )
    on_del = plan_file_create(
        who=dev, record=deliverable, upload=SimpleUploadedFile("notes.pdf", b"not a pdf")
    )
    assert (on_task.original_name, on_task.content_type, on_task.size) == (
        "spec.pdf",
        "application/pdf",
        len(PDF),
    )
    assert on_del.content_type == "application/octet-stream"  # the bytes disagree with .pdf
    assert len(on_task.sha256) == 64
    assert AuditEntry.objects.filter(summary="Attached 'spec.pdf' to task 'Interfaces'").exists()
    with pytest.raises(Forbidden):
        plan_file_create(
            who=world.a["stakeholder"], record=task, upload=SimpleUploadedFile("a.txt", b"a")
        )


def test_limits_and_removal_rules(world, records, settings):
    task, _ = records
    dev, pm, viewer = world.a["team_member"], world.a["project_manager"], world.a["stakeholder"]
    settings.KEYSTAGE_ATTACHMENT_MAX_BYTES = 10
    with pytest.raises(InvalidInput) as exc:
        plan_file_create(who=dev, record=task, upload=SimpleUploadedFile("big.txt", b"x" * 11))
    assert "file" in exc.value.errors
    with pytest.raises(InvalidInput):
        plan_file_create(who=dev, record=task, upload=SimpleUploadedFile("empty.txt", b""))
    with pytest.raises(InvalidInput):
        plan_file_create(who=dev, record=task, upload=None)
    made = plan_file_create(who=dev, record=task, upload=SimpleUploadedFile("s.txt", b"ok"))
    with pytest.raises(Forbidden):
        plan_file_delete(who=viewer, file=made, version=1)
    with pytest.raises(Conflict):
        plan_file_delete(who=dev, file=made, version=7)
    plan_file_delete(who=pm, file=made, version=1)
    assert not PlanFile.objects.exists()


def test_pages_upload_download_and_outsiders(world, records):
    task, deliverable = records
    client = Client()
    client.force_login(world.a["team_member"])
    base = f"/projects/{world.project_a.public_id}"
    done = client.post(
        f"{base}/plan/tasks/{task.public_id}/files/", {"file": SimpleUploadedFile("spec.pdf", PDF)}
    )
    assert done.status_code == 302 and done["Location"].endswith("#files")
    made = PlanFile.objects.get()
    page = client.get(f"{base}/plan/tasks/{task.public_id}/")
    assert b"spec.pdf" in page.content
    got = client.get(f"{base}/plan/files/{made.public_id}/")
    assert got.status_code == 200 and b"".join(got.streaming_content) == PDF
    assert (
        got["Content-Disposition"].startswith("attachment")
        and got["X-Content-Type-Options"] == "nosniff"
    )
    empty = client.post(f"{base}/scope/deliverables/{deliverable.public_id}/files/", {})
    assert (
        empty.status_code == 302 and not PlanFile.objects.filter(deliverable=deliverable).exists()
    )
    outsider = Client()
    outsider.force_login(world.b["project_manager"])
    assert outsider.get(f"{base}/plan/files/{made.public_id}/").status_code == 404
    # B's own project URL with A's file: not found either.
    b_base = f"/projects/{world.project_b.public_id}"
    assert outsider.get(f"{b_base}/plan/files/{made.public_id}/").status_code == 404
    removed = client.post(f"{base}/plan/files/{made.public_id}/delete/", {"version": 1})
    assert removed.status_code == 302 and not PlanFile.objects.exists()


def test_removing_a_task_removes_its_files_after_commit(
    world, records, django_capture_on_commit_callbacks
):
    task, _ = records
    made = plan_file_create(
        who=world.a["team_member"], record=task, upload=SimpleUploadedFile("s.txt", b"ok")
    )
    storage, name = made.file.storage, made.file.name
    assert storage.exists(name)
    with django_capture_on_commit_callbacks(execute=True):
        wbs.task_delete(
            who=world.a["project_manager"], project=world.project_a, task=task, version=task.version
        )
    assert not PlanFile.objects.exists() and not storage.exists(name)
