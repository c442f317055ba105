"""API shapes of resource data. Input serializers check types; services hold the rules."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from keystage.resources.models import (
    Absence,
    CostBasis,
    Equipment,
    EquipmentStatus,
    ProcurementCategory,
    ProcurementItem,
    ProcurementStatus,
    Skill,
)
from keystage.resources.selectors import PersonView

VERSION_HELP = "The version you edit (or send If-Match)."
PROFILE_VERSION_HELP = (
    "The version of the person's resource profile; null until it is first written. "
    "Send it with every later change of the profile or the skills."
)


def _meta(model: type, fields: list[str]) -> Any:
    class Meta:
        pass

    Meta.model = model  # type: ignore[attr-defined]
    Meta.fields = ["id", *fields, "version", "created_at", "updated_at"]  # type: ignore[attr-defined]
    Meta.read_only_fields = Meta.fields  # type: ignore[attr-defined]
    return Meta


# ------------------------------------------------------------------- skills


class SkillSerializer(serializers.ModelSerializer[Skill]):
    """A skill of the organisation's catalogue."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    Meta = _meta(Skill, ["name", "description"])


class SkillWriteSerializer(serializers.Serializer[Any]):
    """Add a skill; on PATCH fields are optional and ``version`` is required."""

    name = serializers.CharField(max_length=100)
    description = serializers.CharField(max_length=1000, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False)


class PersonSkillSerializer(serializers.Serializer[Any]):
    """One skill of a person, with the level 1 (awareness) to 5 (expert)."""

    skill = serializers.UUIDField(source="skill.public_id", help_text="The skill's id.")
    name = serializers.CharField(source="skill.name")  # type: ignore[assignment]
    level = serializers.IntegerField(min_value=1, max_value=5)


class PersonSkillsSerializer(serializers.Serializer[Any]):
    """A person's skills, versioned with their resource profile."""

    version = serializers.IntegerField(allow_null=True, help_text=PROFILE_VERSION_HELP)
    skills = PersonSkillSerializer(many=True)


class SkillLevelInputSerializer(serializers.Serializer[Any]):
    """A skill (id or name from the catalogue) and the level."""

    skill = serializers.CharField(max_length=100, help_text="Skill id (UUID) or name.")
    level = serializers.IntegerField(help_text="1 (awareness) to 5 (expert).")


class PersonSkillsWriteSerializer(serializers.Serializer[Any]):
    """The complete set of a person's skills; skills left out are removed."""

    skills = SkillLevelInputSerializer(many=True, max_length=200)  # type: ignore[call-arg]
    version = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text=PROFILE_VERSION_HELP
    )


# ------------------------------------------------------------------- people


class AbsenceSerializer(serializers.ModelSerializer[Absence]):
    """A holiday or leave, both days included."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    Meta = _meta(Absence, ["start_date", "end_date", "reason"])


class AbsenceWriteSerializer(serializers.Serializer[Any]):
    """Record an absence; on PATCH fields are optional and ``version`` is required."""

    start_date = serializers.DateField()
    end_date = serializers.DateField()
    reason = serializers.CharField(max_length=200, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False)


class PersonSerializer(serializers.Serializer[Any]):
    """A colleague as a resource: profile values (defaults until set), skills, absences."""

    id = serializers.UUIDField(source="user.public_id")
    username = serializers.CharField(source="user.username")
    display_name = serializers.CharField(source="user.display_name")
    email = serializers.EmailField(source="user.email")
    job_title = serializers.CharField()
    capacity_percent = serializers.IntegerField(help_text="Share of full time, 0–100 %.")
    cost_rate = serializers.DecimalField(max_digits=10, decimal_places=2, help_text="Per hour.")
    hours_per_day = serializers.DecimalField(max_digits=4, decimal_places=2)
    working_weekdays = serializers.CharField(help_text="1 = Monday … 7 = Sunday.")
    version = serializers.IntegerField(allow_null=True, help_text=PROFILE_VERSION_HELP)
    skills = PersonSkillSerializer(many=True)
    absences = AbsenceSerializer(many=True, help_text="Upcoming absences (list: from today).")
    can_edit = serializers.SerializerMethodField()

    def get_can_edit(self, obj: PersonView) -> bool:
        """Whether the caller may change this person's profile, skills and absences."""
        from keystage.resources.access import can_edit_person

        return can_edit_person(self.context.get("who"), obj.user)


