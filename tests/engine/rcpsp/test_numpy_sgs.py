"""The numpy population scheme of the benchmarks equals the compiled serial scheme."""

from __future__ import annotations

import importlib.util
from pathlib import Path
from types import ModuleType

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from keystage.engine.rcpsp import kernels as K
from keystage.engine.rcpsp.compiled import Compiled
from keystage.engine.rcpsp.heuristic import initial_modes
from keystage.engine.rcpsp.priority import Rule, priority_values, sampled_order
from keystage.engine.rcpsp.problem import Problem
from keystage.engine.rcpsp.psplib_io import read_psplib
from tests.engine.rcpsp.test_properties import problems

ROOT = Path(__file__).resolve().parents[3]


def _module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("numpy_sgs", ROOT / "benchmarks" / "numpy_sgs.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


NUMPY_SGS = _module()


def _population(p: Problem, seed: int, size: int) -> tuple[K.Arrays, np.ndarray, np.ndarray]:
    """Arrays of ``p`` and ``size`` sampled lists, each with its own random modes."""
    c = Compiled(p)
    rng = np.random.default_rng(seed)
    modes = np.array([initial_modes(c, rng) for _ in range(size)], dtype=np.int64)
    values = priority_values(c, Rule.LFT, p.topological_order, list(modes[0]))
    orders = np.array([sampled_order(c, values, rng) for _ in range(size)], dtype=np.int64)
    return K.Arrays.of(c), orders, modes


def _assert_same(a: K.Arrays, orders: np.ndarray, modes: np.ndarray) -> None:
    got = NUMPY_SGS.serial_population(a, orders, modes)
    for row, (order, m) in enumerate(zip(orders, modes, strict=True)):
        assert list(got[row]) == list(K.serial(a, order, m.copy())), f"individual {row}"


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(problems(), st.integers(0, 1000))
def test_numpy_population_equals_compiled_on_random_problems(p: Problem, seed: int) -> None:
    """All link types, lags, time-varying capacity, a mode per individual: the same starts."""
    _assert_same(*_population(p, seed, 6))


@pytest.mark.parametrize(("folder", "name"), [("j30", "j3013_1"), ("j60", "j6029_4")])
def test_numpy_population_equals_compiled_on_psplib(
    psplib_dir: Path, folder: str, name: str
) -> None:
    """PSPLIB instances, 40 sampled lists decoded at once: the compiled scheme's starts."""
    _assert_same(*_population(read_psplib(psplib_dir / folder / f"{name}.sm"), 3, 40))
