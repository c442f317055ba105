"""The organisation's settings: its currency and whether project managers open projects.

Every signed-in member reads them (pages format money with the currency); only the
organisation's administrators change them, with the version they read (409 on a stale
one), and every change is journaled.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F

from keystage.accounts.access import signed_in
from keystage.accounts.models import Organisation
from keystage.core.audit import audit_record, diff_fields
from keystage.core.errors import Conflict, Forbidden, InvalidInput, NotFound
from keystage.core.models import AuditAction

SETTINGS_FIELDS = ("currency", "project_managers_open_projects")
DEFAULT_CURRENCY = "EUR"


def organisation_of(who: Any) -> Organisation:
    """The signed-in user's organisation (404 when the account belongs to none)."""
    user = signed_in(who)
    if user is None or user.organisation_id is None:
        raise NotFound("Your account belongs to no organisation.")
    return Organisation.objects.get(pk=user.organisation_id)


def currency_of(who: Any) -> str:
    """The ISO 4217 code of the user's organisation; the default when there is none."""
    user = signed_in(who)
    organisation = getattr(user, "organisation", None) if user is not None else None
    return organisation.currency if organisation is not None else DEFAULT_CURRENCY


def _clean(changes: dict[str, Any]) -> dict[str, Any]:
    unknown = sorted(set(changes) - set(SETTINGS_FIELDS))
    if unknown:
        raise InvalidInput({f: "This field cannot be changed here." for f in unknown})
    clean = dict(changes)
    if "currency" in clean:
        clean["currency"] = str(clean["currency"] or "").strip().upper()
    if "project_managers_open_projects" in clean and not isinstance(
        clean["project_managers_open_projects"], bool
    ):
        raise InvalidInput({"project_managers_open_projects": "Must be true or false."})
    candidate = Organisation(name="x", **clean)
    try:
        candidate.full_clean(exclude=["name", *(f for f in SETTINGS_FIELDS if f not in clean)])
    except ValidationError as exc:
        raise InvalidInput(exc.message_dict) from None
    return clean


@transaction.atomic
def organisation_settings_update(
    *, who: Any, version: int, changes: dict[str, Any]
) -> Organisation:
    """Change the organisation's settings (administrators only) if ``version`` is current."""
    user = signed_in(who)
    if user is None or not user.is_org_admin:
        raise Forbidden("Only the organisation's administrators change its settings.")
    organisation = organisation_of(user)
    clean = _clean(changes)
    if organisation.version != version:
        raise Conflict(current=organisation)
    delta = diff_fields({f: getattr(organisation, f) for f in clean}, clean)
    if not delta:
        return organisation
    touched = Organisation.objects.filter(pk=organisation.pk, version=version).update(
        **clean, version=F("version") + 1
    )
    if touched != 1:
        raise Conflict(current=Organisation.objects.get(pk=organisation.pk))
    fresh = Organisation.objects.get(pk=organisation.pk)
    audit_record(
        who=user,
        obj=fresh,
        action=AuditAction.UPDATE,
        changes=delta,
        summary=f"Changed the settings of {fresh.name}",
    )
    return fresh
