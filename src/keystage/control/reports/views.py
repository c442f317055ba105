"""Pages of the status report: the live preview for a period, issued reports, their PDF.
Thin: parse, call the selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_GET

from keystage.accounts.actor import actor
from keystage.control.reports import selectors
from keystage.core.documents import for_display
from keystage.core.errors import DomainError, InvalidInput
from keystage.core.web import page_error


def _errors(exc: InvalidInput) -> dict[str, str]:
    return {k: " ".join(str(m) for m in v) for k, v in exc.errors.items()}


@login_required
@require_GET
def status_report_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The status report generated from live data for ``?period_start=&period_end=``
    (default: the week up to the data date); bad dates give 400 with the field's message."""
    who = actor(request)
    status = 200
    errors: dict[str, str] = {}
    try:
        try:
            preview = selectors.status_report_preview(
                who=who,
                project_id=project_id,
                period_start=request.GET.get("period_start"),
                period_end=request.GET.get("period_end"),
            )
        except InvalidInput as exc:
            errors, status = _errors(exc), 400
            preview = selectors.status_report_preview(who=who, project_id=project_id)
    except DomainError as exc:
        return page_error(request, exc)
    context: dict[str, Any] = {
        "project": preview.project,
        "r": for_display(preview.content),
        "errors": errors,
        "form": {
            "period_start": request.GET.get("period_start", preview.content["period"]["start"]),
            "period_end": request.GET.get("period_end", preview.content["period"]["end"]),
        },
        "can_issue": preview.can_issue,
        "issued": preview.issued,
    }
    return render(request, "control/status_report.html", context, status=status)
