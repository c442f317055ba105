"""Who should do which activity: ranking by skills and capacity, and joint assignment.

Time is in integer periods (e.g. working days) with ``hours_per_period``
working hours each. Capacity, loads and allocations are shares of full time
(1.0 = full time) and become whole percent inside the scheduling model.

* :func:`rank_candidates` scores every person for one activity and explains
  the score with structured :class:`Reason` rows;
* :func:`assign_activities` picks one person per activity (a *mode* per
  candidate: seniors are faster) and schedules them, trading off the finish,
  the cost and the busiest person's workload with CP-SAT.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from keystage.engine.network import Activity, Link
from keystage.engine.rcpsp.errors import InfeasibleDemandError, ProblemDefinitionError
from keystage.engine.rcpsp.problem import Load, Mode, Problem, Renewable

#: Default speed by skill level: a level-5 expert works 1.4x as fast as a level-3 professional.
DEFAULT_SPEED: Mapping[int, float] = {1: 0.6, 2: 0.8, 3: 1.0, 4: 1.2, 5: 1.4}


@dataclass(frozen=True)
class Busy:
    """Existing commitment of a person: ``share`` of full time over ``[start, end)``."""

    start: int
    end: int
    share: float
    source: str = ""


@dataclass(frozen=True)
class Person:
    """A person with skill levels (1-5), capacity share, hourly cost and commitments.

    ``available`` lists the windows ``(start, end)`` the person can work; empty
    means always. ``busy`` lists other projects' assignments.
    """

    id: str
    skills: Mapping[str, int] = field(default_factory=dict)
    capacity: float = 1.0
    cost_rate: float = 0.0
    available: tuple[tuple[int, int], ...] = ()
    busy: tuple[Busy, ...] = ()
    team: str = ""

    def __post_init__(self) -> None:
        for skill, level in dict(self.skills).items():
            if not 1 <= level <= 5:
                raise ProblemDefinitionError(f"person {self.id!r}: level {level} of {skill!r}")
        if self.capacity < 0:
            raise ProblemDefinitionError(f"person {self.id!r}: negative capacity")

    def percent_profile(self, horizon: int) -> list[int]:
        """Free capacity in whole percent of full time for each period ``0..horizon-1``."""
        base = round(100 * self.capacity)
        prof = [base] * horizon
        if self.available:
            prof = [
                base if any(a <= t < b for a, b in self.available) else 0 for t in range(horizon)
            ]
        for b in self.busy:
            for t in range(max(0, b.start), min(b.end, horizon)):
                prof[t] -= round(100 * b.share)
        return [max(0, p) for p in prof]


@dataclass(frozen=True)
class SkillNeed:
    """A required skill and its minimum level."""

    skill: str
    min_level: int = 1


@dataclass(frozen=True)
class Need:
    """What an activity asks for: effort in hours, skills or a named person, a time window."""

    activity: str
    effort_hours: float
    skills: tuple[SkillNeed, ...] = ()
    person: str | None = None
    allocation: float = 1.0
    window: tuple[int, int] | None = None


@dataclass(frozen=True)
class Weights:
    """Weights of the ranking factors (they need not sum to one)."""

    skill: float = 0.3
    free_capacity: float = 0.3
    load: float = 0.15
    cost: float = 0.25


@dataclass(frozen=True)
class Reason:
    """One factor of a score: its value in [0, 1], weight, points and a readable detail."""

    factor: str
    value: float
    weight: float
    detail: str

    @property
    def points(self) -> float:
        """Contribution of this factor to the score."""
        return self.value * self.weight


@dataclass(frozen=True)
class Candidate:
    """A person ranked for one activity; ``eligible`` is False when skills are missing."""

    person: str
    eligible: bool
    score: float
    duration: int
    cost: float
    reasons: tuple[Reason, ...]


def _level(person: Person, need: Need) -> int | None:
    """Lowest level the person has among the required skills (None if one is missing)."""
    if not need.skills:
        return 3
    levels = []
    for s in need.skills:
        lvl = person.skills.get(s.skill)
        if lvl is None or lvl < s.min_level:
            return None
        levels.append(lvl)
    return min(levels)


def candidate_duration(
    person: Person, need: Need, hours_per_period: float, speed: Mapping[int, float] = DEFAULT_SPEED
) -> int:
    """Periods the person needs for the effort at the requested allocation and their speed."""
    level = _level(person, need) or 3
    alloc = min(need.allocation, person.capacity)
    if alloc <= 0:
        return 0
    return max(1, math.ceil(need.effort_hours / (hours_per_period * alloc * speed[level]) - 1e-9))


def _missing(person: Person, need: Need) -> str:
    for s in need.skills:
        lvl = person.skills.get(s.skill)
        if lvl is None:
            return f"lacks skill {s.skill}"
        if lvl < s.min_level:
            return f"{s.skill} level {lvl} < {s.min_level}"
    return ""


def _check_staffable(need: Need, people: Sequence[Person]) -> None:
    if need.person is not None:
        named = [p for p in people if p.id == need.person]
        if not named:
            raise InfeasibleDemandError(need.activity, need.person, "no such person")
        if named[0].capacity <= 0:
            raise InfeasibleDemandError(need.activity, need.person, "capacity is zero")
        return
    for s in need.skills:
        if not any(p.skills.get(s.skill, 0) >= s.min_level for p in people):
            raise InfeasibleDemandError(
                need.activity, s.skill, f"nobody has skill {s.skill} at level >= {s.min_level}"
            )
    if not any(_level(p, need) is not None and p.capacity > 0 for p in people):
        raise InfeasibleDemandError(need.activity, "people", "no person has all required skills")


def rank_candidates(
    need: Need,
    people: Sequence[Person],
    *,
    hours_per_period: float = 8.0,
    weights: Weights = Weights(),
    speed: Mapping[int, float] = DEFAULT_SPEED,
) -> list[Candidate]:
    """Rank people for ``need``, best first; ineligible people come last with their reason.

    Factors: skill (how far above the minimum level), free capacity in the
    activity's window, current load over all known commitments, and cost.
    Raises :class:`InfeasibleDemandError` when nobody can do the activity.
    """
    _check_staffable(need, people)
    pool = [p for p in people if need.person in (None, p.id)]
    start, end = need.window or (0, max(1, *(b.end for p in pool for b in p.busy), 1))
    horizon = max(end, max((b.end for p in pool for b in p.busy), default=0), 1)
    costs = {p.id: need.effort_hours / speed[_level(p, need) or 3] * p.cost_rate for p in pool}
    eligible_costs = [costs[p.id] for p in pool if _level(p, need) is not None and p.capacity > 0]
    cheapest = min(eligible_costs, default=0.0)
    out: list[Candidate] = []
    for p in pool:
        level = _level(p, need)
        prof = p.percent_profile(horizon)
        base = max(1, round(100 * p.capacity))
        free = sum(prof[start:end]) / (base * max(1, end - start)) if p.capacity > 0 else 0.0
        committed = sum(round(100 * b.share) * (b.end - b.start) for b in p.busy)
        load = min(1.0, committed / (base * horizon))
        if level is None or p.capacity <= 0:
            why = _missing(p, need) or "capacity is zero"
            out.append(
                Candidate(p.id, False, 0.0, 0, 0.0, (Reason("skill", 0.0, weights.skill, why),))
            )
            continue
        floor = min((s.min_level for s in need.skills), default=1)
        surplus = (level - floor + 1) / (5 - floor + 1)
        reasons = (
            Reason("skill", surplus, weights.skill, f"level {level} (needs >= {floor})"),
            Reason(
                "free_capacity",
                free,
                weights.free_capacity,
                f"{100 * free:.0f}% free in periods [{start}, {end})",
            ),
            Reason("load", 1.0 - load, weights.load, f"{100 * load:.0f}% committed elsewhere"),
            Reason(
                "cost",
                cheapest / costs[p.id] if costs[p.id] else 1.0,
                weights.cost,
                f"cost {costs[p.id]:.2f} (cheapest {cheapest:.2f})",
            ),
        )
        dur = candidate_duration(p, need, hours_per_period, speed)
        score = sum(r.points for r in reasons)
        out.append(Candidate(p.id, True, round(score, 6), dur, costs[p.id], reasons))
    out.sort(key=lambda c: (not c.eligible, -c.score, c.cost, c.person))
    return out


@dataclass(frozen=True)
class Assignment:
    """One activity given to one person, with its dates and cost."""

    activity: str
    person: str
    start: int
    finish: int
    cost: float


@dataclass(frozen=True)
class AssignmentPlan:
    """Result of :func:`assign_activities`."""

    status: str
    assignments: tuple[Assignment, ...]
    finish: int
    cost: float
    peak_workload_hours: float


def assignment_problem(
    needs: Sequence[Need],
    people: Sequence[Person],
    links: Sequence[Link] = (),
    *,
    hours_per_period: float = 8.0,
    max_candidates: int = 5,
    speed: Mapping[int, float] = DEFAULT_SPEED,
) -> Problem:
    """Multi-mode problem with one mode per eligible candidate (best ``max_candidates``)."""
    horizon = max((b.end for p in people for b in p.busy), default=0)
    horizon = max([horizon, *(a for p in people for _s, a in p.available)], default=0)
    activities = []
    modes_of: dict[str, tuple[Mode, ...]] = {}
    used: set[str] = set()
    for need in needs:
        ranked = rank_candidates(need, people, hours_per_period=hours_per_period, speed=speed)
        modes = []
        for cand in [c for c in ranked if c.eligible][:max_candidates]:
            person = next(p for p in people if p.id == cand.person)
            share = round(100 * min(need.allocation, person.capacity))
            modes.append(
                Mode(cand.duration, {cand.person: share}, cost=cand.cost, label=cand.person)
            )
            used.add(cand.person)
        activities.append(Activity(need.activity))
        modes_of[need.activity] = tuple(modes)
    renewables = []
    for p in people:
        if p.id not in used:
            continue
        base = round(100 * p.capacity)
        prof = p.percent_profile(horizon)
        loads = tuple(Load(t, t + 1, base - c, "busy") for t, c in enumerate(prof) if c < base)
        renewables.append(Renewable(p.id, base, loads, kind="person"))
    return Problem(
        tuple(activities), tuple(links), tuple(renewables), name="assignment", modes=modes_of
    )


def assign_activities(
    needs: Sequence[Need],
    people: Sequence[Person],
    links: Sequence[Link] = (),
    *,
    hours_per_period: float = 8.0,
    finish_weight: float = 500.0,
    cost_weight: float = 1.0,
    load_weight: float = 10.0,
    time_limit: float = 10.0,
    num_workers: int = 2,
    seed: int = 0,
) -> AssignmentPlan:
    """One person per activity and a schedule, minimising a blend of finish, cost and load.

    The weights put the three on one scale (e.g. money): ``finish_weight`` per
    period of project duration, ``cost_weight`` per unit of labour cost and
    ``load_weight`` per hour of work on the busiest person. Raises
    :class:`InfeasibleDemandError` when an activity cannot be staffed.
    """
    from ortools.sat.python import cp_model

    from keystage.engine.rcpsp.compiled import Compiled
    from keystage.engine.rcpsp.cpsat.objective import minimise_weighted
    from keystage.engine.rcpsp.cpsat.solve import build_model, warm_start
    from keystage.engine.rcpsp.heuristic import solve_heuristic

    problem = assignment_problem(needs, people, links, hours_per_period=hours_per_period)
    c = Compiled(problem)
    heur = solve_heuristic(problem, seed=seed)
    horizon = max(problem.trivial_horizon(), heur.makespan)
    model, v = build_model(problem, c, lower_bound=0, horizon=horizon, prune_dominated=False)
    work: dict[str, list[cp_model.LinearExprT]] = {}
    costs = []
    for i, act in enumerate(problem.activities):
        for m, mode in enumerate(problem.modes[act.id][k] for k in c.kept[i]):
            hours = mode.duration * hours_per_period * mode.demand(mode.label) / 100
            work.setdefault(mode.label, []).append(round(hours) * v.mode_lits[i][m])
        costs.append([round(problem.modes[act.id][k].cost) for k in c.kept[i]])
    peak = model.new_int_var(0, round(horizon * hours_per_period), "peak_hours")
    for terms in work.values():
        model.add(peak >= sum(terms))
    scale = 100  # keep two decimals of the weights
    minimise_weighted(
        model,
        v,
        costs,
        finish_weight=round(scale * finish_weight),
        cost_weight=round(scale * cost_weight),
        load_weight=round(scale * load_weight),
        load_terms=[peak],
    )
    warm_start(model, v, heur.schedule, c)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit
    solver.parameters.num_workers = num_workers
    solver.parameters.random_seed = seed
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        raise InfeasibleDemandError("*", "*", f"no assignment found ({solver.status_name(status)})")
    rows = []
    for i, act in enumerate(problem.activities):
        m = next(k for k, lit in enumerate(v.mode_lits[i]) if solver.boolean_value(lit))
        mode = problem.modes[act.id][c.kept[i][m]]
        s = int(solver.value(v.starts[i]))
        rows.append(Assignment(act.id, mode.label, s, s + mode.duration, mode.cost))
    return AssignmentPlan(
        "optimal" if status == cp_model.OPTIMAL else "feasible",
        tuple(rows),
        int(solver.value(v.makespan)),
        sum(r.cost for r in rows),
        float(solver.value(peak)),
    )
