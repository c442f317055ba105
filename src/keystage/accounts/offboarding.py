"""User administration by organisation admins: deactivate, change role, revoke access.

Every change is journaled and versioned (``User.version``). Revoking a user's
access deletes their API tokens and raises their session epoch, which ends every
session they hold (see ``User._get_session_auth_hash``). Deactivation and password
changes revoke access the same way.

``who=None`` is the operator at the server's command line (``keystage user …``),
who may administer any organisation; every other caller must be an active
administrator of the user's organisation.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from keystage.accounts.access import signed_in
from keystage.accounts.models import Organisation, User
from keystage.accounts.roles import OrgRole
from keystage.core.audit import audit_record, diff_fields
from keystage.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from keystage.core.models import AuditAction

LAST_ADMIN = "The organisation must keep at least one active administrator."


def _admin_of(who: Any) -> User:
    """The acting organisation admin, or Forbidden."""
    user = signed_in(who)
    if user is None or not user.is_org_admin or user.organisation_id is None:
        raise Forbidden("Only an administrator of the organisation may manage its users.")
    return user


def managed_users(*, who: Any, organisation: Organisation | None = None) -> QuerySet[User]:
    """The users ``who`` administers (active or not), with their live token count.

    Raises Forbidden for anyone but an organisation admin; the operator (``who=None``)
    names the organisation.
    """
    if who is None:
        if organisation is None:
            raise InvalidInput({"organisation": "Name the organisation."})
        org_id = int(organisation.pk)
    else:
        org_id = int(_admin_of(who).organisation_id or 0)
    live = Q(auth_token_set__expiry__gt=timezone.now()) | Q(auth_token_set__expiry__isnull=True)
    return (
        User.objects.filter(organisation_id=org_id)
        .annotate(token_count=Count("auth_token_set", filter=live))
        .order_by("username")
    )


def managed_user_get(*, who: Any, user_id: Any, organisation: Organisation | None = None) -> User:
    """One user of the admin's organisation by public id or username; 404 otherwise."""
    users = managed_users(who=who, organisation=organisation)
    text = str(user_id).strip()[:150]
    try:
        found = users.filter(public_id=uuid.UUID(text)).first()
    except ValueError:
        found = users.filter(username__iexact=text).first()
    if found is None:
        raise NotFound()
    return found


def access_revoke(*, user: User) -> int:
    """Delete the user's API tokens and end all their sessions; the number of tokens.

    A building block of the services below (they journal); call inside their
    transaction. The caller keeps its own session with ``update_session_auth_hash``.
    """
    deleted, _ = AuthToken.objects.filter(user=user).delete()
    User.objects.filter(pk=user.pk).update(session_epoch=F("session_epoch") + 1)
    user.refresh_from_db(fields=["session_epoch"])
    return int(deleted)


def _active_admins(organisation_id: int | None) -> QuerySet[User]:
    return User.objects.filter(
        organisation_id=organisation_id or 0, is_active=True, org_role=OrgRole.ADMIN
    )


@transaction.atomic
def managed_user_update(
    *,
    who: Any,
    user: User,
    version: int | None,
    is_active: bool | None = None,
    org_role: str | None = None,
) -> User:
    """Deactivate, reactivate or change the organisation role of ``user``.

    ``version`` is the one the admin read (None only from the command line). Nobody
    deactivates or demotes themselves; the organisation keeps an active admin.
    Deactivation revokes the user's tokens and sessions.
    """
    actor = None if who is None else _admin_of(who)
    if actor is not None and user.organisation_id != actor.organisation_id:
        raise NotFound()
    changes: dict[str, Any] = {}
    if is_active is not None:
        changes["is_active"] = bool(is_active)
    if org_role is not None:
        if org_role not in OrgRole.values:
            raise InvalidInput({"org_role": f"Choose one of: {', '.join(OrgRole.values)}."})
        changes["org_role"] = org_role
    if not changes:
        raise InvalidInput({"is_active": "Say what to change: is_active or org_role."})
    if actor is not None and actor.pk == user.pk:
        if changes.get("is_active") is False:
            raise InvalidInput({"is_active": "You cannot deactivate yourself."})
        if changes.get("org_role", OrgRole.ADMIN) != OrgRole.ADMIN:
            raise InvalidInput({"org_role": "You cannot remove your own administrator role."})
    # Lock the organisation row first (a fixed order), so two admins demoting each
    # other at once cannot both pass the last-admin check.
    Organisation.objects.select_for_update().filter(id=user.organisation_id or 0).first()
    if actor is not None and not _active_admins(actor.organisation_id).filter(pk=actor.pk).exists():
        raise Forbidden("Only an administrator of the organisation may manage its users.")
    current = User.objects.select_for_update().get(pk=user.pk)
    expected = current.version if version is None else version
    if current.version != expected:
        raise Conflict(current=current)
    before = {field: getattr(current, field) for field in changes}
    delta = diff_fields(before, changes)
    if not delta:
        return current
    stays_admin = changes.get("is_active", current.is_active) and (
        changes.get("org_role", current.org_role) == OrgRole.ADMIN
    )
    was_admin = current.is_active and current.org_role == OrgRole.ADMIN
    if (
        was_admin
        and not stays_admin
        and not _active_admins(current.organisation_id).exclude(pk=current.pk).exists()
    ):
        field = "is_active" if changes.get("is_active") is False else "org_role"
        raise InvalidInput({field: LAST_ADMIN})
    touched = User.objects.filter(pk=current.pk, version=expected).update(
        **changes, version=F("version") + 1
    )
    if touched != 1:
        raise Conflict(current=User.objects.filter(pk=current.pk).first())
    fresh = User.objects.get(pk=current.pk)
    summary = _summary(delta)
    if changes.get("is_active") is False:
        delta["tokens_revoked"] = [None, access_revoke(user=fresh)]
    audit_record(who=who, obj=fresh, action=AuditAction.UPDATE, changes=delta, summary=summary)
    return fresh


def _summary(delta: dict[str, Any]) -> str:
    parts = []
    if "is_active" in delta:
        parts.append("Reactivated" if delta["is_active"][1] else "Deactivated")
    if "org_role" in delta:
        parts.append(f"Organisation role {delta['org_role'][0]} → {delta['org_role'][1]}")
    return "; ".join(parts)


@transaction.atomic
def managed_user_revoke_access(*, who: Any, user: User) -> int:
    """Revoke all of ``user``'s API tokens and sessions; the number of tokens revoked."""
    actor = None if who is None else _admin_of(who)
    if actor is not None and user.organisation_id != actor.organisation_id:
        raise NotFound()
    revoked = access_revoke(user=user)
    audit_record(
        who=who,
        obj=user,
        action=AuditAction.UPDATE,
        changes={"tokens_revoked": [None, revoked]},
        summary="Revoked all API tokens and sessions",
    )
    return revoked
