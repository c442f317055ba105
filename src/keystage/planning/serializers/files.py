"""Files on tasks and deliverables, as the API shows them."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.planning.models import Deliverable, PlanFile, Task


class PlanFileSerializer(serializers.ModelSerializer[PlanFile]):
    """A file on a task or deliverable; download it from ``download``."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    uploaded_by = UserBriefSerializer(read_only=True, allow_null=True)
    download = serializers.SerializerMethodField()

    class Meta:
        model = PlanFile
        fields = [
            "id",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            "created_at",
            "version",
            "download",
        ]
        read_only_fields = fields

    def get_download(self, obj: PlanFile) -> str:
        """The API path that sends the file (with access checked)."""
        record: Task | Deliverable | None = obj.task
        holder, kwarg = "task", "task_id"
        if obj.task_id is None:
            record, holder, kwarg = obj.deliverable, "deliverable", "deliverable_id"
        return reverse(
            f"api:planning-{holder}-file-download",
            kwargs={
                "project_id": obj.project.public_id,
                kwarg: record.public_id,  # type: ignore[union-attr]
                "plan_file_id": obj.public_id,
            },
        )


class PlanFileUploadSerializer(serializers.Serializer[Any]):
    """A file sent as multipart/form-data (at most 20 MB by default)."""

    file = serializers.FileField(allow_empty_file=True, use_url=False)
