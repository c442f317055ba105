"""Earned value results: the figures at one date, a history point, a WBS or category row,
the compact summary and the whole report (the shapes pages, the API and reports read)."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal

import numpy as np
import numpy.typing as npt

from keystage.engine.evm_series import EvmSeries
from keystage.engine.money import to_cents
from keystage.planning.models import Baseline
from keystage.portfolio.models import Project

PERIODS = ("week", "month")
Floats = npt.NDArray[np.float64]


# ------------------------------------------------------------------ results


@dataclass(frozen=True)
class EvmFigures:
    """Every earned value and earned schedule figure at one data date (money in cents;
    indices ``None`` when undefined; ES and SV(t) in days)."""

    bac: Decimal
    pv: Decimal
    ev: Decimal
    ac: Decimal
    sv: Decimal
    cv: Decimal
    spi: float | None
    cpi: float | None
    eac_cpi: Decimal | None
    eac_cpi_spi: Decimal | None
    eac_budget_rate: Decimal
    etc: Decimal | None
    vac: Decimal | None
    tcpi_bac: float | None
    tcpi_eac: float | None
    es_days: float | None
    sv_t_days: float | None
    spi_t: float | None
    ieac_t_days: float | None
    percent_complete: float
    percent_spent: float | None

    @property
    def eac(self) -> Decimal | None:
        """The headline estimate at completion: EAC(CPI)."""
        return self.eac_cpi


@dataclass(frozen=True)
class EvmRow:
    """One WBS summary or one cost category with its figures."""

    key: str
    label: str
    level: int
    figures: EvmFigures


@dataclass(frozen=True)
class EvmPoint:
    """The history at the end of one period (the last one stops at the data date)."""

    label: str
    end: dt.date
    pv: Decimal
    ev: Decimal | None
    ac: Decimal | None
    spi: float | None
    cpi: float | None
    spi_t: float | None
    sv_t: float | None  # periods


@dataclass(frozen=True)
class EvmSummary:
    """The compact answer other features read (dashboard, KPIs, status report)."""

    project_id: str
    data_date: dt.date | None
    currency: str
    has_baseline: bool
    baseline_name: str = ""
    bac: Decimal | None = None
    pv: Decimal | None = None
    ev: Decimal | None = None
    ac: Decimal | None = None
    spi: float | None = None
    cpi: float | None = None
    spi_t: float | None = None
    sv_t: float | None = None  # days
    eac: Decimal | None = None
    vac: Decimal | None = None
    tcpi: float | None = None  # TCPI(BAC)
    forecast_finish: dt.date | None = None
    baseline_finish: dt.date | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class EvmReport:
    """The whole earned-value page: headline, WBS summaries, categories, history."""

    project: Project
    currency: str
    summary: EvmSummary
    figures: EvmFigures | None
    baselines: tuple[Baseline, ...]
    baseline: Baseline | None
    data_date: dt.date
    data_date_set: bool
    period: str
    planned_finish: dt.date | None = None
    contingency: Decimal = Decimal(0)
    wbs: tuple[EvmRow, ...] = ()
    categories: tuple[EvmRow, ...] = ()
    history: tuple[EvmPoint, ...] = ()
    plan_points: tuple[tuple[str, Decimal], ...] = ()  # the whole PV curve by period
    forecast_position: float | None = None  # IEAC(t) in periods of the history
    notes: tuple[str, ...] = field(default_factory=tuple)


# ------------------------------------------------------------------ the computation


def _cents(value: float) -> Decimal:
    return to_cents(value)


def _opt_cents(value: float) -> Decimal | None:
    return None if not math.isfinite(value) else to_cents(value)


def _opt(value: float) -> float | None:
    return None if not math.isfinite(value) else float(value)


def _figures(s: EvmSeries, j: int, bac_total: float | None = None) -> EvmFigures:
    bac = s.bac if bac_total is None else bac_total
    pv, ev, ac = _cents(s.pv[j]), _cents(s.ev[j]), _cents(s.ac[j])
    eac = _opt_cents(s.eac_cpi[j])
    return EvmFigures(
        bac=_cents(bac),
        pv=pv,
        ev=ev,
        ac=ac,
        sv=ev - pv,
        cv=ev - ac,
        spi=_opt(s.spi[j]),
        cpi=_opt(s.cpi[j]),
        eac_cpi=eac,
        eac_cpi_spi=_opt_cents(s.eac_cpi_spi[j]),
        eac_budget_rate=_cents(s.eac_budget_rate[j]),
        etc=None if eac is None else eac - ac,
        vac=None if eac is None else _cents(bac) - eac,
        tcpi_bac=_opt(s.tcpi_bac[j]),
        tcpi_eac=_opt(s.tcpi_eac[j]),
        es_days=_opt(s.es[j]),
        sv_t_days=_opt(s.sv_t[j]),
        spi_t=_opt(s.spi_t[j]),
        ieac_t_days=_opt(s.ieac_t[j]),
        percent_complete=float(s.ev[j] / bac * 100) if bac else 0.0,
        percent_spent=float(s.ac[j] / bac * 100) if bac else None,
    )


def point_series(points: Sequence[EvmPoint], name: str) -> list[float | None]:
    """One field of the history as a list (for charts)."""
    return [getattr(p, name) for p in points]
