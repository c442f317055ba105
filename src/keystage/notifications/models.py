"""Notifications, per-kind e-mail preferences, and comments on a project's records."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from keystage.core.fields import long_text
from keystage.core.models import BaseModel
from keystage.portfolio.models import Project

COMMENT_MAX = 4000


class NotificationKind(models.TextChoices):
    """Why someone is told; each user turns e-mail on or off per kind."""

    ASSIGNED = "assigned", "I am assigned to a task"
    TIMESHEET_DECIDED = "timesheet_decided", "My timesheet is approved or rejected"
    PREDECESSOR_FINISHED = "predecessor_finished", "A task I depend on finishes"
    MENTIONED = "mentioned", "Someone @mentions me"
    KPI_ALERT = "kpi_alert", "A KPI of my project turns amber or red"
    PROJECT_REOPENED = "project_reopened", "A closed project I am on is reopened"
    PROPOSAL_DECIDED = "proposal_decided", "The PMO decides on a project proposal of mine"
    STATUS_REPORT = "status_report", "A status report of my project is issued"
    FINAL_REPORT = "final_report", "The final report of my project is issued"
    ISSUE_ESCALATED = "issue_escalated", "An issue of a project I sponsor is escalated to me"
    CHANGE_TO_DECIDE = "change_to_decide", "A change request of a project I sponsor awaits me"
    CHANGE_DECIDED = "change_decided", "A change request I raised is approved or rejected"
    RISK_OWNED = "risk_owned", "A risk is assigned to me"
    ISSUE_OWNED = "issue_owned", "An issue is assigned to me"
    DELIVERABLE_SIGNED_OFF = (
        "deliverable_signed_off",
        "A deliverable of a project I manage is signed off",
    )


class Notification(BaseModel):
    """One message to one person; unread until ``read_at`` is set."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    text = models.CharField(max_length=500)
    url = models.CharField(max_length=500, blank=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notif_recipient_unread")]

    def __str__(self) -> str:
        return self.text


class EmailPreference(models.Model):
    """Whether a person wants e-mail for one kind (no row: yes)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="email_preferences"
    )
    kind = models.CharField(max_length=30, choices=NotificationKind.choices)
    email = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="email_preference_once")
        ]

    def __str__(self) -> str:
        return f"{self.kind}: {'e-mail' if self.email else 'no e-mail'}"


class Comment(BaseModel):
    """A comment in the thread of one record of a project (keyed by kind and public id,
    so any app's records — tasks, deliverables, later risks and issues — share it)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="comments")
    record_kind = models.CharField(max_length=40)
    record_id = models.UUIDField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    body = long_text(COMMENT_MAX, blank=False)
    edited = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["project", "record_kind", "record_id"], name="comment_thread")
        ]

    def __str__(self) -> str:
        return self.body[:60]
