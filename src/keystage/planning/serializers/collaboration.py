"""API shapes of the collaboration links."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.planning.models.collaboration import CollaborationLink, LinkKind
from keystage.planning.serializers.scope import read_meta


class CollaborationLinkSerializer(serializers.ModelSerializer[CollaborationLink]):
    """A link to where the team works together, with its owner."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    owner = UserBriefSerializer(read_only=True, allow_null=True)
    Meta = read_meta(CollaborationLink, ["kind", "title", "url", "owner", "notes", "schedule"])


class CollaborationLinkWriteSerializer(serializers.Serializer[Any]):
    """Add a link; on PATCH every field is optional and ``version`` is required."""

    kind = serializers.ChoiceField(choices=LinkKind.choices)
    title = serializers.CharField(max_length=200)
    url = serializers.CharField(max_length=500, help_text="http:// or https:// only.")
    owner = serializers.CharField(
        max_length=150,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="User id (UUID) or username of a project member; defaults to you.",
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    schedule = serializers.CharField(
        max_length=200, required=False, allow_blank=True, help_text="Meetings only."
    )
    version = serializers.IntegerField(min_value=1, required=False)
