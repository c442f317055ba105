"""API shapes of projects, members, gates and journal entries."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from keystage.accounts.roles import ProjectRole
from keystage.accounts.serializers import UserBriefSerializer
from keystage.portfolio.lifecycle import GateOutcome, ProjectKind, Stage
from keystage.portfolio.models import GateDecision, Project, ProjectMembership
from keystage.portfolio.selectors import last_gate_override, project_leads


class GateOverrideSerializer(serializers.ModelSerializer[GateDecision]):
    """A gate passed over missing checklist items: which, when, by whom and why."""

    gate_id = serializers.UUIDField(source="public_id", read_only=True)
    decided_by = UserBriefSerializer(read_only=True)
    reason = serializers.CharField(source="override_reason", read_only=True)

    class Meta:
        model = GateDecision
        fields = ["gate_id", "from_stage", "to_stage", "decided_by", "decided_at", "reason"]
        read_only_fields = fields


class ProjectSerializer(serializers.ModelSerializer[Project]):
    """A project as the API returns it."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    stage_label = serializers.CharField(source="get_stage_display", read_only=True)
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    monitoring_active = serializers.BooleanField(read_only=True)
    currency = serializers.CharField(
        source="organisation.currency",
        read_only=True,
        help_text="ISO 4217 code of the organisation: every amount of the project is in it.",
    )
    project_manager = serializers.SerializerMethodField()
    sponsors = serializers.SerializerMethodField()
    last_gate_override = serializers.SerializerMethodField(
        help_text="Set when the latest gate was a 'go' over missing checklist items."
    )

    class Meta:
        model = Project
        fields = [
            "id",
            "code",
            "name",
            "kind",
            "kind_label",
            "description",
            "start_date",
            "target_date",
            "stage",
            "stage_label",
            "status",
            "status_label",
            "monitoring_active",
            "currency",
            "project_manager",
            "sponsors",
            "last_gate_override",
            "version",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_project_manager(self, obj: Project) -> dict[str, Any] | None:
        """The project manager, if assigned."""
        managers = project_leads(obj)["project_managers"]
        return UserBriefSerializer(managers[0]).data if managers else None

    def get_sponsors(self, obj: Project) -> list[dict[str, Any]]:
        """The project's sponsors."""
        return UserBriefSerializer(project_leads(obj)["sponsors"], many=True).data  # type: ignore[return-value]

    @extend_schema_field(GateOverrideSerializer(allow_null=True))
    def get_last_gate_override(self, obj: Project) -> dict[str, Any] | None:
        """The latest gate when it was passed by the sponsor's override, else null."""
        override = last_gate_override(obj)
        return GateOverrideSerializer(override).data if override else None  # type: ignore[return-value]


class ProjectCreateSerializer(serializers.Serializer[Any]):
    """What opening a project takes."""

    name = serializers.CharField(max_length=200)
    code = serializers.CharField(max_length=20)
    kind = serializers.ChoiceField(choices=ProjectKind.choices)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    start_date = serializers.DateField()
    target_date = serializers.DateField()
    project_manager = serializers.CharField(
        max_length=150,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="User id (UUID) or username.",
    )
    sponsor = serializers.CharField(
        max_length=150,
        required=False,
        allow_null=True,
        allow_blank=True,
        help_text="User id (UUID) or username.",
    )


class ProjectUpdateSerializer(serializers.Serializer[Any]):
    """A partial edit of a project's details; ``version`` or If-Match is required."""

    name = serializers.CharField(max_length=200, required=False)
    code = serializers.CharField(max_length=20, required=False)
    kind = serializers.ChoiceField(choices=ProjectKind.choices, required=False)
    description = serializers.CharField(max_length=5000, required=False, allow_blank=True)
    start_date = serializers.DateField(required=False)
    target_date = serializers.DateField(required=False)
    version = serializers.IntegerField(min_value=1, required=False)


class MembershipSerializer(serializers.ModelSerializer[ProjectMembership]):
    """A member of a project."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    user = UserBriefSerializer(read_only=True)
    role_label = serializers.CharField(source="get_role_display", read_only=True)

    class Meta:
        model = ProjectMembership
        fields = ["id", "user", "role", "role_label", "version", "created_at"]
        read_only_fields = fields


class MembershipCreateSerializer(serializers.Serializer[Any]):
    """Invite a person: a colleague by user id or username, or anyone by e-mail."""

    user = serializers.CharField(
        max_length=150, required=False, help_text="User id (UUID) or username."
    )
    email = serializers.EmailField(
        max_length=254,
        required=False,
        help_text="Invite by address; a new person gets an account and a link to set a password.",
    )
    full_name = serializers.CharField(max_length=300, required=False, allow_blank=True)
    role = serializers.ChoiceField(choices=ProjectRole.choices)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        """Exactly one of ``user`` and ``email``."""
        if bool(attrs.get("user")) == bool(attrs.get("email")):
            raise serializers.ValidationError({"user": "Give either a user or an e-mail address."})
        return attrs


class MembershipUpdateSerializer(serializers.Serializer[Any]):
    """Change a member's role; ``version`` or If-Match is required."""

    role = serializers.ChoiceField(choices=ProjectRole.choices)
    version = serializers.IntegerField(min_value=1, required=False)


class GateDecisionSerializer(serializers.ModelSerializer[GateDecision]):
    """A recorded gate decision."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    decided_by = UserBriefSerializer(read_only=True)

    class Meta:
        model = GateDecision
        fields = [
            "id",
            "from_stage",
            "to_stage",
            "outcome",
            "resulting_stage",
            "resulting_status",
            "rationale",
            "conditions",
            "override_reason",
            "decided_by",
            "decided_at",
        ]
        read_only_fields = fields


class GateDecisionCreateSerializer(serializers.Serializer[Any]):
    """Decide the gate to the next stage; ``version`` is the project's."""

    to_stage = serializers.ChoiceField(choices=Stage.choices)
    outcome = serializers.ChoiceField(choices=GateOutcome.choices)
    rationale = serializers.CharField(max_length=4000)
    conditions = serializers.CharField(max_length=4000, required=False, allow_blank=True)
    override_reason = serializers.CharField(
        max_length=4000,
        required=False,
        allow_blank=True,
        help_text="Needed for a 'go' while checklist items are missing; kept on the record.",
    )
    version = serializers.IntegerField(min_value=1, required=False)


class ProjectReopenSerializer(serializers.Serializer[Any]):
    """Reopen a closed or cancelled project; ``version`` is the project's."""

    reason = serializers.CharField(
        max_length=4000, help_text="Why the project is reopened; kept in the journal."
    )
    version = serializers.IntegerField(min_value=1, required=False)


class AuditEntrySerializer(serializers.Serializer[Any]):
    """One journal entry."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    at = serializers.DateTimeField(read_only=True)
    actor = UserBriefSerializer(read_only=True, allow_null=True)
    action = serializers.CharField(read_only=True)
    object_type = serializers.CharField(read_only=True)
    object_id = serializers.UUIDField(read_only=True)
    object_label = serializers.CharField(read_only=True)
    changes = serializers.DictField(read_only=True)
    summary = serializers.CharField(read_only=True)
