"""Property tests: every schedule produced respects precedences, capacities and budgets."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from ortools.sat.python import cp_model

from keystage.engine.network import Link, LinkType
from keystage.engine.rcpsp.bounds import lower_bounds
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.cpsat.solve import Status, build_model, optimise, read_schedule
from keystage.engine.rcpsp.heuristic import solve_heuristic
from keystage.engine.rcpsp.leveling import level
from keystage.engine.rcpsp.priority import Rule, priority_values, rule_order
from keystage.engine.rcpsp.problem import (
    Load,
    Mode,
    NonRenewable,
    PeriodSchedule,
    Problem,
    Renewable,
)
from keystage.engine.rcpsp.sgs import parallel_sgs
from tests.engine.rcpsp.jobs import job, problem_of


@st.composite
def problems(draw: st.DrawFn) -> Problem:
    n_res = draw(st.integers(1, 2))
    caps = [draw(st.integers(1, 4)) for _ in range(n_res)]
    renewables = []
    for r, cap in enumerate(caps):
        loads = tuple(
            Load(s, s + draw(st.integers(1, 4)), draw(st.integers(1, cap)))
            for s in draw(st.lists(st.integers(0, 8), max_size=2))
        )
        renewables.append(Renewable(f"R{r}", cap, loads))
    n = draw(st.integers(2, 7))
    acts = []
    for i in range(n):
        modes = []
        for _ in range(draw(st.integers(1, 2))):
            dem = {f"R{r}": draw(st.integers(0, caps[r])) for r in range(n_res)}
            dem["money"] = draw(st.integers(0, 2))
            modes.append(Mode(draw(st.integers(0, 5)), dem))
        acts.append(job(f"a{i}", tuple(modes)))
    least = sum(min(m.demand("money") for m in ms) for _, ms in acts)
    budget = least + draw(st.integers(0, 3))
    links = []
    for j in range(1, n):
        for i in draw(st.sets(st.integers(0, j - 1), max_size=2)):
            kind = draw(st.sampled_from(list(LinkType)))
            links.append(Link(f"a{i}", f"a{j}", kind, draw(st.integers(-2, 3))))
    return problem_of(
        tuple(acts), tuple(links), tuple(renewables), (NonRenewable("money", budget),)
    )


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_heuristic_and_optimiser_schedules_are_feasible(p: Problem) -> None:
    h = solve_heuristic(p, iterations=8, seed=3)
    assert schedule_violations(p, h.schedule) == []
    o = optimise(p, time_limit=5, num_workers=1, seed=3)
    assert o.status is Status.OPTIMAL
    assert o.schedule is not None and schedule_violations(p, o.schedule) == []
    assert lower_bounds(p).best <= (o.makespan or 0) <= h.makespan


@settings(max_examples=40, deadline=None)
@given(problems())
def test_parallel_scheme_and_full_levelling_are_feasible(p: Problem) -> None:
    c = Compiled(p)
    h = solve_heuristic(p, iterations=1)
    modes = c.compiled_modes(h.schedule.modes)
    order = rule_order(c, priority_values(c, Rule.LFT, p.topological_order, modes))
    starts = parallel_sgs(c, order, modes)
    assert schedule_violations(p, PeriodSchedule(tuple(starts), h.schedule.modes)) == []
    res = level(p, PeriodSchedule(tuple(0 for _ in starts), h.schedule.modes), within_float=False)
    assert res.unresolved == ()
    assert schedule_violations(p, res.schedule) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems())
def test_merged_mode_cumulative_has_the_per_mode_models_optimum(p: Problem) -> None:
    """One interval per multi-mode activity (a demand variable) allows exactly the
    schedules the textbook per-mode optional intervals allow: same proven optimum."""
    c = Compiled(p)
    optima = []
    for merged in (True, False):
        model, v = build_model(
            p, c, lower_bound=0, horizon=p.trivial_horizon(), merged_modes=merged
        )
        solver = cp_model.CpSolver()
        solver.parameters.num_workers = 1
        solver.parameters.max_time_in_seconds = 10
        status = solver.solve(model)
        assert status in (cp_model.OPTIMAL, cp_model.INFEASIBLE)
        if status == cp_model.INFEASIBLE:
            optima.append(None)
            continue
        assert schedule_violations(p, read_schedule(solver, v, c)) == []
        optima.append(int(solver.objective_value))
    assert optima[0] == optima[1]
