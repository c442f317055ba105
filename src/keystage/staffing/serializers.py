"""API shapes of the staffing: skill needs, assignments and the recommender's rankings."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.planning.models import Assignment, TaskSkill
from keystage.planning.serializers.scope import VERSION_HELP, read_meta
from keystage.staffing.selectors import assignment_hours

PERSON_HELP = "User id (UUID) or username of the project manager or a team member."


class TaskBriefSerializer(serializers.Serializer[Any]):
    """A task as named beside staffing data."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    wbs_code = serializers.CharField(read_only=True)
    name = serializers.CharField(read_only=True)


class SkillBriefSerializer(serializers.Serializer[Any]):
    """A skill of the organisation's catalogue."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    name = serializers.CharField(read_only=True)


class SkillNeedSerializer(serializers.ModelSerializer[TaskSkill]):
    """A skill a task needs, with the minimum level (1–5) its assignees must have."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    task = serializers.UUIDField(source="task.public_id", read_only=True)
    skill = SkillBriefSerializer(read_only=True)
    Meta = read_meta(TaskSkill, ["task", "skill", "min_level"])


class SkillNeedWriteSerializer(serializers.Serializer[Any]):
    """Add a skill need; on PATCH send only what changes, with ``version``."""

    skill = serializers.CharField(max_length=100, help_text="Skill id (UUID) or name.")
    min_level = serializers.IntegerField(min_value=1, max_value=5, required=False)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class AssignmentSerializer(serializers.ModelSerializer[Assignment]):
    """One person on one task; ``planned_hours`` is ``work_hours`` or duration × units."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    task = TaskBriefSerializer(read_only=True)
    person = UserBriefSerializer(read_only=True)
    planned_hours = serializers.SerializerMethodField()
    Meta = read_meta(
        Assignment,
        ["task", "person", "units_percent", "work_hours", "planned_hours", "source", "note"],
    )

    @extend_schema_field(serializers.DecimalField(max_digits=12, decimal_places=2))
    def get_planned_hours(self, obj: Assignment) -> str:
        """The hours the person works on the task."""
        return str(assignment_hours(obj))


class AssignmentWriteSerializer(serializers.Serializer[Any]):
    """Assign a person to a task; on PATCH send only what changes (the task stays)."""

    task = serializers.UUIDField(help_text="A task of the project that is not a summary.")
    person = serializers.CharField(max_length=150, help_text=PERSON_HELP)
    units_percent = serializers.IntegerField(
        min_value=1,
        max_value=1000,
        required=False,
        help_text="100 = full time; by default the person's capacity.",
    )
    work_hours = serializers.DecimalField(
        max_digits=10,
        decimal_places=2,
        min_value=0,
        required=False,
        allow_null=True,
        help_text="Planned hours; null means the task's duration × units.",
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class AcceptSerializer(serializers.Serializer[Any]):
    """Accept a recommended person for the task."""

    person = serializers.CharField(max_length=150, help_text=PERSON_HELP)
    units_percent = serializers.IntegerField(
        min_value=1, max_value=1000, required=False, help_text="By default the person's capacity."
    )
    note = serializers.CharField(max_length=500, required=False, allow_blank=True)


class ReasonSerializer(serializers.Serializer[Any]):
    """One factor of a score: value 0–1 × weight = points, and the explanation."""

    factor = serializers.ChoiceField(
        choices=["skill", "free_capacity", "load", "cost"], read_only=True
    )
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    value = serializers.FloatField(read_only=True)
    weight = serializers.FloatField(read_only=True)
    points = serializers.FloatField(read_only=True)
    text = serializers.CharField(read_only=True)


class CandidateSerializer(serializers.Serializer[Any]):
    """A team member ranked for a task; ineligible people carry the reason only."""

    person = UserBriefSerializer(read_only=True)
    role = serializers.CharField(read_only=True)
    eligible = serializers.BooleanField(read_only=True)
    assigned = serializers.BooleanField(read_only=True, help_text="Already on the task.")
    score = serializers.FloatField(read_only=True, help_text="0–1 of the best possible score.")
    duration_days = serializers.IntegerField(
        read_only=True, help_text="Working days the person would need full time at their level."
    )
    cost = serializers.DecimalField(
        max_digits=14, decimal_places=2, read_only=True, help_text="Estimated labour cost."
    )
    reasons = ReasonSerializer(many=True, read_only=True)


class NeedSerializer(serializers.Serializer[Any]):
    """A skill and its minimum level."""

    skill = serializers.CharField(read_only=True)
    min_level = serializers.IntegerField(read_only=True)


class RankingSerializer(serializers.Serializer[Any]):
    """The team ranked for one task, best first."""

    task = TaskBriefSerializer(read_only=True)
    start = serializers.DateField(read_only=True, allow_null=True)
    finish = serializers.DateField(read_only=True, allow_null=True)
    effort_hours = serializers.DecimalField(max_digits=12, decimal_places=2, read_only=True)
    needs = serializers.SerializerMethodField()
    candidates = CandidateSerializer(many=True, read_only=True)

    @extend_schema_field(NeedSerializer(many=True))
    def get_needs(self, obj: Any) -> list[dict[str, Any]]:
        """The task's skill needs."""
        return [{"skill": s, "min_level": lvl} for s, lvl in obj.needs]


class SuggestionSerializer(serializers.Serializer[Any]):
    """The recommender's pick for an unassigned task, or null with the reason."""

    task = TaskBriefSerializer(source="ranking.task", read_only=True)
    pick = CandidateSerializer(read_only=True, allow_null=True)
    reason = serializers.SerializerMethodField()

    def get_reason(self, obj: Any) -> str:
        """Why nobody was picked (empty when someone was)."""
        if obj.pick is not None:
            return ""
        ranking = obj.ranking
        if not ranking.candidates:
            return "The project has no team members."
        return "Nobody on the team can do it: " + "; ".join(
            f"{c.name}: {c.why_not}" for c in ranking.candidates[:3]
        )
