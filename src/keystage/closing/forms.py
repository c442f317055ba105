"""HTML forms of the handover, the training plan, the attendance and the review."""

from __future__ import annotations

from typing import Any

from django import forms

from keystage.accounts.models import User
from keystage.closing.models import Handover, Review, TrainingPlan
from keystage.core.formfields import formfield


class _Versioned(forms.ModelForm):  # type: ignore[type-arg]
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


class HandoverForm(_Versioned):
    """The handover's details; the support lead is chosen among the project's members."""

    class Meta:
        model = Handover
        fields = [
            "support_lead",
            "support_model",
            "support_group",
            "support_contact",
            "support_hours",
            "support_team",
            "runbook_links",
            "notes",
        ]
        formfield_callback = formfield
        widgets = {
            "support_team": forms.Textarea(attrs={"rows": 3}),
            "runbook_links": forms.Textarea(attrs={"rows": 3}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, project: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["support_lead"]
        field.queryset = User.objects.filter(memberships__project=project).order_by(  # type: ignore[attr-defined]
            "first_name", "last_name", "username"
        )
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]
        field.help_text = "A member of the project (add them as a stakeholder if need be)."


class TrainingPlanForm(_Versioned):
    """Who must be trained."""

    class Meta:
        model = TrainingPlan
        fields = ["users_to_train", "trainees"]
        formfield_callback = formfield
        widgets = {"trainees": forms.Textarea(attrs={"rows": 6})}


class AttendanceForm(forms.Form):
    """Who attended: people of the organisation and names, one per line."""

    people = forms.ModelMultipleChoiceField(
        queryset=User.objects.none(),
        required=False,
        to_field_name="username",
        widget=forms.CheckboxSelectMultiple,
    )
    names = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text="Other attendees, one name per line.",
        max_length=200_000,
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, people: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["people"]
        field.queryset = people  # type: ignore[attr-defined]
        field.label_from_instance = lambda u: u.get_full_name() or u.username  # type: ignore[attr-defined]


class ReviewForm(_Versioned):
    """The post-project review meeting."""

    class Meta:
        model = Review
        fields = ["held_on", "facilitator", "attendees", "went_well", "went_badly", "notes"]
        formfield_callback = formfield
        widgets = {
            "held_on": forms.DateInput(attrs={"type": "date"}),
            "attendees": forms.Textarea(attrs={"rows": 3}),
            "went_well": forms.Textarea(attrs={"rows": 4}),
            "went_badly": forms.Textarea(attrs={"rows": 4}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }
