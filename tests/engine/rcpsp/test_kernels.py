"""The compiled schedule generation (numba) equals the Python one and stays feasible.

Also: the genetic algorithm built on it is feasible, reproducible and finds optima,
and nothing on the start-up or critical path imports numba.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keystage.engine.network import Link
from keystage.engine.rcpsp import kernels as K
from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.cpsat.solve import Status, optimise
from keystage.engine.rcpsp.errors import NoFeasibleScheduleError
from keystage.engine.rcpsp.ga import solve_ga
from keystage.engine.rcpsp.heuristic import initial_modes
from keystage.engine.rcpsp.priority import Rule, priority_values, rule_order, sampled_order
from keystage.engine.rcpsp.problem import Mode, NonRenewable, PeriodSchedule, Problem, Renewable
from keystage.engine.rcpsp.psplib_io import read_psplib
from keystage.engine.rcpsp.sgs import justify, parallel_sgs, serial_sgs
from tests.engine.rcpsp.jobs import act, job, problem_of
from tests.engine.rcpsp.test_properties import problems

ROOT = Path(__file__).resolve().parents[3]


def _lists(c: Compiled, p: Problem, modes: list[int], seed: int, count: int) -> list[list[int]]:
    """The LFT list and ``count`` sampled around it."""
    values = priority_values(c, Rule.LFT, p.topological_order, modes)
    rng = np.random.default_rng(seed)
    return [rule_order(c, values)] + [sampled_order(c, values, rng) for _ in range(count)]


def _same_as_python(p: Problem, seed: int = 0, count: int = 3) -> None:
    """Serial, parallel and justified schedules equal the Python schemes' on the same lists."""
    c = Compiled(p)
    rev = c.reversed()
    a = K.Arrays.of(c)
    modes = initial_modes(c, np.random.default_rng(seed))
    for order in _lists(c, p, modes, seed, count):
        m = np.array(modes, dtype=np.int64)
        fast = K.serial(a, np.array(order), m)
        slow = serial_sgs(c, order, modes)
        assert list(fast) == slow
        sched = PeriodSchedule(tuple(slow), c.problem_modes(modes))
        assert schedule_violations(p, sched) == []
        assert list(K.parallel(a, np.array(order), m)) == parallel_sgs(c, order, modes)
        py_modes = list(modes)
        assert list(K.justify(a, fast, m)) == justify(c, rev, slow, py_modes)
        assert list(m) == py_modes
        # Choosing the fastest mode per activity (multi-mode without budgets).
        py_modes, m = list(modes), np.array(modes, dtype=np.int64)
        chosen = K.serial(a, np.array(order), m, choose=True)
        assert list(chosen) == serial_sgs(c, order, py_modes, choose=True)
        assert list(m) == py_modes
        assert list(K.justify(a, chosen, m, choose=True)) == justify(
            c, rev, list(chosen), py_modes, choose=True
        )
        assert list(m) == py_modes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 1000))
def test_compiled_schemes_equal_python_on_random_problems(p: Problem, seed: int) -> None:
    """All link types, lags, time-varying capacity, several modes: the same starts."""
    _same_as_python(p, seed)


@pytest.mark.parametrize(
    ("folder", "name"),
    [("j30", "j301_1"), ("j30", "j3013_1"), ("j60", "j601_1"), ("j60", "j6029_4")],
)
def test_compiled_schemes_equal_python_on_psplib(psplib_dir: Path, folder: str, name: str) -> None:
    """PSPLIB instances: the same feasible schedules as the Python schemes."""
    _same_as_python(read_psplib(psplib_dir / folder / f"{name}.sm"), count=10)


def test_ordered_kernel_respects_precedence_and_key() -> None:
    """A precedence-feasible list, smallest key first among the eligible."""
    p = problem_of(
        [act("a", 1), act("b", 1), act("c", 1)],
        [Link("c", "a")],
    )
    a = K.Arrays.of(Compiled(p))
    key = np.array([0, 5, -3], dtype=np.int64)
    assert list(K.ordered_kernel(key, a.pred_ptr, a.succ_ptr, a.succ_idx)) == [2, 0, 1]


def test_ga_is_feasible_reproducible_and_reaches_the_optimum(psplib_dir: Path) -> None:
    """j305_3 (optimum 76): feasible, the same for a seed and budget, history decreasing."""
    p = read_psplib(psplib_dir / "j30" / "j305_3.sm")
    one = solve_ga(p, seed=0, schedules=10_000)
    two = solve_ga(p, seed=0, schedules=10_000)
    assert one.schedule == two.schedule
    assert [(h.schedules, h.makespan) for h in one.history] == [
        (h.schedules, h.makespan) for h in two.history
    ]
    assert schedule_violations(p, one.schedule) == []
    assert one.makespan == one.schedule.makespan(p) == 76
    assert len(one.history) > 1  # the generations, not the initial population, found it
    spans = [h.makespan for h in one.history]
    assert spans == sorted(spans, reverse=True) and len(set(spans)) == len(spans)


def test_ga_improves_on_a_hard_j60_instance(psplib_dir: Path) -> None:
    """j6013_1: the search improves on its initial population and every schedule is feasible."""
    p = read_psplib(psplib_dir / "j60" / "j6013_1.sm")
    res = solve_ga(p, seed=1, schedules=20_000)
    assert schedule_violations(p, res.schedule) == []
    assert res.history[-1].makespan < res.history[0].makespan
    assert res.generations > 0 and res.evaluations >= 20_000


def test_ga_patience_ends_a_stalled_search(psplib_dir: Path) -> None:
    """With patience, the search stops that many schedules after its last new best."""
    p = read_psplib(psplib_dir / "j60" / "j6013_1.sm")
    res = solve_ga(p, seed=1, schedules=200_000, patience=3_000)
    last = res.history[-1].schedules
    assert res.evaluations < 200_000
    assert 3_000 <= res.evaluations - last < 3_000 + 2_000  # at most one generation more


def test_ga_keeps_consumable_budgets_on_multi_mode(psplib_dir: Path) -> None:
    """A multi-mode PSPLIB instance with budgets: the best schedule stays within them."""
    p = read_psplib(psplib_dir / "mm" / "j10.mm" / "j102_2.mm")
    res = solve_ga(p, seed=2, schedules=5_000)
    assert schedule_violations(p, res.schedule) == []


def test_ga_reports_budgets_no_mode_choice_can_meet() -> None:
    """Three activities, each 2 of one budget or 2 of the other, budgets 3 and 3: no schedule."""
    m = (Mode(1, {"money": 2}), Mode(1, {"time": 2}))
    budgets = (NonRenewable("money", 3), NonRenewable("time", 3))
    with pytest.raises(NoFeasibleScheduleError):
        solve_ga(problem_of([job(x, m) for x in "abc"], (), (), budgets), schedules=100)


def test_ga_chooses_the_fast_mode_without_budgets() -> None:
    """Multi-mode, no budgets: each activity takes the mode that finishes it first."""
    modes = (Mode(5, {"R": 1}), Mode(2, {"R": 1}))
    p = problem_of([job("a", modes), job("b", modes)], (), (Renewable("R", 2),))
    res = solve_ga(p, schedules=200)
    assert res.makespan == 2 and res.schedule.modes == (1, 1)


def test_optimise_uses_the_ga_and_keeps_the_multistart_choice(psplib_dir: Path) -> None:
    """Both upper-bound sources give a proven optimum on an easy instance."""
    p = read_psplib(psplib_dir / "j30" / "j301_1.sm")
    for upper in ("ga", "multistart"):
        res = optimise(p, time_limit=5, num_workers=1, upper=upper)
        assert res.status is Status.OPTIMAL and res.makespan == 43
    with pytest.raises(ValueError, match="unknown"):
        optimise(p, time_limit=1, upper="magic")


@pytest.mark.parametrize(
    "statement",
    [
        "import keystage.engine.cpm",
        "import keystage.engine.rcpsp.cpsat.solve, keystage.engine.rcpsp.heuristic",
        "from keystage.cli.launch import main",
        "import keystage.cli.app",
    ],
)
def test_numba_is_not_imported_on_start_up_or_the_critical_path(statement: str) -> None:
    """numba (about 0.3 s to import) loads only when the genetic algorithm runs."""
    probe = f"import sys\n{statement}\nprint('numba' in sys.modules)"
    done = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
        cwd=ROOT,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False"


@pytest.mark.parametrize(("size", "large"), [(20, False), (60, True)])
def test_a_large_problem_gives_the_ga_most_of_the_time(
    size: int, large: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    """From LARGE activities on, the GA gets the *_LARGE budget, patience and share."""
    from keystage.engine.rcpsp import ga
    from keystage.engine.rcpsp.cpsat import solve as S

    seen: dict[str, object] = {}
    real = ga.solve_ga

    def spy(problem: Problem, **kw: object) -> ga.GAResult:
        seen.update(kw)
        return real(problem, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(ga, "solve_ga", spy)
    # A chain on one unit resource: the GA's first schedule is optimal, so the run is short.
    jobs = [act(f"a{k}", 1 + k % 3, r=1) for k in range(size)]
    links = [Link(f"a{k}", f"a{k + 1}") for k in range(size - 1)]
    p = problem_of(jobs, links, [Renewable("r", 1)])
    res = optimise(p, time_limit=2.0, num_workers=1)
    assert res.status is Status.OPTIMAL
    rate = S.GA_SCHEDULES_PER_SECOND_LARGE if large else S.GA_SCHEDULES_PER_SECOND
    assert seen["schedules"] == max(2_000, rate * 2)
    assert seen["patience"] == (S.GA_PATIENCE_LARGE if large else S.GA_PATIENCE)
    assert seen["population"] == (S.GA_POPULATION_LARGE if large else None)
    assert seen["justify_rounds"] == ga.JUSTIFY_ROUNDS == 1


@pytest.mark.parametrize(
    ("name", "ga_name", "value"),
    [("justify_rounds", "justify_rounds", 3), ("ga_patience", "patience", 15_000)],
)
def test_optimise_passes_the_experiment_parameters_to_the_ga(
    monkeypatch: pytest.MonkeyPatch, name: str, ga_name: str, value: int
) -> None:
    """``parameters={name: k}`` reaches the GA; a value not an integer is refused."""
    from keystage.engine.rcpsp import ga

    seen: list[object] = []
    real = ga.solve_ga

    def spy(problem: Problem, **kw: object) -> ga.GAResult:
        seen.append(kw[ga_name])
        return real(problem, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(ga, "solve_ga", spy)
    jobs = [act(f"a{k}", 2, r=1) for k in range(4)]
    p = problem_of(jobs, [Link("a0", "a1")], [Renewable("r", 2)])
    res = optimise(p, time_limit=1.0, num_workers=1, parameters={name: value})
    assert seen == [value] and res.status is Status.OPTIMAL
    for bad in (str(value), True, -1):
        with pytest.raises(ValueError, match=name):
            optimise(p, time_limit=1.0, num_workers=1, parameters={name: bad})
    assert seen == [value]


def test_two_workers_run_two_ga_islands_and_keep_the_better(
    psplib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With two workers the GA phase runs two seeded populations at once; the better one wins.

    The second evolves the time-mirrored problem (its links reversed), unless the
    experiment parameter ``backward_island`` is off.
    """
    from keystage.engine.rcpsp import ga
    from keystage.engine.rcpsp.cpsat import solve as S

    runs: list[tuple[int, int]] = []
    mirrored: dict[int, bool] = {}
    real = ga.solve_ga

    def spy(problem: Problem, **kw: object) -> ga.GAResult:
        res = real(problem, **kw)  # type: ignore[arg-type]
        seed = int(kw["seed"])  # type: ignore[call-overload]
        mirrored[seed] = problem.links != p.links
        runs.append((seed, res.makespan))
        return res

    monkeypatch.setattr(ga, "solve_ga", spy)
    p = read_psplib(psplib_dir / "j60" / "j6013_1.sm")  # hard: no island reaches the bound
    res = optimise(p, time_limit=0.5, num_workers=2, seed=3)
    assert sorted(seed for seed, _ in runs) == [3, 3 + S.ISLAND_SEED_STEP]
    assert mirrored == {3: False, 3 + S.ISLAND_SEED_STEP: True}
    assert res.heuristic_makespan is not None
    # The mirrored island's schedule is moved early on reading back: never longer.
    assert res.heuristic_makespan <= min(ms for _, ms in runs)
    assert res.makespan is not None and res.makespan <= res.heuristic_makespan
    assert res.schedule is not None and schedule_violations(p, res.schedule) == []
    runs.clear()
    mirrored.clear()
    optimise(p, time_limit=0.5, num_workers=2, seed=3, parameters={"backward_island": False})
    assert mirrored == {3: False, 3 + S.ISLAND_SEED_STEP: False}
    runs.clear()
    optimise(p, time_limit=0.5, num_workers=2, seed=3, islands=1)
    assert [seed for seed, _ in runs] == [3]


def _generations(
    p: Problem, tie_break: bool, count: int, rounds: int = 1
) -> tuple[np.ndarray, ...]:
    """A population of 40 random-key lists of ``p`` after ``count`` generations."""
    c = Compiled(p)
    a = K.Arrays.of(c)
    n, size = c.n, 40
    links = a.links()
    state = np.array([12345], dtype=np.uint64)
    values = priority_values(c, Rule.LFT, p.topological_order, [0] * n)
    lft = np.array(values, dtype=np.int64)
    pop = K.random_key_orders(lft, 20, size, state, a.pred_ptr, a.succ_ptr, a.succ_idx)
    modes = np.zeros((size, n), dtype=np.int64)
    fit, flow = np.empty(size, dtype=np.int64), np.empty(size, dtype=np.int64)
    for s in range(size):
        starts, fit[s], _used = K.evaluate_kernel(
            pop[s], modes[s], False, a.time_varying, a.profile, a.nmodes, a.dur, a.dem,
            a.nr_dem, a.budgets, a.base, *links, rounds,
        )  # fmt: skip
        flow[s] = K.total_finish(starts, modes[s], a.dur)
    best = (np.zeros(n, dtype=np.int64), np.zeros(n, dtype=np.int64))
    best_fit = np.array([fit.min()], dtype=np.int64)
    for _ in range(count):
        K.generation_kernel(
            pop, modes, fit, state, 0.05, False, a.time_varying, a.profile, a.nmodes, a.dur,
            a.dem, a.nr_dem, a.budgets, a.base, *links, *best, best_fit, flow, tie_break, rounds,
        )  # fmt: skip
    return pop, modes, fit, flow


def test_ga_survivors_of_equal_makespan_rank_by_total_finish_time(psplib_dir: Path) -> None:
    """With the tie-break, equal makespans are ordered by total finish time; without, not.

    The kept ``flow`` of each survivor is the total finish time of its schedule.
    """
    p = read_psplib(psplib_dir / "j30" / "j3013_1.sm")
    a = K.Arrays.of(Compiled(p))
    pop, modes, fit, flow = _generations(p, tie_break=True, count=5)
    assert list(fit) == sorted(fit)
    pairs = list(zip(fit, flow, strict=True))
    assert pairs == sorted(pairs)
    assert len(set(fit)) < len(fit)  # equal makespans exist, so the order was tested
    for s in (0, len(fit) // 2, len(fit) - 1):
        starts, f, _used = K.evaluate_kernel(
            pop[s].copy(), modes[s].copy(), False, a.time_varying, a.profile, a.nmodes, a.dur,
            a.dem, a.nr_dem, a.budgets, a.base, *a.links(), 1,
        )  # fmt: skip
        assert f == fit[s] and K.total_finish(starts, modes[s], a.dur) == flow[s]
    _pop, _modes, fit, flow = _generations(p, tie_break=False, count=5)
    pairs = list(zip(fit, flow, strict=True))
    assert list(fit) == sorted(fit) and pairs != sorted(pairs)


def test_ga_justifies_each_child_once_by_default(psplib_dir: Path) -> None:
    """One round of forward-backward improvement: three schedules per individual.

    With up to three rounds, children whose first round shortened them take more.
    """
    p = read_psplib(psplib_dir / "j30" / "j3013_1.sm")
    once = solve_ga(p, seed=0, schedules=3_000, population=20)
    assert once.generations > 0
    assert once.evaluations == 3 * 20 * (once.generations + 1)
    assert schedule_violations(p, once.schedule) == []
    more = solve_ga(p, seed=0, schedules=3_000, population=20, justify_rounds=3)
    assert more.evaluations > 3 * 20 * (more.generations + 1)
    assert schedule_violations(p, more.schedule) == []


def test_warm_up_builds_every_kernel_optimising_and_levelling_then_call(
    psplib_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """After ``warm_up``, optimising and levelling a real instance compile no new signature."""
    from keystage.engine.rcpsp import leveling
    from keystage.engine.rcpsp.ga import warm_up
    from keystage.engine.rcpsp.level_kernel import release_serial_kernel

    warm_up()
    kernels = {n: f for n in dir(K) if hasattr(f := getattr(K, n), "signatures")}
    kernels["release_serial_kernel"] = release_serial_kernel
    before = {n: len(f.signatures) for n, f in kernels.items()}
    assert before["random_key_orders"] and before["generation_kernel"]
    assert before["release_serial_kernel"] and before["justify_kernel"]
    assert before["ordered_kernel"]
    p = read_psplib(psplib_dir / "j30/j301_1.sm")
    res = optimise(p, time_limit=1.0, num_workers=2)
    assert res.makespan is not None
    monkeypatch.setattr(leveling, "COMPILED_FROM", 0)  # the compiled passes on 32 activities
    leveling.level(p, within_float=False)
    assert {n: len(f.signatures) for n, f in kernels.items()} == before


def test_a_first_optimisation_in_a_process_searches_for_its_whole_time_limit(
    psplib_dir: Path,
) -> None:
    """Loading numba and the GA's kernels (seconds) happens before the clock starts.

    In a fresh process (``keystage optimise``) it used to count against the limit: at
    2 s the GA started after its share of the time had passed and handed the priority
    rules' schedule (133 on j6013_1, best known 112) to a short CP-SAT run.
    """
    script = f"""
from keystage.engine.rcpsp.cpsat.solve import optimise
from keystage.engine.rcpsp.psplib_io import read_psplib
p = read_psplib({str(psplib_dir / "j60" / "j6013_1.sm")!r})
import keystage.engine.rcpsp.ga as ga
real = ga.solve_ga
used = []
def spy(problem, **kw):
    res = real(problem, **kw)
    if kw.get("deadline") is not None:  # the islands, not the kernels' loading
        used.append(res.evaluations)
    return res
ga.solve_ga = spy
optimise(p, time_limit=1.0, num_workers=2, seed=0)
print(len(used), min(used))
"""
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT
    )
    islands, fewest = out.stdout.split()
    assert islands == "2"
    # Each island searched: far more schedules than its first population of 400 lists
    # (about 1,200 with their justification), which is all it evaluated when loading
    # the kernels used up its share of the second.
    assert int(fewest) > 4_000
