"""Each project's earned-value summary as of its data date, kept for the portfolio dashboard.

A cache the system writes, never a user: :mod:`keystage.control.evm_snapshots` marks a row
stale in the transaction of every write that moves the project's figures, refreshes it after
the commit, and the dashboard shows a row only while it is fresh and its plan fingerprint
still matches the live one (otherwise it computes that project's figures live).
"""

from __future__ import annotations

from django.db import models

from keystage.portfolio.models import Project


def _money() -> models.DecimalField:  # type: ignore[type-arg]
    """A money column: cents, below 10^17 (a larger figure is never stored: computed live)."""
    return models.DecimalField(max_digits=20, decimal_places=2, null=True, blank=True)


class EvmSnapshot(models.Model):
    """The compact EVM summary of one project (``EvmSummary``), with what it was computed
    from (``fingerprint``), when, and whether a write has moved the figures since."""

    project = models.OneToOneField(Project, on_delete=models.CASCADE, related_name="evm_snapshot")
    generation = models.PositiveIntegerField(
        default=0, help_text="Bumped by every write that moves the figures."
    )
    stale = models.BooleanField(
        default=True, help_text="A write moved the figures after the last refresh."
    )
    fingerprint = models.CharField(
        max_length=300,
        blank=True,
        help_text="The plan the figures were computed from: latest baseline, calendar, "
        "tasks, start date, currency and (without a data date) the day.",
    )
    computed_at = models.DateTimeField(null=True, blank=True)
    has_baseline = models.BooleanField(default=False)
    baseline_name = models.CharField(max_length=200, blank=True)
    data_date = models.DateField(null=True, blank=True, help_text="The as-of date.")
    currency = models.CharField(max_length=3, blank=True)
    bac = _money()
    pv = _money()
    ev = _money()
    ac = _money()
    eac = _money()
    vac = _money()
    spi = models.FloatField(null=True, blank=True)
    cpi = models.FloatField(null=True, blank=True)
    spi_t = models.FloatField(null=True, blank=True)
    sv_t = models.FloatField(null=True, blank=True)
    tcpi = models.FloatField(null=True, blank=True)
    forecast_finish = models.DateField(null=True, blank=True)
    baseline_finish = models.DateField(null=True, blank=True)
    notes = models.JSONField(default=list, blank=True)

    def __str__(self) -> str:
        return f"EVM of project {self.project_id} as of {self.data_date}"
