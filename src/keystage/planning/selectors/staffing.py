"""Reads of the staffing: skill needs of tasks, assignments, the labour they cost, each
person's load, and the recommender that ranks the team for a task.

Every queryset starts from the project chokepoint. The recommender is the app's adapter to
:mod:`keystage.engine.assignment`: a task's skill needs become a ``Need`` (effort = the
task's work, or its duration in hours), the project manager and team members become
``Person`` records (skills, capacity, rate; their own working days and absences as
availability) and their other commitments become ``Busy`` periods — other tasks of this
project and assignments in other projects that overlap the task or the
``LOOKAHEAD_DAYS`` working days after it. Assignments in other projects are read as
dates and shares only: the ranking says how many there are, never which projects.

Periods are working days of the project calendar, counted from the task's first day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import QuerySet
from django.utils import timezone

from keystage.accounts.models import User
from keystage.core.errors import InvalidInput, NotFound
from keystage.core.lookup import get_by_public_id, parse_public_id
from keystage.engine.assignment import Busy, Need, Person, SkillNeed, Weights, rank_candidates
from keystage.engine.money import CENT, round_to, to_cents
from keystage.engine.rcpsp.errors import InfeasibleDemandError
from keystage.planning.engine import minutes_per_day
from keystage.planning.models import (
    Assignment,
    Holiday,
    ProjectCalendar,
    Task,
    TaskKind,
    TaskSkill,
)
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project
from keystage.resources.models import ResourceProfile
from keystage.resources.selectors import TEAM_ROLES, TeamProfile, team_profiles

#: Working days after a task that count towards a candidate's load.
LOOKAHEAD_DAYS = 20
WEIGHTS = Weights()
FACTOR_LABELS = {
    "skill": "Skills",
    "free_capacity": "Free capacity",
    "load": "Load",
    "cost": "Cost",
}
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


def assignment_hours(assignment: Assignment, task: Task | None = None) -> Decimal:
    """Planned hours of an assignment: its own, else the task's duration × units."""
    if assignment.work_hours is not None:
        return Decimal(assignment.work_hours)
    task = task or assignment.task
    return round_to(task_hours(task) * assignment.units_percent / HUNDRED, CENT)


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


# -------------------------------------------------------------- recommender


@dataclass(frozen=True)
class ReasonView:
    """One factor of a candidate's score, in words, with its share of the bar."""

    factor: str
    label: str
    value: float
    weight: float
    points: float
    text: str


@dataclass(frozen=True)
class CandidateView:
    """A team member ranked for a task: eligible or not, the score and why."""

    person: User
    name: str
    role: str
    capacity_percent: int
    eligible: bool
    assigned: bool
    score: float  # 0..1 of the best possible score
    duration_days: int
    cost: Decimal
    reasons: list[ReasonView]

    @property
    def score_percent(self) -> int:
        """The score in whole percent."""
        return round(100 * self.score)

    @property
    def why_not(self) -> str:
        """Why an ineligible person cannot do the task."""
        return "" if self.eligible else "; ".join(r.text for r in self.reasons)

    @property
    def segments(self) -> list[tuple[str, float, float]]:
        """(factor, x, width) in percent of the score bar, one per factor."""
        total = sum((WEIGHTS.skill, WEIGHTS.free_capacity, WEIGHTS.load, WEIGHTS.cost))
        x, out = 0.0, []
        for r in self.reasons:
            width = 100 * r.points / total if self.eligible else 0.0
            out.append((r.factor, round(x, 2), round(width, 2)))
            x += width
        return out


@dataclass(frozen=True)
class Ranking:
    """The team ranked for one task."""

    task: Task
    start: dt.date | None
    finish: dt.date | None
    needs: list[tuple[str, int]]
    effort_hours: Decimal
    candidates: list[CandidateView]

    @property
    def best(self) -> CandidateView | None:
        """The top eligible candidate not yet on the task."""
        return next((c for c in self.candidates if c.eligible and not c.assigned), None)


@dataclass(frozen=True)
class _Commitment:
    """Someone's share of time between two days (another task, here or elsewhere)."""

    person_id: int
    task_id: int | None
    start: dt.date
    finish: dt.date
    share: float
    here: bool


