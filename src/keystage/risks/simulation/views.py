"""Pages of the schedule-risk analysis: the estimates table and the simulation page.

The simulation page starts a run (it works in the background; with htmx its panel
replaces itself every second while it is queued or running) and shows the finish and
cost distributions (histogram with S-curve, P-values, the baseline finish and budget),
the criticality index and the tornado of what drives the finish.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import DomainError, InvalidInput
from keystage.core.web import page_error
from keystage.planning.views.scope import htmx, open_project
from keystage.portfolio.access import project_perms
from keystage.portfolio.models import Project
from keystage.reporting.svg.base import money_label
from keystage.reporting.svg.risk import distribution_chart, tornado_chart
from keystage.risks.models import Distribution, SimulationRun
from keystage.risks.models.simulation import RUNS_DEFAULT, RUNS_MAX, RUNS_MIN
from keystage.risks.simulation import selectors, services

HISTORY = 10
SPREAD_FIELDS = ("low_percent", "high_percent", "distribution")


def _can_edit(request: HttpRequest, project: Project) -> bool:
    return Perm.EDIT in project_perms(request.user, project)


# ------------------------------------------------------------------ estimates


def _estimates_context(
    request: HttpRequest, project: Project, errors: dict[str, list[str]] | None = None,
    posted: dict[str, str] | None = None,
) -> dict[str, Any]:  # fmt: skip
    table = selectors.estimate_table(who=actor(request), project=project)
    rows = []
    for i, row in enumerate(table.rows):
        key = str(row.task.public_id)
        values = {
            "o": row.optimistic_days, "l": row.likely_days, "p": row.pessimistic_days,
            "d": row.distribution,
        }  # fmt: skip
        if posted is not None:
            values = {k: posted.get(f"{k}-{key}", v) for k, v in values.items()}
        row_errors = [
            m for f, ms in (errors or {}).items() if f.startswith(f"rows[{i}]") for m in ms
        ]
        rows.append({"row": row, "key": key, "values": values, "errors": row_errors})
    return {
        "project": project,
        "table": table,
        "rows": rows,
        "distributions": Distribution.choices,
        "errors": errors or {},
        "can_edit": _can_edit(request, project),
    }


@login_required
@require_GET
def estimates_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """Every task's planned duration and its optimistic / likely / pessimistic days."""
    try:
        project = open_project(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)
    return render(request, "risks/estimates.html", _estimates_context(request, project))


def _changed(value: Any, shown: Any) -> bool:
    try:
        return Decimal(str(value)) != Decimal(str(shown))
    except ArithmeticError:
        return True


@login_required
@require_POST
def estimates_save(request: HttpRequest, project_id: str) -> HttpResponse:
    """Save the rows the user changed (or reset), all or nothing; 400 with the errors."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    table = selectors.estimate_table(who=actor(request), project=project)
    post = request.POST
    rows: list[dict[str, Any]] = []
    index: dict[int, int] = {}
    for i, row in enumerate(table.rows):
        key = str(row.task.public_id)
        if post.get(f"reset-{key}"):
            if row.own:
                index[len(rows)] = i
                rows.append({"task": key, "clear": True, "version": row.version})
            continue
        posted = {k: post.get(f"{k}-{key}") for k in ("o", "l", "p", "d")}
        if posted["o"] is None:
            continue  # the row was not in the form
        changed = (
            _changed(posted["o"], row.optimistic_days) or _changed(posted["l"], row.likely_days)
            or _changed(posted["p"], row.pessimistic_days) or posted["d"] != row.distribution
        )  # fmt: skip
        if not changed:
            continue
        index[len(rows)] = i
        rows.append({
            "task": key, "optimistic_days": posted["o"], "likely_days": posted["l"],
            "pessimistic_days": posted["p"], "distribution": posted["d"] or "triangular",
            "version": row.version,
        })  # fmt: skip
    url = reverse("risks:estimates", args=[project.public_id])
    if not rows:
        return redirect(url)
    try:
        services.estimates_put(
            who=actor(request), project=project, rows=rows, minutes_per_day=table.minutes_per_day
        )
    except InvalidInput as exc:
        # Field names speak of the sent rows; point them at the table's rows.
        errors: dict[str, list[str]] = {}
        for field, messages in exc.errors.items():
            if field.startswith("rows["):
                sent = int(field[5 : field.index("]")])
                field = f"rows[{index.get(sent, sent)}]{field[field.index(']') + 1 :]}"
            errors[field] = messages
        context = _estimates_context(request, project, errors, {k: str(v) for k, v in post.items()})
        return render(request, "risks/estimates.html", context, status=400)
    except DomainError as exc:
        return page_error(request, exc)
    return redirect(f"{url}?saved={len(rows)}")


@login_required
@require_POST
def spread_save(request: HttpRequest, project_id: str) -> HttpResponse:
    """Change the default spread; 400 with the errors."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
        version = request.POST.get("version")
        services.settings_update(
            who=actor(request), project=project,
            data={k: request.POST.get(k, "") for k in SPREAD_FIELDS},
            version=int(version) if version and version.isdigit() else None,
        )  # fmt: skip
    except InvalidInput as exc:
        context = _estimates_context(request, project, exc.errors)
        return render(request, "risks/estimates.html", context, status=400)
    except DomainError as exc:
        return page_error(request, exc)
    return redirect(reverse("risks:estimates", args=[project.public_id]))


