"""API shapes of timesheets: entries, weeks (with their grid), decisions, settings, totals."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.execution.models import TimeEntry, Timesheet, TimesheetSettings
from keystage.planning.serializers.scope import VERSION_HELP, read_meta


def hours_field(**kwargs: Any) -> serializers.DecimalField:
    """Hours to the hundredth."""
    return serializers.DecimalField(max_digits=7, decimal_places=2, **kwargs)


class TimesheetTaskSerializer(serializers.Serializer[Any]):
    """A task as a timesheet names it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    wbs_code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class TimeEntrySerializer(serializers.ModelSerializer[TimeEntry]):
    """Hours of one person on one task on one day; ``rate`` and ``amount`` once approved."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    task = TimesheetTaskSerializer(read_only=True)
    person = UserBriefSerializer(read_only=True)
    timesheet = serializers.UUIDField(source="timesheet.public_id", read_only=True)
    status = serializers.CharField(source="timesheet.status", read_only=True)

    Meta = read_meta(
        TimeEntry,
        ["task", "person", "day", "hours", "note", "timesheet", "status", "rate", "amount"],
    )


class TimeEntryWriteSerializer(serializers.Serializer[Any]):
    """Log or change one's own time on a task of the project."""

    task = serializers.CharField(max_length=60, help_text="The task's id.")
    day = serializers.DateField()
    hours = hours_field(help_text="More than 0, at most 24.")
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class TimesheetSerializer(serializers.ModelSerializer[Timesheet]):
    """One person's week in the project and its approval."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    person = UserBriefSerializer(read_only=True)
    decided_by = UserBriefSerializer(read_only=True)
    total_hours = hours_field(read_only=True, allow_null=True)

    Meta = read_meta(
        Timesheet,
        [
            "person",
            "week_start",
            "status",
            "submitted_at",
            "decided_by",
            "decided_at",
            "reason",
            "total_hours",
        ],
    )


class WeekRowSerializer(serializers.Serializer[Any]):
    """One task of the grid: hours Monday to Sunday (null = empty) and a note."""

    task = TimesheetTaskSerializer(read_only=True)
    cells = serializers.ListField(child=hours_field(allow_null=True), read_only=True)
    note = serializers.CharField(read_only=True)
    total = hours_field(read_only=True)
    assigned = serializers.BooleanField(read_only=True)


class WeekSerializer(serializers.Serializer[Any]):
    """One's week in the project: the grid, totals, status and version (null until saved)."""

    id = serializers.SerializerMethodField()
    week_start = serializers.DateField(source="monday", read_only=True)
    days = serializers.ListField(child=serializers.DateField(), read_only=True)
    status = serializers.CharField(read_only=True)
    version = serializers.IntegerField(read_only=True, allow_null=True)
    editable = serializers.BooleanField(read_only=True)
    rows = WeekRowSerializer(many=True, read_only=True)
    day_totals = serializers.ListField(child=hours_field(), read_only=True)
    total = hours_field(read_only=True)

    def get_id(self, obj: Any) -> str | None:
        """The week's id once saved."""
        return str(obj.timesheet.public_id) if obj.timesheet else None


class WeekRowWriteSerializer(serializers.Serializer[Any]):
    """A row of the grid to save."""

    task = serializers.CharField(max_length=60, help_text="The task's id.")
    hours = serializers.ListField(
        child=hours_field(allow_null=True),
        min_length=7,
        max_length=7,
        help_text="Seven values, Monday to Sunday; null or 0 for none.",
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class WeekWriteSerializer(serializers.Serializer[Any]):
    """The whole grid of the week, saved as one transaction."""

    rows = WeekRowWriteSerializer(many=True, max_length=500)  # type: ignore[call-arg]
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The week's version; omit for a week never saved."
    )


class DecisionSerializer(serializers.Serializer[Any]):
    """Submit or approve a week at its version."""

    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class RejectSerializer(serializers.Serializer[Any]):
    """Reject (or reopen) a week: say why."""

    reason = serializers.CharField(max_length=2000, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class SettingsSerializer(serializers.ModelSerializer[TimesheetSettings]):
    """The project's timesheet rules."""

    Meta = read_meta(TimesheetSettings, ["allow_unassigned"])

    def to_representation(self, instance: Any) -> Any:
        """The rule and the version (null while the project has no settings row)."""
        data = super().to_representation(instance)
        return {"allow_unassigned": data["allow_unassigned"], "version": data["version"]}


class SettingsWriteSerializer(serializers.Serializer[Any]):
    """Allow time on tasks one is not assigned to."""

    allow_unassigned = serializers.BooleanField()
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="Omit on the first save; then the version."
    )


class TotalRowSerializer(serializers.Serializer[Any]):
    """Hours (all, approved) and approved amount of one key."""

    key = serializers.CharField(read_only=True)
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    hours = hours_field(read_only=True)
    approved_hours = hours_field(read_only=True)
    amount = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)


class TotalsSerializer(serializers.Serializer[Any]):
    """Hours of the project by task, person and week."""

    hours = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    approved_hours = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    approved_amount = serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True)
    by_task = TotalRowSerializer(many=True, read_only=True)
    by_person = TotalRowSerializer(many=True, read_only=True)
    by_week = TotalRowSerializer(many=True, read_only=True)
