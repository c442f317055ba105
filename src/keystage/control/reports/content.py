"""What a status report says, as a JSON-safe snapshot built from live data.

The page renders this dict; issuing a report freezes the same dict (with the rendered
S-curve SVG inside), so an issued report reads exactly as it was sent. Money and figures are
kept as numbers for the API and as text (already in the project's currency) for people.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from keystage.control.kpis.selectors import evaluate_project
from keystage.control.selectors.evm import evm_report_of
from keystage.control.views.evm import evm_charts, headline_rows
from keystage.core.dates import parse_day
from keystage.core.errors import InvalidInput
from keystage.core.templatetags.money import format_money
from keystage.execution.models import StatusUpdate
from keystage.planning.models import Task
from keystage.risks.models import LIVE_STATUSES, OPEN_ISSUE_STATUSES, Issue
from keystage.risks.selectors.register import positioned_risks

HEADLINE = ("bac", "pv", "ev", "ac", "sv", "cv", "spi", "cpi", "eac_cpi", "vac", "sv_t", "spi_t")
MAX_PERIOD_DAYS = 366
NEXT_MILESTONES = 5
TOP_RISKS = 5
EMPTY_REGISTER = "The risk register holds no open risk and the issue log no open issue."


def parse_period(
    raw_start: str | None, raw_end: str | None, *, data_date: dt.date
) -> tuple[dt.date, dt.date]:
    """The reporting period from ``YYYY-MM-DD`` text; default the week up to the data date.

    Raises :class:`InvalidInput` with a message per field for bad dates or an empty period.
    """
    errors: dict[str, list[str]] = {}
    values: dict[str, dt.date | None] = {}
    for name, raw in (("period_start", raw_start), ("period_end", raw_end)):
        values[name] = None
        if (raw or "").strip():
            try:
                values[name] = parse_day(raw or "", name)
            except InvalidInput as refused:
                errors.update(refused.errors)
    if errors:
        raise InvalidInput(errors)
    end = values["period_end"] or data_date
    start = values["period_start"] or end - dt.timedelta(days=6)
    if start > end:
        raise InvalidInput({"period_end": ["The period must end on or after its start."]})
    if (end - start).days >= MAX_PERIOD_DAYS:
        raise InvalidInput({"period_start": ["A reporting period spans at most a year."]})
    return start, end


def _day(value: dt.datetime | None) -> dt.date | None:
    return timezone.localtime(value).date() if value is not None else None


def _milestones(project: Any, start: dt.date, end: dt.date) -> tuple[list[dict], list[dict]]:
    done: list[dict[str, Any]] = []
    upcoming: list[tuple[dt.date, dict[str, Any]]] = []
    for t in Task.objects.filter(project=project, kind="milestone").order_by("row"):
        finished = t.actual_finish or (_day(t.finish_at) if t.percent_complete >= 100 else None)
        row = {"wbs": t.wbs_code, "name": t.name}
        if finished is not None:
            if start <= finished <= end:
                done.append({**row, "date": finished.isoformat()})
            continue
        planned = _day(t.finish_at)
        if planned is not None:
            late = planned < end
            upcoming.append(
                (
                    planned,
                    {**row, "date": planned.isoformat(), "late": late, "critical": t.is_critical},
                )
            )
    upcoming.sort(key=lambda item: item[0])
    return done, [row for _, row in upcoming[:NEXT_MILESTONES]]


def evm_snapshot(project: Any) -> tuple[dict[str, Any], str]:
    """The earned-value headline, the categories and the S-curve SVG of ``project`` as JSON-safe
    data (the status report's and the final report's EVM section)."""
    report = evm_report_of(project)
    currency = report.currency
    evm: dict[str, Any] = {"available": report.figures is not None, "notes": list(report.notes)}
    if report.figures is None:
        return {**evm, "rows": [], "categories": []}, ""
    rows = []
    for r in headline_rows(report.figures):
        if r["key"] not in HEADLINE:
            continue
        value = r["value"]
        if value is None:
            text = "not defined"
        elif r["kind"] == "money":
            text = format_money(value, currency)
        elif r["kind"] == "days":
            text = f"{value:.1f} days"
        else:
            text = f"{value:.2f}"
        rows.append(
            {
                "key": r["key"],
                "abbr": r["abbr"],
                "name": r["name"],
                "value": None if value is None else str(value),
                "text": text,
                "formula": r["formula"],
            }
        )
    categories = [
        {
            "key": c.key,
            "label": c.label,
            "budget": str(c.figures.bac),
            "actual": str(c.figures.ac),
            "variance": str(c.figures.bac - c.figures.ac),
            "budget_text": format_money(c.figures.bac, currency),
            "actual_text": format_money(c.figures.ac, currency),
            "variance_text": format_money(c.figures.bac - c.figures.ac, currency),
            "over": c.figures.ac > c.figures.bac,
        }
        for c in report.categories
    ]
    s_curve, _ = evm_charts(report)
    forecast = report.summary.forecast_finish
    evm.update(
        rows=rows,
        categories=categories,
        forecast_finish=forecast.isoformat() if forecast else None,
        baseline=report.baseline.name if report.baseline else "",
    )
    return evm, s_curve


def _risks(project: Any, today: dt.date) -> dict[str, Any]:
    """The highest-rated open risks (before and after their responses) and the open issues."""
    risks = [r for r in positioned_risks(project) if r.status in LIVE_STATUSES]
    risks.sort(key=lambda r: (-r.before_at.score, -r.before.exposure, r.number))
    items = [
        {
            "key": r.key,
            "title": r.title,
            "status": r.get_status_display(),
            "owner": r.owner.display_name if r.owner else "",
            "rating": r.before_at.rating,
            "score": r.before_at.score,
            "rating_after": r.after_at.rating,
            "score_after": r.after_at.score,
            "response": str(r.residual) if r.residual else "",
            "proximity": r.proximity.isoformat() if r.proximity else None,
        }
        for r in risks[:TOP_RISKS]
    ]
    issues = [
        {
            "key": i.key,
            "title": i.title,
            "severity": i.get_severity_display(),
            "owner": i.owner.display_name if i.owner else "",
            "due_date": i.due_date.isoformat() if i.due_date else None,
            "overdue": bool(i.due_date and i.due_date < today),
            "escalated": i.escalated_at is not None,
        }
        for i in Issue.objects.filter(project=project, status__in=OPEN_ISSUE_STATUSES)
        .select_related("owner")
        .order_by("number")
    ]
    note = "" if items or issues else EMPTY_REGISTER
    more = len(risks) - len(items)
    return {"available": True, "note": note, "items": items, "more": more, "issues": issues}


def _narrative(project: Any, start: dt.date, end: dt.date) -> dict[str, Any] | None:
    update = (
        StatusUpdate.objects.filter(
            project=project, week_of__lte=end, week_of__gte=start - dt.timedelta(days=6)
        )
        .order_by("-week_of", "-created_at", "-pk")
        .first()
    )
    if update is None:
        return None
    return {
        "week_of": update.week_of.isoformat(),
        "health": update.health,
        "health_label": update.get_health_display(),
        "summary": update.summary,
        "accomplishments": update.accomplishments,
        "next_steps": update.next_steps,
        "blockers": update.blockers,
        "decisions_needed": update.decisions_needed,
    }


def status_report_content(
    *, project: Any, period_start: dt.date, period_end: dt.date
) -> dict[str, Any]:
    """The status report of ``project`` (already read through the chokepoint, or the
    system's: the command line) for the period, from the data as they are now: a JSON-safe
    dict."""
    kpis = evaluate_project(project)
    evm, s_curve = evm_snapshot(project)
    done, upcoming = _milestones(project, period_start, period_end)
    narrative = _narrative(project, period_start, period_end)
    return {
        "project": {"code": project.code, "name": project.name, "id": str(project.public_id)},
        "period": {"start": period_start.isoformat(), "end": period_end.isoformat()},
        "data_date": kpis.status_date.isoformat(),
        "health": {
            "rag": kpis.health.rag.value,
            "label": kpis.health.rag.label,
            "reasons": list(kpis.health.reasons),
        },
        "milestones_done": done,
        "milestones_next": upcoming,
        "evm": evm,
        "s_curve_svg": s_curve,
        "risks": _risks(project, kpis.status_date),
        "narrative": narrative,
        "decisions_needed": narrative["decisions_needed"] if narrative else "",
    }