# ---------------------------------------------------------------- simulation


def _date_label(edges_days: list[float], edges: list[str]) -> Any:
    """Label a finish (working days from the start) with the date it falls on."""
    ordinals = [dt.date.fromisoformat(d).toordinal() for d in edges]

    def label(days: float) -> str:
        if days <= edges_days[0]:
            ordinal = ordinals[0] + (days - edges_days[0]) * 7 / 5
        elif days >= edges_days[-1]:
            ordinal = ordinals[-1] + (days - edges_days[-1]) * 7 / 5
        else:
            k = next(i for i in range(1, len(edges_days)) if edges_days[i] >= days)
            span = edges_days[k] - edges_days[k - 1] or 1.0
            share = (days - edges_days[k - 1]) / span
            ordinal = ordinals[k - 1] + share * (ordinals[k] - ordinals[k - 1])
        return dt.date.fromordinal(round(ordinal)).strftime("%-d %b %Y")

    return label


def charts(result: dict[str, Any]) -> dict[str, Any]:
    """The SVG charts of a finished run's result."""
    finish, cost = result["finish"], result["cost"]
    hist = finish["histogram"]
    label = _date_label(hist["edges_days"], hist["edges"])
    marks = [(f"P{p['p']}", p["days"]) for p in finish["percentiles"]]
    target = ("Baseline", finish["baseline_days"]) if finish["baseline_days"] is not None else None
    out = {
        "finish_chart": mark_safe(  # noqa: S308 - our own escaped SVG
            distribution_chart(
                hist["counts"],
                hist["edges_days"],
                finish["curve_days"],
                label=label,
                markers=marks,
                target=target,
                title="Finish date",
                subtitle=f"{result['runs']:,} runs · planned finish {finish['planned']}",
                x_title="Project finish",
            )
        ),
        "cost_chart": None
        if cost["std"] == 0
        else mark_safe(  # noqa: S308 - our own escaped SVG
            distribution_chart(
                cost["histogram"]["counts"],
                cost["histogram"]["edges"],
                cost["curve"],
                label=money_label,
                markers=[(f"P{p['p']}", p["amount"]) for p in cost["percentiles"]],
                target=("Budget", cost["budget"]) if cost["budget"] is not None else None,
                title="Total cost",
                subtitle=f"planned {money_label(cost['planned'])}",
                x_title="Total cost",
            )
        ),
    }
    drivers = result["tornado"]
    if drivers:
        centre = next(p["days"] for p in finish["percentiles"] if p["p"] == 50)
        out["tornado_chart"] = mark_safe(  # noqa: S308 - our own escaped SVG
            tornado_chart(
                [(d["name"], d["low_days"], d["high_days"]) for d in drivers], centre,
                label=label, title="What drives the finish",
                subtitle="Finish P50 with the driver in its low vs high third (risks: no / yes)",
            )
        )  # fmt: skip
    return out


