"""Writes to resource data. Keyword-only, the acting user as ``who=``; every change is
validated as field errors, version-checked (428 without, 409 when stale) and journaled.

People's records (skills, profile, absences) belong to the organisation and are
journaled without a project; a project's equipment and procurement are written in
``supplies``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import ProtectedError, Value
from django.db.models.functions import Lower
from django.utils import timezone

from keystage.accounts.access import signed_in
from keystage.accounts.models import User
from keystage.core import records
from keystage.core.audit import audit_record
from keystage.core.errors import Conflict, Forbidden, InvalidInput, VersionRequired
from keystage.core.models import AuditAction
from keystage.core.versioning import bump_version
from keystage.resources.access import (
    can_manage_catalogue,
    require_person_edit,
    skills_visible_to,
)
from keystage.resources.models import (
    RATE_SINCE_ALWAYS,
    Absence,
    CostRate,
    PersonSkill,
    ResourceProfile,
    Skill,
)

SKILL_FIELDS = ("name", "description")
PROFILE_FIELDS = (
    "capacity_percent",
    "cost_rate",
    "job_title",
    "hours_per_day",
    "working_weekdays",
)
ABSENCE_FIELDS = ("start_date", "end_date", "reason")


# ------------------------------------------------------------------ skills


def _check_skill_name(who: Any, name: str, exclude_pk: int | None = None) -> None:
    # Both sides through the database's lower(): the same rule as the unique index.
    clash = skills_visible_to(who).annotate(lname=Lower("name")).filter(lname=Lower(Value(name)))
    if exclude_pk is not None:
        clash = clash.exclude(pk=exclude_pk)
    found = clash.first()
    if found is not None:
        raise InvalidInput({"name": f"The catalogue already has the skill '{found.name}'."})


@transaction.atomic
def skill_create(*, who: User, name: str, description: str = "") -> Skill:
    """Add a skill to the organisation's catalogue (anyone of the organisation may)."""
    user = signed_in(who)
    if user is None or user.organisation_id is None:
        raise Forbidden("Only people of an organisation add skills to its catalogue.")
    name = (name or "").strip()
    skill = Skill(organisation_id=user.organisation_id, name=name, description=description.strip())
    if name:
        _check_skill_name(who, name)
    try:
        return records.create(
            who=who,
            instance=skill,
            project=None,
            fields=SKILL_FIELDS,
            summary=f"Added skill '{name}' to the catalogue",
        )
    except Conflict:  # the unique index caught a name the check above let through
        raise InvalidInput({"name": "The catalogue already has this skill."}) from None


@transaction.atomic
def skill_update(*, who: User, skill: Skill, version: int, changes: dict[str, Any]) -> Skill:
    """Rename or describe a skill (administrators and portfolio owners)."""
    if not can_manage_catalogue(who):
        raise Forbidden("Only administrators and portfolio owners change the skill catalogue.")
    changes = records.editable(changes, SKILL_FIELDS)
    if changes.get("name"):
        _check_skill_name(who, changes["name"], exclude_pk=skill.pk)
    try:
        with transaction.atomic():
            return records.update(
                who=who,
                instance=skill,
                version=version,
                changes=changes,
                project=None,
                summary=f"Edited skill '{skill.name}'",
            )
    except IntegrityError:  # the unique index caught a name the check above let through
        raise InvalidInput({"name": "The catalogue already has this skill."}) from None


@transaction.atomic
def skill_delete(*, who: User, skill: Skill, version: int) -> None:
    """Remove a skill and everyone's level in it (refused while planning still needs it)."""
    if not can_manage_catalogue(who):
        raise Forbidden("Only administrators and portfolio owners change the skill catalogue.")
    try:
        with transaction.atomic():
            records.delete(
                who=who,
                instance=skill,
                version=version,
                project=None,
                fields=SKILL_FIELDS,
                summary=f"Removed skill '{skill.name}' from the catalogue",
            )
    except ProtectedError:
        raise InvalidInput(
            {"non_field_errors": f"'{skill.name}' is still required by tasks; change them first."}
        ) from None


# --------------------------------------------------------- profile and skills


