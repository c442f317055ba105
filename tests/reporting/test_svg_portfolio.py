"""The portfolio charts: bubbles placed by CPI and SPI, the heat map's colours and labels."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

from keystage.reporting.svg.portfolio import (
    Bubble,
    HeatCell,
    HeatRow,
    bubble_chart,
    heat_colour,
    heat_map,
)

NS = {"s": "http://www.w3.org/2000/svg"}


def test_bubbles_are_placed_by_cpi_and_spi_and_sized_by_budget():
    svg = bubble_chart(
        [
            Bubble("a", "<A&B>", cpi=1.2, spi=0.8, size=100_000, health="red"),
            Bubble("b", "B", cpi=0.9, spi=1.1, size=25_000),
        ]
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own output; well-formed, labels escaped
    circles = {c.get("data-project-id"): c for c in root.iter("{http://www.w3.org/2000/svg}circle")}
    a, b = circles["a"], circles["b"]
    assert float(a.get("cx")) > float(b.get("cx"))  # higher CPI further right
    assert float(a.get("cy")) > float(b.get("cy"))  # lower SPI further down
    assert float(a.get("r")) > float(b.get("r"))
    assert a.get("fill") == "#c8372d"
    assert "&lt;A&amp;B&gt;" in svg


def test_empty_bubble_chart_says_so():
    assert "No project has earned-value figures yet." in bubble_chart([])


def test_heat_map_colours_over_capacity_and_labels_each_cell():
    weeks = [dt.date(2027, 1, 11), dt.date(2027, 1, 18)]
    svg = heat_map(
        [HeatRow("p1", "Dana", [HeatCell(60, 9, 40), HeatCell(0, 0, 40)])],
        weeks,
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own output
    cells = [r for r in root.iter("{http://www.w3.org/2000/svg}rect") if r.get("data-week")]
    assert [c.get("data-over") for c in cells] == ["1", None]
    assert cells[0].get("fill") == heat_colour(1.5) == "#c8372d"
    assert cells[1].get("fill") == heat_colour(0)
    assert "planned 60 h, recorded 9 h, capacity 40 h" in svg
    assert "60/9" in svg


def test_heat_colour_scale():
    assert [heat_colour(x) for x in (0, 0.4, 0.7, 1.0, 1.1, 1.3)] == [
        "#f7f8fa",
        "#dbe6f3",
        "#9db4d6",
        "#6b8cbc",
        "#f2b45a",
        "#c8372d",
    ]
    assert HeatCell(5, 0, 0).load == float("inf")
