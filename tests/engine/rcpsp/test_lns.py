"""Large-neighbourhood search: improves a poor schedule, stays feasible, is reproducible."""

from __future__ import annotations

import time
from pathlib import Path

from keystage.engine.rcpsp.bounds import lower_bounds
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.cpsat.lns import improve
from keystage.engine.rcpsp.cpsat.solve import Status, build_model, optimise
from keystage.engine.rcpsp.ga import solve_ga
from keystage.engine.rcpsp.problem import PeriodSchedule
from keystage.engine.rcpsp.psplib_io import read_psplib


def _one_after_another(p, c: Compiled) -> PeriodSchedule:  # type: ignore[no-untyped-def]
    """Every activity alone, in topological order: feasible and far from the optimum."""
    t, starts = 0, [0] * c.n
    for i in p.topological_order:
        starts[i] = t
        t += c.dur[i][0]
    return PeriodSchedule(tuple(starts), tuple(0 for _ in range(c.n)))


def test_lns_improves_a_poor_schedule_and_keeps_it_feasible(psplib_dir: Path) -> None:
    """j305_3 from a serial chain: much shorter, feasible, never worse step by step."""
    p = read_psplib(psplib_dir / "j30" / "j305_3.sm")
    c = Compiled(p)
    poor = _one_after_another(p, c)
    lb = lower_bounds(p, c).best
    model, v = build_model(p, c, lower_bound=lb, horizon=poor.makespan(p), energy=False)
    res = improve(model, v, c, poor, lower_bound=lb, seed=3, deadline=time.perf_counter() + 20,
                  stall=4, max_steps=40)  # fmt: skip
    assert schedule_violations(p, res.schedule) == []
    assert res.makespan == res.schedule.makespan(p) < 0.8 * poor.makespan(p)
    assert res.improvements > 0 and res.steps <= 40


def test_lns_is_reproducible_for_a_seed(psplib_dir: Path) -> None:
    """Same schedule, seed and step budget: the same result, seeded from the GA's elite."""
    p = read_psplib(psplib_dir / "j60" / "j6013_1.sm")
    c = Compiled(p)
    ga = solve_ga(p, seed=1, schedules=1_000, elite_size=3)
    assert 0 < len(ga.elite) <= 3 and ga.schedule not in ga.elite
    assert all(schedule_violations(p, e) == [] for e in ga.elite)
    lb = lower_bounds(p, c).best
    model, v = build_model(p, c, lower_bound=lb, horizon=ga.makespan, cliques=False, energy=False)
    far = time.perf_counter() + 60
    runs = [
        improve(
            model,
            v,
            c,
            ga.schedule,
            lower_bound=lb,
            seed=7,
            elite=ga.elite,
            deadline=far,
            stall=100,
            max_steps=4,
        )
        for _ in range(2)
    ]
    assert runs[0].schedule == runs[1].schedule and runs[0].steps == runs[1].steps == 4
    assert runs[0].makespan <= ga.makespan
    assert schedule_violations(p, runs[0].schedule) == []


def test_optimise_with_and_without_lns_is_feasible(psplib_dir: Path) -> None:
    """With the search (GA, probe, LNS, proof) and by default (GA, proof): both feasible."""
    p = read_psplib(psplib_dir / "j60" / "j6013_1.sm")
    on = optimise(p, time_limit=1.0, num_workers=1, seed=2, lns=True)
    off = optimise(p, time_limit=1.0, num_workers=1, seed=2)
    for res in (on, off):
        assert res.schedule is not None and schedule_violations(p, res.schedule) == []
        assert res.status in (Status.OPTIMAL, Status.FEASIBLE)
        assert res.lower_bound <= res.makespan <= (res.heuristic_makespan or 10**9)
