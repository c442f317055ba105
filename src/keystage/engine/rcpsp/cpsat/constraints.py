"""Constraint families of the CP-SAT model, one function each.

Required: mode choice, generalised precedences, renewable capacity (with
time-varying profiles), consumable budgets, makespan. Redundant (they only
help the solver prove bounds): energy per resource against the makespan and
no-overlap on groups of activities that can never run together.
"""

from __future__ import annotations

import numpy as np
from ortools.sat.python import cp_model

from keystage.engine.rcpsp.closure import Distances
from keystage.engine.rcpsp.compiled import FF, FS, SS, Compiled
from keystage.engine.rcpsp.cpsat.variables import Variables


def add_mode_choice(model: cp_model.CpModel, v: Variables, excluded: set[tuple[int, int]]) -> None:
    """Exactly one mode per activity; ``excluded`` (activity, mode) pairs are forbidden."""
    for i, row in enumerate(v.mode_lits):
        if len(row) > 1:
            model.add_exactly_one(row)
            for m, lit in enumerate(row):
                if (i, m) in excluded:
                    model.add(lit == 0)


def add_precedences(model: cp_model.CpModel, v: Variables, c: Compiled) -> None:
    """FS: S_j >= E_i + lag; SS: S_j >= S_i + lag; FF: E_j >= E_i + lag; SF: E_j >= S_i + lag."""
    for j in range(c.n):
        for i, kind, lag in c.preds[j]:
            if kind == FS:
                model.add(v.starts[j] >= v.ends[i] + lag)
            elif kind == SS:
                model.add(v.starts[j] >= v.starts[i] + lag)
            elif kind == FF:
                model.add(v.ends[j] >= v.ends[i] + lag)
            else:
                model.add(v.ends[j] >= v.starts[i] + lag)


def _reduced_capacity_runs(profile: list[int], base: int) -> list[tuple[int, int, int]]:
    """Maximal runs ``(start, end, missing)`` where the profile is below its base."""
    runs: list[tuple[int, int, int]] = []
    for t, cap in enumerate(profile):
        missing = base - cap
        if missing <= 0:
            continue
        if runs and runs[-1][1] == t and runs[-1][2] == missing:
            runs[-1] = (runs[-1][0], t + 1, missing)
        else:
            runs.append((t, t + 1, missing))
    return runs


def add_renewable_capacity(
    model: cp_model.CpModel,
    v: Variables,
    c: Compiled,
    tail: cp_model.IntervalVar | None = None,
    *,
    merged_modes: bool = True,
) -> None:
    """One cumulative per renewable; existing load enters as fixed blocking intervals.

    ``tail`` (an interval from the makespan to the horizon) joins every
    resource with a constant capacity at full demand, so that the cumulative's
    own reasoning pushes the makespan's lower bound.

    With ``merged_modes`` a multi-mode activity whose every mode needs the
    resource enters its cumulative once, as the activity's variable-length
    interval with a demand variable tied to the mode literals, instead of one
    optional interval per mode: its least duration and demand then count before
    the mode is chosen. On PSPLIB's multi-mode j20 CP-SAT proved the optimum
    about twice as fast that way (docs/performance.md). Where some mode does
    without the resource (a choice between people, say) the least demand is 0
    and the per-mode intervals stay: merged, the assignment model proved more
    slowly. ``False`` keeps the textbook form everywhere (the plain model).
    """
    for r in range(c.n_res):
        ivs: list[cp_model.IntervalVar] = []
        dems: list[cp_model.LinearExprT] = []
        for i in range(c.n):
            need = [
                dict(dem).get(r, 0) if d > 0 else 0
                for d, dem in zip(c.dur[i], c.dem[i], strict=True)
            ]
            if not any(need):
                continue
            if merged_modes and len(need) > 1 and all(need):
                ivs.append(v.intervals[i])
                dems.append(_demand_variable(model, need, v.mode_lits[i], f"q{r}_{i}"))
                continue
            for m, q in enumerate(need):
                if q:
                    ivs.append(v.mode_intervals[i][m])
                    dems.append(q)
        runs = _reduced_capacity_runs(c.profiles[r], c.base_cap[r])
        for start, end, missing in runs:
            ivs.append(model.new_fixed_size_interval_var(start, end - start, f"load{r}_{start}"))
            dems.append(missing)
        if ivs and tail is not None and not runs:
            ivs.append(tail)
            dems.append(c.base_cap[r])
        if ivs:
            model.add_cumulative(ivs, dems, c.base_cap[r])


def _demand_variable(
    model: cp_model.CpModel, need: list[int], lits: list[cp_model.IntVar], name: str
) -> cp_model.LinearExprT:
    """The demand of the chosen mode: a constant when every mode needs the same."""
    values = sorted(set(need))
    if len(values) == 1:
        return values[0]
    q = model.new_int_var_from_domain(cp_model.Domain.from_values(values), name)
    model.add(q == sum(need[m] * lit for m, lit in enumerate(lits)))
    return q


