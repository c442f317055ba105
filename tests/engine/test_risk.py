"""Monte Carlo schedule and cost risk: closed forms, reproducibility, bad input."""

from __future__ import annotations

import math
from datetime import datetime

import numpy as np
import pytest

from keystage.engine.errors import FieldError
from keystage.engine.network import Activity, Link, LinkType, Project
from keystage.engine.risk import (
    CorrelationGroup,
    Distribution,
    RiskEvent,
    RiskModel,
    TaskCost,
    TaskUncertainty,
    ThreePoint,
    simulate,
)

START = datetime(2025, 1, 6, 8, 0)  # a Monday; the standard calendar works 8 h a day
DAY = 480
TRI = ThreePoint(1000.0, 2400.0, 4000.0)


def chain(n: int, links: bool = True) -> Project:
    acts = tuple(Activity(f"T{i}", duration=2400) for i in range(n))
    chain_links = tuple(Link(f"T{i}", f"T{i + 1}") for i in range(n - 1)) if links else ()
    return Project(START, acts, chain_links)


def estimates(
    project: Project, three: ThreePoint = TRI, kind: Distribution = Distribution.TRIANGULAR
):  # type: ignore[no-untyped-def]
    return tuple(TaskUncertainty(a.id, three, kind) for a in project.activities)


def tri_moments(t: ThreePoint) -> tuple[float, float]:
    a, m, b = t.low, t.likely, t.high
    return (a + m + b) / 3, (a * a + m * m + b * b - a * m - a * b - m * b) / 18


def test_chain_converges_to_the_sum_of_means_and_variances() -> None:
    project = chain(5)
    r = simulate(RiskModel(project, estimates(project)), 40_000, np.random.default_rng(1))
    mean, var = tri_moments(TRI)
    se = math.sqrt(5 * var / 40_000)
    assert abs(r.finish.mean - 5 * mean) < 4 * se
    assert r.finish.std**2 == pytest.approx(5 * var, rel=0.04)


def test_pert_chain_moments() -> None:
    project = chain(4)
    model = RiskModel(project, estimates(project, TRI, Distribution.PERT))
    r = simulate(model, 40_000, np.random.default_rng(2))
    mean = (TRI.low + 4 * TRI.likely + TRI.high) / 6
    var = (mean - TRI.low) * (TRI.high - mean) / 7
    assert abs(r.finish.mean - 4 * mean) < 4 * math.sqrt(4 * var / 40_000)
    assert r.finish.std**2 == pytest.approx(4 * var, rel=0.04)


def tri_cdf(x: float, t: ThreePoint) -> float:
    a, m, b = t.low, t.likely, t.high
    if x <= m:
        return (x - a) ** 2 / ((b - a) * (m - a))
    return 1 - (b - x) ** 2 / ((b - a) * (b - m))


def test_two_parallel_tasks_finish_as_the_max() -> None:
    project = chain(2, links=False)
    r = simulate(RiskModel(project, estimates(project)), 40_000, np.random.default_rng(3))
    # The S-curve's x at y = k % is the finish's k-th percentile: F_max = F².
    for k in (10, 25, 50, 75, 90):
        x = r.finish.curve[k]
        assert tri_cdf(x, TRI) ** 2 == pytest.approx(k / 100, abs=0.012)
    # two identical branches: each critical about half the time
    assert [round(c.index, 1) for c in r.criticality] == [0.5, 0.5]


def test_criticality_is_one_on_a_single_chain() -> None:
    project = chain(6)
    r = simulate(RiskModel(project, estimates(project)), 2_000, np.random.default_rng(4))
    assert [c.index for c in r.criticality] == [1.0] * 6


def test_a_certain_risk_shifts_the_finish_by_its_impact() -> None:
    project = chain(3)
    plain = simulate(RiskModel(project), 100, np.random.default_rng(5))
    event = RiskEvent("R1", 1.0, ("T1",), ThreePoint(DAY, DAY, DAY), ThreePoint(50, 50, 50))
    costs = (TaskCost("T0", fixed=100.0),)
    hit = simulate(RiskModel(project, costs=costs, events=(event,)), 100,
                   np.random.default_rng(5))  # fmt: skip
    assert plain.finish.low == plain.finish.high == 3 * 2400
    assert hit.finish.low == hit.finish.high == 3 * 2400 + DAY
    assert hit.cost.low == hit.cost.high == 150.0
    assert hit.occurrence == {"R1": 1.0}
    assert hit.finish_dates[50] == datetime(2025, 1, 27, 17, 0)  # 16 working days


