"""`keystage optimise`: output on a PSPLIB file, one-line errors with a non-zero exit."""

from __future__ import annotations

from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from keystage.cli import psplib

app = typer.Typer()
app.callback()(lambda: None)  # a group, as in `keystage` once several commands exist
psplib.register(app)

PSPLIB = Path(__file__).resolve().parents[2].parent / "shared" / "benchmarks" / "psplib"


def test_optimise_prints_makespan_bound_gap_status_and_schedule() -> None:
    path = PSPLIB / "j30" / "j3010_1.sm"
    if not path.is_file():
        pytest.skip(f"PSPLIB data not found at {PSPLIB}")
    res = CliRunner().invoke(app, ["optimise", str(path), "--time-limit", "5", "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "status:      optimal" in res.output
    assert "makespan:    42" in res.output and "lower bound: 42" in res.output
    assert "gap:         0.00 %" in res.output
    assert len([ln for ln in res.output.splitlines() if ln.strip()]) == 5 + 1 + 32


def test_optimise_reports_errors_on_one_line(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["optimise", str(tmp_path / "nope.sm")])
    assert missing.exit_code == 2
    bad = tmp_path / "bad.sm"
    bad.write_text("this is not psplib\n")
    res = runner.invoke(app, ["optimise", str(bad)])
    assert res.exit_code == 2
    assert res.output.count("\n") == 1 and "bad.sm" in res.output


@pytest.mark.parametrize(
    "option",
    [
        ["--time-limit", "1e308"],
        ["--time-limit", "nan"],
        ["--time-limit", "0"],
        ["--workers", "50000000"],
        ["--workers", "0"],
        ["--seed", str(2**63)],
        ["--seed", "-1"],
    ],
)
def test_optimise_refuses_out_of_range_solver_options_on_one_line(
    tmp_path: Path, option: list[str]
) -> None:
    plan = tmp_path / "x.sm"
    plan.write_text("not read: the options are checked first\n")
    res = CliRunner().invoke(app, ["optimise", str(plan), *option])
    assert res.exit_code == 2
    assert res.output.count("\n") == 1 and option[0] in res.output


def test_optimise_reads_rcpsp_max_files_and_names_a_lag_cycle() -> None:
    data = Path(__file__).resolve().parents[1] / "engine" / "rcpsp" / "data"
    runner = CliRunner()
    res = runner.invoke(app, ["optimise", str(data / "maxlag_a.sch"), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "status:      optimal" in res.output and "makespan:    10" in res.output
    bad = runner.invoke(app, ["optimise", str(data / "cycle.sch")])
    assert bad.exit_code == 2
    assert bad.output == (
        "keystage optimise: time lags cannot all hold: 1 -> 2 -> 1 "
        "(the minimum lags exceed the maximum ones by 1 period)\n"
    )


def test_optimise_reads_patterson_files(tmp_path: Path) -> None:
    from tests.engine.rcpsp.test_patterson import SMALL

    plan = tmp_path / "small.rcp"
    plan.write_text(SMALL)
    res = CliRunner().invoke(app, ["optimise", str(plan), "--workers", "1", "--time-limit", "2"])
    assert res.exit_code == 0, res.output
    assert "status:      optimal" in res.output and "makespan:    9" in res.output


def test_a_slow_first_kernel_load_says_it_is_compiling(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import time

    from keystage.cli import common
    from keystage.engine.rcpsp import ga

    monkeypatch.setattr(common, "COMPILE_NOTICE_AFTER", 0.05)
    monkeypatch.setattr(ga, "kernels_loaded", lambda: False)  # a first run compiles
    with common.compile_notice("optimise"):
        time.sleep(0.5)
    err = capsys.readouterr().err
    assert err.startswith("keystage optimise: compiling the optimiser's kernels")
    assert err.count("\n") == 1

    monkeypatch.setattr(ga, "kernels_loaded", lambda: True)  # cached: already searching
    with common.compile_notice("optimise"):
        time.sleep(0.2)  # past the notice's delay
    with common.compile_notice("optimise"):
        pass  # refused or done before the delay: the notice is cancelled
    time.sleep(0.2)
    assert capsys.readouterr().err == ""
