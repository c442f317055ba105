"""The PSPLIB benchmark refuses bounds it cannot read and skips unreadable instances."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3]
BENCH = ROOT / "benchmarks" / "psplib_bench.py"

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
