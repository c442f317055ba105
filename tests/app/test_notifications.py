"""Notifications, e-mail preferences and comment threads with @mentions (issue 12 item 8)."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from keystage.core.errors import Forbidden, InvalidInput, NotFound
from keystage.core.models import AuditEntry
from keystage.notifications import comments, services
from keystage.notifications.models import Comment, Notification, NotificationKind
from keystage.notifications.tasks import send_notification_email
from keystage.notifications.threads import resolve_record
from keystage.planning.services import scope, wbs

pytestmark = pytest.mark.django_db


@pytest.fixture
def task_a(world):
    return wbs.task_create(
        who=world.a["project_manager"], project=world.project_a, data={"name": "Design"}
    )


@pytest.fixture
def task_b(world):
    return wbs.task_create(
        who=world.b["project_manager"], project=world.project_b, data={"name": "B secret"}
    )


def _post(world, who, task, body):
    record = resolve_record(world.project_a, "task", task.public_id)
    return comments.comment_create(
        who=who, project=world.project_a, record=record, data={"body": body}
    )


def _jobs():
    from django_tasks_db.models import DBTaskResult

    return list(DBTaskResult.objects.values_list("args_kwargs", flat=True))


# ------------------------------------------------------------------ notify & e-mail


def test_notify_creates_one_per_recipient_and_queues_mail_after_commit(
    world, django_capture_on_commit_callbacks
):
    dev, pm = world.a["team_member"], world.a["project_manager"]
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        made = services.notify(
            [dev, dev, pm, None],
            kind="assigned",
            project=world.project_a,
            text="Hi",
            url="/x/",
            actor=pm,
        )
    assert [n.recipient for n in made] == [dev]  # once, and never the actor
    assert len(callbacks) == 1
    assert mail.outbox == []  # nothing is sent inline: a background job does it
    jobs = _jobs()
    assert len(jobs) == 1 and str(made[0].public_id) in str(jobs[0])
    assert send_notification_email.call(str(made[0].public_id)) == 1
    assert mail.outbox[0].to == [dev.email]
    assert "[PRJ-A] Hi" in mail.outbox[0].subject
    assert "http://127.0.0.1:8000/x/" in mail.outbox[0].body


def test_email_preference_is_honoured_per_kind(world, django_capture_on_commit_callbacks):
    dev = world.a["team_member"]
    services.preferences_save(who=dev, email={"mentioned": False})
    assert services.preferences_of(dev) == {
        "assigned": True,
        "timesheet_decided": True,
        "predecessor_finished": True,
        "mentioned": False,
        "kpi_alert": True,
        "project_reopened": True,
        "proposal_decided": True,
        "status_report": True,
        "final_report": True,
        "issue_escalated": True,
        "change_to_decide": True,
        "change_decided": True,
        "risk_owned": True,
        "issue_owned": True,
        "deliverable_signed_off": True,
    }
    with django_capture_on_commit_callbacks(execute=True):
        quiet = services.notify([dev], kind="mentioned", text="Psst")
        loud = services.notify([dev], kind="assigned", text="Work")
    assert len(_jobs()) == 1  # only the assigned one is mailed
    assert Notification.objects.filter(recipient=dev).count() == 2  # both shown in-app
    # Turned off after queueing: the job checks again and sends nothing.
    services.preferences_save(who=dev, email={"assigned": False})
    assert send_notification_email.call(str(loud[0].public_id)) == 0
    assert send_notification_email.call(str(quiet[0].public_id)) == 0
    assert mail.outbox == []


def test_preferences_refuse_unknown_kinds_and_non_booleans(world):
    dev = world.a["team_member"]
    with pytest.raises(InvalidInput) as exc:
        services.preferences_save(who=dev, email={"spam": True, "assigned": "yes"})
    assert set(exc.value.errors) == {"spam"}
    with pytest.raises(InvalidInput) as exc:
        services.preferences_save(who=dev, email={"assigned": "yes"})
    assert set(exc.value.errors) == {"assigned"}


def test_mark_read_only_ones_own(world):
    dev, other = world.a["team_member"], world.b["team_member"]
    (mine,) = services.notify([dev], kind="assigned", text="Mine")
    with pytest.raises(NotFound):
        services.mark_read(who=other, notification_id=mine.public_id)
    assert services.mark_read(who=dev, notification_id=mine.public_id).read_at is not None
    services.notify([dev, dev], kind="assigned", text="Two")
    services.notify([other], kind="assigned", text="Other's")
    assert services.mark_all_read(who=dev) == 1
    assert Notification.objects.filter(recipient=other, read_at__isnull=True).count() == 1


def test_assigning_someone_tells_them(world, task_a):
    from keystage.staffing import services as staffing

    pm, dev = world.a["project_manager"], world.a["team_member"]
    staffing.assignment_create(
        who=pm, project=world.project_a, task=task_a, data={"person": "dev_a"}
    )
    (note,) = Notification.objects.filter(recipient=dev)
    assert note.kind == NotificationKind.ASSIGNED and note.project == world.project_a
    assert "Design" in note.text and note.url.endswith(f"/plan/tasks/{task_a.public_id}/")
    assert not Notification.objects.exclude(recipient=dev).exists()


# ------------------------------------------------------------------ comments


def test_mention_of_a_member_notifies_them_and_of_a_non_member_nobody(world, task_a):
    dev, viewer = world.a["team_member"], world.a["stakeholder"]
    _post(world, dev, task_a, "@viewer_a please look; cc @dev_b @outsider @nobody @dev_a")
    notes = list(Notification.objects.all())
    assert [n.recipient for n in notes] == [viewer]  # dev_b/outsider aren't members, dev_a wrote it
    assert notes[0].kind == "mentioned" and "Design" in notes[0].text


def test_mention_by_email_local_part(world, task_a):
    viewer = world.a["stakeholder"]
    viewer.email = "v.iewer@corp.test"
    viewer.save()
    _post(world, world.a["team_member"], task_a, "Thanks @V.iewer.")
    assert Notification.objects.get().recipient == viewer


def test_comment_is_journaled_versioned_and_editable_by_its_author_only(world, task_a):
    dev, pm, viewer = world.a["team_member"], world.a["project_manager"], world.a["stakeholder"]
    comment = _post(world, dev, task_a, "First")
    record = resolve_record(world.project_a, "task", task_a.public_id)
    assert AuditEntry.objects.filter(summary="Commented on task 'Design'").exists()
    with pytest.raises(Forbidden):
        comments.comment_update(
            who=pm, record=record, comment=comment, version=1, changes={"body": "x"}
        )
    edited = comments.comment_update(
        who=dev, record=record, comment=comment, version=1, changes={"body": "Now @viewer_a"}
    )
    assert (edited.body, edited.version, edited.edited) == ("Now @viewer_a", 2, True)
    assert Notification.objects.get().recipient == viewer  # newly mentioned on edit
    from keystage.core.errors import Conflict

    with pytest.raises(Conflict):
        comments.comment_update(
            who=dev, record=record, comment=comment, version=1, changes={"body": "y"}
        )
    with pytest.raises(Forbidden):  # a stakeholder cannot remove someone else's comment
        comments.comment_delete(who=viewer, record=record, comment=comment, version=2)
    comments.comment_delete(who=pm, record=record, comment=comment, version=2)  # PM moderates
    assert not Comment.objects.exists()


def test_stakeholder_reads_but_cannot_comment(world, task_a):
    with pytest.raises(Forbidden):
        _post(world, world.a["stakeholder"], task_a, "hello")
    with pytest.raises(InvalidInput) as exc:
        _post(world, world.a["team_member"], task_a, "   ")
    assert "body" in exc.value.errors


def test_thread_of_another_projects_record_is_not_found(world, task_b):
    with pytest.raises(NotFound):
        resolve_record(world.project_a, "task", task_b.public_id)


# ------------------------------------------------------------------ API


def test_comment_api_round_trip_and_bad_input(world, api, task_a):
    dev = api(world.a["team_member"])
    url = f"/api/v1/projects/{world.project_a.public_id}/comments/"
    key = f"?record=task:{task_a.public_id}"
    made = dev.post(url + key, {"body": "Hello @pm_a"}, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["record"] == f"task:{task_a.public_id}"
    assert made.json()["author"] == "dev_a"
    listed = dev.get(url + key).json()
    assert [c["body"] for c in listed] == ["Hello @pm_a"]
    assert dev.post(url + key, {"body": ""}, format="json").status_code == 400
    assert dev.post(url + key, {"body": "x" * 4001}, format="json").status_code == 400
    bad = dev.get(url + "?record=goat:1")
    assert bad.status_code == 400 and "record" in bad.json()["errors"]
    assert dev.get(url).status_code == 400
    detail = f"{url}{made.json()['id']}/"
    assert dev.patch(detail, {"body": "Edited"}, format="json").status_code == 428
    edited = dev.patch(detail, {"body": "Edited", "version": 1}, format="json")
    assert edited.status_code == 200 and edited.json()["edited"] is True
    assert dev.patch(detail, {"body": "Again", "version": 1}, format="json").status_code == 409
    assert dev.delete(detail + "?version=2").status_code == 204
    pm_mail = Notification.objects.get(recipient=world.a["project_manager"])
    assert pm_mail.kind == "mentioned"


def test_member_of_a_cannot_read_bs_comments_or_notifications(world, api, task_b):
    pm_b = world.b["project_manager"]
    record = resolve_record(world.project_b, "task", task_b.public_id)
    comment = comments.comment_create(
        who=pm_b, project=world.project_b, record=record, data={"body": "B secret @dev_b"}
    )
    dev_a = api(world.a["team_member"])
    b_url = f"/api/v1/projects/{world.project_b.public_id}/comments/"
    assert dev_a.get(f"{b_url}?record=task:{task_b.public_id}").status_code == 404
    assert dev_a.get(f"{b_url}{comment.public_id}/").status_code == 404
    # Through project A with B's record id: the record is not A's.
    a_url = f"/api/v1/projects/{world.project_a.public_id}/comments/"
    through_a = dev_a.get(f"{a_url}?record=task:{task_b.public_id}")
    assert through_a.status_code == 404 and b"B secret" not in through_a.content
    assert dev_a.post(f"{a_url}?record=task:{task_b.public_id}", {"body": "x"}).status_code == 404
    # dev_b's notification is invisible to dev_a.
    note = Notification.objects.get(recipient=world.b["team_member"])
    assert dev_a.post(f"/api/v1/notifications/{note.public_id}/read/").status_code == 404
    assert dev_a.get("/api/v1/notifications/").json() == []


def test_notifications_api_lists_and_marks_read(world, api):
    dev = world.a["team_member"]
    services.notify([dev], kind="assigned", project=world.project_a, text="One")
    services.notify([dev], kind="mentioned", project=world.project_a, text="Two")
    client = api(dev)
    listed = client.get("/api/v1/notifications/")
    assert [n["text"] for n in listed.json()] == ["Two", "One"]
    assert listed["X-Unread-Count"] == "2"
    first = listed.json()[0]["id"]
    assert client.post(f"/api/v1/notifications/{first}/read/").json()["read"] is True
    assert [n["text"] for n in client.get("/api/v1/notifications/?unread=true").json()] == ["One"]
    assert client.get("/api/v1/notifications/?unread=1").status_code == 400
    assert client.post("/api/v1/notifications/read-all/").json() == {"marked": 1}
    prefs = client.put("/api/v1/notifications/preferences/", {"mentioned": False}, format="json")
    assert prefs.status_code == 200 and prefs.json()["mentioned"] is False
    for wrong in ("maybe", 0, 1, None):
        bad = client.put("/api/v1/notifications/preferences/", {"mentioned": wrong}, format="json")
        assert bad.status_code == 400, wrong


# ------------------------------------------------------------------ pages


def _login(user):
    client = Client()
    client.force_login(user)
    return client


def test_comment_bodies_are_escaped_on_the_page(world, task_a):
    _post(world, world.a["team_member"], task_a, "<script>alert(1)</script> **bold** @pm_a\nline")
    page = _login(world.a["stakeholder"]).get(
        f"/projects/{world.project_a.public_id}/plan/tasks/{task_a.public_id}/"
    )
    html = page.content.decode()
    assert page.status_code == 200
    assert "<script>alert(1)</script>" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<strong>bold</strong>" in html and '<span class="mention">@pm_a</span>' in html
    assert "Post comment" not in html  # a stakeholder reads only


def test_posting_a_comment_on_a_deliverable_page_and_a_bad_one(world):
    pm, dev = world.a["project_manager"], world.a["team_member"]
    d = scope.deliverable_create(
        who=pm, project=world.project_a, data={"name": "Spec", "acceptance_criteria": "Signed"}
    )
    client = _login(dev)
    thread = f"/projects/{world.project_a.public_id}/threads/deliverable/{d.public_id}/"
    done = client.post(thread, {"body": "Draft is up, @pm_a"})
    assert done.status_code == 302 and done["Location"].endswith("/page/#comments")
    assert Notification.objects.get(recipient=pm).url.endswith(f"/deliverables/{d.public_id}/page/")
    bad = client.post(thread, {"body": ""}, HTTP_HX_REQUEST="true")
    assert bad.status_code == 400 and b"This field is required" in bad.content
    page = client.get(
        f"/projects/{world.project_a.public_id}/scope/deliverables/{d.public_id}/page/"
    )
    assert b"Draft is up" in page.content


def test_bell_shows_the_unread_count_and_the_list_marks_read(world):
    dev = world.a["team_member"]
    services.notify([dev], kind="assigned", project=world.project_a, text="Do it", url="/")
    client = _login(dev)
    page = client.get("/notifications/")
    assert b'id="bell-count">1<' in page.content and b"Do it" in page.content
    note = Notification.objects.get()
    opened = client.post(f"/notifications/{note.public_id}/open/", {"go": "1"})
    assert opened.status_code == 302 and opened["Location"] == "/"
    assert b'id="bell-count"' not in client.get("/notifications/").content
    saved = client.post("/notifications/settings/", {"assigned": "on"})
    assert saved.status_code == 302
    assert services.preferences_of(dev)["mentioned"] is False
