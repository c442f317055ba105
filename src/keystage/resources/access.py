"""Who may read and change a person's resource data (skills, profile, absences).

People are organisation-level: everyone of the organisation may read them
(through ``accounts.access.users_visible_to``); administrators and portfolio
owners edit anyone's, and everyone edits their own. Equipment and procurement
belong to a project and go through ``portfolio.access`` instead.
"""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from keystage.accounts.access import signed_in, users_visible_to
from keystage.accounts.models import User
from keystage.core.errors import Forbidden, NotFound
from keystage.core.lookup import parse_public_id
from keystage.resources.models import Skill


def person_lookup(who: Any, ref: Any) -> User:
    """A colleague by user id (UUID) or username; 404 outside the organisation."""
    qs = users_visible_to(who)
    text = str(ref).strip()
    try:
        person = qs.filter(public_id=parse_public_id(text)).first()
    except NotFound:
        person = qs.filter(username=text).first() if text else None
    if person is None:
        raise NotFound()
    return person


def can_edit_person(who: Any, person: User) -> bool:
    """Oneself; or an administrator / portfolio owner of the person's organisation."""
    user = signed_in(who)
    if user is None:
        return False
    if user.pk == person.pk or user.is_superuser:
        return True
    return user.is_portfolio_owner and user.organisation_id == person.organisation_id


def require_person_edit(who: Any, person: User) -> None:
    """Forbidden unless ``who`` may edit this person's skills, profile and absences."""
    if not can_edit_person(who, person):
        raise Forbidden(
            "Only the person themselves, an administrator or a portfolio owner "
            f"may change {person.display_name}'s skills, profile and absences."
        )


def skills_visible_to(who: Any) -> QuerySet[Skill]:
    """The skill catalogue of the user's organisation."""
    user = signed_in(who)
    if user is None:
        return Skill.objects.none()
    if user.organisation_id is None:
        return Skill.objects.all() if user.is_superuser else Skill.objects.none()
    return Skill.objects.filter(organisation_id=user.organisation_id)


def can_manage_catalogue(who: Any) -> bool:
    """Administrators and portfolio owners rename and remove skills; anyone adds one."""
    user = signed_in(who)
    return bool(user and user.is_portfolio_owner)