def test_same_seed_same_result_whatever_the_threads() -> None:
    project = chain(4)
    event = RiskEvent("R1", 0.3, ("T2",), ThreePoint(0, DAY, 3 * DAY), ThreePoint(0, 10, 20))
    model = RiskModel(project, estimates(project), events=(event,),
                      correlations=(CorrelationGroup(("T0", "T1"), 0.5),))  # fmt: skip
    one = simulate(model, 3_000, np.random.default_rng(9), workers=1)
    two = simulate(model, 3_000, np.random.default_rng(9), workers=2)
    again = simulate(model, 3_000, np.random.default_rng(9))
    assert one == two == again
    assert simulate(model, 3_000, np.random.default_rng(10)) != one


def test_correlation_widens_the_sum() -> None:
    project = chain(2)
    free = RiskModel(project, estimates(project))
    tied = RiskModel(project, estimates(project),
                     correlations=(CorrelationGroup(("T0", "T1"), 0.8),))  # fmt: skip
    a = simulate(free, 20_000, np.random.default_rng(6))
    b = simulate(tied, 20_000, np.random.default_rng(6))
    var = tri_moments(TRI)[1]
    # var(X + Y) = 2σ²(1 + r); Iman–Conover on normals with ρ = 0.8 gives r ≈ 0.79
    assert a.finish.std**2 == pytest.approx(2 * var, rel=0.05)
    assert b.finish.std**2 == pytest.approx(2 * var * 1.79, rel=0.05)
    assert b.finish.mean == pytest.approx(a.finish.mean, rel=0.01)


def test_in_progress_task_simulates_its_remaining_work() -> None:
    done = Activity("D", duration=2400, actual_start=START, actual_finish=datetime(2025, 1, 8, 17))
    half = Activity("H", duration=4800, actual_start=START, percent_complete=50.0)
    project = Project(START, (done, half), (Link("D", "H", LinkType.SS),),
                      data_date=datetime(2025, 1, 13, 8))  # fmt: skip
    three = ThreePoint(4000.0, 4800.0, 7200.0)
    model = RiskModel(
        project,
        (TaskUncertainty("D", three), TaskUncertainty("H", three)),
        costs=(TaskCost("D", 10.0, 90.0), TaskCost("H", 0.0, 480.0)),
    )
    r = simulate(model, 20_000, np.random.default_rng(7))
    # data date = 5 working days in; the remaining 2400 min scale by draw / likely
    expected = 2400 + 2400 * tri_moments(three)[0] / 4800
    assert r.finish.mean == pytest.approx(expected, rel=0.01)
    assert r.finish.low >= 2400 + 2400 * 4000 / 4800 - 1
    # finished task: its whole cost; in progress: done + remaining minutes at 0.1 / min
    assert r.cost.mean == pytest.approx(100 + 0.1 * (2400 + expected - 2400), rel=0.01)
    assert {c.task_id: c.index for c in r.criticality}["D"] == 0.0


def test_cost_scales_with_duration_and_budget_probability() -> None:
    project = chain(1)
    model = RiskModel(project, estimates(project), costs=(TaskCost("T0", 100.0, 2400.0),),
                      budget=100.0 + 2400.0, baseline_finish=datetime(2025, 1, 10, 17))  # fmt: skip
    r = simulate(model, 20_000, np.random.default_rng(8))
    assert r.cost.mean == pytest.approx(100 + tri_moments(TRI)[0], rel=0.01)
    # P(cost <= budget) = P(duration <= 2400) = F(likely) = (m - a) / (b - a)
    assert r.p_budget == pytest.approx(1400 / 3000, abs=0.015)
    assert r.p_baseline == pytest.approx(1400 / 3000, abs=0.015)  # 5 days = 2400 min
    assert r.deterministic_minutes == 2400 and r.deterministic_cost == 2500


