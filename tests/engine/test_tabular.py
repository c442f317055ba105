"""Spreadsheet task lists (CSV, XLSX) into plans: mapping, notation, errors, zip bombs."""

from __future__ import annotations

import contextlib
import io
import time
import zipfile
from datetime import datetime, timedelta
from decimal import Decimal

import openpyxl
import pytest

from keystage.engine.cpm import schedule
from keystage.engine.network import ConstraintType, Kind, LagUnit, LinkType
from keystage.engine.tabular import (
    ColumnMapping,
    TabularError,
    check_xlsx_container,
    guess_mapping,
    read_csv,
    read_rows,
    read_xlsx,
)

START = datetime(2025, 3, 3, 8, 0)  # a Monday


def _xlsx(rows: list[list[object]], title: str = "Tasks") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


MS_PROJECT_CSV = (
    b"ID,Task Name,Duration,Start,Finish,Predecessors,Resource Names,Outline Level,WBS\n"
    b"1,Release 2.0,25 days,Mon 3/3/25,Fri 4/4/25,,,1,1\n"
    b"2,Design,5 days,Mon 3/3/25,Fri 3/7/25,,Ana[50%],2,1.1\n"
    b"3,Build,2 wks,Mon 3/10/25,Fri 3/21/25,2,Ana;Ben,2,1.2\n"
    b"4,Test,3 days,Mon 3/17/25,Wed 3/19/25,3SS+5d,Ben[25%],2,1.3\n"
    b"5,Docs,16 hrs,Mon 3/24/25,Tue 3/25/25,3FS+2d,,2,1.4\n"
    b'6,Go live,0 days,Tue 3/25/25,Tue 3/25/25,"4,5",,1,2\n'
)


def test_ms_project_csv_export_is_read_with_guessed_columns() -> None:
    doc = read_csv(MS_PROJECT_CSV, start=START, title="Release")
    plan = doc.plan
    assert [a.id for a in plan.activities] == ["1", "2", "3", "4", "5", "6"]
    assert plan.activities[0].kind is Kind.SUMMARY
    assert {a.parent for a in plan.activities[1:5]} == {"1"}
    assert plan.activities[5].kind is Kind.MILESTONE and plan.activities[5].parent is None
    assert [a.duration for a in plan.activities[1:5]] == [2400, 4800, 1440, 960]
    links = {(k.pred, k.succ): k for k in plan.links}
    assert set(links) == {("2", "3"), ("3", "4"), ("3", "5"), ("4", "6"), ("5", "6")}
    assert links[("3", "4")].type is LinkType.SS and links[("3", "4")].lag == 2400
    assert links[("3", "5")].lag == 960
    assert doc.outline_codes["4"] == "1.3"
    assert {(a.activity, a.resource, a.units) for a in doc.assignments} == {
        ("2", "Ana", 0.5), ("3", "Ana", 1.0), ("3", "Ben", 1.0), ("4", "Ben", 0.25),
    }  # fmt: skip
    assert [r.name for r in doc.resources] == ["Ana", "Ben"]
    assert doc.resources[0].standard_rate == Decimal(0)
    assert doc.source_format == "csv" and doc.losses == ()
    # The design task has no predecessor: its start becomes a start-no-earlier-than.
    assert plan.activities[1].constraint is ConstraintType.SNET
    assert plan.activities[2].constraint is ConstraintType.ASAP
    result = schedule(plan)
    assert result["3"].start == datetime(2025, 3, 10, 8, 0)
    assert result["6"].finish == datetime(2025, 3, 27, 17, 0)


def test_guess_mapping_reads_ms_project_headers_and_common_synonyms() -> None:
    mapping = guess_mapping(
        ["Task Name", "Duration", "Predecessors", "Resource Names", "Outline Level", "WBS"]
    )
    assert mapping == ColumnMapping(
        name="Task Name",
        duration="Duration",
        predecessors="Predecessors",
        resources="Resource Names",
        outline_level="Outline Level",
        wbs="WBS",
    )
    other = guess_mapping(["  task_name ", "END DATE", "Depends on", "Assigned to", "#"])
    assert other.name == "  task_name "
    assert other.finish == "END DATE" and other.predecessors == "Depends on"
    assert other.resources == "Assigned to" and other.id == "#"


