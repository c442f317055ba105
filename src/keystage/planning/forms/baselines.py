"""HTML form of a baseline capture."""

from __future__ import annotations

from django import forms

from keystage.planning.services.baselines import NAME_MAX, NOTE_MAX


class BaselineCaptureForm(forms.Form):
    """Name and note of the baseline to capture; the name defaults to "Baseline N"."""

    name = forms.CharField(
        max_length=NAME_MAX,
        required=False,
        help_text='e.g. "Approved plan"; empty = "Baseline N".',
    )
    note = forms.CharField(
        max_length=NOTE_MAX,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why this baseline: an approval, a re-plan, a change request.",
    )
