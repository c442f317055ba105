"""API shapes of the handover, the training and the review (the kits' records have theirs)."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from keystage.closing.handover.services import handed_defects
from keystage.closing.models import ClosingFile, FileTopic, Handover, Review, TrainingPlan
from keystage.closing.training.services import MAX_ATTENDEES

_STAMPS = ("version", "created_at", "updated_at")


class HandedDefectSerializer(serializers.Serializer[Any]):
    """One open defect handed over to support (a quality defect record)."""

    id = serializers.CharField(help_text="The defect's public id.")
    key = serializers.CharField(help_text="DEF-n within the project.")
    title = serializers.CharField()
    severity = serializers.CharField()
    severity_label = serializers.CharField()
    status = serializers.CharField()
    status_label = serializers.CharField()
    deliverable = serializers.CharField()
    owner = serializers.CharField()


class HandoverSerializer(serializers.ModelSerializer[Handover]):
    """The support handover; ``signed_by``/``signed_at`` once the support lead signed it."""

    support_lead: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    signed_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )
    signed = serializers.BooleanField(read_only=True)
    open_defects = serializers.SerializerMethodField(
        help_text="The open defects handed over (quality's DEF-n records, worst first): the "
        "project's open defects until the sign-off, then frozen as they were at it."
    )

    class Meta:
        model = Handover
        fields = [
            "support_lead",
            "support_team",
            "support_group",
            "support_contact",
            "support_model",
            "support_hours",
            "runbook_links",
            "open_defects",
            "notes",
            "signed",
            "signed_by",
            "signed_at",
            "sign_comment",
            *_STAMPS,
        ]
        read_only_fields = fields

    @extend_schema_field(HandedDefectSerializer(many=True))
    def get_open_defects(self, obj: Handover) -> list[dict[str, Any]]:
        """The defects handed over (frozen once signed)."""
        return handed_defects(obj, obj.project)


class HandoverWriteSerializer(serializers.ModelSerializer[Handover]):
    """Write the handover's details; ``version`` after the first write."""

    support_lead = serializers.CharField(
        max_length=150,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="The username of the receiving support lead (a member of the project).",
    )
    version = serializers.IntegerField(min_value=1, required=False)

    class Meta:
        model = Handover
        fields = [
            "support_lead",
            "support_team",
            "support_group",
            "support_contact",
            "support_model",
            "support_hours",
            "runbook_links",
            "notes",
            "version",
        ]


class SignSerializer(serializers.Serializer[Any]):
    """Sign the handover off at its ``version``, with an optional comment."""

    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False)


class ClosingFileSerializer(serializers.ModelSerializer[ClosingFile]):
    """A file of the handover or the training."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    session: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="public_id", read_only=True
    )
    uploaded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True
    )

    class Meta:
        model = ClosingFile
        fields = [
            "id",
            "topic",
            "session",
            "original_name",
            "content_type",
            "size",
            "sha256",
            "uploaded_by",
            *_STAMPS,
        ]
        read_only_fields = fields


class ClosingFileUploadSerializer(serializers.Serializer[Any]):
    """Multipart upload: the file, its topic, and for training materials the session."""

    file = serializers.FileField()
    topic = serializers.ChoiceField(choices=FileTopic.choices)
    session = serializers.UUIDField(required=False, allow_null=True)


class TrainingPlanWriteSerializer(serializers.ModelSerializer[TrainingPlan]):
    """Who must be trained: a number, or names one per line; ``version`` after the first."""

    version = serializers.IntegerField(min_value=1, required=False)

    class Meta:
        model = TrainingPlan
        fields = ["users_to_train", "trainees", "version"]


class CompletionSerializer(serializers.Serializer[Any]):
    """Trained people against the users to train."""

    target = serializers.IntegerField(allow_null=True)
    trained = serializers.IntegerField()
    attendances = serializers.IntegerField()
    sessions = serializers.IntegerField()
    percent = serializers.IntegerField(allow_null=True)
    from_list = serializers.BooleanField()
    untrained = serializers.ListField(child=serializers.CharField())


class TrainingSerializer(serializers.Serializer[Any]):
    """The training plan (null until set) and the completion rate."""

    users_to_train = serializers.IntegerField(allow_null=True)
    trainees = serializers.CharField()
    version = serializers.IntegerField(allow_null=True)
    completion = CompletionSerializer()


class AttendanceSerializer(serializers.Serializer[Any]):
    """Who attended a session: names (free text) and people (usernames)."""

    names = serializers.ListField(
        child=serializers.CharField(max_length=200, allow_blank=True),
        required=False,
        max_length=MAX_ATTENDEES,
    )
    people = serializers.ListField(
        child=serializers.CharField(max_length=150), required=False, max_length=MAX_ATTENDEES
    )
    version = serializers.IntegerField(min_value=1, required=False)


class AttendanceOutSerializer(serializers.Serializer[Any]):
    """A session's attendance."""

    session = serializers.UUIDField()
    invited = serializers.IntegerField()
    attended = serializers.IntegerField()
    names = serializers.ListField(child=serializers.CharField())
    people = serializers.ListField(child=serializers.CharField())
    version = serializers.IntegerField()


class ReviewSerializer(serializers.ModelSerializer[Review]):
    """The post-project review meeting."""

    class Meta:
        model = Review
        fields = [
            "held_on",
            "facilitator",
            "attendees",
            "went_well",
            "went_badly",
            "notes",
            *_STAMPS,
        ]
        read_only_fields = fields


class ReviewWriteSerializer(serializers.ModelSerializer[Review]):
    """Record the review; ``version`` after the first write."""

    version = serializers.IntegerField(min_value=1, required=False)

    class Meta:
        model = Review
        fields = [
            "held_on",
            "facilitator",
            "attendees",
            "went_well",
            "went_badly",
            "notes",
            "version",
        ]


class LessonHitSerializer(serializers.Serializer[Any]):
    """One lesson found, with its project."""

    id = serializers.UUIDField(source="public_id")
    project = serializers.CharField(source="project.code")
    project_id = serializers.UUIDField(source="project.public_id")
    title = serializers.CharField()
    category = serializers.CharField()
    stage = serializers.CharField()
    what_happened = serializers.CharField()
    recommendation = serializers.CharField()
    tags = serializers.ListField(child=serializers.CharField(), source="tag_list")
    rank = serializers.FloatField()
    created_at = serializers.DateTimeField()