def test_explicit_mapping_with_number_and_unit_columns() -> None:
    rows = [
        ["Activity", "Length", "Unit", "After"],
        ["Order", 2, "w", ""],
        ["Install", 3.5, "h", "1"],
        ["Check", 1, "", "2FF"],
    ]
    mapping = ColumnMapping(
        name="Activity", duration="Length", duration_unit="Unit", predecessors="After"
    )
    doc = read_rows(rows, start=START, mapping=mapping)
    assert [a.duration for a in doc.plan.activities] == [4800, 210, 480]
    assert doc.plan.links[1].type is LinkType.FF


def test_xlsx_with_wbs_codes_dates_and_formula_cells() -> None:
    data = _xlsx(
        [
            ["WBS", "Name", "Duration", "Start", "Predecessors"],
            ["1", "Phase A", None, None, None],
            ["1.1", "Survey", "4d", datetime(2025, 3, 5), None],
            ["1.2", "Report", "=2*3", None, "2"],
            ["2", "Sign-off", 0, None, "3FS+1ed"],
        ]
    )
    doc = read_xlsx(data, start=START)
    plan = doc.plan
    assert plan.activities[0].kind is Kind.SUMMARY
    assert plan.activities[1].parent == "1" and plan.activities[2].parent == "1"
    assert plan.activities[1].constraint_date == datetime(2025, 3, 5)
    # A formula without a cached value reads as empty, never as the formula text.
    assert plan.activities[2].kind is Kind.MILESTONE
    assert plan.links[1].lag_unit is LagUnit.ELAPSED and plan.links[1].lag == 1440
    assert doc.source_format == "xlsx"


def test_xlsx_formula_cached_value_is_read() -> None:
    data = _xlsx([["Name", "Duration"], ["Survey", 3]])
    # Rewrite the sheet so that the cell holds a formula and its cached value.
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            body = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                formula = b"<c r='B2'><f>1+2</f><v>3</v></c>"
                body = body.replace(b'<c r="B2" t="n"><v>3</v></c>', formula)
                body = body.replace(b'<c r="B2"><v>3</v></c>', formula)
                assert b"<f>1+2</f>" in body
            target.writestr(item, body)
    doc = read_xlsx(out.getvalue(), start=START)
    assert doc.plan.activities[0].duration == 3 * 480


def test_every_error_is_collected_with_its_line() -> None:
    data = (
        b"ID,Task Name,Duration,Predecessors,Resource Names\n"
        b"1,Design,5d,,\n"
        b"2,,3d,1,\n"
        b"3,Build,five days,1,\n"
        b"1,Test,2d,9,\n"
        b"5,Ship,1d,3XX+2d,Ana[abc]\n"
    )
    with pytest.raises(TabularError) as caught:
        read_csv(data, start=START)
    errors = caught.value.errors
    assert "line 3: the task has no name" in errors
    assert "line 4: duration 'five days' is not a duration such as 5d, 3h, 2w" in errors
    assert "line 5: id '1' is used twice (first on line 2)" in errors
    assert "line 5: predecessor '9' is not the id of any row" in errors
    assert "line 6: predecessor '3XX' is not the id of any row" in errors
    assert any(e.startswith("line 6: resource 'Ana[abc]'") for e in errors)
    assert all(e.startswith("line ") for e in errors)


def test_csv_lines_count_quoted_newlines_and_blank_lines() -> None:
    data = b'Name,Duration,Notes\nA,1d,"two\nlines"\n\nB,soon,\n'
    with pytest.raises(TabularError) as caught:
        read_csv(data, start=START)
    assert caught.value.errors == ("line 5: duration 'soon' is not a duration such as 5d, 3h, 2w",)


def test_semicolon_csv_in_windows_1252_with_unicode_names() -> None:
    data = "Nom;Durée\nÉtude;2d\nRéunion café;4h\n".encode("cp1252")
    mapping = ColumnMapping(name="Nom", duration="Durée")
    doc = read_csv(data, start=START, mapping=mapping)
    assert [a.name for a in doc.plan.activities] == ["Étude", "Réunion café"]
    assert [a.duration for a in doc.plan.activities] == [960, 240]


def test_missing_columns_are_named_against_the_header_line() -> None:
    with pytest.raises(TabularError) as caught:
        read_csv(b"Title,Length\nA,1d\n", start=START, mapping=ColumnMapping(name="Task"))
    assert caught.value.errors == ("line 1: no column 'Task' for name",)
    with pytest.raises(TabularError) as caught:
        read_csv(b"Foo,Bar\nA,1d\n", start=START)
    assert "no task name column" in caught.value.errors[0]
    with pytest.raises(TabularError):
        read_csv(b"\n\n", start=START)


