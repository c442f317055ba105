"""Pages: my notifications, my e-mail preferences, and the comment thread fragment.

The thread works without JavaScript (a form posts, the page redirects back to the
record); with htmx the refreshed thread is swapped in place, a bad comment comes
back with its field error and status 400.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from keystage.accounts.actor import actor
from keystage.accounts.roles import Perm
from keystage.core.errors import Conflict, DomainError
from keystage.core.lookup import get_by_public_id
from keystage.core.versioning import parse_version
from keystage.core.web import page_error
from keystage.notifications import comments, services
from keystage.notifications.models import COMMENT_MAX, Comment, NotificationKind
from keystage.notifications.selectors import thread_context

PAGE_SIZE = 100


@login_required
@require_GET
def notifications_page(request: HttpRequest) -> HttpResponse:
    """My notifications, newest first (the latest hundred)."""
    mine = services.notifications_of(actor(request)).select_related("project")
    context = {
        "rows": list(mine[:PAGE_SIZE]),
        "total": mine.count(),
        "unread": mine.filter(read_at__isnull=True).count(),
    }
    return render(request, "notifications/list.html", context)


@login_required
@require_POST
def notification_open(request: HttpRequest, notification_id: str) -> HttpResponse:
    """Mark a notification read and go to what it is about (or back to the list)."""
    try:
        done = services.mark_read(who=actor(request), notification_id=notification_id)
    except DomainError as exc:
        return page_error(request, exc)
    if request.POST.get("go") and url_has_allowed_host_and_scheme(
        done.url, allowed_hosts={request.get_host()}
    ):
        return redirect(done.url or "notifications:list")
    return redirect("notifications:list")


@login_required
@require_POST
def notifications_read_all(request: HttpRequest) -> HttpResponse:
    """Mark all my notifications read."""
    marked = services.mark_all_read(who=actor(request))
    messages.success(request, f"{marked} notification{'s' if marked != 1 else ''} marked read.")
    return redirect("notifications:list")


class PreferencesForm(forms.Form):
    """One checkbox per kind: e-mail on or off."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        """A field per notification kind."""
        super().__init__(*args, **kwargs)
        for kind, label in NotificationKind.choices:
            self.fields[kind] = forms.BooleanField(required=False, label=label)


@login_required
@require_http_methods(["GET", "POST"])
def preferences_page(request: HttpRequest) -> HttpResponse:
    """Turn e-mail on or off per kind (in-app notifications always arrive)."""
    who = actor(request)
    form = PreferencesForm(request.POST or None, initial=services.preferences_of(who))
    status = 200
    if request.method == "POST":
        if form.is_valid():
            services.preferences_save(who=who, email=dict(form.cleaned_data))
            messages.success(request, "E-mail preferences saved.")
            return redirect("notifications:preferences")
        status = 400
    return render(request, "notifications/preferences.html", {"form": form}, status=status)


# ----------------------------------------------------------------------- threads


class CommentForm(forms.Form):
    """A comment's text (and the version when editing)."""

    body = forms.CharField(
        max_length=COMMENT_MAX, widget=forms.Textarea(attrs={"rows": 3}), label="Comment"
    )
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)


def _thread_answer(
    request: HttpRequest,
    project: Any,
    record: Any,
    *,
    flash: str = "",
    error: str = "",
    typed: str = "",
    status: int = 200,
) -> HttpResponse:
    if getattr(request, "htmx", False) or request.method == "GET":
        context = thread_context(
            who=actor(request), project=project, kind=record.kind, record_id=record.record_id
        )
        context.update({"flash": flash, "error": error, "typed": typed})
        return render(request, "notifications/thread.html", context, status=status)
    if error:
        messages.error(request, error)
    elif flash:
        messages.success(request, flash)
    return redirect(f"{record.url}#comments")


def _first_error(exc: DomainError) -> str:
    errors = getattr(exc, "errors", None) or {}
    for value in errors.values():
        return str(value[0] if isinstance(value, list) else value)
    return exc.message


@login_required
@require_http_methods(["GET", "POST"])
def thread(request: HttpRequest, project_id: str, kind: str, thread_id: str) -> HttpResponse:
    """The thread fragment (GET); post a comment (POST)."""
    who = actor(request)
    perm = Perm.CONTRIBUTE if request.method == "POST" else Perm.VIEW
    try:
        project, record = comments.open_thread(
            who=who, project_id=project_id, kind=kind, record_id=thread_id, perm=perm
        )
    except DomainError as exc:
        return page_error(request, exc)
    if request.method == "GET":
        return _thread_answer(request, project, record)
    form = CommentForm(request.POST)
    if not form.is_valid():
        error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
        return _thread_answer(
            request, project, record, error=error, typed=request.POST.get("body", ""), status=400
        )
    try:
        comments.comment_create(
            who=who, project=project, record=record, data={"body": form.cleaned_data["body"]}
        )
    except DomainError as exc:
        if exc.status_code in (403, 404):
            return page_error(request, exc)
        return _thread_answer(
            request, project, record, error=_first_error(exc), typed=form.data["body"], status=400
        )
    return _thread_answer(request, project, record, flash="Comment posted.")


@login_required
@require_POST
def comment_change(
    request: HttpRequest, project_id: str, kind: str, thread_id: str, comment_id: str
) -> HttpResponse:
    """Edit one's comment (body, version) or remove it (``action=remove``)."""
    who = actor(request)
    try:
        project, record = comments.open_thread(
            who=who, project_id=project_id, kind=kind, record_id=thread_id, perm=Perm.CONTRIBUTE
        )
        comment = get_by_public_id(
            comments.thread_comments(project=project, record=record), comment_id
        )
    except DomainError as exc:
        return page_error(request, exc)
    return _change(request, project, record, comment)


def _change(request: HttpRequest, project: Any, record: Any, comment: Comment) -> HttpResponse:
    who = actor(request)
    try:
        version = parse_version(request.POST.get("version"))
        if request.POST.get("action") == "remove":
            comments.comment_delete(who=who, record=record, comment=comment, version=version)
            return _thread_answer(request, project, record, flash="Comment removed.")
        form = CommentForm(request.POST)
        if not form.is_valid():
            error = "; ".join(str(e) for errs in form.errors.values() for e in errs)
            return _thread_answer(request, project, record, error=error, status=400)
        comments.comment_update(
            who=who,
            record=record,
            comment=comment,
            version=version,
            changes={"body": form.cleaned_data["body"]},
        )
    except Conflict as exc:
        return _thread_answer(request, project, record, error=exc.message, status=409)
    except DomainError as exc:
        if exc.status_code == 403:
            return page_error(request, exc)
        return _thread_answer(
            request, project, record, error=_first_error(exc), status=exc.status_code
        )
    return _thread_answer(request, project, record, flash="Comment saved.")
