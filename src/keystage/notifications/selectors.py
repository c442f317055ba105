"""Reads for pages: the bell's unread count, and a thread ready to render."""

from __future__ import annotations

from typing import Any

from keystage.accounts.roles import Perm
from keystage.notifications.comments import thread_comments
from keystage.notifications.services import notifications_of
from keystage.notifications.threads import ThreadRecord, resolve_record
from keystage.portfolio.access import may_change_contribution, project_perms
from keystage.portfolio.models import Project


def unread_count(who: Any) -> int:
    """How many of the user's notifications are unread (0 when signed out)."""
    return notifications_of(who).filter(read_at__isnull=True).count()


def thread_context(*, who: Any, project: Project, kind: str, record_id: Any) -> dict[str, Any]:
    """What ``notifications/thread.html`` shows: the record, its comments with what ``who``
    may do with each, and whether ``who`` may post (the caller has checked *view*)."""
    record: ThreadRecord = resolve_record(project, kind, record_id)
    perms = project_perms(who, project)
    rows = [
        {
            "comment": c,
            "can_edit": c.author_id == who.pk and Perm.CONTRIBUTE in perms,
            "can_remove": may_change_contribution(who, project, c.author_id, perms=perms),
        }
        for c in thread_comments(project=project, record=record)
    ]
    return {
        "project": project,
        "record": record,
        "rows": rows,
        "can_comment": Perm.CONTRIBUTE in perms,
    }
