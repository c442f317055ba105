"""API shapes of progress: a task's progress, the input to record it, the data date."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.planning.models import ProjectCalendar, Task, TaskStatus


class TaskProgressSerializer(serializers.ModelSerializer[Task]):
    """A task's progress and the dates the schedule gives it after the update."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    status = serializers.ChoiceField(
        source="progress_status", choices=TaskStatus.choices, read_only=True
    )

    class Meta:
        model = Task
        fields = [
            "id",
            "wbs_code",
            "name",
            "kind",
            "is_summary",
            "status",
            "actual_start",
            "actual_finish",
            "percent_complete",
            "physical_percent_complete",
            "remaining_minutes",
            "duration_minutes",
            "start_at",
            "finish_at",
            "is_critical",
            "version",
        ]
        read_only_fields = fields


class ProgressWriteSerializer(serializers.Serializer[Any]):
    """Record progress; send only what changes, with the task's ``version`` (or If-Match).

    ``percent_complete`` is *duration* % complete (as MS Project), the share of the
    duration worked; ``physical_percent_complete`` is the share of the output done,
    which earned value uses. ``status`` is checked against the actual dates.
    """

    status = serializers.ChoiceField(choices=TaskStatus.choices, required=False)
    actual_start = serializers.DateField(required=False, allow_null=True)
    actual_finish = serializers.DateField(required=False, allow_null=True)
    percent_complete = serializers.IntegerField(required=False, min_value=0, max_value=100)
    physical_percent_complete = serializers.IntegerField(required=False, min_value=0, max_value=100)
    remaining_minutes = serializers.IntegerField(
        required=False, allow_null=True, min_value=0, max_value=60 * 24 * 3650
    )
    version = serializers.IntegerField(required=False, min_value=1)


class DataDateSerializer(serializers.ModelSerializer[ProjectCalendar]):
    """The project's data date (status date) and the calendar version that carries it."""

    class Meta:
        model = ProjectCalendar
        fields = ["data_date", "version"]
        read_only_fields = fields


class DataDateWriteSerializer(serializers.Serializer[Any]):
    """Set the data date (null clears it); ``version`` once the project calendar exists."""

    data_date = serializers.DateField(allow_null=True)
    version = serializers.IntegerField(required=False, min_value=1)