def test_tornado_ranks_the_widest_task_first() -> None:
    project = chain(3)
    wide = TaskUncertainty("T1", ThreePoint(500.0, 2400.0, 9000.0))
    narrow = tuple(TaskUncertainty(t, ThreePoint(2300.0, 2400.0, 2600.0)) for t in ("T0", "T2"))
    event = RiskEvent("R1", 0.5, ("T0",), ThreePoint(DAY, DAY, DAY), ThreePoint(0, 0, 0))
    r = simulate(RiskModel(project, (wide, *narrow), events=(event,)), 5_000,
                 np.random.default_rng(1))  # fmt: skip
    assert [d.key for d in r.tornado[:2]] == ["T1", "R1"]
    top = r.tornado[0]
    assert top.correlation > 0.8 and top.high_p50 > top.low_p50
    risk = r.tornado[1]
    assert risk.kind == "risk" and risk.high_p50 - risk.low_p50 == pytest.approx(DAY, abs=150)


def test_bad_input_is_refused_with_the_field() -> None:
    project = chain(2)
    with pytest.raises(ValueError, match="low <= likely <= high"):
        ThreePoint(5, 3, 4)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        RiskEvent("R", 1.5, ("T0",), ThreePoint(0, 0, 0), ThreePoint(0, 0, 0))
    with pytest.raises(FieldError) as bad:
        simulate(RiskModel(project), 1, np.random.default_rng(1))
    assert bad.value.field == "runs"
    unknown = (TaskUncertainty("nope", TRI),)
    with pytest.raises(FieldError, match="no such task"):
        simulate(RiskModel(project, unknown), 10, np.random.default_rng(1))
    with pytest.raises(FieldError, match="coefficient"):
        CorrelationGroup(("T0", "T1"), 1.2)
    stray = RiskEvent("R", 0.5, ("X",), ThreePoint(0, 0, 0), ThreePoint(0, 0, 0))
    with pytest.raises(FieldError, match="no task 'X'"):
        simulate(RiskModel(project, events=(stray,)), 10, np.random.default_rng(1))
    with pytest.raises(FieldError, match="negative"):
        TaskUncertainty("T0", ThreePoint(-5, 0, 4))
    limited = Project(START, project.activities, (Link("T0", "T1", max_lag=DAY),))
    with pytest.raises(FieldError, match=r"maximum lags are not simulated yet \(link T0→T1"):
        simulate(RiskModel(limited), 10, np.random.default_rng(1))


def _plain_cpm(project: Project, dur: list[float], floor: list[float]) -> tuple[float, list[bool]]:
    """The textbook per-run CPM (forward, backward) the vectorised passes must agree with.

    ``floor`` is the compiled earliest start of each task (the project start for the
    tasks the compiler holds there, −inf for the others).
    """
    n = len(project.activities)
    index = project.index
    into: list[list[tuple[int, bool, bool, float]]] = [[] for _ in range(n)]
    out: list[list[tuple[int, bool, bool, float]]] = [[] for _ in range(n)]
    for link in project.links:
        p, s = index[link.pred], index[link.succ]
        ff, tf = link.type.value[0] == "F", link.type.value[1] == "F"
        into[s].append((p, ff, tf, float(link.lag)))
        out[p].append((s, ff, tf, float(link.lag)))
    es = [0.0] * n
    for i in range(n):
        es[i] = max([es[p] + (dur[p] if ff else 0) + lag - (dur[i] if tf else 0)
                     for p, ff, tf, lag in into[i]] or [0.0])  # fmt: skip
        es[i] = max(es[i], floor[i])
    finish = max(es[i] + dur[i] for i in range(n))
    ls = [finish - d for d in dur]
    for i in range(n - 1, -1, -1):
        ls[i] = min([ls[i]] + [ls[s] + (dur[s] if tf else 0) - lag - (dur[i] if ff else 0)
                               for s, ff, tf, lag in out[i]])  # fmt: skip
    return finish, [ls[i] - es[i] < 1e-6 for i in range(n)]


