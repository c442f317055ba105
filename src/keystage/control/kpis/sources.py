"""Where each KPI's figure comes from. A source takes a :class:`KpiContext` and returns
:class:`engine.kpi.KpiInput` rows; ``SOURCES`` lists them in the order the pages show.

Earned value enters in one place only: :func:`evm_source`. It turns an object with the
attributes of ``control.selectors.evm.EvmSummary`` (spi, cpi, spi_t, sv_t, eac, bac, vac,
tcpi, forecast_finish, baseline_finish, data_date, currency) into KPI inputs through
:func:`evm_inputs`; until the earned-value module is wired to it, every EVM KPI is
*not measured*, never a made-up figure.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max
from django.utils import timezone

from keystage.control.changes.selectors import change_figures
from keystage.control.kpis.catalogue import CATALOGUE
from keystage.control.selectors.evm import evm_summaries
from keystage.core.models import AuditAction, AuditEntry
from keystage.costs.selectors import cost_plan
from keystage.engine.kpi import KpiInput, Thresholds, working_days_between
from keystage.planning.models import (
    Baseline,
    BaselineTask,
    Goal,
    Holiday,
    ProjectCalendar,
    Task,
    TaskKind,
)
from keystage.planning.models.goals import plain_number
from keystage.planning.selectors.goals import goal_progress
from keystage.portfolio.models import Project
from keystage.quality.selectors.acceptance import acceptance_rows
from keystage.quality.selectors.summary import QualitySummary, quality_summary
from keystage.risks.selectors.register import project_risk_figures

NO_EVM = "no earned value yet (earned value is not available for this project)"


@dataclass(frozen=True, slots=True)
class KpiContext:
    """What every source needs: the project, its status date, thresholds and calendar."""

    project: Project
    status_date: dt.date
    thresholds: dict[str, Thresholds]
    weekdays: str = "12345"
    holidays: tuple[tuple[dt.date, dt.date], ...] = ()

    def working_days(self, start: dt.date, end: dt.date) -> int:
        """Working days of the project calendar from ``start`` to ``end`` (signed)."""
        return working_days_between(start, end, weekdays=self.weekdays, holidays=self.holidays)


def context_for(
    project: Project, thresholds: dict[str, Thresholds], today: dt.date | None = None
) -> KpiContext:
    """The context of ``project``: its data date (else today) and its working calendar."""
    calendar = ProjectCalendar.objects.filter(project=project).first()
    status = (calendar.data_date if calendar else None) or today or timezone.localdate()
    holidays = tuple(Holiday.objects.filter(project=project).values_list("start_date", "end_date"))
    return KpiContext(
        project=project,
        status_date=status,
        thresholds=thresholds,
        weekdays=calendar.working_weekdays if calendar else "12345",
        holidays=holidays,
    )


def kpi(
    key: str,
    ctx: KpiContext,
    value: float | Decimal | None,
    *,
    missing: str = "",
    detail: str = "",
    row_key: str = "",
    name: str = "",
    label: str = "",
) -> KpiInput:
    """A KPI input from the catalogue's entry ``key`` and the organisation's thresholds."""
    spec = CATALOGUE[key]
    return KpiInput(
        key=row_key or key,
        area=spec.area,
        name=name or spec.name,
        value=None if value is None else float(value),
        thresholds=ctx.thresholds[key],
        unit=spec.unit,
        decimals=spec.decimals,
        count=spec.count,
        missing=missing,
        detail=detail,
        threshold_key=key,
        label=label or spec.title,
    )


def _day(value: Any) -> str:
    return f"{value:%d %b %Y}" if value else "—"


def _money_detail(eac: Any, bac: Any, currency: Any) -> str:
    return f"EAC {Decimal(eac):,.0f} against BAC {Decimal(bac):,.0f} {currency or ''}".strip()


def evm_inputs(summary: Any | None, ctx: KpiContext, *, missing: str = NO_EVM) -> list[KpiInput]:
    """SPI(t), forecast finish slip, CPI and EAC over budget from an ``EvmSummary``-like
    object (or ``None``: all four not measured with ``missing``). A figure the summary
    leaves undefined (``None``: e.g. CPI before any actual cost) is not measured."""
    get = (lambda name: getattr(summary, name, None)) if summary is not None else (lambda _: None)
    spi_t, cpi = get("spi_t"), get("cpi")
    forecast, baseline = get("forecast_finish"), get("baseline_finish")
    eac, bac = get("eac"), get("bac")
    slip = ctx.working_days(baseline, forecast) if forecast and baseline else None
    overrun = (
        (Decimal(eac) - Decimal(bac)) / Decimal(bac) * 100
        if eac is not None and bac not in (None, 0)
        else None
    )
    why = missing if summary is None else ""
    return [
        kpi("spi_t", ctx, spi_t, missing=why or "earned schedule is undefined (no progress)"),
        kpi(
            "finish_slip",
            ctx,
            slip,
            missing=why or "no forecast or baseline finish",
            detail=f"forecast {_day(forecast)}, baseline {_day(baseline)}"
            if slip is not None
            else "",
        ),
        kpi("cpi", ctx, cpi, missing=why or "no actual cost yet"),
        kpi(
            "eac_overrun",
            ctx,
            overrun,
            missing=why or "no budget at completion",
            detail=_money_detail(eac, bac, get("currency")) if overrun is not None else "",
        ),
    ]


def evm_source(ctx: KpiContext) -> list[KpiInput]:
    """THE place earned value enters the KPIs: the project's earned-value summary at the
    status date (`control.selectors.evm`), turned into the four EVM KPIs."""
    summary = evm_summaries([ctx.project], today=ctx.status_date)[ctx.project.pk]
    if not summary.has_baseline:
        return evm_inputs(None, ctx, missing="no baseline yet: earned value needs one")
    return evm_inputs(summary, ctx)


def _local_day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def milestones_source(ctx: KpiContext) -> list[KpiInput]:
    """Milestones late: not done by their reference date before the status date, or done
    after it. The reference is the latest baseline's finish, else the milestone's
    deadline; never the scheduled finish, which moves with the plan. Milestones with
    neither are not counted; without any, the KPI is not measured."""
    milestones = list(
        Task.objects.filter(project=ctx.project, kind=TaskKind.MILESTONE, is_summary=False).only(
            "pk", "name", "actual_finish", "deadline"
        )
    )
    if not milestones:
        return [kpi("milestones_late", ctx, None, missing="the plan has no milestones")]
    baseline = Baseline.objects.filter(project=ctx.project).order_by("-number").first()
    planned: dict[int, dt.date | None] = {}
    if baseline is not None:
        rows = BaselineTask.objects.filter(baseline=baseline, task__isnull=False)
        planned = {tid: _local_day(at) for tid, at in rows.values_list("task_id", "finish_at")}
    late = []
    judged = 0
    for m in milestones:
        ref = planned.get(m.pk) or m.deadline
        if ref is None:
            continue
        judged += 1
        if (m.actual_finish is None and ref < ctx.status_date) or (
            m.actual_finish is not None and m.actual_finish > ref
        ):
            late.append(m.name)
    if not judged:
        return [
            kpi(
                "milestones_late",
                ctx,
                None,
                missing="no baseline yet, and no milestone has a deadline",
            )
        ]
    detail = ", ".join(late[:3]) + (f" and {len(late) - 3} more" if len(late) > 3 else "")
    return [kpi("milestones_late", ctx, len(late), detail=detail)]


def scope_source(ctx: KpiContext) -> list[KpiInput]:
    """Deliverables accepted (by their latest sign-off, else as set in the scope) of those
    due by the status date; scope changes (deliverables and scope items added or removed
    since the first baseline, and approved change requests, with their cost in the
    detail)."""
    rows = acceptance_rows(ctx.project)
    due = [r for r in rows if r.due_date is not None and r.due_date <= ctx.status_date]
    accepted = sum(1 for r in due if r.accepted)
    out = [
        kpi(
            "deliverables_accepted",
            ctx,
            accepted / len(due) * 100 if due else None,
            missing="no deliverable is due yet",
            detail=f"{accepted} of {len(due)} due accepted",
        )
    ]
    first = Baseline.objects.filter(project=ctx.project).order_by("number").first()
    if first is None:
        out.append(kpi("scope_changes", ctx, None, missing="no baseline yet to count from"))
    else:
        changes = AuditEntry.objects.filter(
            project=ctx.project,
            object_type__in=("deliverable", "scopeitem"),
            action__in=(AuditAction.CREATE, AuditAction.DELETE),
            at__gt=first.created_at,
        ).count()
        crs = change_figures(ctx.project)
        detail = f"since baseline {first.number}"
        if crs.approved:
            detail += (
                f"; {crs.approved} approved change request{'s' if crs.approved != 1 else ''}"
                f" ({plain_number(crs.approved_cost)} cost)"
            )
        out.append(kpi("scope_changes", ctx, changes + crs.approved, detail=detail))
    return out


def quality_source(ctx: KpiContext) -> list[KpiInput]:
    """Deliverables rejected, or past due and neither accepted nor rejected (acceptance by
    the latest sign-off, else the scope's status); open and critical open defects; the
    pass rate of each deliverable's latest test run (``keystage.quality``)."""
    rows = acceptance_rows(ctx.project)
    summary = quality_summary(project=ctx.project)
    out = [*_defect_kpis(ctx, summary), _pass_rate_kpi(ctx, summary)]
    if not rows:
        return [
            kpi("deliverables_rejected_late", ctx, None, missing="the project has no deliverables"),
            *out,
        ]
    rejected = sum(1 for r in rows if r.rejected)
    accepted = sum(1 for r in rows if r.accepted)
    late = sum(
        1
        for r in rows
        if not r.accepted
        and not r.rejected
        and r.due_date is not None
        and r.due_date < ctx.status_date
    )
    return [
        kpi(
            "deliverables_rejected_late",
            ctx,
            rejected + late,
            detail=f"{accepted} accepted, {rejected} rejected, {late} late",
        ),
        *out,
    ]


def _defect_kpis(ctx: KpiContext, summary: QualitySummary) -> list[KpiInput]:
    by_severity = summary.open_by_severity
    total = sum(by_severity.values())
    detail = ", ".join(f"{n} {s}" for s, n in by_severity.items() if n) or "none open"
    return [
        kpi("critical_defects_open", ctx, summary.critical_open, detail=detail),
        kpi("defects_open", ctx, total, detail=detail),
    ]


def _pass_rate_kpi(ctx: KpiContext, summary: QualitySummary) -> KpiInput:
    return kpi(
        "test_pass_rate",
        ctx,
        summary.pass_rate,
        missing="no test run yet",
        detail=f"{summary.cases_passed} of {summary.cases_run} cases passed in each "
        "deliverable's latest run",
    )


def risk_source(ctx: KpiContext) -> list[KpiInput]:
    """From the risk register: live risks rated high, responses overdue, and the exposure
    after responses (Σ p × expected cost) against the contingency of the cost plan."""
    keys = ("risk_exposure", "risk_responses_overdue", "risk_exposure_contingency")
    figures = project_risk_figures(ctx.project, today=ctx.status_date)
    if not figures.registered:
        return [kpi(key, ctx, None, missing="the risk register is empty") for key in keys]
    overdue = figures.overdue_responses
    contingency = cost_plan(project=ctx.project).contingency
    currency = ctx.project.organisation.currency if ctx.project.organisation_id else ""
    return [
        kpi(
            "risk_exposure",
            ctx,
            figures.high,
            detail=f"{figures.high} of {figures.live} open risks; {figures.high_after} "
            "after their responses",
        ),
        kpi(
            "risk_responses_overdue",
            ctx,
            len(overdue),
            detail=", ".join(f"{r.risk.key}: {r.description}" for r in overdue[:3])
            + (f" and {len(overdue) - 3} more" if len(overdue) > 3 else ""),
        ),
        kpi(
            "risk_exposure_contingency",
            ctx,
            figures.exposure_after / contingency * 100 if contingency > 0 else None,
            missing="no contingency in the cost plan",
            detail=f"exposure {figures.exposure_after:,.0f} against contingency "
            f"{contingency:,.0f} {currency}".strip(),
        ),
    ]


def goals_source(ctx: KpiContext) -> list[KpiInput]:
    """Each goal: how many percentage points its progress (latest measured value against
    baseline and target) lags the time elapsed to its due date; 0 when ahead or achieved."""
    goals = Goal.objects.filter(project=ctx.project).annotate(
        last_measured=Max("measurements__measured_on")
    )
    out = []
    for goal in goals:
        goal.project = ctx.project  # the goal's status runs from the project's start
        progress = goal_progress(goal, today=ctx.status_date)
        behind = (
            0.0
            if progress.status == "achieved"
            else max(0.0, (progress.expected - progress.progress) * 100)
        )
        unit = f" {goal.unit}" if goal.unit else ""
        when = f" on {_day(goal.last_measured)}" if goal.last_measured else ""
        out.append(
            kpi(
                "goal_behind",
                ctx,
                behind,
                row_key=f"goal:{goal.public_id}",
                name=f"Goal '{goal.title}' behind schedule by",
                label=f"Goal: {goal.title}",
                detail=f"{goal.metric} {plain_number(goal.current_value)}{unit}{when}, "
                f"target {plain_number(goal.target_value)}{unit} by {_day(goal.due_date)}",
            )
        )
    return out


Source = Callable[[KpiContext], list[KpiInput]]

#: Every source, in the order the health page lists the areas.
SOURCES: Sequence[Source] = (
    evm_source,
    milestones_source,
    scope_source,
    quality_source,
    risk_source,
    goals_source,
)
