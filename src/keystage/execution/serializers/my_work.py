"""API shape of *My work* (read only): the same rows as the page."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.planning.models import TaskStatus


class MyWorkRowSerializer(serializers.Serializer[Any]):
    """One assigned task: where it is, when it is planned, what is left, today's time."""

    project_id = serializers.UUIDField(source="project.public_id")
    project_code = serializers.CharField(source="project.code")
    task_id = serializers.UUIDField(source="task.public_id")
    wbs_code = serializers.CharField(source="task.wbs_code")
    name = serializers.CharField(source="task.name")
    status = serializers.ChoiceField(choices=TaskStatus.choices)
    planned_start = serializers.DateField(allow_null=True)
    planned_finish = serializers.DateField(allow_null=True)
    actual_start = serializers.DateField(source="task.actual_start", allow_null=True)
    percent_complete = serializers.IntegerField(source="task.percent_complete")
    planned_hours = serializers.DecimalField(max_digits=10, decimal_places=2)
    remaining_hours = serializers.DecimalField(max_digits=10, decimal_places=2)
    overdue = serializers.BooleanField(help_text="Planned finish before today and not done.")
    can_progress = serializers.BooleanField(help_text="May record progress on the task.")
    can_log = serializers.BooleanField(help_text="May log time on the task.")
    task_version = serializers.IntegerField(source="task.version")
    today_hours = serializers.DecimalField(
        source="today_entry.hours", max_digits=5, decimal_places=2, allow_null=True, default=None
    )
    today_entry_id = serializers.UUIDField(
        source="today_entry.public_id", allow_null=True, default=None
    )
    today_entry_version = serializers.IntegerField(
        source="today_entry.version", allow_null=True, default=None
    )


class MyWorkSerializer(serializers.Serializer[Any]):
    """Today, this week (Monday to Sunday) and the rows, overdue first."""

    today = serializers.DateField()
    week_start = serializers.DateField()
    week_end = serializers.DateField()
    total = serializers.IntegerField(help_text="Rows in all; page with offset and limit.")
    offset = serializers.IntegerField()
    overdue_count = serializers.IntegerField(help_text="Overdue rows in all.")
    rows = MyWorkRowSerializer(many=True)
