"""API shapes of the scope records. Input serializers check types; services hold the rules."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.planning.models.scope import (
    Deliverable,
    DeliverableStatus,
    ScopeItem,
    ScopeNote,
    ScopeNoteKind,
    ScopeStatement,
)

VERSION_HELP = "The version you edit; required once the record exists (or send If-Match)."
OWNER_HELP = "User id (UUID) or username of a project member; empty for none."


def read_meta(model: type, fields: list[str]) -> Any:
    """The Meta of a read-only ModelSerializer with the public id as ``id``."""

    class Meta:
        pass

    Meta.model = model  # type: ignore[attr-defined]
    Meta.fields = ["id", *fields, "version", "created_at", "updated_at"]  # type: ignore[attr-defined]
    Meta.read_only_fields = Meta.fields  # type: ignore[attr-defined]
    return Meta


class ScopeStatementSerializer(serializers.ModelSerializer[ScopeStatement]):
    """The project's scope statement."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    Meta = read_meta(ScopeStatement, ["statement"])


class ScopeStatementWriteSerializer(serializers.Serializer[Any]):
    """Write the statement; ``version`` once it exists."""

    statement = serializers.CharField(max_length=8000)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


TASKS_HELP = "Ids of the WBS tasks of this project that produce the deliverable."


class DeliverableSerializer(serializers.ModelSerializer[Deliverable]):
    """A deliverable with its acceptance criteria."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    owner = UserBriefSerializer(read_only=True, allow_null=True)
    tasks: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="public_id", many=True, read_only=True, help_text=TASKS_HELP
    )
    Meta = read_meta(
        Deliverable,
        [
            "name",
            "description",
            "acceptance_criteria",
            "due_date",
            "owner",
            "status",
            "order",
            "tasks",
        ],
    )


class DeliverableWriteSerializer(serializers.Serializer[Any]):
    """Add a deliverable; on PATCH every field is optional and ``version`` is required."""

    name = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    acceptance_criteria = serializers.CharField(max_length=4000)
    due_date = serializers.DateField(required=False, allow_null=True)
    owner = serializers.CharField(
        max_length=150, required=False, allow_null=True, allow_blank=True, help_text=OWNER_HELP
    )
    status = serializers.ChoiceField(choices=DeliverableStatus.choices, required=False)
    order = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, allow_null=True
    )
    tasks = serializers.ListField(
        child=serializers.UUIDField(), max_length=500, required=False, help_text=TASKS_HELP
    )
    version = serializers.IntegerField(min_value=1, required=False)


class ScopeItemSerializer(serializers.ModelSerializer[ScopeItem]):
    """An in-scope or out-of-scope item."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    Meta = read_meta(ScopeItem, ["text", "in_scope", "order"])


class ScopeItemWriteSerializer(serializers.Serializer[Any]):
    """Add an item; on PATCH fields are optional and ``version`` is required."""

    text = serializers.CharField(max_length=500)
    in_scope = serializers.BooleanField()
    order = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, allow_null=True
    )
    version = serializers.IntegerField(min_value=1, required=False)


class ScopeNoteSerializer(serializers.ModelSerializer[ScopeNote]):
    """An assumption or a constraint."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    Meta = read_meta(ScopeNote, ["kind", "text", "order"])


class ScopeNoteWriteSerializer(serializers.Serializer[Any]):
    """Add an assumption or constraint; on PATCH fields are optional, ``version`` required."""

    kind = serializers.ChoiceField(choices=ScopeNoteKind.choices)
    text = serializers.CharField(max_length=1000)
    order = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, allow_null=True
    )
    version = serializers.IntegerField(min_value=1, required=False)
