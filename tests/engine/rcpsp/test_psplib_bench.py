"""The PSPLIB benchmark refuses bounds it cannot read and skips unreadable instances."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
BENCH = ROOT / "benchmarks" / "psplib_bench.py"
DATA = Path(__file__).parent / "data"

SMALL = """\
jobs (incl. supersource/sink ):  3
horizon                       :  5
RESOURCES
  - renewable                 :  1   R
  - nonrenewable              :  0   N
  - doubly constrained        :  0   D
************************************************************************
PRECEDENCE RELATIONS:
jobnr.    #modes  #successors   successors
   1        1          1           2
   2        1          1           3
   3        1          0
************************************************************************
REQUESTS/DURATIONS:
jobnr. mode duration  R 1
------------------------------------------------------------------------
  1      1     0       0
  2      1     3       1
  3      1     0       0
************************************************************************
RESOURCEAVAILABILITIES:
  R 1
    1
************************************************************************
"""


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, str(BENCH), *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        cwd=ROOT,
    )


def test_a_bounds_table_without_rows_stops_the_run(tmp_path: Path) -> None:
    """A wrong format no longer prints an empty table and exits 0."""
    (tmp_path / "set").mkdir()
    table = tmp_path / "bounds.csv"
    table.write_text("name;value\nx;1\n")
    done = _run(str(tmp_path / "set"), "--bounds", str(table), "--methods", "heuristic")
    assert done.returncode != 0
    assert "bounds table" in done.stderr and "|" not in done.stdout


def test_psplib_best_known_and_bound_tables_are_read_and_merged(tmp_path: Path) -> None:
    """j120-style tables as PSPLIB distributes them: the hrs table's best known (3) and the lb
    table's bounds (4 and 2) give one bound per instance, shortest best known first."""
    folder = tmp_path / "j99"
    folder.mkdir()
    (folder / "j991_1.sm").write_text(SMALL)
    hrs = tmp_path / "j99hrs.sm"
    hrs.write_text(
        "Par\tInst\tMakespan\tDate\t\t\tAuthor\n" + "=" * 40 + "\n"
        "1\t1\t3\t\tTue Apr  2 16:26:00 1996  R. Kolisch / A. Drexl\n"
    )
    lb = tmp_path / "j99lb.sm"
    lb.write_text("Par  Inst    UB   LB         Author LB\n" + "=" * 40 + "\n  1   1     4     2\n")
    done = _run(str(folder), "--bounds", str(hrs), "--bounds", str(lb), "--methods", "heuristic")
    assert done.returncode == 0, done.stderr
    assert "| heuristic | 1 | 0.0 % | 100.0 % | 0.00 % |" in done.stdout
    wrong = tmp_path / "j99best.txt"
    wrong.write_text("1 1 3\n")
    done = _run(str(folder), "--bounds", str(wrong), "--methods", "heuristic")
    assert done.returncode != 0 and "not a PSPLIB solution table" in done.stderr


def test_an_unreadable_instance_is_reported_and_the_rest_measured(tmp_path: Path) -> None:
    """One broken file: a line on stderr, a table for the others, exit 0."""
    folder = tmp_path / "set"
    folder.mkdir()
    (folder / "good_1.sm").write_text(SMALL)
    (folder / "broken_1.sm").write_text("jobs: three\n")
    table = tmp_path / "bounds.csv"
    table.write_text("instance,best_known,lower_bound,proven_optimal\ngood_1,3,3,1\n")
    done = _run(
        str(folder), "--bounds", str(table), "--methods", "heuristic,ga", "--ga-schedules", "200"
    )
    assert done.returncode == 0, done.stderr
    assert "broken_1.sm: skipped" in done.stderr
    assert "| heuristic | 1 | 0.0 % | 100.0 % |" in done.stdout
    assert "| ga | 1 | 100.0 % | 100.0 % |" in done.stdout


def test_rcpsp_max_instances_are_measured_with_the_exact_methods(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """.sch files one by one: optimum proven, heuristic left out, cycle and clash reported.

    Without a bounds table, ``--write-bounds`` records the proven optimum of the feasible one.
    """
    spec = importlib.util.spec_from_file_location("psplib_bench", BENCH)
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "psplib_bench", bench)  # its dataclasses look it up
    spec.loader.exec_module(bench)
    table = tmp_path / "bounds.csv"
    table.write_text(
        "instance,best_known,lower_bound,proven_optimal\nmaxlag_a,10,10,1\nmaxlag_b,12,9,0\n"
    )
    files = [str(DATA / f"{name}.sch") for name in ("maxlag_a", "maxlag_b", "cycle", "clash")]
    args = ["--bounds", str(table), "--methods", "keystage,heuristic", "--workers", "1"]
    assert bench.main([*files, *args]) == 0
    out, err = capsys.readouterr()
    assert "### data (4 instances" in out
    # maxlag_b's optimum 11 beats the (made-up) best known 12: counted at or below it.
    assert "| keystage | 2 | 100.0 % | 100.0 % | -4.17 % | 0.00 % |" in out
    assert "heuristic: not run on instances with maximum lags" in out
    assert "keystage on 1 RCPSP/max instances without a bound: 1 proven infeasible" in out
    assert "cycle.sch: infeasible, time lags cannot all hold: 1 -> 2 -> 1" in err
    made = tmp_path / "made.csv"
    assert bench.main([files[0], files[3], "--write-bounds", str(made), "--workers", "1"]) == 0
    assert made.read_text() == "instance,best_known,lower_bound,proven_optimal\nmaxlag_a,10,10,1\n"


def _bench_module():  # type: ignore[no-untyped-def]
    import importlib.util

    spec = importlib.util.spec_from_file_location("psplib_bench", BENCH)
    assert spec is not None and spec.loader is not None
    mod = importlib.util.module_from_spec(spec)
    sys.modules["psplib_bench"] = mod  # dataclasses look their module up there
    spec.loader.exec_module(mod)
    return mod


def test_a_result_counts_only_once_checked_feasible(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    """At or below the best known is a success only for a feasible schedule of that length."""
    from keystage.engine.rcpsp.problem import PeriodSchedule
    from keystage.engine.rcpsp.psplib_io import read_psplib

    bench = _bench_module()
    (tmp_path / "good_1.sm").write_text(SMALL)
    p = read_psplib(tmp_path / "good_1.sm")
    ok = PeriodSchedule((0, 0, 3), (0, 0, 0))
    assert bench.verified(p, ok, 3, "x") == 3
    early = PeriodSchedule((0, 0, 2), (0, 0, 0))  # the sink before its predecessor ends
    assert bench.verified(p, early, 2, "x") is None
    assert bench.verified(p, ok, 2, "x") is None  # the claimed makespan is not the schedule's
    assert bench.verified(p, None, None, "x") is None
    err = capsys.readouterr().err
    assert err.count("counted as failed") == 2 and "start 2 < 3" in err
    row = bench.Row("good_1", "x", None, False, 3, 0.0, 0.0)
    assert row.gap == 100.0  # a failure is never at the best known


def test_a_random_sample_is_fixed_by_its_seed() -> None:
    """``--sample-seed`` draws the same sorted subset every time, and a different one per seed."""
    bench = _bench_module()
    files = [Path(f"j30{k}_1.sm") for k in range(100)]
    one = bench.sample(files, 10, 18)
    assert one == bench.sample(files, 10, 18) == sorted(one) and len(set(one)) == 10
    assert one != bench.sample(files, 10, 19)
    assert bench.sample(files, 4) == [files[0], files[25], files[50], files[75]]
