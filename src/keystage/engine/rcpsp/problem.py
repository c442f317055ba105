"""The resource-constrained project scheduling problem as frozen, validated data.

Time is counted in integer working periods from 0 (mapping calendars to
periods happens in the adapter). Every link type FS/SS/FF/SF with a lag is a
generalised precedence; once modes (durations) are known it becomes
``S_succ >= S_pred + delta``.

Activities and links are the engine's one network model,
:class:`keystage.engine.network.Activity` and :class:`~keystage.engine.network.Link`
(the same the CPM schedules); :meth:`Problem.from_project` takes them straight
from a :class:`~keystage.engine.network.Project`. What only resource-constrained
scheduling needs lives beside them, not inside them: a *mode table* keyed by
activity id (``Problem.modes``). Each activity has one or more modes
(multi-mode RCPSP): each mode is one way of doing it (for example one
candidate person) with its own duration in periods, demands and cost.

Why a table rather than modes on ``network.Activity``: the CPM activity counts
minutes on calendars, a mode counts whole periods; putting period-modes on it
would give one record two durations in two units, and every CPM caller
(plan file, MSPDI, the 10k-activity timing path) would carry a field it never
reads. The activity's own ``duration`` is therefore not used here; the chosen
mode's is.

Renewable resources have a capacity per period, reduced over windows by
existing load; non-renewable resources (consumables) have a budget for the
whole project.

Beyond the links (minimum lags), a problem may carry *maximum* time lags
(:class:`MaxLag`, "B starts at most 3 periods after A finishes"), release
dates (earliest starts) and deadlines (latest finishes), as in RCPSP/max.
They are checked up front on the temporal network
(:mod:`keystage.engine.rcpsp.temporal`): lags that contradict each other
around a cycle raise :class:`TimeLagCycleError` naming the cycle, a deadline
before the earliest finish :class:`DeadlineError`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from functools import cached_property

from keystage.engine.network import Activity, Kind, LagUnit, Link, LinkType, Project
from keystage.engine.rcpsp.errors import (
    DeadlineError,
    InfeasibleDemandError,
    PrecedenceCycleError,
    ProblemDefinitionError,
    TimeLagCycleError,
)
from keystage.engine.rcpsp.temporal import PositiveCycle, distance_range, earliest_starts

# The largest duration, lag, date, demand or capacity a problem may hold: far beyond any plan,
# and small enough that the sums the compiled schemes and CP-SAT form stay within 64 bits.
LARGEST = 10**9
# The most periods a schedule may span (the trivial horizon: every activity in series, with
# its lags, releases and loads). The compiled schemes keep a row per resource and period up
# to the makespan, so this bounds their memory (8 bytes per resource and period); the app's
# calendars end after 200 years (73,200 days) anyway.
MAX_PERIODS = 10**7


def _at_most_largest(value: float, what: str) -> None:
    """Raise :class:`ProblemDefinitionError` when ``|value|`` exceeds :data:`LARGEST`."""
    if abs(value) > LARGEST:
        raise ProblemDefinitionError(f"{what} {value:,} is more than {LARGEST:,}")


@dataclass(frozen=True)
class Mode:
    """One way of performing an activity: duration, renewable/non-renewable demands, cost."""

    duration: int
    demands: Mapping[str, int] = field(default_factory=dict)
    cost: float = 0.0
    label: str = ""

    def __post_init__(self) -> None:
        if self.duration < 0:
            raise ProblemDefinitionError(f"mode {self.label!r}: negative duration {self.duration}")
        _at_most_largest(self.duration, f"mode {self.label!r}: duration")
        frozen = {k: int(v) for k, v in dict(self.demands).items() if v}
        for rid, q in frozen.items():
            if q < 0:
                raise ProblemDefinitionError(f"mode {self.label!r}: negative demand on {rid!r}")
            _at_most_largest(q, f"mode {self.label!r}: demand on {rid!r}")
        object.__setattr__(self, "demands", frozen)

    def demand(self, resource: str) -> int:
        """Units of ``resource`` this mode needs (per period if renewable)."""
        return self.demands.get(resource, 0)


def periods(minutes: float, per_period: int) -> int:
    """Working minutes as whole periods, rounded up (a part-period lead is dropped)."""
    return int(-(-minutes // per_period))


def lag_periods(link: Link) -> int:
    """A link's lag in whole periods (:class:`Problem` checks that it is one)."""
    return int(link.lag)


