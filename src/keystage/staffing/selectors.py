"""Reads of the staffing: skill needs of tasks, assignments, the labour they cost and each
person's load. Every queryset starts from the project chokepoint; the recommender that
ranks the team for a task is in ``recommender``.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from keystage.accounts.models import User
from keystage.core.errors import InvalidInput, NotFound
from keystage.core.lookup import get_by_public_id, parse_public_id
from keystage.engine.money import to_cents
from keystage.planning.models import (
    Assignment,
    Task,
    TaskKind,
    TaskSkill,
)
from keystage.planning.selectors.assignments import assignment_hours
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project
from keystage.resources.models import ResourceProfile
from keystage.resources.selectors import TEAM_ROLES, TeamProfile, team_profiles

HUNDRED = Decimal(100)


# ------------------------------------------------------------------ querysets


def skill_needs_visible_to(who: Any) -> QuerySet[TaskSkill]:
    """Skill needs of tasks of projects the user may see."""
    return TaskSkill.objects.filter(task__project__in=projects_visible_to(who))


def assignments_visible_to(who: Any) -> QuerySet[Assignment]:
    """Assignments of projects the user may see."""
    return Assignment.objects.filter(project__in=projects_visible_to(who))


def skill_need_list(*, who: Any, project: Project, task: Task) -> QuerySet[TaskSkill]:
    """The skills one task needs, by skill name."""
    return (
        skill_needs_visible_to(who)
        .filter(task__project=project, task=task)
        .select_related("skill", "task")
        .order_by("skill__name", "id")
    )


def skill_need_get(*, who: Any, project: Project, task: Task, skill_need_id: Any) -> TaskSkill:
    """One skill need of the task, or NotFound."""
    try:
        return get_by_public_id(skill_need_list(who=who, project=project, task=task), skill_need_id)
    except NotFound:
        raise NotFound("No such skill need on this task.") from None


def assignment_list(
    *, who: Any, project: Project, task: Any = None, person: Any = None
) -> QuerySet[Assignment]:
    """The project's assignments in WBS order, optionally of one task (id) or one person
    (user id or username); an unknown filter value is a field error."""
    rows = (
        assignments_visible_to(who)
        .filter(project=project)
        .select_related("task", "person")
        .order_by("task__row", "person__first_name", "person__username", "id")
    )
    if task not in (None, ""):
        found = _task_ref(project, task)
        if found is None:
            raise InvalidInput({"task": "No such task in this project."})
        rows = rows.filter(task=found)
    if person not in (None, ""):
        text = str(person).strip().replace("\x00", "")  # PostgreSQL refuses NUL in text
        try:
            rows = rows.filter(person__public_id=parse_public_id(text))
        except NotFound:
            rows = rows.filter(person__username=text)
    return rows


def _task_ref(project: Project, ref: Any) -> Task | None:
    if isinstance(ref, Task):
        return ref if ref.project_id == project.pk else None
    try:
        return Task.objects.filter(project=project, public_id=parse_public_id(ref)).first()
    except NotFound:
        return None


def assignment_get(*, who: Any, project: Project, assignment_id: Any) -> Assignment:
    """One assignment of the project, or NotFound."""
    try:
        return get_by_public_id(assignment_list(who=who, project=project), assignment_id)
    except NotFound:
        raise NotFound("No such assignment in this project.") from None


def team_members(project: Project) -> QuerySet[User]:
    """The people who may take on work: the project manager and the team members."""
    return (
        User.objects.filter(memberships__project=project, memberships__role__in=TEAM_ROLES)
        .order_by("first_name", "last_name", "username")
        .distinct()
    )


# ------------------------------------------------------------- skills check


def skill_gaps(levels: dict[str, int], needs: Iterable[tuple[str, int]]) -> list[str]:
    """What a person with ``levels`` (skill name → level) misses of ``needs``, in words:
    ``has no SAP Basis (needs level 3)`` or ``lacks SAP Basis (needs level 3, has 2)``."""
    gaps = []
    for skill, minimum in needs:
        level = levels.get(skill)
        if level is None:
            gaps.append(f"has no {skill} (needs level {minimum})")
        elif level < minimum:
            gaps.append(f"lacks {skill} (needs level {minimum}, has {level})")
    return gaps


def join_words(parts: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    if len(parts) <= 1:
        return "".join(parts)
    return ", ".join(parts[:-1]) + " and " + parts[-1]


# ----------------------------------------------------------- work and cost


def task_hours(task: Task) -> Decimal:
    """The task's working time in hours (its duration)."""
    return Decimal(task.duration_minutes) / 60


