"""The earned-value API's representations: every figure described for the OpenAPI schema."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers


def _money(help_text: str, **kwargs: Any) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=18, decimal_places=2, read_only=True, help_text=help_text, **kwargs
    )


def _index(help_text: str) -> serializers.FloatField:
    return serializers.FloatField(
        read_only=True, allow_null=True, help_text=help_text + " Null when undefined."
    )


class EvmFiguresSerializer(serializers.Serializer[Any]):
    """Earned value and earned schedule at the data date (money in the project's currency)."""

    bac = _money("Budget at completion: the baseline's time-phased cost plan (no contingency).")
    pv = _money("Planned value: baselined cost planned up to the end of the data date.")
    ev = _money("Earned value: Σ % complete × baselined cost (physical % if set, else duration %).")
    ac = _money("Actual cost: approved labour + expenses + supplier invoices to the data date.")
    sv = _money("Schedule variance: EV − PV.")
    cv = _money("Cost variance: EV − AC.")
    spi = _index("Schedule performance index: EV / PV.")
    cpi = _index("Cost performance index: EV / AC.")
    eac_cpi = _money(
        "Estimate at completion, CPI method: AC + (BAC − EV) / CPI. The headline EAC.",
        allow_null=True,
    )
    eac_cpi_spi = _money(
        "Estimate at completion, CPI × SPI method: AC + (BAC − EV) / (CPI × SPI).",
        allow_null=True,
    )
    eac_budget_rate = _money("Estimate at completion at the budget rate: AC + (BAC − EV).")
    etc = _money("Estimate to complete: EAC(CPI) − AC.", allow_null=True)
    vac = _money("Variance at completion: BAC − EAC(CPI); negative is an overrun.", allow_null=True)
    tcpi_bac = _index(
        "To-complete performance index to finish within BAC: (BAC − EV) / (BAC − AC). "
        "Negative (meaningless) once AC exceeds BAC."
    )
    tcpi_eac = _index("To-complete performance index to finish at EAC: (BAC − EV) / (EAC − AC).")
    es_days = _index("Earned schedule in days from the start of the project's time axis.")
    sv_t_days = _index("Schedule variance in time, days: ES − AT.")
    spi_t = _index("Schedule performance index in time: ES / AT.")
    ieac_t_days = _index("Independent estimate at completion in time (days), Lipke's IEAC(t).")
    percent_complete = serializers.FloatField(read_only=True, help_text="EV / BAC × 100.")
    percent_spent = _index("AC / BAC × 100.")


class EvmRowSerializer(serializers.Serializer[Any]):
    """One WBS summary (key = WBS code) or one cost category (key = category)."""

    key = serializers.CharField(read_only=True, help_text="WBS code or category key.")
    label = serializers.CharField(  # type: ignore[assignment]
        read_only=True, help_text="Summary task name or category."
    )
    level = serializers.IntegerField(read_only=True, help_text="Outline level (1 for categories).")
    figures = EvmFiguresSerializer(read_only=True)


class EvmSummarySerializer(serializers.Serializer[Any]):
    """The compact summary the dashboard, KPIs and status reports read."""

    project_id = serializers.CharField(read_only=True)
    data_date = serializers.DateField(
        read_only=True, allow_null=True, help_text="The project's data date (today when unset)."
    )
    currency = serializers.CharField(read_only=True, help_text="ISO 4217 code of every amount.")
    has_baseline = serializers.BooleanField(
        read_only=True, help_text="False: no baseline (or one without cost); figures are null."
    )
    baseline_name = serializers.CharField(read_only=True)
    bac = _money("Budget at completion.", allow_null=True)
    pv = _money("Planned value at the data date.", allow_null=True)
    ev = _money("Earned value at the data date.", allow_null=True)
    ac = _money("Actual cost at the data date.", allow_null=True)
    spi = _index("EV / PV.")
    cpi = _index("EV / AC.")
    spi_t = _index("ES / AT.")
    sv_t = _index("ES − AT in days.")
    eac = _money("EAC(CPI).", allow_null=True)
    vac = _money("BAC − EAC(CPI).", allow_null=True)
    tcpi = _index("TCPI(BAC).")
    forecast_finish = serializers.DateField(
        read_only=True,
        allow_null=True,
        help_text="Forecast finish: AT + (baselined duration − ES) / SPI(t) days from the start.",
    )
    baseline_finish = serializers.DateField(read_only=True, allow_null=True)
    notes = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="Edge cases in words (no baseline, EV = 0, AC above BAC, …).",
    )


class EvmReportSerializer(serializers.Serializer[Any]):
    """Earned value of the project: summary, every figure, by WBS summary and by category."""

    summary = EvmSummarySerializer(read_only=True)
    figures = EvmFiguresSerializer(read_only=True, allow_null=True)
    baseline_id = serializers.UUIDField(read_only=True, allow_null=True)
    planned_finish = serializers.DateField(read_only=True, allow_null=True)
    contingency = _money("The baseline's contingency, outside BAC.")
    wbs = EvmRowSerializer(many=True, read_only=True)
    categories = EvmRowSerializer(many=True, read_only=True)


class EvmPointSerializer(serializers.Serializer[Any]):
    """The figures at the end of one period; the last one stops at the data date."""

    label = serializers.CharField(read_only=True, help_text="Week start (dd Mon) or month.")  # type: ignore[assignment]
    end = serializers.DateField(read_only=True, help_text="Last day of the period.")
    pv = _money("Cumulative planned value.")
    ev = _money("Cumulative earned value.", allow_null=True)
    ac = _money("Cumulative actual cost.", allow_null=True)
    spi = _index("EV / PV.")
    cpi = _index("EV / AC.")
    spi_t = _index("ES / AT, with ES and AT in periods.")
    sv_t = _index("ES − AT in periods (weeks or months).")


class EvmPlanPointSerializer(serializers.Serializer[Any]):
    """The baseline's cumulative planned value at the end of every period."""

    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    pv = _money("Cumulative planned value.")


class EvmHistorySerializer(serializers.Serializer[Any]):
    """Earned value period by period up to the data date, and the whole planned curve."""

    period = serializers.ChoiceField(choices=["week", "month"], read_only=True)
    currency = serializers.CharField(read_only=True)
    data_date = serializers.DateField(read_only=True)
    baseline_id = serializers.UUIDField(read_only=True, allow_null=True)
    points = EvmPointSerializer(many=True, read_only=True)
    plan = EvmPlanPointSerializer(many=True, read_only=True)
    forecast_position = serializers.FloatField(
        read_only=True,
        allow_null=True,
        help_text="IEAC(t) in periods from the first period's start (for the S-curve).",
    )
