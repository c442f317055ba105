"""API shapes of charter versions."""

from __future__ import annotations

from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.initiation.charter.models import CharterVersion


class CharterVersionBriefSerializer(serializers.ModelSerializer[CharterVersion]):
    """One version in the list: who generated it and when, and where its PDF is."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    generated_by = UserBriefSerializer(read_only=True, allow_null=True)
    pdf_url = serializers.SerializerMethodField()

    class Meta:
        model = CharterVersion
        fields = ["id", "number", "generated_at", "generated_by", "generated_by_label", "pdf_url"]
        read_only_fields = fields

    def get_pdf_url(self, obj: CharterVersion) -> str:
        """The version's PDF under /api/v1/."""
        return f"/api/v1/projects/{obj.project.public_id}/charter/versions/{obj.number}/pdf"


class CharterVersionSerializer(CharterVersionBriefSerializer):
    """A version with its content: the JSON snapshot taken when it was generated."""

    content = serializers.JSONField(read_only=True)

    class Meta(CharterVersionBriefSerializer.Meta):
        fields = [*CharterVersionBriefSerializer.Meta.fields, "content"]
        read_only_fields = fields
