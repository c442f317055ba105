"""The ProGen-like generator makes PSPLIB-readable instances with the asked-for parameters."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

from keystage.engine.rcpsp.bounds import lower_bounds
from keystage.engine.rcpsp.psplib_io import read_psplib

ROOT = Path(__file__).resolve().parents[3]


def _module(name: str, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location(name, ROOT / "benchmarks" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, name, mod)  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def _closure(succ: list[list[int]]) -> list[set[int]]:
    reach: list[set[int]] = [set() for _ in succ]
    for i in reversed(range(len(succ))):
        for j in succ[i]:
            reach[i] |= {j} | reach[j]
    return reach


@pytest.mark.parametrize(("nc", "rf", "rs"), [(1.5, 0.25, 0.1), (2.1, 1.0, 0.5), (1.8, 0.5, 0.2)])
def test_an_instance_has_the_network_complexity_resource_factor_and_strength(
    nc: float, rf: float, rs: float, monkeypatch: pytest.MonkeyPatch
) -> None:
    gen = _module("rcpsp_generate", monkeypatch)
    n = 60
    inst = gen.generate(n, nc, rf, rs, random.Random(7))
    succ = inst.succ
    assert len(succ) == n + 2 and succ[n + 1] == []
    assert all(j > i for i, row in enumerate(succ) for j in row)  # numbered topologically
    assert succ[0] == [1, 2, 3]
    arcs = sum(len(row) for row in succ)
    assert arcs == round(nc * (n + 2))
    # No arc is implied by the others: its head is not reachable through another successor.
    reach = _closure(succ)
    for i, row in enumerate(succ):
        for j in row:
            assert not any(j in reach[k] for k in row if k != j), (i, j)
    preds = [0] * (n + 2)
    for i in range(1, n + 1):
        for j in succ[i]:
            preds[j] += 1
        assert len(succ[i]) <= 3
    assert max(preds[1 : n + 1]) <= 3
    uses = [sum(d > 0 for d in row) for row in inst.demand[1 : n + 1]]
    assert min(uses) >= 1 and sum(uses) == max(n, round(rf * 4 * n))
    assert all(1 <= d <= 10 for d in inst.dur[1 : n + 1])
    for k, cap in enumerate(inst.capacity):
        kmin = max(row[k] for row in inst.demand)
        assert kmin <= cap


def test_the_written_files_read_back_and_repeat_for_a_seed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gen = _module("rcpsp_generate", monkeypatch)
    assert gen.main([str(tmp_path / "a"), "--jobs", "30"]) == 0
    assert gen.main([str(tmp_path / "b"), "--jobs", "30"]) == 0
    files = sorted((tmp_path / "a").glob("*.sm"))
    assert len(files) == 48  # 3 NC x 4 RF x 4 RS, as j30 and j60
    assert [f.read_text() for f in files] == [(tmp_path / "b" / f.name).read_text() for f in files]
    p = read_psplib(files[0])
    assert len(p.activities) == 32 and len(p.renewables) == 4
    assert lower_bounds(p).critical_path > 0
    assert gen.main([str(tmp_path / "c"), "--jobs", "5"]) == 2
    assert "--jobs must be at least 8" in capsys.readouterr().err


def test_four_digit_job_numbers_stay_apart_in_the_written_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    gen = _module("rcpsp_generate", monkeypatch)
    n = 1003  # jobs 1..1003: successor numbers of four digits follow each other on a line
    succ = [[j + 1] for j in range(n - 1)] + [[]]
    succ[997] = [998, 999, 1000, 1001]
    inst = gen.Instance(succ, [0] + [1] * (n - 2) + [0], [[1, 0, 0, 0]] * n, [1, 1, 1, 1])
    gen.write_sm(inst, tmp_path / "big.sm", "big")
    p = read_psplib(tmp_path / "big.sm")
    assert len(p.activities) == n
    after_998 = sorted(link.succ for link in p.links if link.pred == "998")
    assert after_998 == ["1000", "1001", "1002", "999"]


def test_the_benchmark_measures_unbounded_instances_against_the_best_of_the_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    gen = _module("rcpsp_generate", monkeypatch)
    bench = _module("psplib_bench", monkeypatch)
    assert gen.main([str(tmp_path / "g"), "--jobs", "12"]) == 0
    files = sorted((tmp_path / "g").glob("*.sm"))[:3]
    made = tmp_path / "bounds.csv"
    args = ["--methods", "keystage,heuristic", "--workers", "1", "--write-bounds", str(made)]
    assert bench.main([*map(str, files), *args]) == 0
    out = capsys.readouterr().out
    # The exact method proves these small ones, so it is the reference: gap 0 on each.
    assert "| keystage | 3 | 100.0 % | 100.0 % | 0.00 % | 0.00 % |" in out
    assert "above CPM bound" in out
    lines = made.read_text().splitlines()
    assert lines[0] == "instance,best_known,lower_bound,proven_optimal" and len(lines) == 4
