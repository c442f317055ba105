"""Stage 5: the support handover with its sign-off, and the end-user training (HTTP)."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from keystage.closing.models import ClosingFile, Handover, HandoverItem, TrainingAttendance
from keystage.core.models import AuditEntry
from keystage.portfolio.gate_checks import gate_checklist
from keystage.portfolio.models import Project

pytestmark = pytest.mark.django_db


def _closing(project: Project) -> Project:
    Project.objects.filter(pk=project.pk).update(stage="closing")
    return Project.objects.get(pk=project.pk)


def _base(project: Project) -> str:
    return f"/api/v1/projects/{project.public_id}/"


def test_handover_signed_only_by_the_support_lead_once_the_checklist_is_done(world, api):
    project = _closing(world.project_a)
    pm, lead = api(world.a["project_manager"]), world.a["stakeholder"]
    base = _base(project)
    # The support lead must be a member; links must be links.
    bad = pm.put(
        base + "handover/",
        {"support_lead": "outsider", "runbook_links": "not a link"},
        format="json",
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"support_lead", "runbook_links"}
    assert not Handover.objects.exists()
    made = pm.put(
        base + "handover/",
        {
            "support_lead": lead.username,
            "support_group": "Service desk",
            "support_model": "external",
            "runbook_links": "https://wiki.example/runbook",
        },
        format="json",
    )
    assert made.status_code == 200, made.json()
    assert made.json()["support_lead"] == lead.username and made.json()["signed"] is False
    assert pm.put(base + "handover/", {"notes": "x"}, format="json").status_code == 428
    item = pm.post(base + "handover-items/", {"title": "Access granted"}, format="json").json()
    pm.post(base + "handover-items/", {"title": "Runbook read", "done": True}, format="json")
    # Nobody but the support lead signs: not the PM, not the sponsor, not an admin.
    for who in (world.a["project_manager"], world.a["sponsor"], world.admin):
        refused = api(who).post(base + "handover/sign/", {"version": 1}, format="json")
        assert refused.status_code == 403, who
        assert "Only the receiving support lead" in refused.json()["detail"]
    # The lead cannot sign while an item is open; then ticks it (as PM) and signs.
    open_item = api(lead).post(base + "handover/sign/", {"version": 1}, format="json")
    assert open_item.status_code == 400 and "Access granted" in str(open_item.json())
    pm.patch(base + f"handover-items/{item['id']}/", {"done": True, "version": 1}, format="json")
    assert api(lead).post(base + "handover/sign/", {"version": 7}, format="json").status_code == 409
    signed = api(lead).post(
        base + "handover/sign/", {"version": 1, "comment": "Taken over"}, format="json"
    )
    assert signed.status_code == 200, signed.json()
    assert signed.json()["signed_by"] == lead.username and signed.json()["signed"] is True
    assert (
        AuditEntry.objects.filter(summary__startswith="Signed off the support handover").count()
        == 1
    )
    # Immutable once signed: details, items, files, a second signature.
    before = list(HandoverItem.objects.values_list("pk", "version", "done"))
    assert (
        pm.put(base + "handover/", {"notes": "x", "version": 2}, format="json").status_code == 400
    )
    assert pm.post(base + "handover-items/", {"title": "Late"}, format="json").status_code == 400
    assert (
        pm.delete(base + f"handover-items/{item['id']}/", {"version": 2}, format="json").status_code
        == 400
    )
    upload = SimpleUploadedFile("runbook.txt", b"steps")
    late_file = pm.post(
        base + "closing-files/", {"file": upload, "topic": "handover"}, format="multipart"
    )
    assert late_file.status_code == 400
    again = api(lead).post(base + "handover/sign/", {"version": 2}, format="json")
    assert again.status_code == 400
    assert list(HandoverItem.objects.values_list("pk", "version", "done")) == before
    items = {i.key: i for i in gate_checklist(project)}
    assert items["handover"].done and "signed by" in items["handover"].detail


def test_handover_pages_show_the_sign_off_to_the_lead_only(world):
    from keystage.closing.handover.services import HANDOVER_ITEMS, handover_save

    project = _closing(world.project_a)
    lead = world.a["stakeholder"]
    handover_save(
        who=world.a["project_manager"], project=project, version=None, data={"support_lead": lead}
    )
    HANDOVER_ITEMS.create(
        who=world.a["project_manager"], project=project, data={"title": "Keys", "done": True}
    )
    url = f"/projects/{project.public_id}/handover/"
    pm = Client()
    pm.force_login(world.a["project_manager"])
    page = pm.get(url)
    assert page.status_code == 200 and b'id="sign-off"' not in page.content
    forged = pm.post(url + "sign/", {"version": 1})
    assert forged.status_code == 403 and not Handover.objects.get().signed
    client = Client()
    client.force_login(lead)
    assert b'id="sign-off"' in client.get(url).content
    done = client.post(url + "sign/", {"version": 1, "comment": "ok"})
    assert done.status_code == 302 and Handover.objects.get().signed
    assert b"Signed off" in client.get(url).content


def test_training_attendance_and_completion(world, api, django_capture_on_commit_callbacks):
    project = _closing(world.project_a)
    pm = api(world.a["project_manager"])
    base = _base(project)
    assert pm.put(base + "training/", {"users_to_train": 0}, format="json").status_code == 400
    assert pm.put(base + "training/", {"users_to_train": 4}, format="json").status_code == 200
    session = pm.post(
        base + "training-sessions/",
        {
            "title": "Dashboards",
            "audience": "Sales",
            "session_date": "2027-05-03",
            "trainer": "Elena",
            "invited": 3,
            "materials_link": "https://wiki.example/training",
        },
        format="json",
    ).json()
    attendance = base + f"training-sessions/{session['id']}/attendance/"
    # More attendees than people invited, a repeat, an unknown person: refused, nothing kept.
    for body in (
        {"names": ["A", "B", "C", "D"]},
        {"names": ["Ann", "ann "]},
        {"people": ["nobody_here"]},
        {"names": ["x" * 201]},
    ):
        refused = pm.put(attendance, {**body, "version": 1}, format="json")
        assert refused.status_code == 400, body
    assert not TrainingAttendance.objects.exists()
    saved = pm.put(
        attendance,
        {"names": ["Ann", "Bob"], "people": [world.a["team_member"].username], "version": 1},
        format="json",
    )
    assert saved.status_code == 200 and saved.json()["attended"] == 3
    assert pm.put(attendance, {"names": ["Ann"], "version": 1}, format="json").status_code == 409
    # The session's invited count cannot drop below those who came.
    shrink = pm.patch(
        base + f"training-sessions/{session['id']}/", {"invited": 2, "version": 2}, format="json"
    )
    assert shrink.status_code == 400 and "invited" in shrink.json()["errors"]
    rate = pm.get(base + "training/").json()["completion"]
    assert (rate["target"], rate["trained"], rate["percent"]) == (4, 3, 75)
    # A list of names counts instead of the number: Ann and Bob of three listed.
    plan = pm.put(
        base + "training/", {"trainees": "Ann\nBob\nCarla", "version": 1}, format="json"
    ).json()
    assert plan["completion"]["target"] == 3 and plan["completion"]["untrained"] == ["Carla"]
    item = {i.key: i for i in gate_checklist(project)}["training"]
    assert item.done and "2 people trained of 3 (67 %)" in item.detail
    page = Client()
    page.force_login(world.a["team_member"])
    body = page.get(f"/projects/{project.public_id}/training/").content.decode()
    assert "67 %" in body and "Carla" in body and "3 / 3" in body
    # A session's materials: attached, downloaded by a reader, gone with the session.
    upload = SimpleUploadedFile("slides.pdf", b"%PDF-1.4 slides")
    attached = pm.post(
        base + "closing-files/",
        {"file": upload, "topic": "training", "session": session["id"]},
        format="multipart",
    )
    assert attached.status_code == 201, attached.json()
    stored = ClosingFile.objects.get()
    download = api(world.a["stakeholder"]).get(base + f"closing-files/{attached.json()['id']}/")
    assert download.status_code == 200 and download["Content-Type"] == "application/pdf"
    with django_capture_on_commit_callbacks(execute=True):
        gone = pm.delete(
            base + f"training-sessions/{session['id']}/", {"version": 2}, format="json"
        )
    assert gone.status_code == 204
    assert not ClosingFile.objects.exists() and not stored.file.storage.exists(stored.file.name)


def _defect(project: Project, number: int, title: str, severity: str, status: str) -> Any:
    from keystage.quality.models import Defect

    return Defect.objects.create(
        project=project, number=number, title=title, severity=severity, status=status
    )


def test_handover_hands_over_the_open_defects_of_the_register_and_freezes_them(world, api):
    project = _closing(world.project_a)
    pm, lead = api(world.a["project_manager"]), world.a["stakeholder"]
    base = _base(project)
    _defect(project, 1, "Slow export", "minor", "open")
    _defect(project, 2, "Login loop", "critical", "in_progress")
    _defect(project, 3, "Typo on the title", "trivial", "closed")  # done: not handed over
    made = pm.put(base + "handover/", {"support_lead": lead.username}, format="json")
    assert made.status_code == 200, made.json()
    # Free text is gone: the defects are the register's open ones, worst first.
    shown = made.json()["open_defects"]
    assert [(d["key"], d["severity"], d["status_label"]) for d in shown] == [
        ("DEF-2", "critical", "In progress"),
        ("DEF-1", "minor", "Open"),
    ]
    page = Client()
    page.force_login(world.a["project_manager"])
    html = page.get(f"/projects/{project.public_id}/handover/").content.decode()
    assert 'data-defect="DEF-2"' in html and "Critical" in html and "Typo on the title" not in html
    pm.post(base + "handover-items/", {"title": "Runbook read", "done": True}, format="json")
    signed = api(lead).post(base + "handover/sign/", {"version": 1}, format="json")
    assert signed.status_code == 200, signed.json()
    # Frozen at the sign-off: a later fix or a new defect does not change what was handed over.
    from keystage.quality.models import Defect

    Defect.objects.filter(number=2).update(status="verified")
    _defect(project, 4, "Found after", "major", "open")
    after = pm.get(base + "handover/").json()["open_defects"]
    assert [(d["key"], d["status"]) for d in after] == [("DEF-2", "in_progress"), ("DEF-1", "open")]
    assert Handover.objects.get().handed_defects[0]["title"] == "Login loop"
    report = page.get(f"/projects/{project.public_id}/closing/final-report/").content.decode()
    assert "final-handed-defects" in report and "Login loop" in report and "Found after" in report


def test_the_support_lead_is_never_the_project_manager_who_prepared_the_handover(world, api):
    project = _closing(world.project_a)
    pm_user = world.a["project_manager"]
    pm = api(pm_user)
    base = _base(project)
    refused = pm.put(base + "handover/", {"support_lead": pm_user.username}, format="json")
    assert refused.status_code == 400
    assert "cannot be a project manager" in str(refused.json()["errors"]["support_lead"])
    assert not Handover.objects.exists()
    # Through the page as well: a field message, nothing written.
    page = Client()
    page.force_login(pm_user)
    url = f"/projects/{project.public_id}/handover/details/"
    form = page.get(url).content.decode()
    assert "support_lead" in form
    posted = page.post(url, {"support_lead": str(pm_user.pk), "support_model": "service_desk"})
    assert posted.status_code == 400 and "cannot be a project manager" in posted.content.decode()
    assert not Handover.objects.exists()
    # A member who becomes the project manager after being named cannot sign either.
    lead = world.a["team_member"]
    named = pm.put(base + "handover/", {"support_lead": lead.username}, format="json")
    assert named.status_code == 200
    pm.post(base + "handover-items/", {"title": "Access", "done": True}, format="json")
    from keystage.portfolio.models import ProjectMembership

    ProjectMembership.objects.filter(project=project, user=pm_user).update(role="team_member")
    ProjectMembership.objects.filter(project=project, user=lead).update(role="project_manager")
    refused = api(lead).post(base + "handover/sign/", {"version": 1}, format="json")
    assert refused.status_code == 400 and "support_lead" in refused.json()["errors"]
    assert not Handover.objects.get().signed
