"""Forms of the progress pages: a task's progress and the data date."""

from __future__ import annotations

from django import forms

from keystage.planning.models import TaskStatus


class ProgressForm(forms.Form):
    """A task's progress; ``percent_complete`` is duration % complete (as MS Project)."""

    status = forms.ChoiceField(choices=TaskStatus.choices, required=False)
    actual_start = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Actual start",
    )
    actual_finish = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Actual finish",
    )
    percent_complete = forms.IntegerField(
        min_value=0, max_value=100, label="% complete (duration)", initial=0
    )
    physical_percent_complete = forms.IntegerField(
        min_value=0, max_value=100, label="% complete (physical)", initial=0
    )
    remaining_days = forms.DecimalField(
        required=False,
        min_value=0,
        max_digits=7,
        decimal_places=2,
        label="Remaining (working days)",
        help_text="Empty: duration × (100 − % complete).",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class DataDateForm(forms.Form):
    """The project's data date (status date); empty clears it."""

    data_date = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Data date",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class QuickProgressForm(forms.Form):
    """A row of *My work*: status, duration % complete and the actual dates."""

    status = forms.ChoiceField(choices=TaskStatus.choices, required=False)
    percent_complete = forms.IntegerField(
        min_value=0, max_value=100, required=False, label="% complete"
    )
    actual_start = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Actual start",
    )
    actual_finish = forms.DateField(
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        label="Actual finish",
    )
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class LogTodayForm(forms.Form):
    """Today's hours on a task, with a note; 0 removes them."""

    hours = forms.DecimalField(
        min_value=0, max_value=24, max_digits=5, decimal_places=2, label="Hours today"
    )
    note = forms.CharField(max_length=500, required=False, label="Note")
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
