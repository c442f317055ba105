"""Template helpers: the header bell, a record's comment thread, and comment bodies."""

from __future__ import annotations

import re
from typing import Any

from django import template
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from keystage.notifications.comments import MENTION
from keystage.notifications.selectors import thread_context, unread_count

register = template.Library()

STRONG = re.compile(r"\*\*(\S(?:.*?\S)?)\*\*")


@register.simple_tag(takes_context=True)
def unread_notifications(context: template.Context) -> int:
    """The signed-in user's unread count, for the bell."""
    request = context.get("request")
    return unread_count(getattr(request, "user", None))


@register.inclusion_tag("notifications/thread.html", takes_context=True)
def comment_thread(
    context: template.Context, project: Any, kind: str, record_id: Any
) -> dict[str, Any]:
    """The comment thread of ``kind:record_id`` in ``project`` (the page checked *view*)."""
    request = context["request"]
    return {
        "request": request,
        "csrf_token": context.get("csrf_token"),
        **thread_context(who=request.user, project=project, kind=kind, record_id=record_id),
    }


@register.filter
def comment_html(body: str) -> SafeString:
    """A comment's text, escaped first: line breaks kept, ``**bold**`` and ``@mentions``
    emphasised — nothing the author typed becomes markup."""
    text = str(escape(body))
    text = STRONG.sub(r"<strong>\1</strong>", text)
    text = MENTION.sub(r'<span class="mention">@\1</span>', text)
    return mark_safe(text.replace("\r\n", "\n").replace("\n", "<br>"))  # noqa: S308
