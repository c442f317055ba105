"""The support handover: who runs the system after the project, how, and its checklist.

One ``Handover`` per project (the support team, model, hours, runbooks; the project's open
defects from quality's register, frozen into ``handed_defects`` at the sign-off) with its
checklist items (``HandoverItem``) and files (``ClosingFile`` with topic *handover*). The
receiving support lead signs it off; once signed it is immutable.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models

from keystage.core.fields import long_text
from keystage.core.models import AttachedFile, BaseModel
from keystage.portfolio.models import Project


class SupportModel(models.TextChoices):
    """How the system is supported after the project."""

    SERVICE_DESK = "service_desk", "In-house service desk"
    DEDICATED_TEAM = "dedicated_team", "Dedicated product team"
    EXTERNAL = "external", "External provider"
    VENDOR = "vendor", "Vendor support"
    HYBRID = "hybrid", "Hybrid (in-house first line, external second line)"


class Handover(BaseModel):
    """The project's handover to support (one per project)."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="handover")
    support_lead = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text="The receiving support lead, who signs the handover off (a project member).",
    )
    support_team = long_text(2000, help_text="The people who support it, one per line.")
    support_group = models.CharField(
        max_length=200, blank=True, help_text="An external group or provider, by name."
    )
    support_contact = models.CharField(
        max_length=200, blank=True, help_text="How to reach the support team (mail, phone, queue)."
    )
    support_model = models.CharField(
        max_length=20, choices=SupportModel.choices, default=SupportModel.SERVICE_DESK
    )
    support_hours = models.CharField(
        max_length=200, blank=True, help_text="e.g. Mon–Fri 08:00–18:00 CET, P1 24/7."
    )
    runbook_links = long_text(4000, help_text="Runbooks and documentation, one link per line.")
    handed_defects = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The open defects (DEF-n) handed over, frozen at the sign-off: "
        "id, key, title, severity, status, deliverable, owner.",
    )
    notes = long_text(4000)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    signed_at = models.DateTimeField(null=True, blank=True)
    sign_comment = long_text(2000)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(signed_by__isnull=True, signed_at__isnull=True)
                | models.Q(signed_by__isnull=False, signed_at__isnull=False),
                name="handover_signed_by_and_at",
            ),
        ]

    def __str__(self) -> str:
        return f"Handover of {self.project.code}"

    @property
    def signed(self) -> bool:
        """Signed off by the receiving support lead (then immutable)."""
        return self.signed_at is not None

    @property
    def links(self) -> list[str]:
        """The runbook links, one per line."""
        return [line.strip() for line in self.runbook_links.splitlines() if line.strip()]

    @property
    def team(self) -> list[str]:
        """The support team's people, one per line."""
        return [line.strip() for line in self.support_team.splitlines() if line.strip()]


class HandoverItem(BaseModel):
    """One line of the handover checklist: done or not yet."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="handover_items")
    title = models.CharField(max_length=300)
    done = models.BooleanField(default=False)
    note = long_text(2000)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class FileTopic(models.TextChoices):
    """What a closing file belongs to."""

    HANDOVER = "handover", "Handover (runbooks, documentation)"
    TRAINING = "training", "Training materials"


def _closing_file_path(instance: ClosingFile, filename: str) -> str:
    import uuid

    return f"closing/{instance.project.public_id}/{uuid.uuid4().hex}"


class ClosingFile(AttachedFile):
    """A runbook, a document or training material attached to the project's closing file."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="closing_files")
    topic = models.CharField(max_length=20, choices=FileTopic.choices)
    session = models.ForeignKey(
        "closing.TrainingSession",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="files",
    )
    file = models.FileField(upload_to=_closing_file_path, max_length=200)

    class Meta:
        ordering = ["created_at", "pk"]
