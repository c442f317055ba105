"""The permission chokepoint for people: who may look up and invite whom."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from keystage.accounts.models import User


def signed_in(who: Any) -> User | None:
    """The user if signed in and active, else None."""
    if who is None or not getattr(who, "is_authenticated", False) or not who.is_active:
        return None
    return who  # type: ignore[no-any-return]


def users_visible_to(who: Any) -> QuerySet[User]:
    """People the user may look up and invite: the same organisation, active accounts."""
    user = signed_in(who)
    if user is None:
        return User.objects.none()
    if user.organisation_id is None:
        return User.objects.filter(is_active=True) if user.is_superuser else User.objects.none()
    return User.objects.filter(organisation_id=user.organisation_id, is_active=True)
