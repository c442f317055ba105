"""The JSON body parser of the API: strict, shallow, and valid Unicode only.

DRF's own parser lets three kinds of hostile bodies through to a 500: JSON nested
thousands of levels deep (a ``RecursionError``), lone surrogates such as ``"\\ud800"``
(valid JSON escapes that no database and no UTF-8 encoder accepts — echoed in an
error message they break the response too), and NUL characters in keys. This parser
refuses them before any serializer sees the data, with the field named when it can.
"""

from __future__ import annotations

import codecs
import json
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import JSONParser

from keystage.core.limits import MAX_JSON_DEPTH

UNICODE_MESSAGE = "Text must be valid Unicode (no lone surrogates or null characters)."


def _bad_text(text: str) -> bool:
    """True for text a database cannot store: lone surrogates or NUL."""
    if "\x00" in text:
        return True
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _first_problem(data: Any) -> tuple[str, str] | None:
    """(top-level field, message) of the first nesting or text problem, iteratively."""
    stack: list[tuple[Any, int, str]] = [(data, 1, "non_field_errors")]
    while stack:
        value, depth, field = stack.pop()
        if isinstance(value, (dict, list)) and depth > MAX_JSON_DEPTH:
            return field, f"Data is nested more than {MAX_JSON_DEPTH} levels deep."
        if isinstance(value, dict):
            for key, item in value.items():
                if _bad_text(key):
                    return "non_field_errors", f"A field name is not valid: {UNICODE_MESSAGE}"
                stack.append((item, depth + 1, key if depth == 1 else field))
        elif isinstance(value, list):
            stack.extend((item, depth + 1, field) for item in value)
        elif isinstance(value, str) and _bad_text(value):
            return field, UNICODE_MESSAGE
    return None


class StrictJSONParser(JSONParser):
    """JSON with a depth limit, no NaN or Infinity, and valid Unicode text only."""

    def parse(
        self,
        stream: Any,
        media_type: str | None = None,
        parser_context: Mapping[str, Any] | None = None,
    ) -> Any:
        """The parsed body, or a 400 naming what is wrong with it."""
        encoding = (parser_context or {}).get("encoding", settings.DEFAULT_CHARSET)
        try:
            text = codecs.getreader(encoding)(stream).read()
        except (UnicodeDecodeError, LookupError) as exc:
            raise ParseError(f"The body is not valid {encoding} text.") from exc
        try:
            data = json.loads(text, parse_constant=_refuse_constant)
        except RecursionError:
            # The decoder recurses per level; far past our limit it stops by itself.
            raise ParseError(f"JSON is nested more than {MAX_JSON_DEPTH} levels deep.") from None
        except ValueError as exc:
            raise ParseError(f"JSON parse error - {str(exc)[:200]}") from None
        problem = _first_problem(data)
        if problem is not None:
            field, message = problem
            raise ValidationError({field: [message]})
        return data


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows.")