@dataclass
class _Context:
    """What ranking needs, loaded once for one task or for many."""

    project: Project
    team: list[TeamProfile]
    weekmask: str
    holidays: list[dt.date]
    hours_per_day: float
    needs: dict[int, list[tuple[str, int]]]
    commitments: list[_Commitment]

    def workdays(self, a: dt.date, b: dt.date) -> int:
        """Working days of the project calendar in ``[a, b)`` (negative when b < a)."""
        return int(np.busday_count(a, b, weekmask=self.weekmask, holidays=self.holidays))

    def days_from(self, origin: dt.date, count: int) -> list[dt.date]:
        """The first ``count`` working days from ``origin`` on."""
        found = np.busday_offset(
            np.datetime64(origin, "D"),
            np.arange(count),
            roll="forward",
            weekmask=self.weekmask,
            holidays=self.holidays,
        )
        return [d.item() for d in found]


def _weekmask(weekdays: str) -> str:
    mask = "".join("1" if str(day) in weekdays else "0" for day in range(1, 8))
    return mask if "1" in mask else "1111100"


def _context(project: Project, tasks: Sequence[Task]) -> _Context:
    """Team, calendar, skill needs and the team's commitments around ``tasks``."""
    calendar = ProjectCalendar.objects.filter(project=project).first()
    holidays: list[dt.date] = []
    for holiday in Holiday.objects.filter(project=project):
        day = holiday.start_date
        while day <= holiday.end_date:
            holidays.append(day)
            day += dt.timedelta(days=1)
    needs: dict[int, list[tuple[str, int]]] = defaultdict(list)
    for task_id, name, level in (
        TaskSkill.objects.filter(task__in=[t.pk for t in tasks])
        .order_by("skill__name")
        .values_list("task_id", "skill__name", "min_level")
    ):
        needs[task_id].append((name, level))
    team = team_profiles(project=project)
    ctx = _Context(
        project=project,
        team=team,
        weekmask=_weekmask(calendar.working_weekdays if calendar else "12345"),
        holidays=holidays,
        hours_per_day=minutes_per_day(calendar) / 60,
        needs=dict(needs),
        commitments=[],
    )
    starts = [d for d in (task_start_day(t) for t in tasks) if d]
    finishes = [d for d in (task_finish_day(t) for t in tasks) if d]
    if starts and finishes:
        # Calendar days enough to cover the look-ahead after the last task.
        until = max(finishes) + dt.timedelta(days=LOOKAHEAD_DAYS * 2 + 14)
        ctx.commitments = _commitments(project, [p.user.pk for p in team], min(starts), until)
    return ctx


def _commitments(
    project: Project, people: list[int], since: dt.date, until: dt.date
) -> list[_Commitment]:
    """Assignments of ``people`` on tasks with work between two days, in any project;
    only dates and shares are read from other projects."""
    rows = (
        Assignment.objects.filter(
            person_id__in=people,
            task__duration_minutes__gt=0,
            task__is_summary=False,
            task__start_at__date__lte=until,
            task__finish_at__date__gte=since,
        )
        .values_list(
            "person_id",
            "task_id",
            "project_id",
            "units_percent",
            "task__start_at",
            "task__finish_at",
        )
        .order_by("id")
    )
    out = []
    for person_id, task_id, project_id, units, start_at, finish_at in rows:
        probe = Task(start_at=start_at, finish_at=finish_at)
        start, finish = task_start_day(probe), task_finish_day(probe)
        if start is None or finish is None:
            continue
        here = project_id == project.pk
        out.append(
            _Commitment(person_id, task_id if here else None, start, finish, units / 100, here)
        )
    return out


def _availability(
    ctx: _Context, profile: TeamProfile, origin: dt.date, horizon: int
) -> tuple[tuple[int, int], ...]:
    """Periods the person can work: their weekdays, outside their absences."""
    days = ctx.days_from(origin, horizon)
    absent = profile.absences
    free = [
        str(day.isoweekday()) in profile.working_weekdays
        and not any(a <= day <= b for a, b in absent)
        for day in days
    ]
    if all(free):
        return ()
    windows: list[tuple[int, int]] = []
    start = None
    for t, ok in enumerate([*free, False]):
        if ok and start is None:
            start = t
        elif not ok and start is not None:
            windows.append((start, t))
            start = None
    # An empty list means "always" to the engine: a window past the horizon means "never".
    return tuple(windows) or ((horizon, horizon + 1),)


