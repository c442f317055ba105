"""API shapes of schedule runs: the request, the run with its progress, and its outcome."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.planning.models import ScheduleMethod, ScheduleRun
from keystage.planning.serializers.scope import read_meta
from keystage.planning.services.schedule import (
    TIME_LIMIT_DEFAULT,
    TIME_LIMIT_MAX,
    TIME_LIMIT_MIN,
)


class ScheduleRunRequestSerializer(serializers.Serializer[Any]):
    """Ask for a run: how to place the tasks and, for the optimiser, how long to search."""

    method = serializers.ChoiceField(choices=ScheduleMethod.choices)
    time_limit_seconds = serializers.IntegerField(
        min_value=TIME_LIMIT_MIN,
        max_value=TIME_LIMIT_MAX,
        required=False,
        default=TIME_LIMIT_DEFAULT,
        help_text="Seconds the optimiser may search (the other methods take well under one).",
    )


class MovedTaskSerializer(serializers.Serializer[Any]):
    """A task the run moved, from where the critical path put it, and why."""

    task = serializers.UUIDField(help_text="The task's id.")
    row = serializers.IntegerField()
    wbs_code = serializers.CharField()
    name = serializers.CharField()
    old_start = serializers.DateTimeField()
    new_start = serializers.DateTimeField()
    delay_days = serializers.IntegerField(help_text="Working days (negative = earlier).")
    reason = serializers.CharField(
        help_text="'over-allocated: <person>', 'predecessor moved: …' or the optimiser's choice."
    )
    person = serializers.CharField(allow_null=True)


class OverAllocationSerializer(serializers.Serializer[Any]):
    """A person booked beyond their capacity that levelling within float could not remove."""

    person = serializers.CharField()
    start = serializers.DateField()
    end = serializers.DateField(help_text="Last working day of the over-allocation.")
    excess_percent = serializers.IntegerField()


class ScheduleSummarySerializer(serializers.Serializer[Any]):
    """The outcome of a finished run (null where the method does not say)."""

    method = serializers.CharField()
    tasks = serializers.IntegerField(help_text="Tasks and milestones scheduled.")
    people = serializers.IntegerField(help_text="People assigned (the resources levelled).")
    finish_before = serializers.DateTimeField(
        allow_null=True,
        help_text="Levelling and optimising: the critical path's finish (no resource limits); "
        "critical path: the finish stored before the run.",
    )
    finish_after = serializers.DateTimeField(allow_null=True)
    makespan_days = serializers.IntegerField(
        allow_null=True, help_text="Working days from the project start to the finish."
    )
    makespan_before_days = serializers.IntegerField(
        allow_null=True, help_text="The critical path's, in working days."
    )
    lower_bound_days = serializers.IntegerField(
        allow_null=True, help_text="Optimise: no schedule can be shorter (working days)."
    )
    gap_percent = serializers.FloatField(
        allow_null=True, help_text="Optimise: (makespan − lower bound) ÷ makespan, in %."
    )
    heuristic_makespan_days = serializers.IntegerField(allow_null=True)
    critical_tasks = serializers.IntegerField(allow_null=True)
    solver_status = serializers.CharField(
        help_text="scheduled, levelled, conflicts_left, optimal or feasible."
    )
    solved_by = serializers.CharField()
    moves = MovedTaskSerializer(many=True)
    unresolved = OverAllocationSerializer(many=True)


class ScheduleRunSerializer(serializers.ModelSerializer[ScheduleRun]):
    """A schedule run: what was asked, how far it is, and (once done) what it found."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    requested_by = UserBriefSerializer(read_only=True, allow_null=True)
    summary = serializers.SerializerMethodField()
    Meta = read_meta(
        ScheduleRun,
        [
            "method",
            "time_limit_seconds",
            "status",
            "progress",
            "message",
            "requested_by",
            "started_at",
            "finished_at",
            "project_finish_at",
            "summary",
        ],
    )

    @extend_schema_field(ScheduleSummarySerializer(allow_null=True))
    def get_summary(self, run: ScheduleRun) -> dict[str, Any] | None:
        """The outcome, once the run is done."""
        if not run.summary:
            return None
        return ScheduleSummarySerializer(run.summary).data  # type: ignore[no-any-return]
