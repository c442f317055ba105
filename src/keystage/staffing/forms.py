"""HTML forms of the assignments page; the services hold the rules."""

from __future__ import annotations

from typing import Any

from django import forms

from keystage.accounts.models import User
from keystage.planning.forms.scope import MemberChoice
from keystage.resources.models import Skill
from keystage.resources.models.skills import LEVELS


class AssignmentForm(forms.Form):
    """A person on a task: who, at what share of their time, how many hours."""

    person = MemberChoice(
        queryset=User.objects.none(),
        empty_label="— choose —",
        help_text="The project manager or a team member.",
    )
    units_percent = forms.IntegerField(
        label="Units (%)",
        min_value=1,
        max_value=1000,
        required=False,
        help_text="Share of their full time: 100 = full time, 50 = half time; "
        "empty = their capacity.",
    )
    work_hours = forms.DecimalField(
        label="Work (hours)",
        required=False,
        min_value=0,
        max_digits=10,
        decimal_places=2,
        help_text="Empty: the task's duration × units.",
    )
    note = forms.CharField(max_length=500, required=False, help_text="Why this person.")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, members: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = members  # type: ignore[attr-defined]


class SkillChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    """A skill of the catalogue, by name."""

    def label_from_instance(self, obj: Any) -> str:
        """The skill's name."""
        return str(obj.name)


class SkillNeedForm(forms.Form):
    """A skill the task needs and the minimum level."""

    skill = SkillChoice(queryset=Skill.objects.none(), empty_label="— choose —")
    min_level = forms.TypedChoiceField(label="Minimum level", choices=LEVELS, coerce=int, initial=3)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    def __init__(self, *args: Any, skills: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["skill"].queryset = skills  # type: ignore[attr-defined]