@dataclass(frozen=True)
class MaxLag:
    """A maximum time lag: ``succ`` may follow ``pred`` by at most ``lag`` periods.

    Measured like a link of the same ``type``: SS ``S_succ <= S_pred + lag``,
    FS ``S_succ <= E_pred + lag``, FF ``E_succ <= E_pred + lag``, SF
    ``E_succ <= S_pred + lag``. A negative lag asks ``succ`` to come that much
    *before*; RCPSP/max writes the same rule as a negative minimum lag the other way.
    """

    pred: str
    succ: str
    lag: int
    type: LinkType = LinkType.SS

    @property
    def label(self) -> str:
        """Short text such as ``A→B SS≤+3``."""
        return f"{self.pred}→{self.succ} {self.type}≤{self.lag:+g}"


@dataclass(frozen=True)
class Load:
    """Existing load on a renewable resource: ``amount`` units held over ``[start, end)``."""

    start: int
    end: int
    amount: int
    source: str = ""


@dataclass(frozen=True)
class Renewable:
    """A renewable resource (person, team/pool, equipment) with a per-period capacity.

    ``loads`` (other projects' assignments, absences) reduce the capacity over
    their windows, giving a time-varying capacity profile.
    """

    id: str
    capacity: int
    loads: tuple[Load, ...] = ()
    kind: str = "resource"

    def __post_init__(self) -> None:
        object.__setattr__(self, "loads", tuple(self.loads))
        if self.capacity < 0:
            raise ProblemDefinitionError(f"resource {self.id!r}: negative capacity")
        _at_most_largest(self.capacity, f"resource {self.id!r}: capacity")
        for ld in self.loads:
            if ld.end < ld.start or ld.amount < 0 or ld.start < 0:
                raise ProblemDefinitionError(f"resource {self.id!r}: invalid load {ld}")

    def profile(self, horizon: int) -> list[int]:
        """Available units in each period ``0..horizon-1`` (never below zero)."""
        cap = [self.capacity] * horizon
        for ld in self.loads:
            for t in range(ld.start, min(ld.end, horizon)):
                cap[t] -= ld.amount
        return [max(0, c) for c in cap]

    @property
    def last_change(self) -> int:
        """First period from which capacity stays at its base value."""
        return max((ld.end for ld in self.loads), default=0)


@dataclass(frozen=True)
class NonRenewable:
    """A consumable (material, budget) with a total ``budget`` for the whole project."""

    id: str
    budget: int

    def __post_init__(self) -> None:
        _at_most_largest(self.budget, f"consumable {self.id!r}: budget")


