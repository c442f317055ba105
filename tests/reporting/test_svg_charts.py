"""SVG charts: S-curve, power/interest grid, histogram."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from decimal import Decimal as D

import numpy as np
import pytest

from keystage.engine.finance import BusinessCase, CashFlowLine, Estimate, simulate_npv
from keystage.reporting.svg.axes import Frame, nice_ticks
from keystage.reporting.svg.base import money_label
from keystage.reporting.svg.charts import (
    ChartError,
    Stakeholder,
    histogram,
    power_interest_grid,
    s_curve,
)

NS = "{http://www.w3.org/2000/svg}"
EVIL = '<script>alert("x")</script>'
LABELS = [f"P{i}" for i in range(6)]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is well-formed


def test_nice_ticks() -> None:
    assert nice_ticks(0, 990_000, 5) == [0, 200_000, 400_000, 600_000, 800_000, 1_000_000]
    assert nice_ticks(-612.0, 548.0, 6) == [-800, -600, -400, -200, 0, 200, 400, 600]
    flat = nice_ticks(5, 5)  # a flat range is widened by 10 %
    assert flat[0] <= 4.5 and flat[-1] >= 5.5 and 5.0 in flat


def test_money_labels() -> None:
    assert [money_label(v) for v in (0, 950, 12_500, -148_000, 3_200_000)] == [
        "0",
        "950",
        "12.5k",
        "-148k",
        "3.2M",
    ]


def test_frame_maps_data_to_pixels() -> None:
    frame = Frame(10, 20, 100, 50, 0, 10, 0, 5)
    assert (frame.x(0), frame.x(10), frame.y(0), frame.y(5)) == (10, 110, 70, 20)


def test_s_curve_draws_three_series_and_the_data_date() -> None:
    svg = s_curve(LABELS, [0, 10, 30, 60, 90, 100], [0, 8, 25], [0, 9, 31], subtitle=EVIL)
    root = parse(svg)
    series = {el.get("data-series"): el for el in root.iter(f"{NS}polyline")}
    assert set(series) == {"planned", "earned", "actual"}
    assert len(series["planned"].get("points", "").split()) == 6
    assert len(series["earned"].get("points", "").split()) == 3
    assert "Data date" in svg and "BAC 100" in svg
    assert "<script" not in svg and "&lt;script&gt;" in svg


def test_s_curve_forecast_extends_the_time_axis() -> None:
    svg = s_curve(LABELS, [0, 10, 30, 60, 90, 100], [0, 8, 25], [0, 9, 31], forecast=(7.5, 125))
    root = parse(svg)
    assert "EAC 125" in svg and "Forecast (EAC)" in svg
    dot = next(root.iter(f"{NS}circle"))
    planned = next(el for el in root.iter(f"{NS}polyline") if el.get("data-series") == "planned")
    last_planned_x = float(planned.get("points", "").split()[-1].split(",")[0])
    assert float(dot.get("cx", 0)) > last_planned_x  # finish forecast beyond the plan
    with pytest.raises(ChartError) as info:
        s_curve(LABELS, [0, 1], forecast=(3, 4))
    assert info.value.field == "forecast"


def test_s_curve_accepts_decimals_and_rejects_short_labels() -> None:
    parse(s_curve(LABELS[:2], [D("0"), D("10.50")]))
    with pytest.raises(ChartError) as info:
        s_curve(LABELS[:2], [1, 2, 3])
    assert info.value.field == "planned"
    with pytest.raises(ChartError):
        s_curve(["only"], [1])


def test_power_interest_grid_places_people_in_quadrants() -> None:
    people = [
        Stakeholder("1", "CIO", 9, 8),
        Stakeholder("2", EVIL, 2, 2),
        Stakeholder("3", "Twin", 2, 2),  # same spot: nudged, not hidden
    ]
    svg = power_interest_grid(people)
    root = parse(svg)
    dots = {el.get("data-stakeholder-id"): el for el in root.iter(f"{NS}circle")}
    assert set(dots) == {"1", "2", "3"}
    assert dots["1"].get("fill") == "#c8372d"  # manage closely
    assert float(dots["1"].get("cy", 0)) < float(dots["2"].get("cy", 0))  # more power: higher
    assert dots["2"].get("cy") != dots["3"].get("cy")
    for quadrant in ("Keep satisfied", "Manage closely", "Monitor", "Keep informed"):
        assert quadrant in svg
    assert "<script" not in svg


def test_power_interest_grid_rejects_out_of_scale_values() -> None:
    with pytest.raises(ChartError) as info:
        power_interest_grid([Stakeholder("1", "A", 11, 5)])
    assert info.value.field == "stakeholders[0].power"
    with pytest.raises(ChartError):
        power_interest_grid([], scale=(5, 5))


def test_histogram_of_a_monte_carlo_run() -> None:
    case = BusinessCase(
        (
            CashFlowLine("build", "cost", Estimate(D(800), D(1000), D(1600))),
            CashFlowLine(
                "savings", "benefit", Estimate(D(200), D(300), D(350)), period=1, recurring=True
            ),
        ),
        5,
        D("0.08"),
    )
    sim = simulate_npv(case, runs=5000, rng=np.random.default_rng(3), bins=30)
    svg = histogram(
        sim.histogram_counts,
        sim.histogram_edges,
        markers=[("P10", sim.p10), ("P50", sim.p50), ("P90", sim.p90)],
        subtitle=EVIL,
    )
    root = parse(svg)
    bars = [el for el in root.iter(f"{NS}rect") if el.get("fill") in ("#d98b84", "#9db4d6")]
    assert len(bars) == 30
    assert {el.get("fill") for el in bars} == {"#d98b84", "#9db4d6"}  # some runs lose money
    assert "P50" in svg and "<script" not in svg


def test_histogram_rejects_mismatched_edges() -> None:
    with pytest.raises(ChartError) as info:
        histogram([1, 2], [0.0, 1.0])
    assert info.value.field == "edges"
    with pytest.raises(ChartError):
        histogram([1, 2], [0.0, 2.0, 1.0])


def test_charts_are_deterministic() -> None:
    assert s_curve(LABELS, [1, 2, 3]) == s_curve(LABELS, [1, 2, 3])


def test_s_curve_draws_labelled_limits_above_the_plan() -> None:
    svg = s_curve(
        LABELS[:3], [0, 40, 110], limits=[("Total budget", 150)], bac_label="Cost baseline"
    )
    root = parse(svg)
    limit = next(el for el in root.iter(f"{NS}line") if el.get("data-limit") == "Total budget")
    planned = next(el for el in root.iter(f"{NS}polyline") if el.get("data-series") == "planned")
    top_of_plan = min(float(p.split(",")[1]) for p in planned.get("points", "").split())
    assert float(limit.get("y1", 0)) < top_of_plan  # higher on the page = a larger amount
    assert "Total budget 150" in svg and "Cost baseline 110" in svg
