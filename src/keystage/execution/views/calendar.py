"""The personal iCal feed: ``/calendar/<token>.ics``, no session needed; an unknown or
revoked token answers 404."""

from __future__ import annotations

from django.http import Http404, HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from keystage.accounts.calendar_tokens import calendar_token_user
from keystage.execution.selectors.calendar_feed import calendar_feed
from keystage.planning.models import Task


@require_GET
def calendar_feed_view(request: HttpRequest, token: str) -> HttpResponse:
    """The token owner's assigned tasks and their projects' milestones as iCalendar."""
    who = calendar_token_user(token)
    if who is None:
        raise Http404("No such calendar.")

    def task_url(task: Task) -> str:
        path = reverse("planning:plan-task-detail", args=[task.project.public_id, task.public_id])
        return request.build_absolute_uri(path)

    body = calendar_feed(who, task_url=task_url, now=timezone.now())
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="keystage.ics"'
    response["Cache-Control"] = "private, no-store"
    response["Referrer-Policy"] = "no-referrer"
    return response
