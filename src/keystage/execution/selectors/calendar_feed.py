"""The iCal feed of one person's work: a VEVENT per task they are assigned to and per
milestone of the projects they are a member of, read through ``projects_visible_to`` (a
project they left drops out at once). Two queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import icalendar
from django.db.models import Q

from keystage.planning.models import Task, TaskKind
from keystage.portfolio.access import projects_visible_to


def feed_tasks(who: Any) -> list[Task]:
    """The scheduled tasks of the feed: assigned leaf tasks and milestones of my projects."""
    mine = projects_visible_to(who).filter(memberships__user_id=who.pk)
    return list(
        Task.objects.filter(project__in=mine, start_at__isnull=False, finish_at__isnull=False)
        .filter(Q(assignments__person_id=who.pk, is_summary=False) | Q(kind=TaskKind.MILESTONE))
        .select_related("project")
        .distinct()
        .order_by("start_at", "id")
    )


def _event(task: Task, url: str, stamp: dt.datetime) -> icalendar.Event:
    event = icalendar.Event()
    event.add("uid", f"task-{task.public_id}@keystage")
    event.add("dtstamp", stamp)
    event.add("last-modified", task.updated_at.astimezone(dt.UTC))
    if task.kind == TaskKind.MILESTONE:
        event.add("summary", f"◆ {task.project.code}: {task.name}")
        day = task.finish_at.astimezone(dt.UTC).date()  # type: ignore[union-attr]
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
    else:
        event.add("summary", f"{task.project.code}: {task.name}")
        event.add("dtstart", task.start_at.astimezone(dt.UTC))  # type: ignore[union-attr]
        event.add("dtend", task.finish_at.astimezone(dt.UTC))  # type: ignore[union-attr]
    event.add("url", url)
    status = task.progress_status
    event.add(
        "description",
        f"{task.project.name} · {task.wbs_code} · {status.replace('_', ' ')}"
        f" · {task.percent_complete} % complete\n{url}",
    )
    return event


def calendar_feed(who: Any, *, task_url: Callable[[Task], str], now: dt.datetime) -> bytes:
    """The person's feed as iCalendar bytes; ``task_url`` gives each task's page address."""
    cal = icalendar.Calendar()
    cal.add("prodid", "-//Keystage//My work//EN")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"Keystage: {who.display_name}")
    stamp = now.astimezone(dt.UTC)
    for task in feed_tasks(who):
        cal.add_component(_event(task, task_url(task), stamp))
    return bytes(cal.to_ical())
