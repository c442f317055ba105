"""API shapes of the schedule-risk analysis: estimates, the default spread, runs."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.planning.models import RunStatus
from keystage.risks.models import Distribution, SimulationRun
from keystage.risks.models.simulation import RUNS_DEFAULT, RUNS_MAX, RUNS_MIN


class EstimateRowSerializer(serializers.Serializer[Any]):
    """A task's three-point estimate in working days (the default spread's when ``own`` is
    false)."""

    task = serializers.UUIDField(source="task.public_id", help_text="The task's id.")
    wbs_code = serializers.CharField(source="task.wbs_code")
    name = serializers.CharField(source="task.name")
    planned_days = serializers.DecimalField(max_digits=8, decimal_places=2)
    optimistic_days = serializers.DecimalField(max_digits=8, decimal_places=2)
    likely_days = serializers.DecimalField(max_digits=8, decimal_places=2)
    pessimistic_days = serializers.DecimalField(max_digits=8, decimal_places=2)
    distribution = serializers.ChoiceField(choices=Distribution.choices)
    own = serializers.BooleanField(help_text="False: the project's default spread applies.")
    version = serializers.IntegerField(allow_null=True, help_text="Version of its own estimate.")


class SpreadSerializer(serializers.Serializer[Any]):
    """The default spread around the planned duration for tasks without an estimate."""

    low_percent = serializers.DecimalField(max_digits=5, decimal_places=1)
    high_percent = serializers.DecimalField(max_digits=6, decimal_places=1)
    distribution = serializers.ChoiceField(choices=Distribution.choices)
    version = serializers.IntegerField(allow_null=True)


class EstimateTableSerializer(serializers.Serializer[Any]):
    """Every task's estimate, the default spread and the working day in minutes."""

    rows = EstimateRowSerializer(many=True)
    settings = SpreadSerializer()
    minutes_per_day = serializers.IntegerField()


class EstimateInSerializer(serializers.Serializer[Any]):
    """One row of a bulk PUT: set a task's estimate, or remove it with ``clear``."""

    task = serializers.UUIDField()
    optimistic_days = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    likely_days = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    pessimistic_days = serializers.DecimalField(max_digits=8, decimal_places=2, required=False)
    distribution = serializers.ChoiceField(choices=Distribution.choices, required=False)
    version = serializers.IntegerField(
        required=False, help_text="The estimate's version when it changes an existing one."
    )
    clear = serializers.BooleanField(required=False, help_text="Remove the task's estimate.")


class EstimatesPutSerializer(serializers.Serializer[Any]):
    """The rows to set, all or nothing."""

    rows = EstimateInSerializer(many=True)


class SpreadInSerializer(serializers.Serializer[Any]):
    """A change of the default spread (send the version you read, once it exists)."""

    low_percent = serializers.DecimalField(max_digits=5, decimal_places=1, required=False)
    high_percent = serializers.DecimalField(max_digits=6, decimal_places=1, required=False)
    distribution = serializers.ChoiceField(choices=Distribution.choices, required=False)
    version = serializers.IntegerField(required=False)


class SimulationRequestSerializer(serializers.Serializer[Any]):
    """Ask for a Monte Carlo run."""

    runs = serializers.IntegerField(min_value=RUNS_MIN, max_value=RUNS_MAX, default=RUNS_DEFAULT)
    seed = serializers.IntegerField(
        min_value=0, required=False, help_text="Same seed, same result; random when omitted."
    )


class SimulationRunSerializer(serializers.ModelSerializer[SimulationRun]):
    """A run: status, progress 0–100, message and, once done, the result."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    status = serializers.ChoiceField(choices=RunStatus.choices)
    requested_by = UserBriefSerializer(allow_null=True)
    result = serializers.JSONField(
        help_text="Once done: finish and cost P-values, histograms and S-curves, the "
        "probabilities of meeting the baseline finish and the budget, criticality and tornado."
    )

    class Meta:
        model = SimulationRun
        fields = [
            "id", "runs", "seed", "status", "progress", "message", "requested_by",
            "created_at", "started_at", "finished_at", "cancel_requested_at", "version",
            "result",
        ]  # fmt: skip
        read_only_fields = fields
