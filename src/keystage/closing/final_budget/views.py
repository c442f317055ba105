"""Pages of the closing stage's landing and the final budget: read, explain, reconcile.
Thin: parse, call the selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.closing.final_budget import selectors, services
from keystage.closing.final_report.selectors import issued_final_reports
from keystage.core.errors import Conflict, DomainError, InvalidInput
from keystage.core.memo import memo_scope
from keystage.core.versioning import parse_version
from keystage.core.web import page_error
from keystage.portfolio.access import access_project
from keystage.portfolio.gate_checks import gate_checklist
from keystage.portfolio.lifecycle import Stage


def _errors(exc: InvalidInput) -> dict[str, str]:
    return {k: " ".join(str(m) for m in v) for k, v in exc.errors.items()}


@login_required
@require_GET
def closing_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The Closing tab: the gate to Closed's checklist and the way to each closing record."""
    try:
        project = access_project(who=actor(request), project_id=project_id, perm=Perm.VIEW)
    except DomainError as exc:
        return page_error(request, exc)
    with memo_scope():  # the budget's state and the gate's budget item share one computation
        view = selectors.final_budget_of(project)
        context: dict[str, Any] = {
            "project": project,
            "checklist": gate_checklist(project) if project.stage == Stage.CLOSING else [],
            "budget_state": view.state,
            "reports": issued_final_reports(project),
        }
    return render(request, "closing/closing.html", context)


def _budget_page(
    request: HttpRequest,
    project_id: str,
    *,
    errors: dict[str, str] | None = None,
    typed: dict[str, str] | None = None,
    status: int = 200,
) -> HttpResponse:
    view = selectors.final_budget(who=actor(request), project_id=project_id)
    rows = [
        {**c, "explanation": (typed or view.explanations).get(c["key"], "")}
        for c in view.figures["categories"]
    ]
    return render(
        request,
        "closing/final_budget.html",
        {
            "project": view.project,
            "b": view,
            "f": view.figures,
            "rows": rows,
            "release_note": (typed or {}).get("release_note", view.release_note),
            "errors": errors or {},
        },
        status=status,
    )


@login_required
@require_http_methods(["GET", "POST"])
def final_budget_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The final budget; POST saves the explanations and the release note (with the version)."""
    try:
        if request.method == "GET":
            return _budget_page(request, project_id)
        view = selectors.final_budget(who=actor(request), project_id=project_id)
        keys = [c["key"] for c in view.figures["categories"]]
        typed = {k: request.POST.get(f"explanation_{k}", "") for k in keys}
        typed["release_note"] = request.POST.get("release_note", "")
        try:
            services.final_budget_update(
                who=actor(request),
                project_id=project_id,
                version=parse_version(request.POST.get("version")),
                data={
                    "explanations": {k: typed[k] for k in keys},
                    "release_note": typed["release_note"],
                },
            )
        except InvalidInput as exc:
            return _budget_page(request, project_id, errors=_errors(exc), typed=typed, status=400)
        except Conflict as exc:
            return _budget_page(
                request, project_id, errors={"version": exc.message}, typed=typed, status=409
            )
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, "Explanations saved.")
    return redirect("closing:final-budget", project_id=project_id)


@login_required
@require_POST
def final_budget_reconcile(request: HttpRequest, project_id: str) -> HttpResponse:
    """Record the reconciliation of the figures shown (the version they were read at)."""
    try:
        try:
            record = services.final_budget_reconcile(
                who=actor(request),
                project_id=project_id,
                version=parse_version(request.POST.get("version")),
            )
        except InvalidInput as exc:
            return _budget_page(request, project_id, errors=_errors(exc), status=400)
        except Conflict as exc:
            return _budget_page(request, project_id, errors={"version": exc.message}, status=409)
    except DomainError as exc:
        return page_error(request, exc)
    messages.success(request, f"Final budget reconciled (reconciliation {record.number}).")
    return redirect("closing:final-budget", project_id=project_id)
