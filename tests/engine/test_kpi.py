"""KPI rules: RAG by direction and thresholds, reasons in words, health = worst measured."""

from __future__ import annotations

import pytest

from keystage.engine.kpi import (
    DEFAULT_THRESHOLDS,
    Direction,
    KpiInput,
    Rag,
    ThresholdError,
    Thresholds,
    crossed_into_warning,
    evaluate,
    health,
    thresholds_from_dict,
)

CPI = DEFAULT_THRESHOLDS["cpi"]
LATE = DEFAULT_THRESHOLDS["milestones_late"]


def cpi(value):
    return KpiInput(key="cpi", area="cost", name="CPI", value=value, thresholds=CPI)


@pytest.mark.parametrize(
    ("value", "rag", "reason"),
    [
        (1.02, Rag.GREEN, "CPI 1.02 ≥ 0.95"),
        (0.95, Rag.GREEN, "CPI 0.95 ≥ 0.95"),
        (0.92, Rag.AMBER, "CPI 0.92 < 0.95"),
        (0.90, Rag.AMBER, "CPI 0.90 < 0.95"),
        (0.87, Rag.RED, "CPI 0.87 < 0.90"),
        # 0.8951 shows as 0.90: the verdict follows what is shown, never "0.90 < 0.90".
        (0.8951, Rag.AMBER, "CPI 0.90 < 0.95"),
    ],
)
def test_higher_is_better(value, rag, reason):
    result = evaluate(cpi(value))
    assert (result.rag, result.reason) == (rag, reason)


@pytest.mark.parametrize(
    ("value", "rag", "reason"),
    [
        (0, Rag.GREEN, "0 milestones late ≤ 0"),
        (1, Rag.AMBER, "1 milestones late > 0"),
        (3, Rag.RED, "3 milestones late > 1"),
    ],
)
def test_lower_is_better_counts_read_value_first(value, rag, reason):
    kpi = KpiInput(
        key="milestones_late",
        area="time",
        name="milestones late",
        value=value,
        thresholds=LATE,
        decimals=0,
        count=True,
    )
    result = evaluate(kpi)
    assert (result.rag, result.reason) == (rag, reason)
    assert result.threshold_text == "green ≤ 0, amber ≤ 1, red above"


def test_units_and_detail_in_the_reason():
    kpi = KpiInput(
        key="finish_slip",
        area="time",
        name="Forecast finish slip",
        value=12,
        thresholds=DEFAULT_THRESHOLDS["finish_slip"],
        unit="working days",
        decimals=0,
        detail="forecast 12 Mar 2027, baseline 24 Feb 2027",
    )
    result = evaluate(kpi)
    assert result.rag is Rag.RED
    assert result.reason == (
        "Forecast finish slip 12 working days > 10 working days "
        "(forecast 12 Mar 2027, baseline 24 Feb 2027)"
    )


@pytest.mark.parametrize("value", [None, float("nan"), float("inf")])
def test_undefined_is_not_measured_with_the_reason(value):
    kpi = KpiInput(
        key="risk_exposure",
        area="risk",
        name="Risk",
        value=value,
        thresholds=DEFAULT_THRESHOLDS["risk_exposure"],
        missing="no risk register yet",
    )
    result = evaluate(kpi)
    assert result.rag is Rag.NOT_MEASURED
    assert result.value is None and result.value_text == "—"
    assert result.reason == "Risk: not measured — no risk register yet"


def test_health_is_the_worst_measured_kpi_with_its_reasons():
    results = [
        evaluate(cpi(0.87)),
        evaluate(cpi(0.92)),
        evaluate(
            KpiInput(
                key="milestones_late",
                area="time",
                name="milestones late",
                value=3,
                thresholds=LATE,
                decimals=0,
                count=True,
            )
        ),
        evaluate(cpi(None)),
    ]
    verdict = health(results)
    assert verdict.rag is Rag.RED
    assert verdict.reasons == ("CPI 0.87 < 0.90", "3 milestones late > 1")


def test_health_ignores_unmeasured_and_reports_when_nothing_is_measured():
    assert health([evaluate(cpi(None))]).rag is Rag.NOT_MEASURED
    assert health([]).rag is Rag.NOT_MEASURED
    green = health([evaluate(cpi(1.0)), evaluate(cpi(None))])
    assert green.rag is Rag.GREEN
    assert green.reasons == ("Every measured KPI is within its green threshold.",)


def test_crossing_into_warning_only_from_a_better_level():
    assert crossed_into_warning(None, Rag.AMBER)
    assert crossed_into_warning(Rag.GREEN, Rag.AMBER)
    assert crossed_into_warning(Rag.AMBER, Rag.RED)
    assert crossed_into_warning(Rag.NOT_MEASURED, Rag.RED)
    assert not crossed_into_warning(Rag.AMBER, Rag.AMBER)
    assert not crossed_into_warning(Rag.RED, Rag.AMBER)
    assert not crossed_into_warning(Rag.RED, Rag.RED)
    assert not crossed_into_warning(Rag.AMBER, Rag.GREEN)
    assert not crossed_into_warning(None, Rag.GREEN)


def test_organisation_rules_overlay_the_defaults_and_keep_the_direction():
    merged = thresholds_from_dict({"cpi": {"green": 1.0, "amber": 0.8}})
    assert merged["cpi"] == Thresholds(Direction.HIGHER, 1.0, 0.8)
    assert merged["spi_t"] == DEFAULT_THRESHOLDS["spi_t"]


@pytest.mark.parametrize(
    ("rules", "field"),
    [
        ({"nope": {"green": 1, "amber": 0}}, "nope"),
        ({"cpi": {"green": 0.9, "amber": 0.95}}, "cpi"),
        ({"finish_slip": {"green": 10, "amber": 0}}, "finish_slip"),
        ({"cpi": {"green": "x", "amber": 0.9}}, "cpi"),
        ({"cpi": {"green": float("nan"), "amber": 0.9}}, "cpi"),
        ({"cpi": "high"}, "cpi"),
    ],
)
def test_contradictory_rules_are_refused_by_name(rules, field):
    with pytest.raises(ThresholdError) as caught:
        thresholds_from_dict(rules)
    assert caught.value.field == field


def test_working_days_between_counts_forward_and_back_without_weekends_and_holidays():
    import datetime as dt

    from keystage.engine.kpi import working_days_between

    friday, next_friday = dt.date(2027, 3, 5), dt.date(2027, 3, 12)
    assert working_days_between(friday, next_friday) == 5
    assert working_days_between(next_friday, friday) == -5
    assert working_days_between(friday, friday) == 0
    off = [(dt.date(2027, 3, 8), dt.date(2027, 3, 9))]
    assert working_days_between(friday, next_friday, holidays=off) == 3
    assert working_days_between(friday, next_friday, weekdays="1234567") == 7