def task_start_day(task: Task) -> dt.date | None:
    """The local day the task starts (None before it is scheduled)."""
    return timezone.localtime(task.start_at).date() if task.start_at else None


def task_finish_day(task: Task) -> dt.date | None:
    """The local day the task's work ends (a finish at midnight belongs to the day before)."""
    if task.finish_at is None:
        return None
    end = timezone.localtime(task.finish_at)
    if task.start_at is not None and end > task.start_at and end.time() == dt.time(0):
        end -= dt.timedelta(minutes=1)
    return end.date()


@dataclass(frozen=True)
class StaffedAssignment:
    """An assignment with its hours, labour cost and any skill it now falls short of."""

    assignment: Assignment
    hours: Decimal
    cost: Decimal
    gaps: list[str]
    on_team: bool


@dataclass(frozen=True)
class StaffingRow:
    """A leaf task: what it needs, who does it, the hours and the labour cost."""

    task: Task
    start: dt.date | None
    finish: dt.date | None
    needs: list[TaskSkill]
    assignments: list[StaffedAssignment]
    hours: Decimal
    cost: Decimal

    @property
    def is_milestone(self) -> bool:
        """Milestones carry no work."""
        return self.task.kind == TaskKind.MILESTONE


@dataclass(frozen=True)
class PersonLoad:
    """One person's share of the project: hours, cost, tasks and the busiest day."""

    user: User
    name: str
    role: str
    capacity_percent: int
    cost_rate: Decimal
    hours: Decimal
    cost: Decimal
    tasks: int
    peak_units: int
    peak_day: dt.date | None
    other_projects: int

    @property
    def over_allocated(self) -> bool:
        """More units at once than the person's capacity."""
        return self.peak_units > self.capacity_percent


@dataclass(frozen=True)
class Staffing:
    """The assignments page: leaf tasks, per-person load and the totals."""

    rows: list[StaffingRow]
    loads: list[PersonLoad]
    hours: Decimal
    cost: Decimal
    unassigned: int
    team: list[TeamProfile] = field(default_factory=list)


def _rates(project: Project, team: list[TeamProfile], extra: set[int]) -> dict[int, Decimal]:
    """Cost rates of the team, and of assignees who left it (their profile or 0)."""
    rates = {p.user.pk: p.cost_rate for p in team}
    missing = extra - set(rates)
    if missing:
        found = dict(
            ResourceProfile.objects.filter(user_id__in=missing).values_list("user_id", "cost_rate")
        )
        rates.update({pk: found.get(pk, Decimal(0)) for pk in missing})
    return rates


