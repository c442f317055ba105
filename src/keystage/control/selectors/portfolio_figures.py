"""Control's figures for the portfolio dashboard: earned value, the last health check and
the highest-rated open risk of the register.

Registered with ``portfolio.dashboard.register_project_figures`` from ``ControlConfig.ready``;
one call for the whole list, in a constant number of queries. Earned value comes from the
stored summaries (``control.evm_snapshots``): one query for all projects, plus a live
computation of those whose row is missing or not current.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from keystage.accounts.models import Organisation
from keystage.control.evm_snapshots import dashboard_summaries
from keystage.control.models import KpiState
from keystage.portfolio.models import Project
from keystage.risks.selectors.register import top_risks

#: Worst first: the project's health is the worst RAG its last check found.
_ORDER = ("red", "amber", "green")


def _with_organisations(projects: Sequence[Project]) -> None:
    """Give each project its organisation from one query (the summaries read its currency)."""
    wanted = {p.organisation_id for p in projects if "organisation" not in p._state.fields_cache}
    if not wanted:
        return
    organisations = Organisation.objects.in_bulk(wanted)
    for project in projects:
        if project.organisation_id in organisations:
            project.organisation = organisations[project.organisation_id]


def _health(projects: Sequence[Project]) -> dict[int, tuple[str, str]]:
    """Each project's health from its stored KPI states: the worst measured RAG and the
    reasons at that level (as of the last check: alerts and the Health tab keep it fresh)."""
    found: dict[int, dict[str, list[str]]] = {}
    for project_id, rag, reason in KpiState.objects.filter(
        project_id__in=[p.pk for p in projects], rag__in=_ORDER
    ).values_list("project_id", "rag", "reason"):  # plain values: no model per state
        found.setdefault(project_id, {}).setdefault(rag, []).append(reason)
    out = {}
    for pk, by_rag in found.items():
        worst = next(rag for rag in _ORDER if rag in by_rag)
        reasons = [r for r in by_rag[worst] if r] if worst != "green" else []
        out[pk] = (worst, "; ".join(reasons[:3]))
    return out


def control_figures(projects: Sequence[Project]) -> dict[int, dict[str, Any]]:
    """SPI, CPI, EAC, forecast finish, health (with its reason) and the top risk per project pk."""
    projects = list(projects)
    if not projects:
        return {}
    _with_organisations(projects)
    summaries = dashboard_summaries(projects)  # stored rows; live for those not current
    health = _health(projects)
    top = top_risks(projects)
    out: dict[int, dict[str, Any]] = {}
    for project in projects:
        summary = summaries.get(project.pk)
        figures: dict[str, Any] = {}
        if summary is not None and summary.has_baseline:
            figures.update(
                spi=summary.spi,
                cpi=summary.cpi,
                eac=summary.eac,
                forecast_finish=summary.forecast_finish,
            )
        if project.pk in health:
            figures["health"], figures["health_reason"] = health[project.pk]
        if project.pk in top:
            risk = top[project.pk]
            figures["top_risk"] = f"{risk.key} {risk.title} ({risk.before_at.rating})"
        out[project.pk] = figures
    return out