def test_vectorised_passes_equal_a_plain_cpm_on_every_link_type() -> None:
    from keystage.engine.risk import _passes, _prepare

    rng = np.random.default_rng(5)
    n = 80
    acts = tuple(Activity(f"A{i}", duration=int(rng.integers(1, 40)) * 60) for i in range(n))
    links = {}
    for s in range(1, n):
        for p in rng.choice(s, size=min(s, int(rng.integers(1, 5))), replace=False).tolist():
            kind = list(LinkType)[int(rng.integers(0, 4))]
            links[(p, s)] = Link(f"A{p}", f"A{s}", kind, int(rng.integers(-4, 9)) * 60)
    project = Project(START, acts, tuple(links.values()))
    net = _prepare(RiskModel(project))
    floor = net.floor[:n].tolist()
    assert not np.isfinite(net.cap[:n]).any()
    runs = 40
    dur = np.zeros((n + 1, runs), dtype=np.float32)
    dur[:n] = rng.integers(0, 60, size=(n, runs)) * 60
    finish, crit = _passes(net, dur, critical=True)
    assert crit is not None
    for r in range(runs):
        want_finish, want_crit = _plain_cpm(project, dur[:n, r].tolist(), floor)
        assert float(finish[r]) == want_finish
        assert crit[:, r].tolist() == want_crit


@pytest.mark.parametrize("cut", [0.0, 0.3, 1.0])
def test_triangular_draws_follow_the_inverse_cdf(cut: float) -> None:
    from keystage.engine.risk import _draw_constants, _triangular

    low, high = np.array([0.0, 100.0]), np.array([0.0, 500.0])
    likely = low + cut * (high - low)
    draw = _draw_constants(low, likely, high, np.zeros(2, dtype=bool), np.array([1]),
                           np.zeros((0, 3)), np.zeros(0, dtype=np.int64))  # fmt: skip
    u = np.linspace(0, 1, 1001, dtype=np.float32)[None, :]
    got = _triangular(u.copy(), draw)[0]
    x = 100 + 400 * np.where(u[0] < cut, np.sqrt(u[0] * cut), 1 - np.sqrt((1 - u[0]) * (1 - cut)))
    assert np.abs(got - x).max() < 1e-3
    assert got.min() >= 100 - 1e-3 and got.max() <= 500 + 1e-3


class _Stop(Exception):
    pass


@pytest.mark.parametrize("workers", [1, 2])
def test_an_exception_from_progress_stops_between_chunks(
    workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    import keystage.engine.risk as risk

    monkeypatch.setattr(risk, "CHUNK_CELLS", 500)  # 100 runs a chunk on five nodes
    calls: list[int] = []
    original = risk._chunk

    def counted(*args, **kwargs):  # type: ignore[no-untyped-def]
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(risk, "_chunk", counted)
    project = chain(4)

    def stop(fraction: float) -> None:
        raise _Stop

    with pytest.raises(_Stop):
        simulate(RiskModel(project, estimates(project)), 10_000, np.random.default_rng(1),
                 progress=stop, workers=workers)  # fmt: skip
    assert 1 <= len(calls) <= 4  # of 100 chunks: the first, and those already in flight


def test_a_simulation_over_the_memory_budget_is_refused_before_drawing() -> None:
    from keystage.engine.risk import MEMORY_BUDGET, memory_needed

    project = chain(50)
    model = RiskModel(project, estimates(project))
    need = memory_needed(50, 20_000, uncertain=50)
    with pytest.raises(FieldError) as bad:
        simulate(model, 20_000, np.random.default_rng(1), memory_budget=need // 2)
    assert bad.value.field == "runs" and "MB" in bad.value.message
    assert "at most about" in bad.value.message
    # the default budget: a 10,000-task plan takes 10,000 runs, not 100,000 of 30,000 tasks
    assert memory_needed(10_000, 10_000, 5) < MEMORY_BUDGET < memory_needed(30_000, 100_000, 5)
    assert memory_needed(1000, 20_000) > memory_needed(1000, 10_000) > memory_needed(100, 10_000)


def test_the_memory_estimate_bounds_what_a_simulation_really_allocates() -> None:
    import tracemalloc

    from keystage.engine.risk import memory_needed

    project = chain(300)
    event = RiskEvent("R1", 0.3, ("T2",), ThreePoint(0, DAY, 3 * DAY), ThreePoint(0, 10, 20))
    model = RiskModel(project, estimates(project), events=(event,))
    simulate(model, 100, np.random.default_rng(1), workers=1)  # warm the caches
    tracemalloc.start()
    try:
        simulate(model, 30_000, np.random.default_rng(1), workers=1)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    estimate = memory_needed(300, 30_000, 1, workers=1)
    assert peak <= estimate, (peak, estimate)
    assert peak >= estimate / 8, (peak, estimate)  # the estimate is not wildly loose
