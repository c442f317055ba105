"""API shapes of goals: the numbers as entered, and the computed progress and status."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.planning.models.goals import Goal, GoalDirection, GoalMeasurement
from keystage.planning.selectors.goals import goal_progress
from keystage.planning.serializers.scope import read_meta

STATUS_HELP = "achieved, missed, on_track or at_risk (see the goals selector for the rule)."


class GoalSerializer(serializers.ModelSerializer[Goal]):
    """A measurable goal with its progress (fraction; 1.0 = target reached) and status."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    progress = serializers.SerializerMethodField()
    expected_progress = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField(help_text=STATUS_HELP)
    status_label = serializers.SerializerMethodField()
    Meta = read_meta(
        Goal,
        [
            "title",
            "description",
            "metric",
            "unit",
            "direction",
            "baseline_value",
            "target_value",
            "current_value",
            "due_date",
            "order",
            "progress",
            "expected_progress",
            "status",
            "status_label",
        ],
    )

    def _progress(self, obj: Goal) -> Any:
        cache = self.__dict__.setdefault("_progress_cache", {})
        if obj.pk not in cache:
            cache[obj.pk] = goal_progress(obj)
        return cache[obj.pk]

    def get_progress(self, obj: Goal) -> float:
        """(current − baseline) / (target − baseline)."""
        return round(float(self._progress(obj).progress), 4)

    def get_expected_progress(self, obj: Goal) -> float:
        """Share of the time from the project start to the due date already elapsed."""
        return round(float(self._progress(obj).expected), 4)

    def get_status(self, obj: Goal) -> str:
        """achieved / missed / on_track / at_risk."""
        return str(self._progress(obj).status)

    def get_status_label(self, obj: Goal) -> str:
        """The status as shown on the pages."""
        return str(self._progress(obj).status_label)


class GoalWriteSerializer(serializers.Serializer[Any]):
    """Add a goal; on PATCH every field is optional and ``version`` is required."""

    title = serializers.CharField(max_length=200)
    description = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    metric = serializers.CharField(max_length=200)
    unit = serializers.CharField(max_length=40, required=False, allow_blank=True)
    direction = serializers.ChoiceField(
        choices=GoalDirection.choices,
        required=False,
        help_text="Defaults to what baseline and target imply.",
    )
    baseline_value = serializers.DecimalField(max_digits=18, decimal_places=4)
    target_value = serializers.DecimalField(max_digits=18, decimal_places=4)
    current_value = serializers.DecimalField(
        max_digits=18,
        decimal_places=4,
        required=False,
        allow_null=True,
        help_text="Defaults to the baseline.",
    )
    due_date = serializers.DateField()
    order = serializers.IntegerField(
        min_value=0, max_value=1_000_000, required=False, allow_null=True
    )
    version = serializers.IntegerField(min_value=1, required=False)


class GoalMeasurementSerializer(serializers.ModelSerializer[GoalMeasurement]):
    """One measured value of a goal; the latest (by day) is the goal's ``current_value``."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    recorded_by: serializers.SlugRelatedField[Any] = serializers.SlugRelatedField(
        slug_field="username", read_only=True, help_text="Who recorded it."
    )
    Meta = read_meta(GoalMeasurement, ["measured_on", "value", "note", "recorded_by"])


class GoalMeasurementWriteSerializer(serializers.Serializer[Any]):
    """Record a measurement: the day (not in the future), the value and an optional note."""

    measured_on = serializers.DateField(help_text="The day the value was measured.")
    value = serializers.DecimalField(
        max_digits=18, decimal_places=4, help_text="The metric's value on that day."
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