@dataclass(frozen=True)
class _Facts:
    """What the explanations need beyond the engine's numbers, per person."""

    here: int
    elsewhere: int
    absent_days: int


def _rank(ctx: _Context, task: Task, on_task: set[int]) -> Ranking:
    """Rank the team for one task with the engine and explain every score in words;
    ``on_task`` holds the people already assigned to it."""
    needs = ctx.needs.get(task.pk, [])
    effort = Decimal(task.work_hours) if task.work_hours is not None else task_hours(task)
    start = task_start_day(task) or ctx.project.start_date
    finish = task_finish_day(task) or start
    length = max(1, ctx.workdays(start, finish + dt.timedelta(days=1)))
    horizon = length + LOOKAHEAD_DAYS
    people: list[Person] = []
    facts: dict[str, _Facts] = {}
    for profile in ctx.team:
        busy = [Busy(0, horizon, 0.0, "horizon")]  # pins the engine's horizon for everyone
        here = elsewhere = 0
        for c in ctx.commitments:
            if c.person_id != profile.user.pk or c.task_id == task.pk:
                continue
            a = max(0, ctx.workdays(start, c.start))
            b = min(horizon, ctx.workdays(start, c.finish + dt.timedelta(days=1)))
            if b <= a:
                continue
            busy.append(Busy(a, b, c.share, "here" if c.here else "elsewhere"))
            if c.here:
                here += 1
            else:
                elsewhere += 1
        available = _availability(ctx, profile, start, horizon)
        absent = 0
        if available:
            absent = length - sum(max(0, min(b, length) - a) for a, b in available if a < length)
        key = str(profile.user.pk)
        facts[key] = _Facts(here, elsewhere, absent)
        people.append(
            Person(
                id=key,
                skills=dict(profile.skills),
                capacity=profile.capacity_percent / 100,
                cost_rate=float(profile.cost_rate),
                available=available,
                busy=tuple(busy),
            )
        )
    need = Need(
        activity=str(task.pk),
        effort_hours=float(effort),
        skills=tuple(SkillNeed(s, lvl) for s, lvl in needs),
        window=(0, length),
    )
    try:
        ranked = rank_candidates(need, people, hours_per_period=ctx.hours_per_day, weights=WEIGHTS)
    except InfeasibleDemandError:
        ranked = []
    by_id = {str(p.user.pk): p for p in ctx.team}
    views: list[CandidateView] = []
    seen = set()
    for cand in ranked:
        profile = by_id[cand.person]
        seen.add(cand.person)
        views.append(_view(cand, profile, needs, facts[cand.person], start, finish, on_task))
    for profile in ctx.team:  # nobody could do it: everyone with their reason
        if str(profile.user.pk) not in seen:
            views.append(_unfit(profile, needs, on_task))
    if not ranked:
        views.sort(key=lambda v: v.name)
    return Ranking(task, start, finish, needs, round_to(effort, CENT), views)


def _money(value: float | Decimal) -> str:
    return f"{round_to(Decimal(value), Decimal(1)):,}"


