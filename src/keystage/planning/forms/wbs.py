"""HTML forms of the plan pages: one table cell's edit, the project calendar, a holiday.

The forms only check shapes (a choice, a date); the services hold the rules, and their field
errors come back onto the cell or the form.
"""

from __future__ import annotations

from typing import Any

from django import forms

from keystage.engine.network import ConstraintType
from keystage.planning.forms.scope import IsoDateInput

# The table's editable cells; each maps onto one service call (see views/wbs.py).
CELL_FIELDS = ("name", "duration", "work", "predecessors", "constraint", "deadline")
WEEKDAYS = [
    ("1", "Mon"),
    ("2", "Tue"),
    ("3", "Wed"),
    ("4", "Thu"),
    ("5", "Fri"),
    ("6", "Sat"),
    ("7", "Sun"),
]


class CellForm(forms.Form):
    """One cell of the plan table: which field, the text typed, and (constraints) a date."""

    field = forms.ChoiceField(choices=[(f, f) for f in CELL_FIELDS])
    value = forms.CharField(required=False, max_length=4000, strip=True)
    constraint_date = forms.DateField(required=False)


class CalendarForm(forms.Form):
    """The project's working week and daily shifts."""

    name = forms.CharField(max_length=100, initial="Standard")
    working_weekdays = forms.MultipleChoiceField(
        choices=WEEKDAYS,
        widget=forms.CheckboxSelectMultiple,
        label="Working days",
        error_messages={"required": "Choose at least one working day."},
    )
    shifts = forms.CharField(
        max_length=100,
        label="Working hours",
        help_text="Periods of a working day, e.g. 09:00-13:00,14:00-18:00.",
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def clean_working_weekdays(self) -> str:
        """The chosen days as the service's digits, e.g. ``12345``."""
        return "".join(sorted(self.cleaned_data["working_weekdays"]))


class HolidayForm(forms.Form):
    """A non-working day or period of the project calendar."""

    name = forms.CharField(max_length=200)
    start_date = forms.DateField(widget=IsoDateInput, label="From")
    end_date = forms.DateField(
        widget=IsoDateInput, required=False, label="To", help_text="Empty for a single day."
    )

    def data_for_service(self) -> dict[str, Any]:
        """The cleaned fields without an empty end (the service makes it a one-day holiday)."""
        data = dict(self.cleaned_data)
        if data.get("end_date") is None:
            data.pop("end_date", None)
        return data


CONSTRAINT_CHOICES = ConstraintType.choices()
