"""``{{ amount|money:currency }}``: an amount with the organisation's currency.

Grouped thousands, two decimals, a leading minus for negatives: ``€ 12,345.00``,
``-£ 80.50``; a currency without a symbol here follows the amount (``12,345.00 SEK``).
An empty value shows an en dash.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django import template

from keystage.engine.money import to_cents

register = template.Library()

SYMBOLS = {"EUR": "€", "USD": "$", "GBP": "£", "JPY": "¥", "INR": "₹"}


@register.filter(name="money")
def money(amount: Any, currency: str | None = "") -> str:
    """The amount to the cent with its currency (symbol before, or code after)."""
    if amount is None or amount == "":
        return "–"
    try:
        value = to_cents(Decimal(str(amount)))
    except (InvalidOperation, ValueError):
        return str(amount)
    sign = "-" if value < 0 else ""
    digits = f"{abs(value):,.2f}"
    code = (currency or "").upper()
    symbol = SYMBOLS.get(code)
    if symbol:
        return f"{sign}{symbol}\u00a0{digits}"
    return f"{sign}{digits}\u00a0{code}" if code else f"{sign}{digits}"