class ProfileWriteSerializer(serializers.Serializer[Any]):
    """Change the profile; every field optional. ``version`` once the profile exists."""

    capacity_percent = serializers.IntegerField(required=False)
    cost_rate = serializers.DecimalField(max_digits=10, decimal_places=2, required=False)
    rate_from = serializers.DateField(
        required=False,
        help_text="The day a new cost rate takes effect (default today); time is priced at "
        "the rate of its day.",
    )
    job_title = serializers.CharField(max_length=120, required=False, allow_blank=True)
    hours_per_day = serializers.DecimalField(max_digits=4, decimal_places=2, required=False)
    working_weekdays = serializers.CharField(max_length=20, required=False)
    version = serializers.IntegerField(
        min_value=1, required=False, allow_null=True, help_text=PROFILE_VERSION_HELP
    )


# -------------------------------------------------------------- equipment


class EquipmentSerializer(serializers.ModelSerializer[Equipment]):
    """Equipment of the project, with its total cost (null for per-day without dates)."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    total_cost = serializers.SerializerMethodField()
    Meta = _meta(
        Equipment,
        [
            "name",
            "category",
            "quantity",
            "unit_cost",
            "cost_basis",
            "needed_from",
            "needed_until",
            "status",
            "notes",
            "total_cost",
        ],
    )

    @extend_schema_field(serializers.DecimalField(max_digits=18, decimal_places=2, allow_null=True))
    def get_total_cost(self, obj: Equipment) -> str | None:
        """Quantity × unit cost (× days for a per-day cost)."""
        total = obj.total_cost
        return None if total is None else f"{total:.2f}"


class EquipmentWriteSerializer(serializers.Serializer[Any]):
    """Add equipment; on PATCH fields are optional and ``version`` is required."""

    name = serializers.CharField(max_length=200)
    category = serializers.CharField(max_length=100, required=False, allow_blank=True)
    quantity = serializers.IntegerField(required=False, max_value=1_000_000)
    unit_cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    cost_basis = serializers.ChoiceField(choices=CostBasis.choices, required=False)
    needed_from = serializers.DateField(required=False, allow_null=True)
    needed_until = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=EquipmentStatus.choices, required=False)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


# ------------------------------------------------------------ procurement


class ProcurementSerializer(serializers.ModelSerializer[ProcurementItem]):
    """A purchase of the project."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    Meta = _meta(
        ProcurementItem,
        [
            "name",
            "supplier",
            "category",
            "cost",
            "status",
            "order_date",
            "delivery_date",
            "ordered_amount",
            "received_date",
            "received_amount",
            "invoiced_date",
            "invoiced_amount",
            "notes",
        ],
    )


def _amount() -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=14, decimal_places=2, required=False, allow_null=True
    )


class ProcurementWriteSerializer(serializers.Serializer[Any]):
    """Add a purchase; on PATCH fields are optional and ``version`` is required."""

    name = serializers.CharField(max_length=200)
    supplier = serializers.CharField(max_length=200, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=ProcurementCategory.choices, required=False)
    cost = serializers.DecimalField(max_digits=14, decimal_places=2)
    status = serializers.ChoiceField(choices=ProcurementStatus.choices, required=False)
    order_date = serializers.DateField(required=False, allow_null=True)
    delivery_date = serializers.DateField(required=False, allow_null=True)
    ordered_amount = _amount()
    received_date = serializers.DateField(required=False, allow_null=True)
    received_amount = _amount()
    invoiced_date = serializers.DateField(required=False, allow_null=True)
    invoiced_amount = _amount()
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)