def staffing(*, who: Any, project: Project) -> Staffing:
    """Leaf tasks with skill needs, assignees, hours and labour cost; each person's load.

    A fixed number of queries whatever the size of the plan.
    """
    tasks = list(
        Task.objects.filter(project__in=projects_visible_to(who), project=project, is_summary=False)
        .select_related("parent")
        .order_by("row")
    )
    needs: dict[int, list[TaskSkill]] = defaultdict(list)
    for need in TaskSkill.objects.filter(task__in=tasks).select_related("skill"):
        needs[need.task_id].append(need)
    by_task: dict[int, list[Assignment]] = defaultdict(list)
    rows_of = list(assignment_list(who=who, project=project))
    for a in rows_of:
        by_task[a.task_id].append(a)
    team = team_profiles(project=project)
    levels = {p.user.pk: p.skills for p in team}
    rates = _rates(project, team, {a.person_id for a in rows_of})
    rows: list[StaffingRow] = []
    per_person: dict[int, list[tuple[StaffedAssignment, Task]]] = defaultdict(list)
    for task in tasks:
        task_needs = sorted(needs.get(task.pk, []), key=lambda n: n.skill.name.lower())
        wanted = [(n.skill.name, n.min_level) for n in task_needs]
        staffed = []
        for a in by_task.get(task.pk, []):
            hours = assignment_hours(a, task)
            item = StaffedAssignment(
                assignment=a,
                hours=hours,
                cost=to_cents(hours * rates.get(a.person_id, Decimal(0))),
                gaps=skill_gaps(levels.get(a.person_id, {}), wanted),
                on_team=a.person_id in levels,
            )
            staffed.append(item)
            per_person[a.person_id].append((item, task))
        rows.append(
            StaffingRow(
                task=task,
                start=task_start_day(task),
                finish=task_finish_day(task),
                needs=task_needs,
                assignments=staffed,
                hours=sum((s.hours for s in staffed), Decimal(0)),
                cost=sum((s.cost for s in staffed), Decimal(0)),
            )
        )
    loads = _loads(project, team, per_person)
    return Staffing(
        rows=rows,
        loads=loads,
        hours=sum((r.hours for r in rows), Decimal(0)),
        cost=sum((r.cost for r in rows), Decimal(0)),
        unassigned=sum(1 for r in rows if not r.assignments and not r.is_milestone),
        team=team,
    )


def _peak(spans: list[tuple[dt.date, dt.date, int]]) -> tuple[int, dt.date | None]:
    """The highest sum of units on one day, and the first day it happens."""
    events: dict[dt.date, int] = defaultdict(int)
    for start, finish, units in spans:
        events[start] += units
        events[finish + dt.timedelta(days=1)] -= units
    peak, when, running = 0, None, 0
    for day in sorted(events):
        running += events[day]
        if running > peak:
            peak, when = running, day
    return peak, when


def _loads(
    project: Project,
    team: list[TeamProfile],
    per_person: dict[int, list[tuple[StaffedAssignment, Task]]],
) -> list[PersonLoad]:
    """Per team member (and assignees who left the team): hours, cost, tasks, peak units,
    and how many assignments they hold in other projects (a count, no names)."""
    elsewhere: dict[int, int] = defaultdict(int)
    profiles = {p.user.pk: p for p in team}
    users = [*profiles, *(pk for pk in per_person if pk not in profiles)]
    for person_id in (
        Assignment.objects.filter(person_id__in=users)
        .exclude(project=project)
        .values_list("person_id", flat=True)
    ):
        elsewhere[person_id] += 1
    out = []
    for pk in users:
        items = per_person.get(pk, [])
        spans = []
        for item, task in items:
            start, finish = task_start_day(task), task_finish_day(task)
            if start and finish and task.duration_minutes:
                spans.append((start, finish, item.assignment.units_percent))
        peak, day = _peak(spans)
        profile = profiles.get(pk)
        user = profile.user if profile else items[0][0].assignment.person
        out.append(
            PersonLoad(
                user=user,
                name=profile.name if profile else user.display_name,
                role=profile.role if profile else "",
                capacity_percent=profile.capacity_percent if profile else 0,
                cost_rate=profile.cost_rate if profile else Decimal(0),
                hours=sum((i.hours for i, _ in items), Decimal(0)),
                cost=sum((i.cost for i, _ in items), Decimal(0)),
                tasks=len(items),
                peak_units=peak,
                peak_day=day,
                other_projects=elsewhere.get(pk, 0),
            )
        )
    out.sort(key=lambda load: (-load.hours, load.name))
    return out
