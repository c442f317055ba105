"""Errors raised by the business-case engine (:mod:`keystage.engine.finance`)."""

from __future__ import annotations


class FinanceError(ValueError):
    """Base class for every business-case error."""


class FinanceFieldError(FinanceError):
    """An input field holds a value the business case cannot use.

    ``field`` names the culprit (for example ``"lines[2].amount.low"``) so a
    form or an API response can attach the message to the right input.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.reason = message
        super().__init__(f"{field}: {message}")


class IrrUndefinedError(FinanceError):
    """No internal rate of return exists for the cash flows."""


class RoiUndefinedError(FinanceError):
    """Return on investment cannot be computed (there is no cost to divide by)."""
