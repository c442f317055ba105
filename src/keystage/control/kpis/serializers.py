"""API shapes of KPIs, health and the organisation's thresholds."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

RAG_HELP = "green, amber, red or not_measured."


class ThresholdBoundsSerializer(serializers.Serializer[Any]):
    """One KPI's boundaries; the direction is the KPI's own."""

    direction = serializers.CharField(
        read_only=True,
        help_text="higher: green when value ≥ green, amber when ≥ amber, red below; "
        "lower: green when value ≤ green, amber when ≤ amber, red above.",
    )
    green = serializers.FloatField(help_text="The green boundary.")
    amber = serializers.FloatField(help_text="The amber boundary.")


class KpiSerializer(serializers.Serializer[Any]):
    """One KPI with its verdict and the reason in words."""

    key = serializers.CharField(
        read_only=True, help_text="The KPI, e.g. cpi, milestones_late, goal:<goal id>."
    )
    threshold_key = serializers.CharField(
        read_only=True, help_text="The thresholds it is measured against."
    )
    area = serializers.CharField(
        read_only=True, help_text="time, cost, scope, quality, risk or goals."
    )
    name = serializers.CharField(read_only=True, help_text="The KPI as the reason names it.")
    label = serializers.CharField(read_only=True, help_text="The KPI as a table names it.")  # type: ignore[assignment]
    value = serializers.FloatField(
        read_only=True, allow_null=True, help_text="The measured value; null: not measured."
    )
    value_text = serializers.CharField(read_only=True, help_text="The value as shown, with unit.")
    unit = serializers.CharField(read_only=True, help_text="%, working days, points or empty.")
    rag = serializers.CharField(read_only=True, help_text=RAG_HELP)
    rag_label = serializers.CharField(read_only=True, help_text="The RAG in words.")
    thresholds = ThresholdBoundsSerializer(read_only=True)
    threshold_text = serializers.CharField(
        read_only=True,
        help_text="The boundaries in words: 'green ≥ 0.95, amber ≥ 0.90, red below'.",
    )
    reason = serializers.CharField(
        read_only=True, help_text="Why: 'CPI 0.87 < 0.90', or why it is not measured."
    )


class HealthSerializer(serializers.Serializer[Any]):
    """The project's health: the worst RAG among its measured KPIs."""

    rag = serializers.CharField(read_only=True, help_text=RAG_HELP)
    rag_label = serializers.CharField(read_only=True, help_text="The RAG in words.")
    reasons = serializers.ListField(
        child=serializers.CharField(),
        read_only=True,
        help_text="The reasons of the KPIs at the worst level.",
    )


class ProjectKpisSerializer(serializers.Serializer[Any]):
    """Every KPI of the project on its status date, and its health."""

    project = serializers.UUIDField(read_only=True, help_text="The project's id.")
    status_date = serializers.DateField(
        read_only=True, help_text="The project's data date, else today."
    )
    health = HealthSerializer(read_only=True)
    kpis = KpiSerializer(many=True, read_only=True)


class ThresholdRowSerializer(serializers.Serializer[Any]):
    """One KPI's boundaries in the organisation, with the default."""

    key = serializers.CharField(read_only=True, help_text="The KPI's key, e.g. cpi.")
    area = serializers.CharField(
        read_only=True, help_text="time, cost, scope, quality, risk or goals."
    )
    name = serializers.CharField(read_only=True, help_text="The KPI as reasons name it.")
    unit = serializers.CharField(read_only=True, help_text="%, working days, points or empty.")
    help = serializers.CharField(read_only=True, help_text="What the KPI measures.")
    direction = serializers.CharField(read_only=True, help_text="higher or lower is better.")
    green = serializers.FloatField(read_only=True, help_text="The organisation's green boundary.")
    amber = serializers.FloatField(read_only=True, help_text="The organisation's amber boundary.")
    default_green = serializers.FloatField(read_only=True, help_text="Keystage's default.")
    default_amber = serializers.FloatField(read_only=True, help_text="Keystage's default.")
    is_default = serializers.BooleanField(
        read_only=True, help_text="Whether the organisation keeps the defaults."
    )


class ThresholdSheetSerializer(serializers.Serializer[Any]):
    """The organisation's KPI thresholds."""

    version = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Null until first saved (send none then)."
    )
    can_edit = serializers.BooleanField(
        read_only=True, help_text="Whether you may change them (admins, portfolio owners)."
    )
    thresholds = ThresholdRowSerializer(many=True, read_only=True)


class ThresholdWriteSerializer(serializers.Serializer[Any]):
    """The whole set: KPI key → {green, amber}; a KPI left out returns to its default."""

    thresholds = serializers.DictField(
        child=ThresholdBoundsSerializer(),
        help_text='e.g. {"cpi": {"green": 0.95, "amber": 0.9}}.',
    )
    version = serializers.IntegerField(
        min_value=1, required=False, help_text="The version you read (not on the first save)."
    )


def kpi_document(kpis: Any) -> dict[str, Any]:
    """A :class:`ProjectKpis` as the API's plain data."""
    return {
        "project": kpis.project.public_id,
        "status_date": kpis.status_date,
        "health": {
            "rag": kpis.health.rag.value,
            "rag_label": kpis.health.rag.label,
            "reasons": list(kpis.health.reasons),
        },
        "kpis": [
            {
                "key": r.key,
                "threshold_key": r.threshold_key,
                "area": r.area,
                "name": r.name,
                "label": r.label,
                "value": r.value,
                "value_text": r.value_text,
                "unit": r.unit,
                "rag": r.rag.value,
                "rag_label": r.rag.label,
                "thresholds": {
                    "direction": r.direction.value,
                    "green": r.thresholds.green,
                    "amber": r.thresholds.amber,
                },
                "threshold_text": r.threshold_text,
                "reason": r.reason,
            }
            for r in kpis.results
        ],
    }


def sheet_document(sheet: Any) -> dict[str, Any]:
    """A :class:`ThresholdSheet` as the API's plain data."""
    return {
        "version": sheet.version,
        "can_edit": sheet.can_edit,
        "thresholds": [
            {
                "key": row.spec.key,
                "area": row.spec.area,
                "name": row.spec.name,
                "unit": row.spec.unit,
                "help": row.spec.help,
                "direction": row.thresholds.direction.value,
                "green": row.thresholds.green,
                "amber": row.thresholds.amber,
                "default_green": row.default.green,
                "default_amber": row.default.amber,
                "is_default": row.is_default,
            }
            for row in sheet.rows
        ],
    }