def add_budgets(model: cp_model.CpModel, v: Variables, c: Compiled) -> None:
    """Consumables: the chosen modes' total use stays within each budget."""
    for k, budget in enumerate(c.budgets):
        terms = [
            c.nr_dem[i][m][k] * lit
            for i, row in enumerate(v.mode_lits)
            for m, lit in enumerate(row)
            if c.nr_dem[i][m][k]
        ]
        if terms:
            model.add(sum(terms) <= budget)


def add_makespan(model: cp_model.CpModel, v: Variables, c: Compiled) -> None:
    """The makespan is at least every end."""
    for i in range(c.n):
        model.add(v.makespan >= v.ends[i])


def add_energy_cuts(model: cp_model.CpModel, v: Variables, c: Compiled) -> None:
    """Redundant: work on each resource fits under capacity x makespan."""
    for r in range(c.n_res):
        terms = []
        for i in range(c.n):
            for m, dem in enumerate(c.dem[i]):
                q = dict(dem).get(r, 0)
                if q and c.dur[i][m]:
                    terms.append(q * c.dur[i][m] * v.mode_lits[i][m])
        if terms:
            model.add(sum(terms) <= c.base_cap[r] * v.makespan)


def incompatible(c: Compiled, i: int, j: int) -> bool:
    """True when single-mode activities ``i`` and ``j`` can never overlap (some resource)."""
    di, dj = dict(c.dem[i][0]), dict(c.dem[j][0])
    return any(q + dj.get(r, 0) > c.base_cap[r] for r, q in di.items())


def add_disjunctive_cliques(
    model: cp_model.CpModel,
    v: Variables,
    c: Compiled,
    after: np.ndarray | None = None,
    all_pairs: bool = False,
) -> int:
    """Redundant no-overlap on greedy cliques of pairwise incompatible single-mode activities.

    With ``all_pairs`` (and the transitive precedences ``after``), every
    incompatible pair that no clique covers and no chain of links orders gets
    its own two-activity no-overlap. Returns the number of constraints added.
    """
    cand = [i for i in range(c.n) if len(c.dur[i]) == 1 and c.dur[i][0] > 0 and c.dem[i][0]]
    adj = {i: {j for j in cand if j != i and incompatible(c, i, j)} for i in cand}
    added = 0
    covered: set[tuple[int, int]] = set()
    for i in sorted(cand, key=lambda k: (-len(adj[k]), k)):
        clique = [i]
        for j in sorted(adj[i], key=lambda k: (-len(adj[k]), k)):
            if all(j in adj[k] for k in clique):
                clique.append(j)
        pairs = {(a, b) for a in clique for b in clique if a < b}
        if len(clique) >= 3 and not pairs <= covered:
            model.add_no_overlap([v.intervals[k] for k in clique])
            covered |= pairs
            added += 1
    if all_pairs and after is not None:
        for i in cand:
            for j in adj[i]:
                if i < j and (i, j) not in covered and not after[i, j] and not after[j, i]:
                    model.add_no_overlap([v.intervals[i], v.intervals[j]])
                    added += 1
    return added


def add_delays(
    model: cp_model.CpModel, v: Variables, d: Distances, *, every_pair: bool = False
) -> int:
    """Redundant: ``S_j >= E_i + delay`` and ``makespan >= E_i + tail``.

    Only pairs whose precedence-energy delay beats the chain of links, unless
    ``every_pair``. Returns the number of pair constraints added.
    """
    if not d.energetic:
        return 0
    path = d.dist - d.dmin[:, None]
    mask = d.after & ((d.delay > path) | every_pair)
    added = 0
    for i, j in zip(*np.nonzero(mask), strict=True):
        model.add(v.starts[int(j)] >= v.ends[int(i)] + int(d.delay[i, j]))
        added += 1
    for i in range(len(d.tail)):
        if d.tail[i] > 0:
            model.add(v.makespan >= v.ends[i] + int(d.tail[i]))
    return added


def add_time_windows(model: cp_model.CpModel, v: Variables, c: Compiled) -> None:
    """Maximum lags (the mirror of :func:`add_precedences`), release dates and deadlines."""
    for i, j, kind, lag in c.max_lags:
        if kind == FS:
            model.add(v.starts[j] <= v.ends[i] + lag)
        elif kind == SS:
            model.add(v.starts[j] <= v.starts[i] + lag)
        elif kind == FF:
            model.add(v.ends[j] <= v.ends[i] + lag)
        else:
            model.add(v.ends[j] <= v.starts[i] + lag)
    for i, release in enumerate(c.release):
        if release:
            model.add(v.starts[i] >= release)
    for i, deadline in enumerate(c.deadline):
        if deadline is not None:
            model.add(v.ends[i] <= deadline)
