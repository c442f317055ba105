"""The trend chart of a goal's measurements: points, levels, spaced date labels, escaping."""

from __future__ import annotations

import datetime as dt
import re
import xml.etree.ElementTree as ET

from keystage.reporting.svg.trend import trend_chart

NS = {"s": "http://www.w3.org/2000/svg"}


def test_points_levels_and_due_line_are_drawn():
    svg = trend_chart(
        [(dt.date(2026, 11, 2), 14.0), (dt.date(2026, 11, 20), 17.0)],
        levels=[("Baseline", 20.0), ("Target", 10.0)],
        title="Closing <time>",
        due=dt.date(2027, 6, 30),
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is well-formed
    assert root.find("s:title", NS).text == "Closing <time>"
    assert len(root.findall(".//s:circle", NS)) == 2
    assert [c.get("data-point") for c in root.findall(".//s:circle", NS)] == [
        "2026-11-02",
        "2026-11-20",
    ]
    assert {e.get("data-level") for e in root.iter() if e.get("data-level")} == {
        "Baseline",
        "Target",
    }
    labels = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "Due" in labels and "30 Jun 27" in labels
    # Two measurements 18 days apart on an eight-month axis: one label, not two overlapping.
    assert ("02 Nov 26" in labels) != ("20 Nov 26" in labels)


def test_no_measurements_says_so_and_a_single_day_still_has_a_range():
    empty = trend_chart([], levels=[("Target", 5.0)], title="x")
    assert "No measurements yet" in empty
    one = trend_chart([(dt.date(2027, 1, 1), 3.0)], title="x")
    assert not re.search(r"nan|inf", one)
