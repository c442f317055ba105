"""`keystage schedule` on the example plans and on broken plans."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from keystage.cli.app import app
from keystage.cli.launch import plain_schedule

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
runner = CliRunner()

GOOD = """
[project]
start = 2025-03-03T08:00:00

[[activities]]
id = "A"
duration = "2d"

[[activities]]
id = "B"
duration = "1d"
predecessors = ["A"]
"""


def keystage(*args: str) -> subprocess.CompletedProcess[str]:
    script = Path(sys.executable).with_name("keystage")
    return subprocess.run([str(script), *args], capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("plan", ["release.toml", "infrastructure.toml"])
def test_examples_print_a_table_with_the_critical_path(plan: str) -> None:
    done = keystage("schedule", str(EXAMPLES / plan))
    assert done.returncode == 0, done.stderr
    assert "Critical path:" in done.stdout
    assert "●" in done.stdout and done.stderr == ""


def test_release_example_as_json() -> None:
    result = runner.invoke(app, ["schedule", str(EXAMPLES / "release.toml"), "-f", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["critical_path"] == ["SPEC", "API", "TEST", "SHIP"]
    assert data["finish"] == "2025-03-28T18:00"
    ui = next(a for a in data["activities"] if a["id"] == "UI")
    assert ui["total_float_days"] == 5 and not ui["critical"]


def test_infrastructure_example_as_csv_file(tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    args = ["schedule", str(EXAMPLES / "infrastructure.toml"), "-f", "csv", "-o", str(out)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    rows = out.read_text().splitlines()
    assert rows[0].startswith("id,name,kind,start,finish")
    assert len(rows) == 24
    cut_c = next(r for r in rows if r.startswith("CUT_C,"))
    assert "2025-04-12T06:00" in cut_c  # the weekend crew's calendar
    assert any(r.startswith("CUT_C,") and ",-" not in r for r in rows)


BAD_PLANS = {
    "syntax": ("[project\nstart = 2025-01-01", "line 1"),
    "no activities": ("[project]\nstart = 2025-03-03\n", "activities"),
    "unknown field": (GOOD + 'colour = "red"\n', "colour: unknown field"),
    "bad duration": (GOOD.replace('"1d"', '"1x"'), "bad duration '1x'"),
    "negative duration": (GOOD.replace('"1d"', '"-1d"'), "negative duration"),
    "unknown predecessor": (GOOD.replace('["A"]', '["Q"]'), "unknown activity 'Q'"),
    "impossible constraint": (
        GOOD + 'constraint = "FNLT"\nconstraint_date = 2025-03-02\n', "constraint date"
    ),
    "no working time": (
        GOOD.replace("[project]\n", '[project]\ncalendar = "never"\n')
        + '\n[calendars.never]\ndays = []\n',
        "no working time",
    ),
    "bad constraint": (GOOD + 'constraint = "SOON"\n', "'SOON' is not one of"),
}  # fmt: skip
BAD_PLANS["cycle"] = (
    GOOD.replace('id = "A"\n', 'id = "A"\npredecessors = ["B"]\n'),
    "dependency cycle: ",
)


@pytest.mark.parametrize("case", sorted(BAD_PLANS))
def test_bad_plans_fail_with_one_readable_line(case: str, tmp_path: Path) -> None:
    text, expected = BAD_PLANS[case]
    plan = tmp_path / "bad.toml"
    plan.write_text(text)
    result = runner.invoke(app, ["schedule", str(plan)])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("error: ")
    assert expected in lines[0]
    assert "Traceback" not in result.output


def test_errors_name_the_line_of_the_activity(tmp_path: Path) -> None:
    plan = tmp_path / "bad.toml"
    plan.write_text(GOOD.replace('"1d"', '"-1d"'))
    result = runner.invoke(app, ["schedule", str(plan)])
    assert "bad.toml:10:" in result.stderr  # the line of id = "B"


def test_missing_file_as_a_whole_process(tmp_path: Path) -> None:
    done = keystage("schedule", str(tmp_path / "nope.toml"))
    assert done.returncode == 1
    assert done.stderr.strip().count("\n") == 0
    assert done.stderr.startswith("error: cannot read")
    assert "Traceback" not in done.stderr


def test_table_to_a_file(tmp_path: Path) -> None:
    out = tmp_path / "plan.txt"
    result = runner.invoke(app, ["schedule", str(EXAMPLES / "release.toml"), "-o", str(out)])
    assert result.exit_code == 0
    text = out.read_text()
    assert "Critical path: SPEC → API → TEST → SHIP" in text
    assert "\x1b[" not in text  # no terminal colour codes in files


def test_unwritable_output_is_one_line(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "plan.json"
    result = runner.invoke(app, ["schedule", str(EXAMPLES / "release.toml"), "-f", "json",
                                 "-o", str(out)])  # fmt: skip
    assert result.exit_code == 1
    assert result.stderr.startswith("error: cannot write")
    assert len(result.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["schedule", "p.toml"], {"plan": "p.toml"}),
        (["schedule", "-f", "json", "p.toml", "-o", "out.json"],
         {"format": "json", "plan": "p.toml", "output": "out.json"}),
        (["schedule", "p.toml", "--format=csv", "--baseline", "b1"],
         {"plan": "p.toml", "format": "csv", "baseline": "b1"}),
        (["schedule", "p.toml", "--help"], None),
        (["schedule", "p.toml", "-f", "xml"], None),
        (["schedule", "p.toml", "-fjson"], None),
        (["schedule", "p.toml", "-f=json"], None),
        (["schedule", "p.toml", "-o"], None),
        (["schedule", "p.toml", "-o", "-"], None),
        (["schedule", "p.toml", "q.toml"], None),
        (["schedule", "-f", "json", "-f", "csv", "p.toml"], None),
        (["schedule", "--", "p.toml"], None),
        (["schedule"], None),
        (["serve"], None),
        ([], None),
    ],
)  # fmt: skip
def test_only_plain_schedule_lines_skip_typer(
    argv: list[str], expected: dict[str, str] | None
) -> None:
    assert plain_schedule(argv) == expected


@pytest.mark.parametrize("fmt", ["json", "csv", "table"])
def test_console_script_matches_the_typer_command(fmt: str, tmp_path: Path) -> None:
    """The console script (fast path) and the Typer app write the same result."""
    plan = str(EXAMPLES / "infrastructure.toml")
    fast, slow = tmp_path / "fast.out", tmp_path / "slow.out"
    done = keystage("schedule", plan, "--format", fmt, "-o", str(fast))
    assert done.returncode == 0 and done.stdout == done.stderr == ""
    result = runner.invoke(app, ["schedule", plan, "-f", fmt, "--output", str(slow)])
    assert result.exit_code == 0
    assert fast.read_text() == slow.read_text()


def test_console_script_errors_match_the_typer_command(tmp_path: Path) -> None:
    bad = tmp_path / "bad.toml"
    bad.write_text(GOOD.replace('predecessors = ["A"]', 'predecessors = ["A XX"]'))
    done = keystage("schedule", str(bad))
    result = runner.invoke(app, ["schedule", str(bad)])
    assert done.returncode == result.exit_code == 1
    assert done.stderr == result.stderr and done.stderr.startswith(f"error: {bad}:")


def test_plain_schedule_imports_neither_typer_nor_django(tmp_path: Path) -> None:
    """The console script's fast path stays fast: no Typer, no Django, no command groups."""
    probe = (
        "import sys\n"
        "from keystage.cli.launch import main\n"
        f"sys.argv = ['keystage', 'schedule', {str(EXAMPLES / 'release.toml')!r}, '-f', 'json']\n"
        "main()\n"
        "loaded = sorted(m for m in sys.modules if m.split('.')[0] in ('typer', 'django')\n"
        "                or m in ('keystage.cli.app', 'keystage.cli.common'))\n"
        "sys.stderr.write(repr(loaded))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["activities"]
    assert done.stderr == "[]"


def test_json_gives_early_and_late_dates_and_floats_in_working_minutes() -> None:
    result = runner.invoke(app, ["schedule", str(EXAMPLES / "release.toml"), "-f", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert data["minutes_per_day"] == 480
    ui = next(a for a in data["activities"] if a["id"] == "UI")
    assert ui["total_float_minutes"] == 5 * 480 and ui["free_float_minutes"] >= 0
    assert ui["duration_minutes"] == round(ui["duration_days"] * 480)
    assert ui["early_start"] == ui["start"] and ui["early_finish"] == ui["finish"]
    assert ui["late_start"] > ui["early_start"] and ui["late_finish"] > ui["early_finish"]
    for row in data["activities"]:
        assert set(row) >= {"early_start", "early_finish", "late_start", "late_finish"}
        assert isinstance(row["total_float_minutes"], int)


def test_csv_carries_the_same_minute_columns(tmp_path: Path) -> None:
    out = tmp_path / "plan.csv"
    args = ["schedule", str(EXAMPLES / "release.toml"), "-f", "csv", "-o", str(out)]
    assert runner.invoke(app, args).exit_code == 0
    header = out.read_text().splitlines()[0].split(",")
    assert header[-10:-6] == ["early_start", "early_finish", "late_start", "late_finish"]
    assert "total_float_minutes" in header


MAX_LAG = (
    GOOD
    + """
[[activities]]
id = "C"
duration = "1d"
{constraint}

[[links]]
from = "C"
to = "B"
max_lag = "0d"
"""
)


def test_a_max_lag_shows_as_the_driver_and_a_conflict_names_the_line(tmp_path: Path) -> None:
    plan = tmp_path / "window.toml"
    plan.write_text(MAX_LAG.format(constraint=""))
    result = runner.invoke(app, ["schedule", str(plan), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    rows = {row["id"]: row for row in json.loads(result.stdout)["activities"]}
    assert rows["C"]["driver"] == "link C→B FS max+0"
    assert rows["C"]["start"] == "2025-03-04T08:00"  # pulled to end as B starts on Wednesday
    assert json.loads(result.stdout)["max_lags"] == [
        {"link": "C→B FS max+0", "gap_minutes": 0, "max_lag_minutes": 0, "at_limit": True}
    ]
    table = runner.invoke(app, ["schedule", str(plan)])
    assert "Maximum lag C→B FS max+0: gap 0 d of at most 0 d  (at the limit)" in table.stdout
    plan.write_text(MAX_LAG.format(constraint='constraint = "FNLT"\nconstraint_date = 2025-03-03'))
    result = runner.invoke(app, ["schedule", str(plan)])
    assert result.exit_code == 1
    assert "window.toml:15: link C→B FS max+0 cannot hold" in result.stderr
