"""The SVG Gantt: well-formed, escaped, complete and fast."""

from __future__ import annotations

import time
import xml.etree.ElementTree as ET
from datetime import date, datetime

import pytest
from svg_samples import big_plan, cloud_migration

from keystage.engine.network import LinkType
from keystage.reporting.svg.base import esc, fmt
from keystage.reporting.svg.gantt import TABLE_W, GanttError, GanttLink, GanttRow, render_gantt
from keystage.reporting.svg.timescale import align_window, header_cells

NS = "{http://www.w3.org/2000/svg}"
TODAY = date(2026, 3, 30)


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is well-formed


@pytest.mark.parametrize("zoom", ["day", "week", "month"])
def test_every_zoom_is_well_formed(zoom: str) -> None:
    rows, links = cloud_migration()
    root = parse(render_gantt(rows, links, zoom=zoom, today=TODAY, data_date=date(2026, 3, 27)))  # type: ignore[arg-type]
    assert root.tag == f"{NS}svg"
    assert root.find(f"{NS}title") is not None


def test_bars_carry_task_ids_and_shapes_match_the_row_kind() -> None:
    rows, links = cloud_migration()
    root = parse(render_gantt(rows, links))
    by_id = {el.get("data-task-id"): el for el in root.iter() if el.get("data-task-id")}
    assert set(by_id) == {row.id for row in rows}
    assert by_id["10"].tag == f"{NS}polygon"  # milestone diamond
    assert by_id["1"].tag == f"{NS}path"  # summary bracket
    assert by_id["3"].tag == f"{NS}rect"  # task bar
    assert by_id["3"].get("fill") == "#c8372d"  # critical: red
    assert by_id["5"].get("fill") != "#c8372d"  # not critical


def test_links_are_drawn_by_type_and_critical_links_are_red() -> None:
    rows, links = cloud_migration()
    root = parse(render_gantt(rows, links))
    paths = [el for el in root.iter(f"{NS}path") if el.get("class") == "ks-link"]
    assert len(paths) == len(links)
    kinds = {(p.get("data-pred"), p.get("data-succ")): p for p in paths}
    assert kinds[("3", "5")].get("data-type") == "SS"
    assert kinds[("3", "4")].get("marker-end") == "url(#ks-gantt-arrow-critical)"
    assert kinds[("3", "5")].get("marker-end") == "url(#ks-gantt-arrow)"


def test_fs_link_runs_from_predecessor_finish_to_successor_start() -> None:
    a = GanttRow("a", "1", "A", date(2026, 1, 5), date(2026, 1, 6))
    b = GanttRow("b", "2", "B", date(2026, 1, 12), date(2026, 1, 13))
    root = parse(render_gantt([a, b], [GanttLink("a", "b")], zoom="day"))
    bars = {el.get("data-task-id"): el for el in root.iter(f"{NS}rect") if el.get("data-task-id")}
    link = next(el for el in root.iter(f"{NS}path") if el.get("class") == "ks-link")
    d = link.get("d", "")
    a_end = float(bars["a"].get("x", 0)) + float(bars["a"].get("width", 0))
    b_start = float(bars["b"].get("x", 0))
    assert d.startswith(f"M{fmt(a_end)} ")
    assert d.endswith(f"H{fmt(b_start)}")


