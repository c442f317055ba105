"""Cost rates by day: the rate history of people, read for pricing time (a selector).

``ResourceProfile.cost_rate`` is the current rate; ``CostRate`` rows say from which day each
rate held. The rate of a day is the latest row effective on or before it; before the first
row, the first row's rate; a person without rows is priced at the profile's rate (or 0).
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from keystage.resources.models import CostRate, ResourceProfile
from keystage.resources.models.people import DEFAULT_RATE


@dataclass
class RateBook:
    """The rate histories of some people, answering ``rate(person_id, day)`` in memory."""

    days: dict[int, list[dt.date]] = field(default_factory=dict)
    rates: dict[int, list[Decimal]] = field(default_factory=dict)
    current: dict[int, Decimal] = field(default_factory=dict)

    def rate(self, person_id: int, day: dt.date) -> Decimal:
        """The person's cost rate per hour on ``day``."""
        days = self.days.get(person_id)
        if not days:
            return self.current.get(person_id, DEFAULT_RATE)
        index = bisect_right(days, day) - 1
        return self.rates[person_id][max(index, 0)]


def rate_book(person_ids: Iterable[int]) -> RateBook:
    """The rate histories of ``person_ids`` in two queries."""
    ids = set(person_ids)
    days: dict[int, list[dt.date]] = defaultdict(list)
    rates: dict[int, list[Decimal]] = defaultdict(list)
    rows = CostRate.objects.filter(user_id__in=ids).order_by("user_id", "effective_from")
    for user_id, day, rate in rows.values_list("user_id", "effective_from", "rate"):
        days[user_id].append(day)
        rates[user_id].append(rate)
    current = dict(
        ResourceProfile.objects.filter(user_id__in=ids).values_list("user_id", "cost_rate")
    )
    return RateBook(dict(days), dict(rates), current)


def rate_history(person_id: int) -> list[tuple[dt.date, Decimal]]:
    """One person's rates and the day each took effect, oldest first."""
    return list(
        CostRate.objects.filter(user_id=person_id)
        .order_by("effective_from")
        .values_list("effective_from", "rate")
    )
