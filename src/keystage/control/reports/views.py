"""Pages of the status report: the live preview for a period, issued reports, their PDF.
Thin: parse, call the selector or service, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts.actor import actor
from keystage.control.models import StatusReport
from keystage.control.reports import selectors, services
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


def pdf_response(report: StatusReport) -> HttpResponse:
    """The issued report's frozen PDF as a download."""
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    name = f"{report.project.code}-status-report-{report.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def status_report_issue(request: HttpRequest, project_id: str) -> HttpResponse:
    """The PM issues the report for the period shown: a new numbered, frozen snapshot."""
    try:
        report = services.report_issue(
            who=actor(request),
            project_id=project_id,
            period_start=request.POST.get("period_start"),
            period_end=request.POST.get("period_end"),
            notify_members=request.POST.get("notify") == "on",
        )
    except InvalidInput:
        query = urlencode({k: request.POST.get(k, "") for k in ("period_start", "period_end")})
        return redirect(reverse("control:status-report", args=[project_id]) + "?" + query)
    except DomainError as exc:
        return page_error(request, exc)
    return redirect("control:status-report-issued", project_id=project_id, number=report.number)


@login_required
@require_GET
def status_report_issued(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """An issued report exactly as it was sent: the body frozen at issue time."""
    try:
        report = selectors.issued_report(who=actor(request), project_id=project_id, number=number)
    except DomainError as exc:
        return page_error(request, exc)
    return render(
        request,
        "control/status_report_issued.html",
        {"project": report.project, "report": report, "body": mark_safe(report.html)},  # noqa: S308
    )


@login_required
@require_GET
def status_report_pdf(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """The issued report's PDF, as rendered when it was issued."""
    try:
        report = selectors.issued_report(who=actor(request), project_id=project_id, number=number)
    except DomainError as exc:
        return page_error(request, exc)
    return pdf_response(report)
