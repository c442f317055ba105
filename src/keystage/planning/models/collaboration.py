"""Collaborative resources: links to repositories, documents, channels and meetings."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import URLValidator
from django.db import models
from django.db.models import Q

from keystage.core.models import BaseModel
from keystage.portfolio.models import Project
from keystage.resources.models.fields import long_text

web_url = URLValidator(
    schemes=["http", "https"], message="Enter a web address starting with http:// or https://."
)


class LinkKind(models.TextChoices):
    """What a link leads to."""

    REPOSITORY = "repository", "Repository"
    DOCUMENT = "document", "Document"
    CHANNEL = "channel", "Channel"
    MEETING = "meeting", "Meeting"
    OTHER = "other", "Other"


class CollaborationLink(BaseModel):
    """Where the team works together, and who looks after it."""

    project = models.ForeignKey(
        Project, on_delete=models.CASCADE, related_name="collaboration_links"
    )
    kind = models.CharField(max_length=20, choices=LinkKind.choices)
    title = models.CharField(max_length=200)
    url = models.CharField(
        "URL", max_length=500, validators=[web_url], help_text="http:// or https:// only."
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The project member who looks after it.",
    )
    notes = long_text(2000)
    schedule = models.CharField(
        max_length=200, blank=True, help_text="Meetings only, e.g. 'Weekly, Tue 10:00'."
    )

    class Meta:
        ordering = ["kind", "title", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=LinkKind.values), name="collaboration_link_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(schedule="") | Q(kind=LinkKind.MEETING),
                name="collaboration_link_schedule_meeting_only",
            ),
        ]

    def __str__(self) -> str:
        return self.title
