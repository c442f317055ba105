"""HTML forms of the budget page; the services hold the rules (and explain negative costs)."""

from __future__ import annotations

from typing import Any

from django import forms

from keystage.costs.models import CostCategory
from keystage.planning.forms.scope import IsoDateInput, rows
from keystage.planning.models import Task


def _money(label: str, help_text: str, required: bool = True) -> forms.DecimalField:
    # No minimum here: the service explains a negative amount in its own words.
    return forms.DecimalField(
        label=label,
        max_digits=14,
        decimal_places=2,
        required=required,
        help_text=help_text,
        widget=forms.NumberInput(attrs={"step": "0.01", "inputmode": "decimal"}),
    )


class BudgetSettingsForm(forms.Form):
    """Contingency, management reserve and notes, at the version they were loaded."""

    contingency_percent = forms.DecimalField(
        label="Contingency (%)",
        max_digits=5,
        decimal_places=2,
        help_text="Share of the cost plan held for known risks; part of the cost baseline.",
        widget=forms.NumberInput(attrs={"step": "0.5"}),
    )
    management_reserve = _money(
        "Management reserve",
        "Held by the sponsor for unknown risks; outside the cost baseline.",
    )
    notes = forms.CharField(label="Notes", required=False, max_length=2000, widget=rows(3))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class TaskChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A task of the project, shown with its WBS code."""

    def label_from_instance(self, obj: Any) -> str:
        """'1.2 Design' — the WBS code and the name."""
        return f"{obj.wbs_code} {obj.name}".strip()


class BudgetLineForm(forms.Form):
    """A cost planned by hand, at the version it was loaded."""

    category = forms.ChoiceField(choices=CostCategory.choices, initial=CostCategory.SERVICES)
    name = forms.CharField(max_length=200)
    amount = _money("Amount", "What it costs in total.")
    task = TaskChoice(
        queryset=Task.objects.none(),
        required=False,
        empty_label="— no task: use the dates —",
        help_text="Spread over the task's dates as the schedule moves.",
    )
    start_date = forms.DateField(
        required=False,
        widget=IsoDateInput(),
        help_text="Without a task: the day it is spent, or the first day of a period.",
    )
    end_date = forms.DateField(
        required=False,
        widget=IsoDateInput(),
        help_text="Last day of the period; empty for one day.",
    )
    notes = forms.CharField(required=False, max_length=2000, widget=rows(2))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, tasks: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["task"]
        field.queryset = tasks if tasks is not None else Task.objects.none()  # type: ignore[attr-defined]
