"""HTML form of a goal."""

from __future__ import annotations

from django import forms

from keystage.planning.forms.scope import model_form, rows
from keystage.planning.models.goals import Goal, GoalDirection, GoalMeasurement
from keystage.planning.services import goal_measurements as measurement_services
from keystage.planning.services import goals as services

GoalForm = model_form(
    Goal,
    services.GOAL_FIELDS,
    widgets={"description": rows(2)},
    labels={
        "baseline_value": "Baseline",
        "target_value": "Target",
        "current_value": "Current value",
    },
)
GoalForm.base_fields["direction"] = forms.ChoiceField(
    choices=[("", "— from baseline and target —"), *GoalDirection.choices],
    required=False,
    help_text="Whether the metric should go up or down.",
)
GoalForm.base_fields["current_value"].required = False
GoalForm.base_fields["current_value"].help_text = "The latest measurement; empty = the baseline."

MeasurementForm = model_form(
    GoalMeasurement,
    measurement_services.MEASUREMENT_FIELDS,
    labels={"measured_on": "Measured on", "value": "Value"},
)
