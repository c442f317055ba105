"""Personal calendar-feed tokens: created (or rotated) and revoked by their owner.

The token is shown once; only its SHA-256 digest is kept, as API tokens keep only
theirs (a token of 256 random bits needs no salt or slow hash). Who a token belongs to is
answered only for active users; every change is journaled.
"""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction

from keystage.accounts.models import CalendarToken, User
from keystage.core.audit import audit_record
from keystage.core.errors import NotFound
from keystage.core.models import AuditAction


def digest(token: str) -> str:
    """The stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def calendar_token_of(who: Any) -> CalendarToken | None:
    """The user's current calendar token record (no secret), or None."""
    return CalendarToken.objects.filter(user_id=who.pk).first()


@transaction.atomic
def calendar_token_create(*, who: User) -> str:
    """Create the user's calendar token, replacing (rotating) any earlier one; returns it once."""
    token = secrets.token_urlsafe(32)
    rotated = CalendarToken.objects.filter(user_id=who.pk).delete()[0] > 0
    CalendarToken.objects.create(user=who, digest=digest(token), prefix=token[:6])
    audit_record(
        who=who,
        obj=who,
        action=AuditAction.UPDATE,
        changes={"calendar_token": ["set" if rotated else None, "set"]},
        summary="Rotated the calendar feed link" if rotated else "Created a calendar feed link",
    )
    return token


@transaction.atomic
def calendar_token_revoke(*, who: User) -> None:
    """Revoke the user's calendar token: its URL answers 404 from now on."""
    if not CalendarToken.objects.filter(user_id=who.pk).delete()[0]:
        raise NotFound("You have no calendar feed link.")
    audit_record(
        who=who,
        obj=who,
        action=AuditAction.UPDATE,
        changes={"calendar_token": ["set", None]},
        summary="Revoked the calendar feed link",
    )


def calendar_token_user(token: str) -> User | None:
    """The active user a token belongs to, or None (unknown, revoked, or user deactivated)."""
    if not token or len(token) > 100:
        return None
    row = (
        CalendarToken.objects.select_related("user", "user__organisation")
        .filter(digest=digest(token), user__is_active=True)
        .first()
    )
    return row.user if row is not None else None
