"""API shapes of users and tokens."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.accounts.models import User
from keystage.accounts.roles import OrgRole


class UserBriefSerializer(serializers.ModelSerializer[User]):
    """A person as shown beside project data."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    display_name = serializers.CharField(read_only=True)

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "email", "job_title"]
        read_only_fields = fields


class MeSerializer(UserBriefSerializer):
    """The signed-in user, with organisation standing."""

    organisation = serializers.CharField(source="organisation.name", read_only=True, default=None)
    org_role = serializers.CharField(read_only=True)

    class Meta(UserBriefSerializer.Meta):
        fields = [*UserBriefSerializer.Meta.fields, "organisation", "org_role"]
        read_only_fields = fields


class TokenCreateSerializer(serializers.Serializer[Any]):
    """Credentials exchanged for a personal API token."""

    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=256, style={"input_type": "password"})
    expires_in_days = serializers.IntegerField(min_value=1, max_value=365, default=30)
    name = serializers.CharField(max_length=60, required=False, allow_blank=True)


class TokenSerializer(serializers.Serializer[Any]):
    """A token as listed (the secret is shown only once, at creation)."""

    token_key = serializers.CharField(
        read_only=True, help_text="First characters; identifies the token."
    )
    created = serializers.DateTimeField(read_only=True)
    expiry = serializers.DateTimeField(read_only=True, allow_null=True)


class TokenCreatedSerializer(TokenSerializer):
    """A new token, with its secret."""

    token = serializers.CharField(read_only=True)


class ManagedUserSerializer(UserBriefSerializer):
    """A user as an organisation admin sees them."""

    org_role = serializers.CharField(read_only=True)
    is_active = serializers.BooleanField(read_only=True)
    last_login = serializers.DateTimeField(read_only=True, allow_null=True)
    token_count = serializers.IntegerField(read_only=True, help_text="API tokens not expired.")
    version = serializers.IntegerField(read_only=True)

    class Meta(UserBriefSerializer.Meta):
        fields = [
            *UserBriefSerializer.Meta.fields,
            "org_role",
            "is_active",
            "last_login",
            "token_count",
            "version",
        ]
        read_only_fields = fields


class ManagedUserUpdateSerializer(serializers.Serializer[Any]):
    """What an admin may change about a user (send the version too)."""

    is_active = serializers.BooleanField(required=False)
    org_role = serializers.ChoiceField(
        choices=OrgRole.choices,
        required=False,
        # The message never echoes the input (which may not even be encodable).
        error_messages={"invalid_choice": f"Choose one of: {', '.join(OrgRole.values)}."},
    )
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)


class RevokedSerializer(serializers.Serializer[Any]):
    """How many API tokens a revocation deleted."""

    tokens_revoked = serializers.IntegerField(read_only=True)


class OrganisationSerializer(serializers.Serializer[Any]):
    """The caller's organisation and its settings."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(read_only=True)
    currency = serializers.CharField(
        read_only=True, help_text="ISO 4217 code; every amount of the organisation is in it."
    )
    project_managers_open_projects = serializers.BooleanField(read_only=True)
    version = serializers.IntegerField(read_only=True)


class OrganisationUpdateSerializer(serializers.Serializer[Any]):
    """What an administrator may change about the organisation (send the version too)."""

    currency = serializers.CharField(required=False, max_length=3)
    project_managers_open_projects = serializers.BooleanField(required=False)
    version = serializers.IntegerField(required=False, min_value=1, max_value=2**31 - 1)
