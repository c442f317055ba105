"""Pages: the project's Health tab and the organisation's KPI thresholds."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from keystage.accounts.actor import actor
from keystage.control.kpis import selectors, thresholds
from keystage.core.errors import Conflict, DomainError, InvalidInput
from keystage.core.web import page_error

RAG_SHAPES = {"green": "●", "amber": "▲", "red": "■", "not_measured": "○"}


@login_required
@require_GET
def health_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The project's KPIs by area with RAG (word and shape), value, thresholds and reason,
    and the overall health with its reasons. Reading it never sends an alert."""
    try:
        kpis = selectors.project_kpis(who=actor(request), project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    context = {
        "project": kpis.project,
        "kpis": kpis,
        "areas": kpis.by_area(),
        "shapes": RAG_SHAPES,
    }
    return render(request, "control/health.html", context)


def _posted_rules(request: HttpRequest) -> tuple[dict[str, Any], dict[str, str]]:
    """``<key>-green`` / ``<key>-amber`` fields → rules; unparsable numbers as errors."""
    rules: dict[str, Any] = {}
    errors: dict[str, str] = {}
    sheet = thresholds.threshold_sheet(who=actor(request))
    for row in sheet.rows:
        key = row.spec.key
        bounds = {}
        for side in ("green", "amber"):
            raw = request.POST.get(f"{key}-{side}", "").strip().replace(",", ".")
            try:
                bounds[side] = float(raw)
            except ValueError:
                errors[key] = f"Give a number for {side}."
        if key not in errors:
            rules[key] = bounds
    return rules, errors


@login_required
@require_http_methods(["GET", "POST"])
def thresholds_page(request: HttpRequest) -> HttpResponse:
    """The organisation's KPI thresholds; administrators and portfolio owners change them
    (versioned: a stale form is refused with the stored values shown)."""
    who = actor(request)
    errors: dict[str, str] = {}
    message = ""
    status = 200
    posted: dict[str, str] = {}
    try:
        if request.method == "POST":
            posted = {
                k: str(v) for k, v in request.POST.items() if k.endswith(("-green", "-amber"))
            }
            rules, errors = _posted_rules(request)
            if not errors:
                raw_version = request.POST.get("version", "").strip()
                try:
                    thresholds.thresholds_save(
                        who=who,
                        version=int(raw_version) if raw_version else None,
                        rules=rules,
                    )
                    return redirect(request.path + "?saved=1")
                except InvalidInput as exc:
                    errors = {k: " ".join(str(m) for m in v) for k, v in exc.errors.items()}
                except Conflict:
                    message = "Someone changed the thresholds meanwhile; these are the stored ones."
                    posted = {}
                    status = 409
            status = status if status != 200 else 400
        sheet = thresholds.threshold_sheet(who=who)
    except DomainError as exc:
        return page_error(request, exc)
    if message == "" and request.GET.get("saved"):
        message = "Saved. Open projects are re-checked against the new thresholds."
    rows = [
        {
            "row": row,
            "green": posted.get(f"{row.spec.key}-green", row.thresholds.green),
            "amber": posted.get(f"{row.spec.key}-amber", row.thresholds.amber),
            "error": errors.get(row.spec.key, ""),
        }
        for row in sheet.rows
    ]
    context = {"sheet": sheet, "rows": rows, "message": message, "errors": errors}
    return render(request, "control/thresholds.html", context, status=status)