def _run_context(
    request: HttpRequest, project: Project, run: SimulationRun | None
) -> dict[str, Any]:
    result = run.result if run is not None and run.status == "done" and run.result else None
    return {
        "project": project,
        "run": run,
        "result": result,
        **(charts(result) if result else {}),
        "active": run is not None and run.status in selectors.ACTIVE,
        "can_edit": _can_edit(request, project),
        "runs": list(selectors.run_list(who=actor(request), project=project)[:HISTORY]),
    }


@login_required
@require_GET
def simulation_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The run form, the selected (or latest) run and its result."""
    who = actor(request)
    try:
        project = open_project(request, project_id)
        chosen = request.GET.get("run")
        run = (
            selectors.run_get(who=who, project=project, run_id=chosen)
            if chosen
            else selectors.run_list(who=who, project=project).first()
        )
    except DomainError as exc:
        return page_error(request, exc)
    context = {
        **_run_context(request, project, run),
        "runs_min": RUNS_MIN, "runs_max": RUNS_MAX, "runs_default": RUNS_DEFAULT,
        "form": {"runs": RUNS_DEFAULT, "seed": ""}, "form_errors": {},
    }  # fmt: skip
    return render(request, "risks/simulation.html", context)


@login_required
@require_POST
def simulation_create(request: HttpRequest, project_id: str) -> HttpResponse:
    """Start a run; htmx gets the run's panel (which then polls), others the page."""
    try:
        project = open_project(request, project_id, Perm.EDIT)
    except DomainError as exc:
        return page_error(request, exc)
    runs, seed = request.POST.get("runs", ""), request.POST.get("seed", "")
    try:
        run = services.simulation_request(who=actor(request), project=project, runs=runs, seed=seed)
    except InvalidInput as exc:
        context = {
            **_run_context(request, project, None),
            "runs_min": RUNS_MIN, "runs_max": RUNS_MAX, "runs_default": RUNS_DEFAULT,
            "form": {"runs": runs, "seed": seed}, "form_errors": exc.errors,
        }  # fmt: skip
        if htmx(request):
            response = render(request, "risks/_form.html", context, status=400)
            response["HX-Retarget"] = "#simulation-form"
            response["HX-Reswap"] = "outerHTML"
            return response
        return render(request, "risks/simulation.html", context, status=400)
    except DomainError as exc:
        return page_error(request, exc)
    if not htmx(request):
        url = reverse("risks:simulation", args=[project.public_id])
        return redirect(f"{url}?run={run.public_id}#run-panel")
    return _panel(request, project, run)


def _panel(request: HttpRequest, project: Project, run: SimulationRun) -> HttpResponse:
    response = render(request, "risks/_run.html", _run_context(request, project, run))
    response["HX-Retarget"] = "#run-panel"
    response["HX-Reswap"] = "outerHTML"
    return response


@login_required
@require_POST
def simulation_cancel(request: HttpRequest, project_id: str, simulation_id: str) -> HttpResponse:
    """Cancel a run (project editors): htmx gets the run's panel, others the page."""
    who = actor(request)
    try:
        project = open_project(request, project_id, Perm.EDIT)
        run = selectors.run_get(who=who, project=project, run_id=simulation_id)
        run = services.simulation_cancel(who=who, project=project, run=run)
    except DomainError as exc:
        if exc.status_code != 409:
            return page_error(request, exc)
        run = selectors.run_get(who=who, project=project, run_id=simulation_id)
    if not htmx(request):
        url = reverse("risks:simulation", args=[project.public_id])
        return redirect(f"{url}?run={run.public_id}#run-panel")
    return _panel(request, project, run)


@login_required
@require_GET
def simulation_run(request: HttpRequest, project_id: str, simulation_id: str) -> HttpResponse:
    """One run: its panel for htmx (polled while it runs), else the page showing it."""
    try:
        project = open_project(request, project_id)
        run = selectors.run_get(who=actor(request), project=project, run_id=simulation_id)
    except DomainError as exc:
        return page_error(request, exc)
    if not htmx(request):
        url = reverse("risks:simulation", args=[project.public_id])
        return redirect(f"{url}?run={run.public_id}#run-panel")
    return _panel(request, project, run)