def test_outline_levels_that_skip_and_links_to_summaries() -> None:
    rows = [
        ["Name", "Outline Level", "Duration", "Predecessors"],
        ["Phase", 1, "", ""],
        ["Deep", 3, "1d", ""],
    ]
    with pytest.raises(TabularError) as caught:
        read_rows(rows, start=START)
    assert caught.value.errors == ("line 3: outline level 3 skips a level (after 1)",)
    rows = [
        ["Name", "Outline Level", "Duration", "Predecessors"],
        ["Phase", 1, "", ""],
        ["Work", 2, "1d", ""],
        ["After phase", 1, "1d", "1"],
    ]
    doc = read_rows(rows, start=START)
    assert doc.plan.links == ()
    assert doc.losses[0].where == "line 4 'After phase'"
    assert "1 is a summary task" in doc.losses[0].what


def test_start_and_finish_without_duration_give_the_working_time() -> None:
    rows = [
        ["Name", "Start", "Finish"],
        ["Workshop", "2025-03-03", "2025-03-05"],
        ["Deadline", "", "2025-03-14"],
    ]
    doc = read_rows(rows, start=START)
    first, second = doc.plan.activities
    assert first.duration == 3 * 480
    assert second.kind is Kind.MILESTONE
    assert second.constraint is ConstraintType.FNET
    assert second.constraint_date == datetime(2025, 3, 14, 23, 59)


def test_milestone_column_and_percent_and_negative_lags() -> None:
    rows = [
        ["Name", "Duration", "Milestone", "Predecessors"],
        ["Build", "10d", "No", ""],
        ["Review", "1d", "", "1SS+50%"],
        ["Gate", "", "Yes", "1FF-2d"],
    ]
    doc = read_rows(rows, start=START)
    review, gate = doc.plan.links
    assert review.lag_unit is LagUnit.PERCENT and review.lag == 50
    assert gate.lag == -960 and gate.type is LinkType.FF
    assert doc.plan.activities[2].kind is Kind.MILESTONE


def test_xlsx_zip_bombs_and_non_workbooks_are_refused_before_parsing() -> None:
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (20 * 1024 * 1024))
    with pytest.raises(TabularError, match="expands more than 100"):
        check_xlsx_container(bomb.getvalue())
    with pytest.raises(TabularError, match="not an XLSX workbook"):
        read_xlsx(b"Name,Duration\nA,1d\n", start=START)
    plain = io.BytesIO()
    with zipfile.ZipFile(plain, "w") as archive:
        archive.writestr("readme.txt", "hello")
    with pytest.raises(TabularError, match=r"no \[Content_Types\]"):
        check_xlsx_container(plain.getvalue())
    with pytest.raises(TabularError, match="larger than 50 MB"):
        check_xlsx_container(b"PK" + b"\0" * (50 * 1024 * 1024))


def test_xlsx_named_sheet_and_row_numbers_of_errors() -> None:
    data = _xlsx([["Task Name", "Duration"], [], ["Alpha", "2x"]], title="Plan")
    with pytest.raises(TabularError) as caught:
        read_xlsx(data, start=START, sheet="Plan")
    assert caught.value.errors == ("line 3: duration '2x' is not a duration such as 5d, 3h, 2w",)
    with pytest.raises(TabularError, match="no sheet named 'Other'"):
        read_xlsx(data, start=START, sheet="Other")


def test_a_cycle_in_the_list_is_found_when_scheduling() -> None:
    doc = read_rows(
        [["Name", "Duration", "Predecessors"], ["A", "1d", "2"], ["B", "1d", "1"]], start=START
    )
    from keystage.engine.errors import CycleError

    with pytest.raises(CycleError):
        schedule(doc.plan)


def test_a_maximum_lag_is_read_in_the_plan_cell_notation() -> None:
    rows = [
        ["Name", "Duration", "Predecessors"],
        ["Design", "2d", ""],
        ["Build", "3d", "1FS+1d max 3d"],
        ["Test", "1d", "2 max 0d"],
        ["Docs", "1d", "2SS  MAX  2h"],
        ["Review", "1d", "1SS+4h max 10.5d, 4FF max 1w?"],
        ["Ship", "", "3,5 max +1w"],
        ["Notes", "1d", "2FS-2d max -1d"],
    ]
    doc = read_rows(rows, start=START)
    links = {(k.pred, k.succ): k for k in doc.plan.links}
    build = links["1", "2"]
    assert (build.type, build.lag, build.max_lag) == (LinkType.FS, 480, 1440)
    assert (links["2", "3"].lag, links["2", "3"].max_lag) == (0, 0)
    docs = links["2", "4"]
    assert (docs.type, docs.lag, docs.max_lag, docs.lag_unit) == (
        LinkType.SS, 0, 120, LagUnit.WORKING
    )  # fmt: skip
    assert (links["1", "5"].lag, links["1", "5"].max_lag) == (240, 5040)
    assert (links["4", "5"].type, links["4", "5"].max_lag) == (LinkType.FF, 2400)
    assert links["3", "6"].max_lag is None and links["5", "6"].max_lag == 2400
    assert (links["2", "7"].lag, links["2", "7"].max_lag) == (-960, -480)  # a bounded lead
    # The scheduler keeps it: Build starts a day after Design, within the three allowed.
    result = schedule(doc.plan)
    design, built = result.activities[0], result.activities[1]
    assert built.start - design.finish > timedelta(hours=12)


