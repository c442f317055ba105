"""Template context every page gets from the accounts app."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from keystage.accounts.organisation import currency_of


def organisation_currency(request: HttpRequest) -> dict[str, Any]:
    """``currency``: the signed-in user's organisation currency, for ``|money:currency``.

    Lazy: a page that shows no money reads nothing.
    """
    return {"currency": SimpleLazyObject(lambda: currency_of(request.user))}
