"""Field helpers shared by the models of resources, planning and costs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.core.validators import MaxLengthValidator, MinValueValidator
from django.db import models

ZERO = Decimal("0")


def long_text(limit: int, *, blank: bool = True, **kwargs: Any) -> models.TextField[Any, Any]:
    """A text field whose length limit is enforced by model validation, not only by forms."""
    return models.TextField(
        max_length=limit, blank=blank, validators=[MaxLengthValidator(limit)], **kwargs
    )


def money(**kwargs: Any) -> models.DecimalField[Any, Any]:
    """A non-negative amount of money, in the organisation's currency."""
    return models.DecimalField(
        max_digits=14,
        decimal_places=2,
        validators=[MinValueValidator(ZERO, message="Amounts are never negative.")],
        **kwargs,
    )
