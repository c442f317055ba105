"""Errors raised by the business-case engine (:mod:`keystage.engine.finance`)."""

from __future__ import annotations

from keystage.engine.errors import FieldError


class FinanceError(ValueError):
    """Base class for every business-case error."""


class FinanceFieldError(FieldError, FinanceError):
    """An input field holds a value the business case cannot use (see :class:`FieldError`)."""


class IrrUndefinedError(FinanceError):
    """No internal rate of return exists for the cash flows."""


class RoiUndefinedError(FinanceError):
    """Return on investment cannot be computed (there is no cost to divide by)."""
