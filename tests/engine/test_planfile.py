"""Plan files: units, calendars, links, progress and baselines parse into engine inputs."""

from __future__ import annotations

import tomllib
from datetime import date, datetime

import pytest

from keystage.engine import planfile
from keystage.engine.calendars import Shift
from keystage.engine.cpm import schedule
from keystage.engine.network import ConstraintType, Kind, LagUnit, LinkType
from keystage.engine.planfile import PlanError, line_of, parse_plan

PLAN = """
[project]
start = 2025-03-03
calendar = "shop"
data_date = 2025-03-05T12:00:00
baseline = "b1"

[calendars.shop]
hours = ["07:00-11:00", "11:30-15:30"]
holidays = [2025-03-07]
week = { sat = ["08:00-12:00"] }
exceptions = [{ date = 2025-03-08, hours = [] }]

[calendars.crew]
days = ["sat", "sun"]

[[activities]]
id = "A"
duration = "2d"
actual_start = 2025-03-03T07:00:00
percent_complete = 50

[[activities]]
id = "B"
kind = "milestone"
predecessors = ["A FF+2h", "C SS-10%"]
constraint = "fnlt"
constraint_date = 2025-03-14

[[activities]]
id = "C"
duration = "36eh"
calendar = "crew"

[[links]]
from = "C"
to = "D"
type = "SF"
lag = "1ed"

[[activities]]
id = "D"
duration = 90
deadline = 2025-03-20

[[baselines]]
name = "b1"
activities = { D = { start = 2025-03-04, finish = 2025-03-04T08:30:00, duration = "1.5h" } }
"""


def test_plan_parses_every_section() -> None:
    project, baseline = parse_plan(PLAN)
    assert baseline == "b1"
    assert project.start == datetime(2025, 3, 3)
    assert project.data_date == datetime(2025, 3, 5, 12)
    shop = project.calendars_by_id["shop"]
    assert shop.week[0] == (Shift(420, 660), Shift(690, 930))
    assert shop.week[5] == (Shift(480, 720),) and shop.week[6] == ()
    assert shop.shifts_on(date(2025, 3, 7)) == () and shop.shifts_on(date(2025, 3, 8)) == ()
    crew = project.calendars_by_id["crew"]
    assert crew.week[5] == crew.week[6] != () and crew.week[0] == ()
    a, b, c, d = (project.activities[project.index[x]] for x in "ABCD")
    assert a.duration == 2 * 480 and a.percent_complete == 50
    assert b.kind is Kind.MILESTONE and b.constraint is ConstraintType.FNLT
    assert b.constraint_date == datetime(2025, 3, 14, 23, 59)  # end of that day
    assert c.elapsed and c.duration == 36 * 60 and c.calendar == "crew"
    assert d.duration == 90 and d.deadline == datetime(2025, 3, 20, 23, 59)
    links = {(k.pred, k.succ): k for k in project.links}
    assert links["A", "B"].type is LinkType.FF and links["A", "B"].lag == 120
    assert links["C", "B"].lag == -10 and links["C", "B"].lag_unit is LagUnit.PERCENT
    assert links["C", "D"].lag_unit is LagUnit.ELAPSED and links["C", "D"].lag == 1440
    entry = project.baselines[0].entries[0]
    assert (entry.activity, entry.duration) == ("D", 90)


def test_plan_schedules_with_variances() -> None:
    project, baseline = parse_plan(PLAN)
    result = schedule(project, baseline)
    assert result["A"].early_start == datetime(2025, 3, 3, 7)
    assert result["D"].start_variance is not None and result["D"].start_variance > 0


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('duration = "2d"', 'duration = "2y"'), "activities[0] (A).duration: bad duration"),
        (('days = ["sat", "sun"]', 'days = ["caturday"]'), "calendars.crew.days"),
        (('"A FF+2h"', '"A XX+2h"'), "predecessors[0]: bad link 'A XX+2h'"),
        (('type = "SF"', 'type = "ZZ"'), "links[0].type: 'ZZ' is not one of"),
        (('baseline = "b1"', 'baseline = "b9"'), "no baseline named 'b9'"),
        (("percent_complete = 50", 'percent_complete = "half"'), "expected number"),
        (("start = 2025-03-03\n", 'start = "soon"\n'), "project.start"),
    ],
)
def test_bad_values_name_the_field(change: tuple[str, str], message: str) -> None:
    with pytest.raises(PlanError) as info:
        parse_plan(PLAN.replace(*change), "plan.toml")
    assert message in str(info.value)
    assert str(info.value).startswith("plan.toml")


def test_line_of_finds_the_activity() -> None:
    assert line_of(PLAN, "C") == PLAN.split("\n").index('id = "C"') + 1
    assert line_of(PLAN, "nope") is None


