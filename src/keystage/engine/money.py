"""Money in one place: the cent and the one rounding rule every figure goes through.

The mode is ``ROUND_HALF_UP`` (half away from zero: 0.125 → 0.13, −0.125 → −0.13).
It is what spreadsheets (``ROUND``), invoices and finance teams use for cents, so a
figure a user checks by hand in a spreadsheet matches ours. Banker's rounding
(``ROUND_HALF_EVEN``) only pays off when many already-rounded values are summed;
we sum before rounding, and the cost plan hands the rounding remainder to its last
month, so totals stay exact either way.

Quantities shown beside money (hours, days) are rounded with the same mode through
:func:`round_to`, so one rule holds for every number a user reads.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

__all__ = ["CENT", "ROUNDING", "round_to", "to_cents"]

CENT = Decimal("0.01")
ROUNDING = ROUND_HALF_UP
_ZERO_CENTS = Decimal("0.00")


def round_to(value: Decimal, step: Decimal) -> Decimal:
    """``value`` rounded to a multiple of ``step`` (``Decimal("0.1")``, ``CENT``…), half up."""
    return value.quantize(step, rounding=ROUNDING)


def to_cents(value: float | int | Decimal) -> Decimal:
    """A money amount rounded to cents (half up); floats go through ``str``; never ``-0.00``."""
    amount = value if isinstance(value, Decimal) else Decimal(str(value))
    return round_to(amount, CENT) + _ZERO_CENTS  # adding 0.00 turns -0.00 into 0.00
