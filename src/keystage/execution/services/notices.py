"""Notifications the execution services send (``notifications.services.notify``).

``timesheet_decided``: the person whose week was approved, rejected or reopened (with the
reason).
``predecessor_finished``: the people assigned to the successors of a task that has just
got its actual finish. Each is called inside the writing transaction; ``notify`` writes
the in-app notices there and queues e-mail only after the commit.
"""

from __future__ import annotations

from django.urls import reverse

from keystage.accounts.models import User
from keystage.execution.models import Timesheet, TimesheetStatus
from keystage.execution.services.timesheet_rules import label
from keystage.notifications.models import NotificationKind
from keystage.notifications.services import notify
from keystage.planning.models import Assignment, Dependency, Task
from keystage.planning.selectors.threads import task_url


def tell_timesheet_decided(who: User, sheet: Timesheet) -> None:
    """Tell the week's owner that ``who`` approved, rejected or reopened it (a rejection or
    a reopening with its reason), linking to the week."""
    project = sheet.project
    week = label(sheet.week_start)
    if sheet.status == TimesheetStatus.APPROVED:
        text = f"{who.display_name} approved your week of {week} in {project.code}"
    elif sheet.status == TimesheetStatus.REOPENED:
        text = (
            f"{who.display_name} reopened your approved week of {week} in {project.code}: "
            f"{sheet.reason} — correct it and submit it again"
        )
    else:
        text = f"{who.display_name} rejected your week of {week} in {project.code}: {sheet.reason}"
    url = reverse(
        "execution:timesheet-week", args=[project.public_id, sheet.week_start.isoformat()]
    )
    notify(
        [sheet.person],
        kind=NotificationKind.TIMESHEET_DECIDED,
        project=project,
        text=text,
        url=url,
        actor=who,
    )


def tell_predecessor_finished(who: User, task: Task) -> None:
    """Tell the people assigned to each successor of ``task`` (just finished) that the
    work they wait on is done — one notice per person and successor."""
    project = task.project
    successors = Task.objects.filter(
        pk__in=Dependency.objects.filter(predecessor=task).values("successor_id")
    ).order_by("wbs_code", "pk")
    people = (
        Assignment.objects.filter(task__in=successors)
        .select_related("person")
        .order_by("task_id", "person_id")
    )
    by_task: dict[int, list[User]] = {}
    for assignment in people:
        by_task.setdefault(assignment.task_id, []).append(assignment.person)
    day = task.actual_finish
    finished = f" on {day:%d %b %Y}" if day else ""
    for successor in successors:
        recipients = by_task.get(successor.pk)
        if not recipients:
            continue
        notify(
            recipients,
            kind=NotificationKind.PREDECESSOR_FINISHED,
            project=project,
            text=f"'{task.name}' finished{finished}: '{successor.name}' in {project.code} "
            "can go ahead",
            url=task_url(project, successor),
            actor=who,
        )
