"""The acting user of a request, typed for the services."""

from __future__ import annotations

from typing import Any, cast

from keystage.accounts.models import User
from keystage.core.errors import NotFound


def actor(request: Any) -> User:
    """The signed-in user of the request; views behind login only call this."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        raise NotFound()
    return cast(User, user)