def test_a_maximum_lag_window_is_a_bracket_under_the_successor_that_widens_the_chart() -> None:
    a = GanttRow("a", "1", "A", datetime(2026, 1, 5, 9), datetime(2026, 1, 6, 18))
    b = GanttRow("b", "2", "B", datetime(2026, 1, 7, 9), datetime(2026, 1, 8, 18))
    window = (datetime(2026, 1, 8, 18), datetime(2026, 1, 30, 18))  # FF: when B may finish
    link = GanttLink("a", "b", LinkType.FF, window, "A → B: FF, at most 18 d")
    root = parse(render_gantt([a, b], [link], zoom="day"))
    bars = {el.get("data-task-id"): el for el in root.iter(f"{NS}rect") if el.get("data-task-id")}
    mark = next(g for g in root.iter(f"{NS}g") if g.get("class") == "ks-maxlag")
    span = next(el for el in mark if el.get("class") == "ks-maxlag-span")
    b_end = float(bars["b"].get("x", 0)) + float(bars["b"].get("width", 0))
    assert float(span.get("x1", 0)) == pytest.approx(b_end)
    assert float(span.get("x2", 0)) - float(span.get("x1", 0)) == pytest.approx(22 * 26)
    assert float(span.get("x2", 0)) < float(root.get("width", 0))  # the chart reaches it
    assert float(span.get("y1", 0)) > float(bars["b"].get("y", 0)) + 12  # under B's bar
    assert mark.findtext(f"{NS}title") == (
        "A → B: FF, at most 18 d — may finish from 8 Jan 18:00 to 30 Jan 18:00"
    )
    path = next(el for el in root.iter(f"{NS}path") if el.get("data-pred") == "a")
    assert path.get("marker-end") == "url(#ks-gantt-arrow-max)"
    assert path.findtext(f"{NS}title") == "A → B: FF, at most 18 d"
    # A ten-year maximum widens the chart by a month at most; the bracket runs off its edge.
    far = GanttLink("a", "b", LinkType.FS, (datetime(2026, 1, 9), datetime(2036, 1, 9)), "far")
    root = parse(render_gantt([a, b], [far], zoom="day"))
    days = (float(root.get("width", 0)) - TABLE_W) / 26
    assert 31 < days < 31 + 30


def test_baselines_today_and_data_date_lines() -> None:
    rows, links = cloud_migration()
    svg = render_gantt(rows, links, today=TODAY, data_date=date(2026, 3, 27))
    root = parse(svg)
    baselines = [el for el in root.iter(f"{NS}rect") if el.get("class") == "ks-baseline"]
    assert len(baselines) == sum(not r.is_milestone for r in rows)
    assert "Today 2026-03-30" in svg and "Data date 2026-03-27" in svg


def test_script_in_a_name_renders_as_inert_text() -> None:
    evil = '<script>alert("x")</script>&"\'\x00'
    row = GanttRow(evil, evil, evil, date(2026, 1, 5), date(2026, 1, 9))
    svg = render_gantt([row], [GanttLink(evil, evil)], title=evil)
    root = parse(svg)
    assert "<script" not in svg
    assert not list(root.iter(f"{NS}script"))
    assert "&lt;script&gt;" in svg
    bar = next(el for el in root.iter() if el.get("data-task-id"))
    assert bar.get("data-task-id") == '<script>alert("x")</script>&"\'\ufffd'


def test_esc_handles_attribute_quotes() -> None:
    assert esc("a\"b'c<d>&") == "a&quot;b&#39;c&lt;d&gt;&amp;"


def test_datetimes_are_drawn_at_their_exact_time() -> None:
    row = GanttRow("a", "1", "A", datetime(2026, 1, 5, 12), datetime(2026, 1, 6, 0))
    root = parse(render_gantt([row], zoom="day"))
    bar = next(el for el in root.iter(f"{NS}rect") if el.get("data-task-id") == "a")
    assert float(bar.get("width", 0)) == pytest.approx(13.0)  # half a day at 26 px/day


def test_mixed_date_and_datetime_rows() -> None:
    row = GanttRow("a", "1", "A", datetime(2026, 1, 5, 9), date(2026, 1, 5))
    root = parse(render_gantt([row], zoom="day"))
    bar = next(el for el in root.iter(f"{NS}rect") if el.get("data-task-id") == "a")
    assert float(bar.get("width", 0)) == pytest.approx(26 * 15 / 24)  # 09:00 to the end of the day


def test_header_cells_cover_the_window() -> None:
    lo, hi = align_window(date(2026, 3, 4), date(2026, 5, 20), "week")
    assert lo.weekday() == 0 and hi.weekday() == 0
    top, bottom = header_cells(lo, hi, "week")
    assert bottom[0].start == 0 and bottom[-1].end == (hi - lo).days
    assert [c.label for c in top][:2] == ["Feb 2026", "Mar 2026"]
    _, months = header_cells(date(2026, 1, 1), date(2027, 1, 1), "month")
    assert [c.label for c in months] == [
        "Jan",
        "Feb",
        "Mar",
        "Apr",
        "May",
        "Jun",
        "Jul",
        "Aug",
        "Sep",
        "Oct",
        "Nov",
        "Dec",
    ]


