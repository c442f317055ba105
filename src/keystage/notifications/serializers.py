"""API shapes of notifications, e-mail preferences and comments."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.notifications.models import COMMENT_MAX, Comment, Notification, NotificationKind


class NotificationSerializer(serializers.ModelSerializer[Notification]):
    """One notification of the signed-in user."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    project = serializers.SerializerMethodField()
    read = serializers.SerializerMethodField()

    class Meta:
        model = Notification
        fields = ["id", "kind", "project", "text", "url", "created_at", "read_at", "read"]
        read_only_fields = fields

    def get_project(self, obj: Notification) -> str | None:
        """The project's code, if any."""
        return obj.project.code if obj.project else None

    def get_read(self, obj: Notification) -> bool:
        """Whether it has been read."""
        return obj.read_at is not None


class ReadAllSerializer(serializers.Serializer[Any]):
    """How many notifications were marked read."""

    marked = serializers.IntegerField()


class StrictBooleanField(serializers.BooleanField):
    """true or false only (JSON booleans, or the words in a form) — not 0, 1, "yes"."""

    def to_internal_value(self, data: Any) -> bool:
        """The boolean, or the field's "Must be a valid boolean." error."""
        if isinstance(data, bool):
            return data
        if data in ("true", "false"):
            return bool(data == "true")
        self.fail("invalid", input=data)
        raise AssertionError  # fail() raises


class PreferencesSerializer(serializers.Serializer[Any]):
    """E-mail on (true) or off (false) per notification kind: one field per
    ``NotificationKind``, so a new kind is offered without touching this class."""

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        """A strict boolean per kind, none required (unsent kinds keep their setting)."""
        return {kind: StrictBooleanField(required=False) for kind in NotificationKind.values}


class CommentSerializer(serializers.ModelSerializer[Comment]):
    """One comment of a thread (``body`` is plain text; pages escape it)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    record = serializers.SerializerMethodField()
    author = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = ["id", "record", "author", "body", "edited", "version", "created_at", "updated_at"]
        read_only_fields = fields

    def get_record(self, obj: Comment) -> str:
        """``kind:public_id`` of the record commented on."""
        return f"{obj.record_kind}:{obj.record_id}"

    def get_author(self, obj: Comment) -> str | None:
        """The author's username (None once the account is gone)."""
        return obj.author.username if obj.author else None


class CommentWriteSerializer(serializers.Serializer[Any]):
    """A new comment, or an edit (with ``version``)."""

    body = serializers.CharField(max_length=COMMENT_MAX, trim_whitespace=True)
    version = serializers.IntegerField(min_value=1, max_value=2**31 - 1, required=False)