def _view(
    cand: Any,
    profile: TeamProfile,
    needs: list[tuple[str, int]],
    facts: _Facts,
    start: dt.date,
    finish: dt.date,
    on_task: set[int],
) -> CandidateView:
    if not cand.eligible:
        return _unfit(profile, needs, on_task)
    reasons = []
    for r in cand.reasons:
        if r.factor == "skill":
            text = (
                ", ".join(f"{s} {profile.skills.get(s)} (needs {lvl})" for s, lvl in needs)
                if needs
                else "No particular skill needed"
            )
        elif r.factor == "free_capacity":
            text = (
                f"{100 * r.value:.0f} % of their {profile.capacity_percent} % capacity is free "
                f"from {start:%-d %b} to {finish:%-d %b}"
            )
            if facts.absent_days:
                days = facts.absent_days
                text += f" (away {days} working day{'s' if days > 1 else ''})"
        elif r.factor == "load":
            parts = []
            if facts.here:
                parts.append(f"{facts.here} other task{'s' if facts.here > 1 else ''} here")
            if facts.elsewhere:
                parts.append(
                    f"{facts.elsewhere} assignment{'s' if facts.elsewhere > 1 else ''} "
                    "in other projects"
                )
            text = (
                f"{100 * (1 - r.value):.0f} % of their capacity is committed until "
                f"{LOOKAHEAD_DAYS} working days after the task"
                + (f" ({join_words(parts)})" if parts else " (nothing else planned)")
            )
        else:
            cheapest = r.value * cand.cost if r.value else 0.0
            text = f"about {_money(cand.cost)} at {_money(profile.cost_rate)}/h"
            text += " — the cheapest" if r.value >= 0.999 else f" (cheapest {_money(cheapest)})"
        reasons.append(
            ReasonView(
                r.factor, FACTOR_LABELS[r.factor], r.value, r.weight, round(r.points, 4), text
            )
        )
    best = sum((WEIGHTS.skill, WEIGHTS.free_capacity, WEIGHTS.load, WEIGHTS.cost))
    return CandidateView(
        person=profile.user,
        name=profile.name,
        role=profile.role,
        capacity_percent=profile.capacity_percent,
        eligible=True,
        assigned=profile.user.pk in on_task,
        score=round(cand.score / best, 4),
        duration_days=cand.duration,
        cost=to_cents(cand.cost),
        reasons=reasons,
    )


def _unfit(profile: TeamProfile, needs: list[tuple[str, int]], on_task: set[int]) -> CandidateView:
    gaps = skill_gaps(profile.skills, needs)
    if not gaps and profile.capacity_percent <= 0:
        gaps = ["has no capacity for project work (0 %)"]
    text = join_words(gaps) or "cannot take the task"
    text = text[:1].upper() + text[1:]
    return CandidateView(
        person=profile.user,
        name=profile.name,
        role=profile.role,
        capacity_percent=profile.capacity_percent,
        eligible=False,
        assigned=profile.user.pk in on_task,
        score=0.0,
        duration_days=0,
        cost=Decimal(0),
        reasons=[ReasonView("skill", FACTOR_LABELS["skill"], 0.0, WEIGHTS.skill, 0.0, text)],
    )


def rank_task(*, who: Any, project: Project, task: Task) -> Ranking:
    """The team ranked for ``task`` (already read through the chokepoint), best first;
    people who cannot do it come last with the reason."""
    visible = projects_visible_to(who).filter(pk=project.pk).exists()
    if task.project_id != project.pk or not visible:
        raise NotFound("No such task in this project.")
    on_task = set(Assignment.objects.filter(task=task).values_list("person_id", flat=True))
    return _rank(_context(project, [task]), task, on_task)


@dataclass(frozen=True)
class Suggestion:
    """The recommender's pick for an unassigned task (None when nobody fits)."""

    ranking: Ranking
    pick: CandidateView | None


def open_tasks(project: Project) -> list[Task]:
    """Leaf work tasks (no summaries, no milestones) nobody is assigned to, in WBS order."""
    return list(
        Task.objects.filter(project=project, is_summary=False, kind=TaskKind.TASK)
        .exclude(assignments__isnull=False)
        .order_by("row")
    )


def recommend_open_tasks(*, who: Any, project: Project) -> list[Suggestion]:
    """A pick for every unassigned leaf work task, in WBS order. Picks are made one after
    the other: each counts as a commitment when the next task is ranked, so one expert is
    not given every task at once."""
    if not projects_visible_to(who).filter(pk=project.pk).exists():
        raise NotFound()
    tasks = open_tasks(project)
    if not tasks:
        return []
    ctx = _context(project, tasks)
    out = []
    for task in tasks:
        ranking = _rank(ctx, task, set())
        pick = ranking.best
        out.append(Suggestion(ranking, pick))
        start, finish = ranking.start, ranking.finish
        if pick is not None and start is not None and finish is not None:
            # An accepted pick takes the person's capacity, as a new assignment does.
            share = max(1, pick.capacity_percent) / 100
            ctx.commitments.append(_Commitment(pick.person.pk, task.pk, start, finish, share, True))
    return out