@dataclass(frozen=True)
class Problem:
    """A validated (multi-mode) RCPSP with generalised precedences and time-varying capacity.

    ``activities`` and ``links`` are the network model's; ``modes`` maps every
    activity id to its alternative modes (keyword-only). Raises
    :class:`ProblemDefinitionError` for malformed data, :class:`PrecedenceCycleError`
    for a cycle of links and :class:`InfeasibleDemandError` when an activity can
    never be staffed.
    """

    activities: tuple[Activity, ...]
    links: tuple[Link, ...] = ()
    renewables: tuple[Renewable, ...] = ()
    nonrenewables: tuple[NonRenewable, ...] = ()
    name: str = ""
    modes: Mapping[str, tuple[Mode, ...]] = field(kw_only=True, hash=False)
    max_lags: tuple[MaxLag, ...] = field(default=(), kw_only=True)
    releases: Mapping[str, int] = field(default_factory=dict, kw_only=True, hash=False)
    deadlines: Mapping[str, int] = field(default_factory=dict, kw_only=True, hash=False)

    def __post_init__(self) -> None:
        for attr in ("activities", "links", "renewables", "nonrenewables", "max_lags"):
            object.__setattr__(self, attr, tuple(getattr(self, attr)))
        table = {aid: tuple(ms) for aid, ms in dict(self.modes).items()}
        object.__setattr__(self, "modes", table)
        object.__setattr__(self, "releases", dict(self.releases))
        object.__setattr__(self, "deadlines", dict(self.deadlines))
        self._validate()

    @classmethod
    def from_project(
        cls,
        project: Project,
        modes: Mapping[str, Iterable[Mode]],
        *,
        minutes_per_period: int,
        renewables: Iterable[Renewable] = (),
        nonrenewables: Iterable[NonRenewable] = (),
        name: str = "",
    ) -> Problem:
        """The problem over a CPM project's activities and links (its summaries left out).

        Dates and calendars stay with the project; the problem counts periods of
        ``minutes_per_period`` working minutes: each link's working-minute lag becomes
        :func:`periods` (elapsed and percent lags are refused), and the durations are
        the modes'.
        """
        acts = tuple(a for a in project.activities if a.kind is not Kind.SUMMARY)
        links = tuple(
            replace(lk, lag=periods(lk.lag, minutes_per_period))
            if lk.lag_unit is LagUnit.WORKING
            else lk
            for lk in project.links
        )
        return cls(
            acts,
            links,
            tuple(renewables),
            tuple(nonrenewables),
            name,
            modes={a.id: tuple(modes.get(a.id, ())) for a in acts},
        )

    # ---------------------------------------------------------------- indexes
    @cached_property
    def index(self) -> dict[str, int]:
        """Activity id -> position in ``activities``."""
        return {a.id: i for i, a in enumerate(self.activities)}

    @cached_property
    def mode_table(self) -> tuple[tuple[Mode, ...], ...]:
        """Modes of each activity, by activity index (``mode_table[i][m]``)."""
        return tuple(self.modes[a.id] for a in self.activities)

    @cached_property
    def resource_index(self) -> dict[str, int]:
        """Renewable id -> position in ``renewables``."""
        return {r.id: i for i, r in enumerate(self.renewables)}

    @cached_property
    def link_pairs(self) -> tuple[tuple[int, int, Link], ...]:
        """Links as ``(pred_index, succ_index, link)``."""
        return tuple((self.index[lk.pred], self.index[lk.succ], lk) for lk in self.links)

    @cached_property
    def topological_order(self) -> tuple[int, ...]:
        """Activity indexes so that every link goes forward."""
        n = len(self.activities)
        indeg = [0] * n
        succs: list[list[int]] = [[] for _ in range(n)]
        for i, j, _ in self.link_pairs:
            succs[i].append(j)
            indeg[j] += 1
        ready = [i for i in range(n) if indeg[i] == 0]
        order: list[int] = []
        while ready:
            i = ready.pop()
            order.append(i)
            for j in succs[i]:
                indeg[j] -= 1
                if indeg[j] == 0:
                    ready.append(j)
        if len(order) < n:
            raise PrecedenceCycleError(self._find_cycle(succs, set(order)))
        return tuple(order)

    @property
    def has_time_windows(self) -> bool:
        """True when the problem has maximum lags, release dates or deadlines.

        The schedule generation schemes (and so the heuristics and the genetic
        algorithm) only know minimum lags; such problems are solved by CP-SAT alone.
        """
        return bool(self.max_lags or self.releases or self.deadlines)

    @cached_property
    def max_lag_pairs(self) -> tuple[tuple[int, int, MaxLag], ...]:
        """Maximum lags as ``(pred_index, succ_index, max_lag)``."""
        return tuple((self.index[m.pred], self.index[m.succ], m) for m in self.max_lags)

    @cached_property
    def temporal_earliest_starts(self) -> tuple[int, ...]:
        """Earliest start of each activity from every lag and release, resources ignored.

        Each activity takes the mode that makes each lag easiest, so this is a
        lower bound valid for every mode choice (exact for a single mode). Raises
        :class:`TimeLagCycleError` when lags contradict each other (a positive cycle);
        validation asks for it, so a built problem never does.
        """
        found = earliest_starts(
            len(self.activities),
            self._temporal_arcs(),
            self._release_list(),
            self.topological_order,
        )
        if isinstance(found, PositiveCycle):
            names = [self.activities[k].id for k in found.nodes]
            raise TimeLagCycleError(names, found.length)
        return tuple(found)

    def _durations(self, i: int) -> list[int]:
        table = self.mode_table[i]
        return [table[m].duration for m in self.usable_modes[i]] or [m.duration for m in table]

    def _release_list(self) -> list[int]:
        return [self.releases.get(a.id, 0) for a in self.activities]

    def _temporal_arcs(self) -> list[tuple[int, int, int]]:
        """Arcs ``(u, v, w)`` with ``S_v >= S_u + w``, weakest over the modes."""
        arcs = []
        for i, j, lk in self.link_pairs:
            low, _ = distance_range(
                lk.type, lag_periods(lk), self._durations(i), self._durations(j)
            )
            arcs.append((i, j, low))
        for i, j, ml in self.max_lag_pairs:
            _, high = distance_range(ml.type, ml.lag, self._durations(i), self._durations(j))
            arcs.append((j, i, -high))
        return arcs

    @property
    def is_multi_mode(self) -> bool:
        """True when some activity has more than one mode."""
        return any(len(ms) > 1 for ms in self.mode_table)

    def trivial_horizon(self) -> int:
        """An upper bound on any sensible makespan (activities in series, after all loads)."""
        total = sum(max(m.duration for m in ms) for ms in self.mode_table)
        lags = sum(max(0, lag_periods(lk)) for lk in self.links)
        loads = max((r.last_change for r in self.renewables), default=0)
        if not self.has_time_windows:
            return total + lags + loads + 1
        # With maximum lags, a feasible problem has a schedule within the sum over
        # activities of the longer of its duration and its longest outgoing arc
        # (Bartusch, Möhring & Radermacher 1988), after the last release and load.
        longest = [max(self._durations(i)) for i in range(len(self.activities))]
        for i, j, lk in self.link_pairs:
            _, high = distance_range(
                lk.type, lag_periods(lk), self._durations(i), self._durations(j)
            )
            longest[i] = max(longest[i], high)
        for i, j, ml in self.max_lag_pairs:
            low, _ = distance_range(ml.type, ml.lag, self._durations(i), self._durations(j))
            longest[j] = max(longest[j], -low)
        release = max(self.releases.values(), default=0)
        return sum(longest) + release + loads + 1

    # ------------------------------------------------------------- validation
    def _validate(self) -> None:
        if len(self.index) != len(self.activities):
            raise ProblemDefinitionError("duplicate activity ids")
        for act in self.activities:
            if act.kind is Kind.SUMMARY:
                raise ProblemDefinitionError(f"summary {act.id!r} is not scheduled")
            if not self.modes.get(act.id):
                raise ProblemDefinitionError(f"activity {act.id!r} has no mode")
        for aid in self.modes:
            if aid not in self.index:
                raise ProblemDefinitionError(f"modes given for unknown activity {aid!r}")
        res = {r.id: r for r in self.renewables}
        non = {r.id: r for r in self.nonrenewables}
        if len(res) + len(non) != len(self.renewables) + len(self.nonrenewables) or set(res) & set(
            non
        ):
            raise ProblemDefinitionError("duplicate resource ids")
        for lk in self.links:
            for end in (lk.pred, lk.succ):
                if end not in self.index:
                    raise ProblemDefinitionError(f"link refers to unknown activity {end!r}")
            if lk.pred == lk.succ:
                raise PrecedenceCycleError([lk.pred])
            if lk.lag_unit is not LagUnit.WORKING or lk.lag != int(lk.lag):
                raise ProblemDefinitionError(f"link {lk.label}: the lag must be whole periods")
            _at_most_largest(lk.lag, f"link {lk.label}: lag")
        for act in self.activities:
            self._validate_demands(act)
        for nr in self.nonrenewables:

            def least_of(a: Activity, rid: str = nr.id) -> int:
                i = self.index[a.id]
                return min(self.mode_table[i][m].demand(rid) for m in self.usable_modes[i])

            least = sum(least_of(a) for a in self.activities)
            if least > nr.budget:
                worst = max(self.activities, key=least_of)
                raise InfeasibleDemandError(
                    worst.id, nr.id, f"total need of at least {least} exceeds budget {nr.budget}"
                )
        _ = self.topological_order
        self._validate_time_windows()
        horizon = self.trivial_horizon()
        if horizon > MAX_PERIODS:
            raise ProblemDefinitionError(
                f"the activities, lags and loads could span {horizon:,} periods; "
                f"a schedule may span at most {MAX_PERIODS:,}"
            )

    def _validate_time_windows(self) -> None:
        """Check maximum lags, releases, deadlines; raise for a positive cycle, a late deadline."""
        for ml in self.max_lags:
            for end in (ml.pred, ml.succ):
                if end not in self.index:
                    raise ProblemDefinitionError(f"maximum lag refers to unknown activity {end!r}")
            if ml.pred == ml.succ:
                raise ProblemDefinitionError(f"maximum lag {ml.label}: needs two activities")
            if ml.lag != int(ml.lag):
                raise ProblemDefinitionError(
                    f"maximum lag {ml.label}: the lag must be whole periods"
                )
            _at_most_largest(ml.lag, f"maximum lag {ml.label}: lag")
        for what, table in (("release date", self.releases), ("deadline", self.deadlines)):
            for aid, when in table.items():
                if aid not in self.index:
                    raise ProblemDefinitionError(f"{what} given for unknown activity {aid!r}")
                if when != int(when) or when < 0:
                    raise ProblemDefinitionError(
                        f"activity {aid!r}: the {what} must be whole periods from 0, not {when}"
                    )
                _at_most_largest(when, f"activity {aid!r}: the {what}")
        if not self.has_time_windows:
            return
        found = self.temporal_earliest_starts
        for aid, deadline in self.deadlines.items():
            i = self.index[aid]
            finish = found[i] + min(self._durations(i))
            if finish > deadline:
                raise DeadlineError(aid, deadline, finish)

    def mode_problem(self, act: Activity, mode: Mode) -> tuple[str, str] | None:
        """Why ``mode`` of ``act`` can never run, as ``(resource, reason)``; None if it can."""
        res = {r.id: r for r in self.renewables}
        non = {r.id: r for r in self.nonrenewables}
        for rid, q in mode.demands.items():
            if rid in non:
                if q > non[rid].budget:
                    return rid, f"needs {q} but the budget is {non[rid].budget}"
                continue
            if rid not in res:
                raise ProblemDefinitionError(
                    f"activity {act.id!r} demands unknown resource {rid!r}"
                )
            cap = res[rid].capacity
            if cap == 0:
                return rid, "capacity is zero"
            if q > cap:
                return rid, f"needs {q} but capacity is {cap}"
        return None

    @cached_property
    def usable_modes(self) -> tuple[tuple[int, ...], ...]:
        """Per activity, the indexes of its modes that fit every capacity and budget."""
        return tuple(
            tuple(m for m, mode in enumerate(ms) if self.mode_problem(a, mode) is None)
            for a, ms in zip(self.activities, self.mode_table, strict=True)
        )

    def _validate_demands(self, act: Activity) -> None:
        """Raise when no mode of ``act`` can ever run (a mode that cannot is simply unused)."""
        problems = [self.mode_problem(act, mode) for mode in self.modes[act.id]]
        if all(pb is not None for pb in problems):
            rid, reason = problems[0] or ("", "")
            raise InfeasibleDemandError(act.id, rid, reason)

    def _find_cycle(self, succs: list[list[int]], done: set[int]) -> list[str]:
        """Return the ids of one cycle among the activities not in ``done``."""
        colour: dict[int, int] = {}
        stack_path: list[int] = []

        def visit(u: int) -> list[int] | None:
            colour[u] = 1
            stack_path.append(u)
            for v in succs[u]:
                if v in done:
                    continue
                if colour.get(v) == 1:
                    return stack_path[stack_path.index(v) :]
                if v not in colour and (found := visit(v)) is not None:
                    return found
            stack_path.pop()
            colour[u] = 2
            return None

        for start in range(len(self.activities)):
            if start not in done and start not in colour:
                cycle = visit(start)
                if cycle:
                    return [self.activities[k].id for k in cycle]
        return []  # pragma: no cover - only called when a cycle exists


@dataclass(frozen=True)
class PeriodSchedule:
    """Start period and chosen mode index of every activity (by activity index).

    Named apart from ``engine.result.Schedule`` (the critical path's dated schedule in
    minutes): this one counts whole periods, as the resource-constrained solvers do.
    """

    starts: tuple[int, ...]
    modes: tuple[int, ...]

    def makespan(self, problem: Problem) -> int:
        """Latest finish over all activities."""
        return max(
            (
                s + ms[m].duration
                for s, m, ms in zip(self.starts, self.modes, problem.mode_table, strict=True)
            ),
            default=0,
        )

    def finish(self, problem: Problem, i: int) -> int:
        """Finish period of activity index ``i``."""
        return self.starts[i] + problem.mode_table[i][self.modes[i]].duration
