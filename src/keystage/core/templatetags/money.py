"""``{{ amount|money:currency }}``: an amount in the organisation's currency, for people.

Cents always shown, thousands grouped with commas, rounded half up (``engine.money``), a
leading minus for negative amounts. A currency with a well-known symbol shows it before the
number ("€ 12,345.00", "-$ 80.50"); any other ISO code follows it ("12,345.00 CHF").
The space is non-breaking, so an amount never wraps in a table cell.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from keystage.engine.money import to_cents

register = template.Library()

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}
NBSP = "\u00a0"


def format_money(amount: Any, currency: str = "") -> str:
    """The amount as people read it, with ``currency`` (ISO 4217) as symbol or code.

    ``None`` and blank give ""; anything that is not a number is returned as text.
    """
    if amount is None or amount == "":
        return ""
    try:
        value = to_cents(amount if isinstance(amount, Decimal | int | float) else Decimal(amount))
    except (InvalidOperation, ValueError, TypeError):
        return str(amount)
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.2f}"
    code = (currency or "").strip().upper()
    if code in SYMBOLS:
        return f"{sign}{SYMBOLS[code]}{NBSP}{digits}"
    if code:
        return f"{sign}{digits}{NBSP}{code}"
    return f"{sign}{digits}"


@register.filter(name="money")
def money(amount: Any, currency: str = "") -> str:
    """Template filter: ``{{ line.amount|money:currency }}`` (see ``format_money``)."""
    return format_money(amount, currency)
