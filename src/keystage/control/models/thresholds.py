"""The organisation's KPI thresholds: the green and amber boundaries per KPI."""

from __future__ import annotations

from django.db import models

from keystage.core.models import BaseModel


class KpiThresholdSet(BaseModel):
    """One organisation's boundaries, ``{kpi key: {"green": g, "amber": a}}``.

    Only the KPIs the organisation changed are stored; the others keep the defaults
    (``engine.kpi.DEFAULT_THRESHOLDS``). No row means every default. Versioned and
    journaled like any record.
    """

    organisation = models.OneToOneField(
        "accounts.Organisation", on_delete=models.CASCADE, related_name="kpi_thresholds"
    )
    rules = models.JSONField(default=dict, blank=True)

    def __str__(self) -> str:
        return "KPI thresholds"
