"""HTML forms of the resource pages, derived from the models; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import models

from keystage.core.formfields import formfield
from keystage.portfolio.forms import DateInput
from keystage.resources import services, supplies
from keystage.resources.models import (
    LEVELS,
    Absence,
    Equipment,
    ProcurementItem,
    ResourceProfile,
    Skill,
)

DATE_FIELDS = {
    "start_date",
    "end_date",
    "needed_from",
    "needed_until",
    "order_date",
    "delivery_date",
    "received_date",
    "invoiced_date",
}


def _form(
    model: type[models.Model],
    fields: tuple[str, ...],
    *,
    labels: dict[str, str] | None = None,
    help_texts: dict[str, str] | None = None,
    version: bool = True,
) -> type[forms.Form]:
    """A plain form with the model's field types, limits and choices, plus the version."""
    widgets: dict[str, Any] = {f: DateInput for f in fields if f in DATE_FIELDS}
    widgets.update({f: forms.Textarea(attrs={"rows": 2}) for f in fields if f == "notes"})
    attrs: dict[str, Any] = dict(
        forms.fields_for_model(
            model,
            fields=list(fields),
            widgets=widgets,
            labels=labels,
            help_texts=help_texts,
            formfield_callback=formfield,
        )
    )
    if version:
        attrs["version"] = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    return type(f"{model.__name__}Form", (forms.Form,), attrs)


ProfileForm = _form(
    ResourceProfile,
    services.PROFILE_FIELDS,
    labels={
        "capacity_percent": "Capacity (%)",
        "cost_rate": "Cost rate per hour",
        "hours_per_day": "Hours per working day",
    },
)
AbsenceForm = _form(Absence, services.ABSENCE_FIELDS, version=False)
SkillForm = _form(Skill, services.SKILL_FIELDS, version=False)
EquipmentForm = _form(
    Equipment, supplies.EQUIPMENT_FIELDS, labels={"unit_cost": "Unit cost", "cost_basis": "Cost"}
)
ProcurementForm = _form(
    ProcurementItem,
    supplies.PROCUREMENT_FIELDS,
    help_texts={
        "delivery_date": "Expected, or actual once delivered.",
        "ordered_amount": "What the order commits, once ordered.",
        "received_amount": "The value received (with the date it arrived).",
        "invoiced_amount": "What the supplier invoiced (with the invoice's date). Record the "
        "invoice itself under Budget → Costs so it counts as actual cost.",
    },
)


class PersonSkillForm(forms.Form):
    """Give a person a skill at a level, or remove it (level 0)."""

    skill = forms.ModelChoiceField(
        queryset=Skill.objects.none(), to_field_name="public_id", empty_label="Choose a skill…"
    )
    level = forms.TypedChoiceField(
        choices=[(0, "Remove"), *LEVELS], coerce=int, initial=3, label="Level"
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, skills: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = skills  # type: ignore[attr-defined]
