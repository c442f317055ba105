"""Pages of the final report: the live report, issuing it, issued reports and their PDF.
Thin: parse, call the selector or service, render."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_POST

from keystage.accounts.actor import actor
from keystage.closing.final_report import selectors, services
from keystage.closing.models import FinalReport
from keystage.core.documents import for_display
from keystage.core.errors import Conflict, DomainError, InvalidInput
from keystage.core.web import page_error


def _live_page(
    request: HttpRequest, project_id: str, *, error: str = "", status: int = 200
) -> HttpResponse:
    preview = selectors.final_report_preview(who=actor(request), project_id=project_id)
    return render(
        request,
        "closing/final_report.html",
        {
            "project": preview.project,
            "r": for_display(preview.content),
            "can_issue": preview.can_issue,
            "issued": preview.issued,
            "latest": preview.latest_number,
            "error": error,
        },
        status=status,
    )


@login_required
@require_GET
def final_report_page(request: HttpRequest, project_id: str) -> HttpResponse:
    """The final report generated from the data as they are now, and the issued ones."""
    try:
        return _live_page(request, project_id)
    except DomainError as exc:
        return page_error(request, exc)


def pdf_response(report: FinalReport) -> HttpResponse:
    """The issued report's frozen PDF as a download."""
    response = HttpResponse(bytes(report.pdf), content_type="application/pdf")
    name = f"{report.project.code}-final-report-{report.number}.pdf"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
@require_POST
def final_report_issue(request: HttpRequest, project_id: str) -> HttpResponse:
    """The PM issues the final report: a new numbered, frozen snapshot."""
    try:
        try:
            report = services.final_report_issue(
                who=actor(request),
                project_id=project_id,
                latest=services.parse_latest(request.POST.get("latest")),
            )
        except InvalidInput as exc:
            message = " ".join(str(m) for v in exc.errors.values() for m in v)
            return _live_page(request, project_id, error=message, status=400)
        except Conflict as exc:  # a repeat, or someone issued one meanwhile: show it
            return _live_page(request, project_id, error=exc.message, status=409)
    except DomainError as exc:
        return page_error(request, exc)
    return redirect("closing:final-report-issued", project_id=project_id, number=report.number)


@login_required
@require_GET
def final_report_issued(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """An issued final report exactly as it was issued."""
    try:
        report = selectors.final_report(who=actor(request), project_id=project_id, number=number)
    except DomainError as exc:
        return page_error(request, exc)
    return render(
        request,
        "closing/final_report_issued.html",
        {"project": report.project, "report": report, "body": mark_safe(report.html)},  # noqa: S308
    )


@login_required
@require_GET
def final_report_pdf(request: HttpRequest, project_id: str, number: int) -> HttpResponse:
    """The issued report's PDF, as rendered when it was issued."""
    try:
        report = selectors.final_report(who=actor(request), project_id=project_id, number=number)
    except DomainError as exc:
        return page_error(request, exc)
    return pdf_response(report)
