"""Import reports and previews, as the API shows them."""

from __future__ import annotations

from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.interop.models import ImportReport
from keystage.portfolio.serializers import ProjectSerializer


class ImportReportSerializer(serializers.ModelSerializer[ImportReport]):
    """One import: source file, who and when, counts per kind and every loss."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    imported_by = UserBriefSerializer(read_only=True, allow_null=True)

    class Meta:
        model = ImportReport
        fields = [
            "id",
            "status",
            "title",
            "file_name",
            "file_format",
            "file_size",
            "sha256",
            "imported_by",
            "imported_at",
            "counts",
            "losses",
            "dates_equal_percent",
        ]
        read_only_fields = fields


class NewProjectUploadSerializer(serializers.Serializer[None]):
    """The multipart upload that opens a new project: the plan file, its name and code."""

    file = serializers.FileField(help_text="The plan file (at most 50 MB).")
    format = serializers.CharField(
        required=False, help_text="mspdi, toml, mpp, xer, … (default: from the file name)."
    )
    name = serializers.CharField(
        required=False, max_length=200, help_text="Default: the project title in the file."
    )
    code = serializers.CharField(
        required=False, max_length=20, help_text="Default: made of the name, e.g. ERP-CLOUD."
    )


class ImportUploadSerializer(serializers.Serializer[None]):
    """The multipart upload: the plan file and, optionally, its format."""

    file = serializers.FileField(help_text="The plan file (at most 50 MB).")
    format = serializers.CharField(
        required=False, help_text="mspdi, toml, mpp, xer, … (default: from the file name)."
    )


class LossSerializer(serializers.Serializer[None]):
    """Something the file holds that Keystage cannot represent."""

    where = serializers.CharField()
    what = serializers.CharField()


class PreviewTaskSerializer(serializers.Serializer[None]):
    """A task as it would be created."""

    wbs = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    duration_minutes = serializers.IntegerField()
    constraint = serializers.CharField()
    constraint_date = serializers.DateField(allow_null=True)
    percent_complete = serializers.IntegerField()
    predecessors = serializers.IntegerField()


class ImportPreviewSerializer(serializers.Serializer[None]):
    """What an import would create (the first 500 tasks) and every loss; nothing written."""

    title = serializers.CharField()
    format = serializers.CharField()
    start = serializers.DateField()
    calendar = serializers.DictField(child=serializers.CharField())
    counts = serializers.DictField(child=serializers.IntegerField())
    tasks = PreviewTaskSerializer(many=True)
    resources = serializers.ListField(child=serializers.DictField())
    losses = LossSerializer(many=True)
    error = serializers.CharField(allow_blank=True)


class NewProjectSerializer(serializers.Serializer[None]):
    """The project an import would open."""

    name = serializers.CharField()
    code = serializers.CharField()
    start_date = serializers.DateField()
    target_date = serializers.DateField()


class NewProjectPreviewSerializer(ImportPreviewSerializer):
    """What an import into a new project would create; nothing written."""

    project = NewProjectSerializer()


class NewProjectImportSerializer(serializers.Serializer[None]):
    """The project opened by an import, and the import's report."""

    project = ProjectSerializer()
    report = ImportReportSerializer()
