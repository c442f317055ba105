"""HTML plumbing shared by the apps' views: domain errors onto forms and pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

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


#: A service call that saves a form's cleaned data with the version the form carried.
Save = Callable[[dict[str, Any], int | None], Any]
#: A service call that removes a record, given the version the form carried.
Remove = Callable[[int | None], Any]


def record_form_page(
    request: HttpRequest,
    project: Any,
    *,
    form_class: type[forms.Form],
    initial: dict[str, Any] | None,
    save: Save,
    title: str,
    intro: str,
    back_url: str,
    remove: Remove | None = None,
) -> HttpResponse:
    """Show a record's form; on POST call one service, then go back to ``back_url``.

    ``title`` reads "What — which"; its first part names the record in the flash
    message. Domain errors land on the form's fields (400), a stale version shows
    the conflict and the stored record (409), a lost version asks to reload (428).
    """
    form = form_class(request.POST or None, initial=initial)
    context: dict[str, Any] = {
        "project": project,
        "form": form,
        "title": title,
        "intro": intro,
        "can_remove": remove is not None,
        "back_url": back_url,
    }
    status = 200
    if request.method == "POST":
        label = title.split(" — ")[0]
        try:
            if remove is not None and request.POST.get("action") == "remove":
                raw = request.POST.get("version") or None
                remove(int(raw) if raw and raw.isdigit() else None)
                messages.success(request, f"{label} removed.")
                return redirect(back_url)
            if form.is_valid():
                data = dict(form.cleaned_data)
                version = data.pop("version", None)
                save(data, version)
                messages.success(request, f"{label} saved.")
                return redirect(back_url)
            status = 400
        except Conflict as exc:
            context.update(conflict_context(exc))
            status = 409
        except DomainError as exc:
            add_errors(form, exc)
            status = exc.status_code if exc.status_code in (403, 428) else 400
    return render(request, "core/record_form.html", context, status=status)
