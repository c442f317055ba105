"""Reads of resource data. People through the organisation's chokepoint
(``users_visible_to``); equipment and procurement through the project chokepoint.

``team_profiles`` is what planning reads to assign, level and cost work: one
frozen record per project manager and team member with skills, capacity, rate,
personal calendar and absences, in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch, QuerySet

from keystage.accounts.access import users_visible_to
from keystage.accounts.models import User
from keystage.accounts.roles import ProjectRole
from keystage.core.errors import InvalidInput, NotFound
from keystage.core.lookup import get_by_public_id
from keystage.portfolio.access import access_project, projects_visible_to
from keystage.portfolio.models import Project, ProjectMembership
from keystage.resources.access import person_lookup, skills_visible_to
from keystage.resources.models import (
    Absence,
    Equipment,
    PersonSkill,
    ProcurementItem,
    ResourceProfile,
    Skill,
)
from keystage.resources.models.people import (
    DEFAULT_CAPACITY,
    DEFAULT_HOURS,
    DEFAULT_RATE,
    DEFAULT_WEEKDAYS,
)

TEAM_ROLES = (ProjectRole.PROJECT_MANAGER, ProjectRole.TEAM_MEMBER)


@dataclass(frozen=True)
class TeamProfile:
    """One project member as a resource; defaults where the person has no profile."""

    user: User
    name: str
    role: str
    skills: dict[str, int]
    capacity_percent: int
    cost_rate: Decimal
    hours_per_day: Decimal
    working_weekdays: str
    absences: list[tuple[dt.date, dt.date]]


@dataclass(frozen=True)
class PersonView:
    """A person with profile values (or defaults), skills and absences, for pages and API."""

    user: User
    profile: ResourceProfile | None
    job_title: str
    capacity_percent: int
    cost_rate: Decimal
    hours_per_day: Decimal
    working_weekdays: str
    skills: list[PersonSkill]
    absences: list[Absence]

    @property
    def version(self) -> int | None:
        """The profile's version (None until the profile is first written)."""
        return self.profile.version if self.profile is not None else None

    @property
    def levels(self) -> dict[str, int]:
        """Skill name → level."""
        return {ps.skill.name: ps.level for ps in self.skills}

    @property
    def weekday_labels(self) -> str:
        """Working days as names."""
        return ResourceProfile(working_weekdays=self.working_weekdays).weekday_labels


def _profile_of(user: User) -> ResourceProfile | None:
    try:
        return user.resource_profile  # type: ignore[no-any-return]
    except ResourceProfile.DoesNotExist:
        return None


def _with_resources(users: QuerySet[User], absences_from: dt.date | None) -> QuerySet[User]:
    """Users with profile, skills and (upcoming) absences in three queries."""
    absences = Absence.objects.order_by("start_date", "id")
    if absences_from is not None:
        absences = absences.filter(end_date__gte=absences_from)
    return users.select_related("resource_profile").prefetch_related(
        Prefetch(
            "person_skills",
            queryset=PersonSkill.objects.select_related("skill").order_by("skill__name"),
            to_attr="skill_rows",
        ),
        Prefetch("absences", queryset=absences, to_attr="absence_rows"),
    )


def _view(user: User) -> PersonView:
    profile = _profile_of(user)
    return PersonView(
        user=user,
        profile=profile,
        job_title=(profile.job_title if profile and profile.job_title else user.job_title),
        capacity_percent=profile.capacity_percent if profile else DEFAULT_CAPACITY,
        cost_rate=profile.cost_rate if profile else DEFAULT_RATE,
        hours_per_day=profile.hours_per_day if profile else DEFAULT_HOURS,
        working_weekdays=profile.working_weekdays if profile else DEFAULT_WEEKDAYS,
        skills=list(getattr(user, "skill_rows", [])),
        absences=list(getattr(user, "absence_rows", [])),
    )


# ------------------------------------------------------------------- people


def skill_list(*, who: Any) -> QuerySet[Skill]:
    """The organisation's skill catalogue, by name."""
    return skills_visible_to(who).order_by("name")


def skill_get(*, who: Any, skill_id: Any) -> Skill:
    """One skill of the catalogue (404 for another organisation's)."""
    return get_by_public_id(skills_visible_to(who), skill_id)


def people_list(
    *,
    who: Any,
    skill: Skill | None = None,
    min_level: int = 1,
    today: dt.date | None = None,
) -> list[PersonView]:
    """Colleagues with profile, skills and upcoming absences; optionally only those with
    ``skill`` at ``min_level`` or better. A fixed number of queries."""
    users = users_visible_to(who).order_by("last_name", "first_name", "username")
    if skill is not None:
        users = users.filter(person_skills__skill=skill, person_skills__level__gte=min_level)
    day = today or dt.date.today()
    return [_view(u) for u in _with_resources(users, day)]


def person_get(*, who: Any, user_id: Any, today: dt.date | None = None) -> PersonView:
    """One colleague (by id or username) with profile, skills and absences from ``today``
    (all absences when ``today`` is None)."""
    person = person_lookup(who, user_id)
    user = _with_resources(User.objects.filter(pk=person.pk), today).get()
    return _view(user)