def _profile_for_edit(who: User, person: User, version: int | None) -> tuple[ResourceProfile, bool]:
    """The person's profile at ``version``; created with the defaults on the first write."""
    require_person_edit(who, person)
    existing = ResourceProfile.objects.filter(user=person).first()
    if existing is None:
        profile = records.create(
            who=who,
            instance=ResourceProfile(user=person, job_title=person.job_title),
            project=None,
            fields=PROFILE_FIELDS,
            summary=f"Created the resource profile of {person.display_name}",
        )
        return profile, True
    if version is None:
        raise VersionRequired()
    if existing.version != version:
        raise Conflict(current=existing)
    return existing, False


def _normalise_weekdays(changes: dict[str, Any]) -> None:
    raw = changes.get("working_weekdays")
    if raw is None:
        return
    text = str(raw).replace(",", "").replace(" ", "")
    if not text or any(c not in "1234567" for c in text):
        raise InvalidInput(
            {"working_weekdays": "Use the digits 1 (Monday) to 7 (Sunday), e.g. 12345."}
        )
    changes["working_weekdays"] = "".join(sorted(set(text)))


def _record_rate(person: User, rate: Any, effective_from: dt.date) -> None:
    """Add (or replace, on the same day) the rate history row effective from that day."""
    CostRate.objects.update_or_create(
        user=person, effective_from=effective_from, defaults={"rate": rate}
    )


def _rate_from(raw: Any) -> dt.date | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, dt.date):
        return raw
    try:
        return dt.date.fromisoformat(str(raw))
    except ValueError:
        raise InvalidInput({"rate_from": "Enter a date as YYYY-MM-DD."}) from None


@transaction.atomic
def profile_update(
    *, who: User, person: User, version: int | None, changes: dict[str, Any]
) -> ResourceProfile:
    """Set capacity, cost rate, title and personal calendar; ``version`` once it exists.

    A new cost rate adds a row to the rate history, effective from ``rate_from`` (default
    today): time is priced at the rate of its day. The first profile's rate holds since always.
    """
    require_person_edit(who, person)
    changes = dict(changes)
    rate_from = _rate_from(changes.pop("rate_from", None))
    changes = records.editable(changes, PROFILE_FIELDS)
    _normalise_weekdays(changes)
    existing = ResourceProfile.objects.filter(user=person).first()
    if existing is None:
        profile = ResourceProfile(user=person, **{"job_title": person.job_title, **changes})
        created = records.create(
            who=who,
            instance=profile,
            project=None,
            fields=PROFILE_FIELDS,
            summary=f"Created the resource profile of {person.display_name}",
        )
        _record_rate(person, created.cost_rate, rate_from or RATE_SINCE_ALWAYS)
        return created
    if version is None:
        raise VersionRequired()
    updated = records.update(
        who=who,
        instance=existing,
        version=version,
        changes=changes,
        project=None,
        summary=f"Edited the resource profile of {person.display_name}",
    )
    if "cost_rate" in changes and (
        updated.cost_rate != existing.cost_rate or rate_from is not None
    ):
        if not CostRate.objects.filter(user=person).exists():  # a profile from before history
            _record_rate(person, existing.cost_rate, RATE_SINCE_ALWAYS)
        _record_rate(person, updated.cost_rate, rate_from or timezone.localdate())
    return updated


def _level(value: Any, field: str) -> int:
    try:
        level = int(value)
    except (TypeError, ValueError):
        raise InvalidInput({field: "A level is a whole number from 1 to 5."}) from None
    if not 1 <= level <= 5:
        raise InvalidInput({field: f"A level is from 1 to 5, not {level}."})
    return level


def _apply_levels(
    who: User,
    person: User,
    profile: ResourceProfile,
    created: bool,
    version: int | None,
    wanted: Mapping[Skill, int | None],
    replace: bool,
) -> ResourceProfile:
    """Set, change or remove levels; one journal entry and one version step for all."""
    current = {
        ps.skill_id: ps for ps in PersonSkill.objects.filter(user=person).select_related("skill")
    }
    delta: dict[str, list[Any]] = {}
    if replace:
        for row in current.values():
            if row.skill not in wanted:
                delta[row.skill.name] = [row.level, None]
                row.delete()
    for skill, level in wanted.items():
        found = current.get(skill.pk)
        if level is None:
            if found is not None:
                delta[skill.name] = [found.level, None]
                found.delete()
        elif found is None:
            PersonSkill.objects.create(user=person, skill=skill, level=level)
            delta[skill.name] = [None, level]
        elif found.level != level:
            delta[skill.name] = [found.level, level]
            PersonSkill.objects.filter(pk=found.pk).update(level=level, version=found.version + 1)
    if not delta:
        return profile
    if not created:
        bump_version(profile, version)  # type: ignore[arg-type]
    audit_record(
        who=who,
        obj=profile,
        action=AuditAction.UPDATE,
        project=None,
        changes={f"skill: {name}": change for name, change in sorted(delta.items())},
        summary=f"Changed the skills of {person.display_name}",
    )
    return ResourceProfile.objects.get(pk=profile.pk)


