"""Regression: a fixed sample of 20 PSPLIB j30 instances solved to their known optimum."""

from __future__ import annotations

from pathlib import Path

import pytest

from keystage.engine.rcpsp.check import schedule_violations
from keystage.engine.rcpsp.cpsat.solve import Status, optimise
from keystage.engine.rcpsp.psplib_io import (
    merge_bounds,
    read_bounds_csv,
    read_optimum_table,
    read_psplib,
    read_solution_table,
)

# Spread over the 48 parameter sets; optimum from solutions/bounds.csv (checked below too).
SAMPLE = {
    "j3010_6": 44, "j3014_10": 61, "j3018_7": 48, "j3020_8": 51, "j3025_10": 58,
    "j3027_8": 66, "j302_4": 43, "j3031_6": 53, "j3033_1": 65, "j3034_4": 67,
    "j3035_8": 63, "j3037_6": 73, "j3039_3": 54, "j303_7": 48, "j3042_5": 52,
    "j3044_2": 54, "j3047_2": 59, "j3048_7": 55, "j306_5": 67, "j307_9": 60,
}  # fmt: skip


def test_sample_matches_published_optima(psplib_dir: Path) -> None:
    bounds = read_bounds_csv(psplib_dir / "solutions" / "bounds.csv")
    assert {k: bounds[k].best_known for k in SAMPLE} == SAMPLE
    assert all(bounds[k].proven_optimal for k in SAMPLE)


@pytest.mark.parametrize("name", sorted(SAMPLE))
def test_j30_instance_reaches_known_optimum(psplib_dir: Path, name: str) -> None:
    problem = read_psplib(psplib_dir / "j30" / f"{name}.sm")
    result = optimise(problem, time_limit=10, num_workers=2, seed=0)
    assert result.schedule is not None
    assert schedule_violations(problem, result.schedule) == []
    assert result.makespan == SAMPLE[name]
    assert result.status is Status.OPTIMAL and result.gap == 0


def test_multi_mode_reader_and_optimum(psplib_dir: Path) -> None:
    table = read_optimum_table(psplib_dir / "mm" / "solutions" / "j10opt.mm", "j10")
    problem = read_psplib(psplib_dir / "mm" / "j10.mm" / "j1010_1.mm")
    result = optimise(problem, time_limit=10, num_workers=2, seed=0)
    assert result.schedule is not None and schedule_violations(problem, result.schedule) == []
    assert result.makespan == table["j1010_1"].best_known


def test_hard_multi_mode_instance_is_found_and_proven(psplib_dir: Path) -> None:
    """j2045_1 (optimum 33; the GA stops at 34-36) needs CP-SAT to find and prove it."""
    table = read_optimum_table(psplib_dir / "mm" / "solutions" / "j20opt.mm", "j20")
    problem = read_psplib(psplib_dir / "mm" / "j20.mm" / "j2045_1.mm")
    result = optimise(problem, time_limit=10, num_workers=2, seed=0)
    assert result.schedule is not None and schedule_violations(problem, result.schedule) == []
    assert result.makespan == table["j2045_1"].best_known == 33
    assert result.status is Status.OPTIMAL


def test_psplib_solution_tables_read_as_distributed(psplib_dir: Path) -> None:
    """j60hrs.sm and j60lb.sm, merged, say what the project's bounds.csv says of j60."""
    folder = psplib_dir / "solutions"
    hrs = read_solution_table(folder / "j60hrs.sm")
    lb = read_solution_table(folder / "j60lb.sm")
    assert len(hrs) == 480 and 400 <= len(lb) < 480  # the lb table lists a subset
    assert hrs["j601_1"].best_known == 77 and hrs["j601_1"].lower_bound == 0
    merged = {k: merge_bounds(hrs.get(k), b) for k, b in lb.items()}
    merged |= {k: b for k, b in hrs.items() if k not in lb}
    csv = read_bounds_csv(folder / "bounds.csv")
    assert merged == {k: b for k, b in csv.items() if k.startswith("j60")}
    assert read_solution_table(folder / "j30opt.sm") == read_optimum_table(
        folder / "j30opt.sm", "j30"
    )
    with pytest.raises(ValueError, match="not a PSPLIB solution table"):
        read_solution_table(folder / "bounds.csv")


def test_a_best_known_row_is_read_whatever_its_date_looks_like(tmp_path: Path) -> None:
    table = tmp_path / "j120hrs.sm"
    table.write_text(
        "Par\tInst\tMakespan\tDate\t\tAuthor\n"
        "1\t1\t105\t\tTue Apr  2 16:26:00 1996  R. Kolisch\n"
        "1\t2\t119\t\t2008-05-01 someone\n"
        "60\t10\t88\n"
    )
    got = read_solution_table(table)
    assert {k: b.best_known for k, b in got.items()} == {
        "j1201_1": 105, "j1201_2": 119, "j12060_10": 88,
    }  # fmt: skip