def absence_list(*, who: Any, person: User) -> QuerySet[Absence]:
    """A colleague's absences, earliest first."""
    return Absence.objects.filter(user__in=users_visible_to(who), user=person).order_by(
        "start_date", "id"
    )


def absence_get(*, who: Any, person: User, absence_id: Any) -> Absence:
    """One absence of this person (404 for anyone else's)."""
    return get_by_public_id(absence_list(who=who, person=person).select_related("user"), absence_id)


# ---------------------------------------------------------------- the team


def team_profiles(*, project: Project) -> list[TeamProfile]:
    """The project manager and team members as resources, in a fixed number of queries.

    Missing profiles give the defaults (100 %, rate 0, 8 h, Monday–Friday). Absences
    are those that end on or after the project's start, earliest first. The caller has
    already checked that the project is visible.
    """
    memberships = list(
        ProjectMembership.objects.filter(project=project, role__in=TEAM_ROLES)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name", "user__username")
    )
    users = {
        u.pk: u
        for u in _with_resources(
            User.objects.filter(pk__in=[m.user_id for m in memberships]), project.start_date
        )
    }
    team = []
    for membership in memberships:
        view = _view(users[membership.user_id])
        team.append(
            TeamProfile(
                user=view.user,
                name=view.user.display_name,
                role=membership.role,
                skills=view.levels,
                capacity_percent=view.capacity_percent,
                cost_rate=view.cost_rate,
                hours_per_day=view.hours_per_day,
                working_weekdays=view.working_weekdays,
                absences=[(a.start_date, a.end_date) for a in view.absences],
            )
        )
    return team


def team_views(*, project: Project, today: dt.date | None = None) -> list[tuple[str, PersonView]]:
    """(role, person) for every member of the project, for the team page; upcoming absences."""
    memberships = list(
        ProjectMembership.objects.filter(project=project)
        .select_related("user")
        .order_by("role", "user__last_name", "user__first_name")
    )
    day = today or dt.date.today()
    users = {
        u.pk: u
        for u in _with_resources(User.objects.filter(pk__in=[m.user_id for m in memberships]), day)
    }
    order = {role: i for i, role in enumerate(ProjectRole.values)}
    rows = sorted(memberships, key=lambda m: (order.get(m.role, 9), m.user.display_name))
    return [(m.role, _view(users[m.user_id])) for m in rows]


# ------------------------------------------------------ equipment, procurement


def equipment_visible_to(who: Any) -> QuerySet[Equipment]:
    """Equipment of projects the user may see."""
    return Equipment.objects.filter(project__in=projects_visible_to(who))


def procurement_visible_to(who: Any) -> QuerySet[ProcurementItem]:
    """Procurement items of projects the user may see."""
    return ProcurementItem.objects.filter(project__in=projects_visible_to(who))


def project_for(*, who: Any, project_id: Any, perm: str = "view") -> Project:
    """The project through the chokepoint: 404 when not visible, 403 without ``perm``."""
    return access_project(who=who, project_id=project_id, perm=perm)


def _project(who: Any, project_id: Any) -> Project:
    """A project already fetched through the chokepoint, or its public id (checked now).

    Either way the querysets below stay scoped by ``projects_visible_to``.
    """
    if isinstance(project_id, Project):
        return project_id
    return access_project(who=who, project_id=project_id)


def equipment_list(*, who: Any, project_id: Any) -> QuerySet[Equipment]:
    """The project's equipment (404 when the project is not visible)."""
    project = _project(who, project_id)
    return equipment_visible_to(who).filter(project=project).select_related("project")


def equipment_get(*, who: Any, project_id: Any, equipment_id: Any) -> Equipment:
    """One item of the project's equipment (404 for another project's)."""
    return get_by_public_id(equipment_list(who=who, project_id=project_id), equipment_id)


def procurement_list(*, who: Any, project_id: Any) -> QuerySet[ProcurementItem]:
    """The project's procurement items (404 when the project is not visible)."""
    project = _project(who, project_id)
    return procurement_visible_to(who).filter(project=project).select_related("project")


def procurement_get(*, who: Any, project_id: Any, item_id: Any) -> ProcurementItem:
    """One procurement item of the project (404 for another project's)."""
    return get_by_public_id(procurement_list(who=who, project_id=project_id), item_id)


def skill_filter(
    *, who: Any, skill: str | None, min_level: str | None = None
) -> tuple[Skill | None, int]:
    """A skill filter from request values: the skill by id or name, and a minimum level
    (absent means 1; anything but 1–5, an empty value included, is refused)."""
    skill_obj = None
    text = (skill or "").strip()
    if text:
        catalogue = skills_visible_to(who)
        try:
            skill_obj = get_by_public_id(catalogue, text)
        except NotFound:
            skill_obj = catalogue.filter(name__iexact=text).first()
        if skill_obj is None:
            raise InvalidInput({"skill": f"No skill '{text[:100]}' in your organisation."})
    if min_level is None:
        return skill_obj, 1
    raw = min_level.strip()
    if not (raw.isdigit() and 1 <= int(raw) <= 5):
        raise InvalidInput({"min_level": "A level is a whole number from 1 to 5."})
    return skill_obj, int(raw)
