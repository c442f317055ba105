"""The recommender: it ranks the team for a task and suggests people for open tasks.

It is the app's adapter to :mod:`keystage.engine.assignment`: a task's skill needs become
a ``Need`` (effort = the task's work, or its duration in hours), the project manager and
team members become ``Person`` records (skills, capacity, rate; their own working days
and absences as availability) and their other commitments become ``Busy`` periods — other
tasks of this project and assignments in other projects that overlap the task or the
``LOOKAHEAD_DAYS`` working days after it. Assignments in other projects are read as
dates and shares only: the ranking says how many there are, never which projects.

Periods are working days of the project calendar, counted from the task's first day.

About 480 lines, on purpose: the engine inputs (context, commitments, availability) and
the explained ranking built from them change together; split, each half would be read
only with the other open.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np

from keystage.accounts.models import User
from keystage.core.errors import NotFound
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
from keystage.resources.selectors import TeamProfile, team_profiles
from keystage.staffing.selectors import (
    join_words,
    skill_gaps,
    task_finish_day,
    task_hours,
    task_start_day,
)

#: Working days after a task that count towards a candidate's load.
LOOKAHEAD_DAYS = 20
WEIGHTS = Weights()
FACTOR_LABELS = {
    "skill": "Skills",
    "free_capacity": "Free capacity",
    "load": "Load",
    "cost": "Cost",
}


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