def test_a_bad_maximum_lag_is_a_row_error_with_its_line() -> None:
    data = (
        b"ID,Task Name,Duration,Predecessors\n"
        b"1,Design,2d,\n"
        b"2,Build,2d,1FS+3d max 1d\n"
        b"3,Test,1d,2 max -1d\n"
        b"4,Docs,1d,2 max soon\n"
        b"5,Ship,1d,2FS+1d max 2ed\n"
        b"6,Train,1d,2 max 3q\n"
        b"7,Close,1d,2 max\n"
        b"8,Audit,1d,2SS+10% max 20%\n"
    )
    with pytest.raises(TabularError) as caught:
        read_csv(data, start=START)
    assert caught.value.errors == (
        "line 3: in '1FS+3d max 1d' the maximum lag is less than the lag",
        "line 4: in '2 max -1d' the maximum lag is less than the lag",
        "line 5: predecessor '2 max soon' is not like 3FS+2d or 3 max 2d",
        "line 6: in '2FS+1d max 2ed' a maximum lag needs working time (m, h, d, w), "
        "not elapsed or %",
        "line 7: maximum lag unit 'q' is not m, h, d, w or %",
        "line 8: predecessor '2 max' is not like 3FS+2d or 3 max 2d",
        "line 9: in '2SS+10% max 20%' a maximum lag needs working time (m, h, d, w), "
        "not elapsed or %",
    )


@pytest.mark.parametrize(
    "cell",
    [
        " " * 4000,
        "1" * 4000,
        "1" + " " * 3990 + "x",
        "1 max " + "1" * 3990 + "!",
        "1FS+" + "1" * 3990 + " max",
        "1" + " max1" * 799,
        "1" + "\t " * 1990 + "max 2d !",
    ],
)
def test_a_long_predecessor_cell_is_read_or_refused_at_once(cell: str) -> None:
    """The pattern meets single spaces only and each optional part starts with its own
    mark, so no cell makes it try every split (the cell is capped at 1,000 characters
    when read, and the pattern alone is fast on 4,000)."""
    from keystage.engine.tabular import _predecessor

    began = time.perf_counter()
    _predecessor(cell)
    rows = [["Name", "Predecessors"], ["A", ""], ["B", cell]]
    with contextlib.suppress(TabularError):
        read_rows(rows, start=START)
    assert time.perf_counter() - began < 0.5


def test_an_id_with_max_in_it_stays_an_id_and_a_huge_lag_is_a_row_error() -> None:
    rows = [
        ["ID", "Name", "Duration", "Predecessors"],
        ["Climax3", "Design", "2d", ""],
        ["Tmax2", "Build", "2d", "Climax3"],
        ["3", "Test", "1d", "Tmax2, Climax3FS max 2d"],
    ]
    links = {(k.pred, k.succ): k for k in read_rows(rows, start=START).plan.links}
    assert links["Climax3", "Tmax2"].max_lag is None
    assert links["Tmax2", "3"].max_lag is None
    assert links["Climax3", "3"].max_lag == 960
    nines = "9" * 320
    data = (
        "ID,Task Name,Duration,Predecessors\n1,Design,2d,\n"
        f"2,Build,1d,1 max {nines}d\n3,Test,1d,1FS+{nines}d\n"
        "4,Docs,1d,1FS+11000d\n5,Ship,1d,1FS+10950d\n"
    ).encode()
    with pytest.raises(TabularError) as caught:
        read_csv(data, start=START)
    assert caught.value.errors == (
        f"line 3: maximum lag {nines[:20]!r} is over the limit of 5,256,000 minutes",
        f"line 4: lag {nines[:20]!r} is over the limit of 5,256,000 minutes",
        "line 5: lag '11000' is over the limit of 5,256,000 minutes",
    )
