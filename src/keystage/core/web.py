"""HTML plumbing shared by the apps' views: domain errors onto forms and pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from keystage.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound


def add_errors(form: forms.Form, exc: DomainError) -> None:
    """Put a service's error onto the form, on the field it names where the form has one."""
    if isinstance(exc, InvalidInput):
        for field, messages in exc.errors.items():
            for message in messages:
                form.add_error(field if field in form.fields else None, message)
    else:
        form.add_error(None, exc.message)


def page_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    """Render a domain error as a page with the matching status (404 stays a plain 404)."""
    if isinstance(exc, NotFound):
        raise Http404(exc.message)
    status = exc.status_code if isinstance(exc, (Forbidden, Conflict)) else 400
    return render(request, "core/error.html", {"message": exc.message}, status=status)


def form_status(form: forms.Form, exc: DomainError | None = None) -> int:
    """HTTP status for a re-rendered form: 409 for a conflict, else 400."""
    if isinstance(exc, Conflict):
        return 409
    return 400 if form.errors else 200


def conflict_context(exc: Conflict) -> dict[str, Any]:
    """Template context that explains a conflict and shows the stored record."""
    return {"conflict": exc.message, "current": exc.current}
