"""Size limits of input, in one place: checked before anything is allocated or looped over.

Every number that sizes work (an array, a loop, a page, a solver run) is bounded here
and refused with a field error when out of range, before the version check and before
any query that would use it. The request body itself is capped by
:class:`keystage.core.middleware.LimitRequestBodyMiddleware`.
"""

from __future__ import annotations

from typing import Any

from keystage.core.errors import InvalidInput

INT32_MAX = 2**31 - 1
MAX_VERSION = INT32_MAX  # the version column is a 32-bit integer
MAX_PAGE_SIZE = 500  # rows per page of any list that pages (history, …)
MAX_OFFSET = 10_000_000  # the deepest page offset a list accepts
MAX_JSON_DEPTH = 64  # nesting of arrays and objects in a JSON body


def bounded_int(raw: Any, *, field: str, low: int, high: int, default: int | None = None) -> int:
    """``raw`` (a query parameter or a body value) as an int within ``low … high``.

    Missing or blank gives ``default`` (refused when there is none); anything else that is
    not a whole number in range is refused as a field error, before it is used.
    """
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if default is None:
            raise InvalidInput({field: "This field is required."})
        return default
    if isinstance(raw, bool):
        raise InvalidInput({field: "Enter a whole number."})
    text = str(raw).strip()
    if len(text) > 20:
        raise InvalidInput({field: f"Enter a whole number between {low} and {high}."})
    try:
        value = int(text)
    except ValueError:
        raise InvalidInput({field: "Enter a whole number."}) from None
    if not low <= value <= high:
        raise InvalidInput({field: f"Enter a whole number between {low} and {high}."})
    return value
