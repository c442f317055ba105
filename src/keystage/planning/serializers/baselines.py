"""API shapes of baselines and of the comparison of two plans."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.planning.models import Baseline, BaselineTask
from keystage.planning.selectors.baselines import Change
from keystage.planning.services.baselines import NAME_MAX, NOTE_MAX


def _days(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=10, decimal_places=1, read_only=True, **kwargs)


def _money(**kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True, **kwargs)


class BaselineSerializer(serializers.ModelSerializer[Baseline]):
    """A baseline in the list: its number, name, who captured it and the plan's totals."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    captured_by = UserBriefSerializer(read_only=True, allow_null=True)
    captured_at = serializers.DateTimeField(source="created_at", read_only=True)
    task_count = serializers.SerializerMethodField()

    class Meta:
        model = Baseline
        fields = [
            "id",
            "number",
            "name",
            "note",
            "captured_by",
            "captured_at",
            "start_at",
            "finish_at",
            "work_hours",
            "cost",
            "task_count",
            "version",
        ]
        read_only_fields = fields
        extra_kwargs = {"cost": {"help_text": "The cost baseline: planned costs + contingency."}}

    def get_task_count(self, obj: Baseline) -> int:
        """How many tasks the baseline holds."""
        count = getattr(obj, "task_count", None)
        return int(count) if count is not None else obj.tasks.count()


class BaselineTaskSerializer(serializers.ModelSerializer[BaselineTask]):
    """One task as it stood at capture; ``task`` keeps its id after the task is deleted."""

    task = serializers.UUIDField(source="task_public_id", read_only=True)
    task_exists = serializers.SerializerMethodField()

    class Meta:
        model = BaselineTask
        fields = [
            "task",
            "task_exists",
            "row",
            "wbs_code",
            "outline_level",
            "name",
            "kind",
            "is_summary",
            "is_critical",
            "start_at",
            "finish_at",
            "duration_minutes",
            "work_hours",
            "cost",
        ]
        read_only_fields = fields

    def get_task_exists(self, obj: BaselineTask) -> bool:
        """Whether the task is still in the plan."""
        return obj.task_id is not None


class BaselineDetailSerializer(BaselineSerializer):
    """A baseline with its tasks and the cost plan it captured (by category and month)."""

    budget = serializers.JSONField(
        read_only=True,
        help_text="Categories, months (amount and cumulative planned value, as strings), "
        "subtotal, contingency, cost baseline, management reserve, total budget.",
    )
    tasks = BaselineTaskSerializer(many=True, read_only=True)

    class Meta(BaselineSerializer.Meta):
        fields = [*BaselineSerializer.Meta.fields, "budget", "tasks"]
        read_only_fields = fields


class BaselineCaptureSerializer(serializers.Serializer[Any]):
    """Capture the current plan; the name defaults to "Baseline N" and must be new."""

    name = serializers.CharField(max_length=NAME_MAX, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=NOTE_MAX, required=False, allow_blank=True, default="")


class PlanSideSerializer(serializers.Serializer[Any]):
    """One side of a comparison: a baseline or the current plan, with its totals."""

    key = serializers.CharField(read_only=True, help_text="The baseline's number, or 'current'.")
    name = serializers.CharField(source="label", read_only=True)
    baseline = serializers.UUIDField(source="baseline.public_id", read_only=True, allow_null=True)
    start_at = serializers.DateTimeField(
        source="snapshot.start_at", read_only=True, allow_null=True
    )
    finish_at = serializers.DateTimeField(
        source="snapshot.finish_at", read_only=True, allow_null=True
    )
    work_hours = _money(source="snapshot.work_hours")
    cost = _money(source="snapshot.cost")


class PlanRowSerializer(serializers.Serializer[Any]):
    """A task's values in one of the two plans."""

    row = serializers.IntegerField(read_only=True)
    wbs_code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)
    start_at = serializers.DateTimeField(read_only=True, allow_null=True)
    finish_at = serializers.DateTimeField(read_only=True, allow_null=True)
    duration_minutes = serializers.IntegerField(read_only=True)
    work_hours = _money()
    cost = _money()
    is_critical = serializers.BooleanField(read_only=True)


class TaskVarianceSerializer(serializers.Serializer[Any]):
    """One task compared (matched by id); variances are ``to`` minus ``from``."""

    task = serializers.UUIDField(source="task_public_id", read_only=True)
    change = serializers.ChoiceField(choices=Change.choices, read_only=True)
    wbs_code = serializers.CharField(source="current.wbs_code", read_only=True)
    name = serializers.CharField(source="current.name", read_only=True)
    outline_level = serializers.IntegerField(source="current.outline_level", read_only=True)
    kind = serializers.CharField(source="current.kind", read_only=True)
    is_summary = serializers.BooleanField(source="current.is_summary", read_only=True)
    before = PlanRowSerializer(read_only=True, allow_null=True, help_text="In 'from'.")
    after = PlanRowSerializer(read_only=True, allow_null=True, help_text="In 'to'.")
    start_variance_days = _days(source="start_days", allow_null=True)
    finish_variance_days = _days(source="finish_days", allow_null=True)
    duration_variance_days = _days(source="duration_days", allow_null=True)
    work_variance_hours = _money(source="work_hours")
    cost_variance = _money(source="cost")


class ComparisonTotalsSerializer(serializers.Serializer[Any]):
    """The project's variances and how many tasks changed."""

    start_variance_days = _days(source="start_days", allow_null=True)
    finish_variance_days = _days(
        source="finish_days", allow_null=True, help_text="Finish slip (positive = later)."
    )
    duration_variance_days = _days(source="duration_days", allow_null=True)
    work_variance_hours = _money(source="work_hours")
    cost_variance = _money(source="cost")
    tasks_added = serializers.IntegerField(source="added", read_only=True)
    tasks_removed = serializers.IntegerField(source="removed", read_only=True)
    tasks_changed = serializers.IntegerField(source="changed", read_only=True)
    tasks_unchanged = serializers.IntegerField(source="unchanged", read_only=True)
    tasks_slipped = serializers.IntegerField(source="slipped", read_only=True)
    tasks_ahead = serializers.IntegerField(source="ahead", read_only=True)


class ComparisonSerializer(serializers.Serializer[Any]):
    """Two plans compared: ``from`` and ``to``, the totals and every task's variance."""

    unit = serializers.CharField(
        read_only=True, help_text="Unit of the date variances: working days of the calendar."
    )
    totals = ComparisonTotalsSerializer(source="*", read_only=True)
    tasks = TaskVarianceSerializer(many=True, read_only=True)

    def get_fields(self) -> dict[str, serializers.Field[Any, Any, Any, Any]]:
        """``from`` and ``to`` are Python keywords, so they are added here."""
        fields = super().get_fields()
        fields["from"] = PlanSideSerializer(source="before", read_only=True)
        fields["to"] = PlanSideSerializer(source="after", read_only=True)
        return fields
