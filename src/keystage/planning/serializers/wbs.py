"""API shapes of the work breakdown: tasks with their scheduled dates, and dependencies."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.engine.network import ConstraintType, LinkType
from keystage.planning.models import Dependency, Task, TaskKind
from keystage.planning.serializers.scope import read_meta


class TaskSerializer(serializers.ModelSerializer[Task]):
    """A WBS row: what was entered, where it sits in the tree, and the last schedule's dates."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    parent = serializers.UUIDField(source="parent.public_id", read_only=True, allow_null=True)  # type: ignore[assignment]
    Meta = read_meta(
        Task,
        [
            "row",
            "wbs_code",
            "outline_level",
            "parent",
            "is_summary",
            "name",
            "kind",
            "duration_minutes",
            "work_hours",
            "fixed_cost",
            "constraint_type",
            "constraint_date",
            "deadline",
            "notes",
            "start_at",
            "finish_at",
            "early_start_at",
            "early_finish_at",
            "late_start_at",
            "late_finish_at",
            "total_float_minutes",
            "free_float_minutes",
            "is_critical",
            "actual_start",
            "actual_finish",
            "percent_complete",
            "physical_percent_complete",
            "remaining_minutes",
        ],
    )


class TaskWriteSerializer(serializers.Serializer[Any]):
    """Add a task (under ``parent`` or right after ``after``); on PATCH send only what changes."""

    name = serializers.CharField(max_length=255)
    kind = serializers.ChoiceField(choices=TaskKind.choices, required=False)
    duration_minutes = serializers.IntegerField(
        min_value=0, max_value=60 * 24 * 3650, required=False, help_text="Working minutes."
    )
    work_hours = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False, allow_null=True
    )
    fixed_cost = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False
    )
    constraint_type = serializers.ChoiceField(choices=ConstraintType.choices(), required=False)
    constraint_date = serializers.DateField(required=False, allow_null=True)
    deadline = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    parent = serializers.UUIDField(required=False, allow_null=True, write_only=True)  # type: ignore[assignment]
    after = serializers.UUIDField(required=False, allow_null=True, write_only=True)
    version = serializers.IntegerField(required=False, min_value=1)


class TaskMoveSerializer(serializers.Serializer[Any]):
    """An outline command on one row."""

    action = serializers.ChoiceField(choices=["indent", "outdent", "up", "down"])
    version = serializers.IntegerField(required=False, min_value=1)


class DependencySerializer(serializers.ModelSerializer[Dependency]):
    """A link between two tasks of the project; the lag is in working minutes."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    predecessor = serializers.UUIDField(source="predecessor.public_id", read_only=True)
    successor = serializers.UUIDField(source="successor.public_id", read_only=True)
    predecessor_row = serializers.IntegerField(source="predecessor.row", read_only=True)
    successor_row = serializers.IntegerField(source="successor.row", read_only=True)
    Meta = read_meta(
        Dependency,
        [
            "predecessor",
            "successor",
            "predecessor_row",
            "successor_row",
            "type",
            "lag_minutes",
            "max_lag_minutes",
        ],
    )


class DependencyWriteSerializer(serializers.Serializer[Any]):
    """Link two tasks; on PATCH only ``type``, ``lag_minutes`` and ``max_lag_minutes`` change.

    ``max_lag_minutes`` null means no maximum; it cannot be less than ``lag_minutes``.
    """

    predecessor = serializers.UUIDField()
    successor = serializers.UUIDField()
    type = serializers.ChoiceField(choices=LinkType.choices(), required=False)
    lag_minutes = serializers.IntegerField(
        required=False, min_value=-60 * 24 * 3650, max_value=60 * 24 * 3650
    )
    max_lag_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=-60 * 24 * 3650, max_value=60 * 24 * 3650
    )
    version = serializers.IntegerField(required=False, min_value=1)