def test_repeated_units_and_link_tails_parse_the_same() -> None:
    """Parsed "2d" and "SS+2d" are reused; the same text always gives the same values."""
    acts = "".join(
        f'[[activities]]\nid = "T{i}"\nduration = "2d"\n'
        + (f'predecessors = ["T{i - 1} SS+2d", "T{i - 1}  FF -1h", "T{i - 1}"]\n' if i else "")
        for i in range(4)
    )
    plan = '[project]\nstart = 2025-03-03\ncalendar = "short"\n'
    plan += '[calendars.short]\nhours = ["08:00-12:00"]\n' + acts
    project, _ = parse_plan(plan)
    assert {a.duration for a in project.activities} == {2 * 240}  # 4-hour working days
    assert {(k.type, k.lag) for k in project.links if k.type is LinkType.SS} == {
        (LinkType.SS, 480.0)
    }
    assert {(k.type, k.lag) for k in project.links if k.type is LinkType.FF} == {
        (LinkType.FF, -60.0)
    }
    assert [(k.pred, k.succ) for k in project.links[:3]] == [("T0", "T1")] * 3


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('"A FF+2h"', '"A FF+2h", "A FF+2h x"'), "(B).predecessors[1]: bad link"),
        (('"A FF+2h"', '"A FF+2h", 7'), "(B).predecessors[1]: bad link 7"),
        (('duration = "36eh"', "duration = true"), "(C).duration: bad duration True"),
        (('id = "D"', 'id = "D"\nname = 3'), "(D).name: expected str, got 3"),
        (('id = "C"', 'id = "C"\ncolour = "red"'), "(C).colour: unknown field"),
        (("percent_complete = 50", "percent_complete = true"), "expected number, got True"),
    ],
)
def test_fast_paths_still_name_the_culprit(change: tuple[str, str], message: str) -> None:
    with pytest.raises(PlanError) as info:
        parse_plan(PLAN.replace(*change), "plan.toml")
    assert message in str(info.value)


@pytest.mark.parametrize(
    ("text", "where"),
    [
        ('[project]\nstart = 2025-03-03\n\n[[activities]]\nid = "A\n', "line 5, column"),
        ("[project]\nstart = 2025-03-03\nstart = 2025-03-04\n", "line 3, column"),
        ('[project]\nstart = 2025-03-03\n[[activities]]\nid = = "A"\n', "line 4, column"),
    ],
)
def test_syntax_errors_name_the_line(text: str, where: str) -> None:
    with pytest.raises(PlanError) as info:
        parse_plan(text, "plan.toml")
    assert str(info.value).startswith("plan.toml: ")
    assert where in str(info.value)


def test_syntax_error_only_rtoml_sees_keeps_its_line(monkeypatch: pytest.MonkeyPatch) -> None:
    """If the strict re-read accepts what rtoml rejected, rtoml's message (with its line) stays."""

    def reject(text: str) -> None:
        raise planfile.rtoml.TomlParsingError("invalid thing at line 2 column 3")

    monkeypatch.setattr(planfile.rtoml, "loads", reject)
    with pytest.raises(PlanError, match=r"^plan\.toml: invalid thing at line 2 column 3$"):
        parse_plan(PLAN, "plan.toml")


def test_fast_reader_matches_tomllib_and_rejects_offsets() -> None:
    assert planfile.read_toml(PLAN) == tomllib.loads(PLAN)
    with pytest.raises(PlanError, match=r"project\.start: use a local date-time"):
        parse_plan(PLAN.replace("start = 2025-03-03\n", "start = 2025-03-03T08:00:00+02:00\n"))


MAX_LAG_PLAN = """
[project]
start = 2025-03-03

[[activities]]
id = "deploy"
duration = "1d"

[[activities]]
id = "build"
duration = "5d"

[[activities]]
id = "test"
duration = "1d"
predecessors = ["build"]

[[links]]
from = "deploy"
to = "test"
max_lag = "1d"
"""


def test_a_max_lag_is_read_and_scheduled() -> None:
    project, _ = parse_plan(MAX_LAG_PLAN)
    link = project.links[-1]
    assert (link.lag, link.max_lag, link.lag_unit) == (0, 480, LagUnit.WORKING)
    result = {a.id: a for a in schedule(project).activities}
    assert result["test"].start == datetime(2025, 3, 10, 8)
    assert result["deploy"].start == datetime(2025, 3, 6, 8)  # pulled: Friday is the gap
    assert result["deploy"].driver == "link deploy→test FS max+480"


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('lag = "2d"\nmax_lag = "1d"', r"plan:18: links\[0\]\.max_lag: maximum lags cannot"),
        ('lag = "2d"\nmax_lag = "3ed"', r"plan:18: links\[0\]\.max_lag: use the unit of lag"),
        ('max_lag = "soon"', r"links\[0\]\.max_lag: bad duration 'soon'"),
        ('maxlag = "1d"', r"plan:18: links\[0\]\.maxlag: unknown field"),
    ],
)
def test_bad_max_lags_name_the_link(extra: str, message: str) -> None:
    text = MAX_LAG_PLAN.replace('max_lag = "1d"', extra)
    with pytest.raises(PlanError, match=message):
        parse_plan(text)


def test_an_elapsed_max_lag_without_a_lag_takes_its_unit() -> None:
    project, _ = parse_plan(MAX_LAG_PLAN.replace('max_lag = "1d"', 'max_lag = "36eh"'))
    link = project.links[-1]
    assert (link.lag, link.max_lag, link.lag_unit) == (0, 36 * 60, LagUnit.ELAPSED)
