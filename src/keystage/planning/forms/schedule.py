"""HTML form of a schedule request."""

from __future__ import annotations

from django import forms

from keystage.planning.models import ScheduleMethod
from keystage.planning.services.schedule import (
    TIME_LIMIT_DEFAULT,
    TIME_LIMIT_MAX,
    TIME_LIMIT_MIN,
)

METHOD_HELP = {
    ScheduleMethod.CPM: "Dates from durations and links only; people's limits are ignored.",
    ScheduleMethod.LEVEL_WITHIN_FLOAT: "Delays tasks only inside their float: the finish stays.",
    ScheduleMethod.LEVEL: "Delays tasks until nobody is over-allocated; the finish may move.",
    ScheduleMethod.OPTIMISE: "Searches for the shortest schedule that respects everyone's "
    "capacity, within the time limit, and proves how far from the best it can be.",
}


class ScheduleRunForm(forms.Form):
    """Method and time limit of a run."""

    method = forms.ChoiceField(
        choices=ScheduleMethod.choices, widget=forms.RadioSelect, initial=ScheduleMethod.LEVEL
    )
    time_limit_seconds = forms.IntegerField(
        label="Time limit (seconds)",
        min_value=TIME_LIMIT_MIN,
        max_value=TIME_LIMIT_MAX,
        initial=TIME_LIMIT_DEFAULT,
        help_text="How long the optimiser may search; levelling takes well under a second.",
    )
