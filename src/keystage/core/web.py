"""HTML plumbing shared by the apps' views: domain errors onto forms and pages."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from keystage.core import submissions
from keystage.core.errors import Conflict, DomainError, Forbidden, InvalidInput, NotFound

logger = logging.getLogger(__name__)

#: A service call that saves a form's cleaned data with the version the form carried.
Save = Callable[[dict[str, Any], int | None], Any]
#: A service call that removes a record, given the version the form carried.
Remove = Callable[[int | None], Any]


def add_errors(form: forms.Form, exc: DomainError) -> None:
    """Put a service's error onto the form, on the field it names where the form has one.

    A field that already shows an error keeps only its own (the form's message says it in
    the user's terms); a message already on the form is not repeated.
    """
    if not isinstance(exc, InvalidInput):
        if exc.message not in form.non_field_errors():
            form.add_error(None, exc.message)
        return
    had_errors = set(form.errors) if form.is_bound else set()
    for field, texts in exc.errors.items():
        name = field if field in form.fields else None
        if name is not None and name in had_errors:
            continue
        shown = [str(m) for m in form.errors.get(name or "__all__", [])] if form.is_bound else []
        for message in texts:
            if message not in shown:
                form.add_error(name, message)


class _DryRun(Exception):
    """Raised inside a check-only save to roll it back."""


def save_form(form: forms.Form, save: Save) -> Any:
    """Save a bound form through its service; raise every error of every layer at once.

    A valid form is saved (``save(data, version)``). An invalid one is also shown to the
    service, with the fields that did clean, inside a transaction that is always rolled
    back: its model and whole-record errors join the form's own, so one submit shows every
    problem. Raises :class:`InvalidInput` (the errors are on ``form``) when anything is wrong.
    """
    if form.is_valid():
        data = dict(form.cleaned_data)
        version = data.pop("version", None)
        return save(data, version)
    data = {k: v for k, v in getattr(form, "cleaned_data", {}).items() if k not in form.errors}
    version = data.pop("version", None)
    try:
        with transaction.atomic():
            save(data, version)
            raise _DryRun
    except _DryRun:
        pass
    except InvalidInput as exc:
        add_errors(form, exc)
    except DomainError:
        pass  # a conflict or a lost version: the form's own errors come first
    except Exception:
        # The check is advisory: partial data may trip a service. Its savepoint is rolled
        # back and the form's own errors are shown.
        logger.debug("check-only save failed", exc_info=True)
    raise InvalidInput({k: [str(m) for m in v] for k, v in form.errors.items()})


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
        "submit_key": submissions.form_key(request),
    }
    status = 200
    if request.method == "POST":
        label = title.split(" — ")[0]
        submission = submissions.Submission(request)
        first = submission.repeat_of()
        if first is not None:
            messages.info(request, f"{label}: already saved (the form was sent twice).")
            return redirect(first or back_url)
        try:
            if remove is not None and request.POST.get("action") == "remove":
                raw = request.POST.get("version") or None
                remove(int(raw) if raw and raw.isdigit() else None)
                messages.success(request, f"{label} removed.")
            else:
                save_form(form, save)
                messages.success(request, f"{label} saved.")
            submission.done(back_url)
            return redirect(back_url)
        except Conflict as exc:
            context.update(conflict_context(exc))
            status = 409
        except DomainError as exc:
            if not isinstance(exc, InvalidInput) or not form.errors:
                add_errors(form, exc)
            status = exc.status_code if exc.status_code in (403, 428) else 400
        submission.failed()
    return render(request, "core/record_form.html", context, status=status)
