"""The one place where the engine's field errors become the app's field messages."""

from __future__ import annotations

from keystage.core.errors import InvalidInput
from keystage.engine.errors import FieldError


def invalid_input(exc: FieldError) -> InvalidInput:
    """``exc`` as :class:`InvalidInput`, keyed by the top-level input it names.

    The engine names the culprit precisely (``"lines[2].amount.low"``); forms and
    the API know only their own fields, so the message goes to ``lines``.
    """
    field = exc.field.split("[", 1)[0].split(".", 1)[0]
    return InvalidInput({field: exc.message})