def test_unknown_link_ends_are_skipped() -> None:
    rows, _ = cloud_migration()
    root = parse(render_gantt(rows, [GanttLink("3", "missing")]))
    assert not [el for el in root.iter(f"{NS}path") if el.get("class") == "ks-link"]


def test_output_is_deterministic() -> None:
    rows, links = cloud_migration()
    assert render_gantt(rows, links, today=TODAY) == render_gantt(rows, links, today=TODAY)


@pytest.mark.parametrize(
    ("make", "field"),
    [
        (lambda: GanttRow("a", "1", "A", date(2026, 1, 5), date(2026, 1, 4)), "finish"),
        (
            lambda: GanttRow(
                "a", "1", "A", date(2026, 1, 5), date(2026, 1, 6), percent_complete=101
            ),
            "percent_complete",
        ),
        (lambda: GanttRow("a", "1", "A", date(2026, 1, 5), date(2026, 1, 6), level=-1), "level"),
        (
            lambda: GanttRow(
                "a", "1", "A", date(2026, 1, 5), date(2026, 1, 6), baseline_start=date(2026, 1, 5)
            ),
            "baseline_finish",
        ),
        (lambda: GanttLink("a", "b", "XX"), "type"),  # type: ignore[arg-type]
        (lambda: GanttLink("a", "b", window=(date(2026, 1, 6), date(2026, 1, 5))), "window"),
        (lambda: render_gantt([]), "window"),
        (lambda: render_gantt([], today=TODAY, id_prefix='x"><script>'), "id_prefix"),
        (lambda: render_gantt([], window=(date(2026, 2, 1), date(2026, 1, 1))), "window"),
        (
            lambda: GanttRow("a", "1", "A", datetime(2026, 1, 5, 12), datetime(2026, 1, 5, 8)),
            "finish",
        ),
        (lambda: render_gantt([], zoom="year", today=TODAY), "zoom"),  # type: ignore[arg-type]
        (lambda: render_gantt([GanttRow("a", "1", "A", TODAY, TODAY)] * 2), "id"),
    ],
)
def test_bad_input_names_the_field(make, field: str) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(GanttError) as info:
        make()
    assert info.value.field == field


def test_window_clips_the_chart_and_prefix_names_the_ids() -> None:
    rows, links = cloud_migration()
    svg = render_gantt(
        rows, links, window=(date(2026, 4, 1), date(2026, 4, 30)), id_prefix="g2", today=TODAY
    )
    root = parse(svg)
    assert root.find(f".//{NS}clipPath[@id='g2-chart']") is not None
    assert 'clip-path="url(#g2-chart)"' in svg and "ks-gantt-" not in svg


def test_empty_chart_with_a_window_renders() -> None:
    parse(render_gantt([], window=(date(2026, 1, 1), date(2026, 2, 1))))


def test_two_thousand_tasks_render_quickly() -> None:
    rows, links = big_plan(2000)
    start = time.perf_counter()
    svg = render_gantt(rows, links, zoom="week", today=TODAY, data_date=TODAY)
    elapsed = time.perf_counter() - start
    print(f"\n2 000-task Gantt: {elapsed * 1000:.0f} ms, {len(svg) / 1e6:.1f} MB")
    assert elapsed < 3.0
    root = parse(svg)
    assert sum(1 for el in root.iter() if el.get("data-task-id")) == 2000


def test_table_scale_and_corner_come_last_on_opaque_groups() -> None:
    rows, links = cloud_migration()
    svg = render_gantt(rows, links, today=TODAY)
    root = parse(svg)
    groups = [el.get("class") for el in root if el.tag == f"{NS}g"]
    assert groups == ["ks-chart", "ks-table", "ks-header", "ks-corner"]
    table = next(el for el in root if el.get("class") == "ks-table")
    assert table[0].get("fill") == "#ffffff"  # opaque: it may slide over the bars
    # One striped pattern instead of a rectangle per row.
    assert root.find(f".//{NS}pattern[@id='ks-gantt-rows']") is not None
    assert svg.count('fill="url(#ks-gantt-rows)"') == 2
    critical = {
        el.get("data-task-id") for el in root.iter() if "ks-critical" in el.get("class", "")
    }
    assert critical == {r.id for r in rows if r.is_critical and not r.is_summary}
