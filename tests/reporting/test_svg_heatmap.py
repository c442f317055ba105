"""The risk heat map: a cell per probability × impact level with its count as text, shaded by
rating, labelled axes, escaped text, and refused inconsistent input. Also the matrix rules."""

from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from keystage.reporting.svg.charts import ChartError
from keystage.reporting.svg.heatmap import RATING_FILL, risk_heat_map
from keystage.risks.matrix import DEFAULT_MATRIX, MatrixError, matrix_from_rules

NS = {"s": "http://www.w3.org/2000/svg"}
LABELS = ["Rare", "Unlikely", "Possible", "Likely", "<Certain>"]


def _ratings():
    return [[DEFAULT_MATRIX.rating((p + 1) * (i + 1)) for i in range(5)] for p in range(5)]


def test_cells_show_counts_as_text_and_ratings_as_shade():
    counts = [[0] * 5 for _ in range(5)]
    counts[4][3] = 2  # almost certain × major: 20, high
    counts[0][1] = 1  # rare × minor: 2, low
    svg = risk_heat_map(
        counts, _ratings(), probability_labels=LABELS, impact_labels=LABELS, title="Before"
    )
    root = ET.fromstring(svg)  # noqa: S314 - our own output, parsed to prove it is well-formed
    assert root.find("s:title", NS).text == "Before"
    assert "3 risks" in root.find("s:desc", NS).text
    cells = {g.get("data-cell"): g for g in root.iter("{http://www.w3.org/2000/svg}g")}
    assert len(cells) == 25
    high = cells["5-4"]
    assert high.get("data-count") == "2" and high.find("s:text", NS).text == "2"
    assert high.find("s:rect", NS).get("fill") == RATING_FILL["high"]
    assert "(high)" in high.find("s:title", NS).text
    assert cells["1-2"].find("s:rect", NS).get("fill") == RATING_FILL["low"]
    assert cells["3-3"].find("s:text", NS) is None  # an empty cell shows no number
    assert "&lt;Certain&gt;" in svg


def test_inconsistent_input_is_refused():
    good = [[0] * 5 for _ in range(5)]
    with pytest.raises(ChartError):
        risk_heat_map(good[:4], _ratings(), probability_labels=LABELS, impact_labels=LABELS,
                      title="x")  # fmt: skip
    bad = _ratings()
    bad[0][0] = "purple"
    with pytest.raises(ChartError):
        risk_heat_map(good, bad, probability_labels=LABELS, impact_labels=LABELS, title="x")


def test_matrix_levels_scores_and_rules():
    m = DEFAULT_MATRIX
    assert [m.probability_level(p) for p in (0, 0.1, 0.11, 0.5, 0.71, 1)] == [1, 1, 2, 3, 5, 5]
    # The worse of schedule and cost decides the impact level.
    assert m.impact_level(1, 60000) == 4 and m.impact_level(25, 0) == 5
    assert m.position(0.6, 10, 30000).score == 12
    assert [m.rating(s) for s in (4, 5, 14, 15)] == ["low", "medium", "medium", "high"]
    with pytest.raises(MatrixError) as refused:
        matrix_from_rules(
            {
                "probability_bounds": [0.2, 0.1, 0.5, 0.7],
                "cost_bounds": [1, 2, 3],
                "impact_labels": ["a", "b", "c", "d", ""],
                "medium_from": 9,
                "high_from": 9,
                "colour": "red",
            }
        )
    assert set(refused.value.errors) == {
        "probability_bounds",
        "cost_bounds",
        "impact_labels",
        "high_from",
        "colour",
    }
    with pytest.raises(MatrixError):  # a probability bound of 1 leaves level 5 empty
        matrix_from_rules({"probability_bounds": [0.2, 0.4, 0.6, 1.0]})
