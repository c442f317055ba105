"""Independent feasibility check of a schedule (used by tests and as a safety net)."""

from __future__ import annotations

from keystage.engine.rcpsp.compiled import link_delta, max_lag_delta
from keystage.engine.rcpsp.problem import PeriodSchedule, Problem, lag_periods


def schedule_violations(problem: Problem, schedule: PeriodSchedule) -> list[str]:
    """Every broken rule of ``schedule``.

    Precedences (minimum lags), maximum lags, release dates, deadlines,
    capacities, budgets, modes and negative starts.

    Returns readable messages; an empty list means the schedule is feasible.
    """
    out: list[str] = []
    acts = problem.activities
    if len(schedule.starts) != len(acts) or len(schedule.modes) != len(acts):
        return ["schedule length differs from the number of activities"]
    durs = []
    for a, ms, s, m in zip(acts, problem.mode_table, schedule.starts, schedule.modes, strict=True):
        if not 0 <= m < len(ms):
            return [f"activity {a.id!r}: no mode {m}"]
        if s < 0:
            out.append(f"activity {a.id!r} starts before 0")
        durs.append(ms[m].duration)
    for i, j, lk in problem.link_pairs:
        need = schedule.starts[i] + link_delta(lk, durs[i], durs[j])
        if schedule.starts[j] < need:
            got = schedule.starts[j]
            out.append(
                f"link {lk.pred}->{lk.succ} {lk.type}{lag_periods(lk):+d}: start {got} < {need}"
            )
    starts = schedule.starts
    for i, j, ml in problem.max_lag_pairs:
        most = starts[i] + max_lag_delta(ml, durs[i], durs[j])
        if starts[j] > most:
            out.append(f"maximum lag {ml.label}: start {starts[j]} > {most}")
    for aid, release in problem.releases.items():
        if starts[problem.index[aid]] < release:
            got = starts[problem.index[aid]]
            out.append(f"activity {aid!r} starts at {got}, before its release {release}")
    for aid, deadline in problem.deadlines.items():
        i = problem.index[aid]
        if starts[i] + durs[i] > deadline:
            out.append(
                f"activity {aid!r} ends at {starts[i] + durs[i]}, after its deadline {deadline}"
            )
    horizon = max((s + d for s, d in zip(schedule.starts, durs, strict=True)), default=0)
    for res in problem.renewables:
        cap = res.profile(horizon)
        use = [0] * horizon
        for ms, s, m, d in zip(
            problem.mode_table, schedule.starts, schedule.modes, durs, strict=True
        ):
            q = ms[m].demand(res.id)
            for t in range(s, s + d) if q else ():
                use[t] += q
        for t in range(horizon):
            if use[t] > cap[t]:
                out.append(f"resource {res.id!r} over capacity at {t}: {use[t]} > {cap[t]}")
                break
    for nr in problem.nonrenewables:
        total = sum(
            ms[m].demand(nr.id) for ms, m in zip(problem.mode_table, schedule.modes, strict=True)
        )
        if total > nr.budget:
            out.append(f"consumable {nr.id!r} over budget: {total} > {nr.budget}")
    return out
