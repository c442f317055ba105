"""Form fields derived from model fields with one bound message per field.

A model field's own range (a ``PositiveSmallIntegerField`` is ≥ 0) and its validators'
range (a score of 1–10) used to give two messages for one field, one per layer ("≥ 0",
then "≥ 1"). :func:`formfield` gives the form field the model's tightest bounds and one
message naming the whole range, so the form and the model say the same thing.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models


def model_bounds(db_field: models.Field[Any, Any]) -> tuple[Any, Any]:
    """The tightest lower and upper bound the model field's validators set (None if open)."""
    low = high = None
    for validator in db_field.validators:
        if not isinstance(validator, (MinValueValidator, MaxValueValidator)):
            continue
        limit = validator.limit_value
        if callable(limit):
            continue
        if isinstance(validator, MinValueValidator) and (low is None or limit > low):
            low = limit
        elif isinstance(validator, MaxValueValidator) and (high is None or limit < high):
            high = limit
    return low, high


def bound_message(low: Any, high: Any) -> str:
    """The one message of a number field bounded by ``low`` and/or ``high``."""
    if low is not None and high is not None:
        return f"Enter a number from {low} to {high}."
    if low is not None:
        return f"Enter a number of at least {low}."
    return f"Enter a number of at most {high}."


def formfield(db_field: models.Field[Any, Any], **kwargs: Any) -> forms.Field | None:
    """``formfield_callback`` for model forms: numbers get the model's bounds, one message.

    A validator with its own message (e.g. "Levels run from 1 to 5.") keeps it.
    """
    if isinstance(db_field, (models.IntegerField, models.DecimalField, models.FloatField)):
        low, high = model_bounds(db_field)
        if low is not None or high is not None:
            custom = [
                str(v.message)
                for v in db_field.validators
                if isinstance(v, (MinValueValidator, MaxValueValidator))
                and v.message != type(v).message
            ]
            text = custom[0] if custom else bound_message(low, high)
            kwargs.setdefault("min_value", low)
            kwargs.setdefault("max_value", high)
            messages = {"min_value": text, "max_value": text, **kwargs.pop("error_messages", {})}
            kwargs["error_messages"] = messages
    return db_field.formfield(**kwargs)