@transaction.atomic
def person_skill_set(
    *, who: User, person: User, skill: Skill, level: int | None, version: int | None
) -> ResourceProfile:
    """Give ``person`` ``skill`` at ``level`` (1–5), or remove it with None.

    Skills are versioned with the person's profile: send the profile's version.
    """
    require_person_edit(who, person)
    if skill.organisation_id != person.organisation_id:
        raise InvalidInput({"skill": "Unknown skill."})
    checked = None if level is None else _level(level, "level")
    profile, created = _profile_for_edit(who, person, version)
    return _apply_levels(who, person, profile, created, version, {skill: checked}, replace=False)


@transaction.atomic
def person_skills_replace(
    *, who: User, person: User, levels: list[tuple[str, Any]], version: int | None
) -> ResourceProfile:
    """Replace the person's skills with ``levels``: (skill id or name, level) pairs."""
    require_person_edit(who, person)
    catalogue = {s.name.lower(): s for s in Skill.objects.filter(organisation=person.organisation)}
    by_id = {str(s.public_id): s for s in catalogue.values()}
    wanted: dict[Skill, int | None] = {}
    for index, (ref, level) in enumerate(levels):
        text = str(ref).strip()
        skill = by_id.get(text.lower()) or catalogue.get(text.lower())
        if skill is None:
            raise InvalidInput({"skills": f"Unknown skill '{text[:100]}' (item {index + 1})."})
        if skill in wanted:
            raise InvalidInput({"skills": f"'{skill.name}' is listed twice."})
        wanted[skill] = _level(level, "skills")
    profile, created = _profile_for_edit(who, person, version)
    return _apply_levels(who, person, profile, created, version, wanted, replace=True)


# ----------------------------------------------------------------- absences


def _check_absence(absence: Absence) -> None:
    records.clean(absence, exclude=["user"])
    if absence.end_date < absence.start_date:
        raise InvalidInput({"end_date": "The last day must not be before the first day."})
    overlap = (
        Absence.objects.filter(
            user_id=absence.user_id,
            start_date__lte=absence.end_date,
            end_date__gte=absence.start_date,
        )
        .exclude(pk=absence.pk)
        .first()
    )
    if overlap is not None:
        raise InvalidInput(
            {
                "start_date": f"Overlaps the absence from {overlap.start_date:%d %b %Y} "
                f"to {overlap.end_date:%d %b %Y}."
            }
        )


@transaction.atomic
def absence_create(*, who: User, person: User, data: dict[str, Any]) -> Absence:
    """Record a holiday or leave (both days included)."""
    require_person_edit(who, person)
    absence = Absence(user=person, **records.editable(data, ABSENCE_FIELDS))
    _check_absence(absence)
    return records.create(
        who=who,
        instance=absence,
        project=None,
        fields=ABSENCE_FIELDS,
        summary=f"Recorded an absence of {person.display_name}",
    )


@transaction.atomic
def absence_update(
    *, who: User, absence: Absence, version: int, changes: dict[str, Any]
) -> Absence:
    """Change an absence at ``version``."""
    require_person_edit(who, absence.user)
    changes = records.editable(changes, ABSENCE_FIELDS)
    candidate = records.with_changes(absence, changes)
    _check_absence(candidate)
    return records.update(
        who=who,
        instance=absence,
        version=version,
        changes=changes,
        project=None,
        summary=f"Changed an absence of {absence.user.display_name}",
        candidate=candidate,
    )


@transaction.atomic
def absence_delete(*, who: User, absence: Absence, version: int) -> None:
    """Remove an absence."""
    require_person_edit(who, absence.user)
    records.delete(
        who=who,
        instance=absence,
        version=version,
        project=None,
        fields=ABSENCE_FIELDS,
        summary=f"Removed an absence of {absence.user.display_name}",
    )
