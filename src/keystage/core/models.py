"""The base model every editable record extends, and the audit journal."""

from __future__ import annotations

import uuid
from collections.abc import Collection
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models

from keystage.core.dates import date_errors


class BaseModel(models.Model):
    """UUID public id, timestamps, and a version for optimistic locking."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    def clean_fields(self, exclude: Collection[str] | None = None) -> None:
        """Field validation plus the one rule for dates (:mod:`keystage.core.dates`)."""
        excluded = set(exclude or ())
        errors: dict[str, list[Any]] = {}
        try:
            super().clean_fields(exclude=exclude)
        except ValidationError as exc:
            errors = dict(exc.error_dict)
            excluded |= set(errors)
        for field, messages in date_errors(self, excluded).items():
            errors[field] = [ValidationError(m, code="implausible_date") for m in messages]
        if errors:
            raise ValidationError(errors)


class AttachedFile(BaseModel):
    """What every attached file keeps beside its stored ``file`` (which each subclass
    declares with its own folder): the sanitised original name, the content type we
    serve it with, size, SHA-256 and uploader (``core.files`` fills them)."""

    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.original_name


class AuditAction(models.TextChoices):
    """What kind of change an audit entry records."""

    CREATE = "create", "Created"
    UPDATE = "update", "Updated"
    DELETE = "delete", "Deleted"
    GATE = "gate", "Gate decision"


class AuditEntry(models.Model):
    """One change, written in the same transaction as the change itself.

    Entries are append-only: no service updates or deletes them.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    project = models.ForeignKey(
        "portfolio.Project", null=True, on_delete=models.PROTECT, related_name="audit_entries"
    )
    object_type = models.CharField(max_length=60)
    object_id = models.UUIDField()
    object_label = models.CharField(max_length=300, blank=True)
    action = models.CharField(max_length=10, choices=AuditAction.choices)
    changes = models.JSONField(default=dict, blank=True)
    summary = models.CharField(max_length=500, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["project", "-at"]), models.Index(fields=["object_id"])]
        verbose_name_plural = "audit entries"

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type} {self.object_label}"
