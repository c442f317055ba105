"""The demo's weekly status updates and task comments for ERP-CLOUD, written by the project
manager and the team through the record kit and the comment service, each dated to the week
it speaks of (``demo/execution.py`` computes what happened; this module tells it).

Health is green unless a task that slipped (``history.LATE``) is running late that week:
then amber, with the blocker and the decision the PM asks for.
"""

from __future__ import annotations

import datetime as dt

from keystage.accounts.models import User
from keystage.demo.history import LATE, Actual, at, dated
from keystage.execution.models import StatusUpdate
from keystage.execution.services.timesheet_rules import week_start
from keystage.execution.status_updates import STATUS_UPDATES
from keystage.notifications.comments import comment_create
from keystage.notifications.models import Comment
from keystage.notifications.threads import resolve_record
from keystage.planning.models import TaskKind
from keystage.portfolio.models import GateDecision, Project

# What the PM writes while a slipped task runs late: (blocker, decision needed).
SLIP_NOTES = {
    "Data volume and quality profiling": (
        "The finance archive tables hold twice the rows the assessment assumed; profiling "
        "them takes two more days.",
        "",
    ),
    "Build extraction jobs": (
        "The on-premises database only allows extraction runs at night; the extraction jobs "
        "are three days behind, so the load jobs start late (Atlas adds a developer to "
        "catch up before trial migration 1).",
        "Sponsor: approve two weekend extraction windows (IT operations needs 5 days' "
        "notice) so trial migration 2 keeps its date.",
    ),
    "Port custom reports": (
        "Fourteen logistics reports use a label-printer driver the cloud platform does not "
        "ship; Chen is testing the vendor's replacement.",
        "Decide whether the 9 rarely used warehouse reports move after go-live (saves four "
        "days; the warehouse leads agree).",
    ),
}
NEXT_DEFAULT = "Keep the weekly check-in with the migration partner on Tuesday."
GREEN_NOTES = (
    "Migration partner on plan; team at full strength.",
    "Weekly partner check-in held; no open actions older than a week.",
    "Budget burn in line with the plan; travel slightly above it (plant visits).",
    "Key users confirmed their availability for the acceptance tests in January.",
)


def _names(actuals: list[Actual]) -> str:
    return "; ".join(a.task.name for a in actuals) or "—"


def _week_text(
    monday: dt.date, actuals: list[Actual], index: int
) -> tuple[str, str, str, str, str, str]:
    """(health, summary, accomplishments, next steps, blockers, decisions) of one week."""
    sunday = monday + dt.timedelta(days=6)
    leaves = [a for a in actuals if a.task.kind != TaskKind.MILESTONE]
    finished = [a for a in leaves if a.finish and monday <= a.finish <= sunday]
    reached = [
        a
        for a in actuals
        if a.task.kind == TaskKind.MILESTONE and a.finish and monday <= a.finish <= sunday
    ]
    following = monday + dt.timedelta(days=7)
    upcoming = [
        a
        for a in leaves
        if (a.start or a.planned_start) >= following
        and (a.start or a.planned_start) < following + dt.timedelta(days=7)
    ]
    late = [
        a
        for a in actuals
        if a.task.name in LATE
        and a.planned_finish <= sunday
        and (a.finish is None or a.finish >= monday)
    ]
    done = f"Finished: {_names(finished)}." if finished else "No task finished this week."
    if reached:
        done += f" Milestone reached: {_names(reached)}."
    running = [
        a
        for a in leaves
        if a.start and a.start <= sunday and (a.finish is None or a.finish > sunday)
    ]
    if running:
        done += f" Under way: {_names(running)}."
    steps = f"Start {_names(upcoming)}. {NEXT_DEFAULT}" if upcoming else NEXT_DEFAULT
    if late:
        slipped = late[0]
        blocker, decision = SLIP_NOTES.get(slipped.task.name, ("", ""))
        days = LATE[slipped.task.name]
        summary = f"Amber: '{slipped.task.name}' running {days} days late; recovery agreed"
        return "amber", summary, done, steps, blocker, decision
    summary = f"On track. {GREEN_NOTES[index % len(GREEN_NOTES)]}"
    return "green", summary[:200], done, steps, "None.", ""


def load_status_updates(
    *, project: Project, pm: User, actuals: list[Actual], data_date: dt.date
) -> None:
    """A status update each Friday since the gate to execution, up to last week."""
    gate = (
        GateDecision.objects.filter(project=project, to_stage="execution")
        .order_by("decided_at")
        .first()
    )
    first = week_start(gate.decided_at.date() if gate else data_date)
    monday, index = first, 0
    while monday <= data_date:
        health, summary, done, steps, blockers, decisions = _week_text(monday, actuals, index)
        posted = at(monday + dt.timedelta(days=4), 16)
        with dated(posted):
            update = STATUS_UPDATES.create(
                who=pm,
                project=project,
                data={
                    "week_of": monday,
                    "health": health,
                    "summary": summary,
                    "accomplishments": done,
                    "next_steps": steps,
                    "blockers": blockers,
                    "decisions_needed": decisions,
                },
            )
        StatusUpdate.objects.filter(pk=update.pk).update(created_at=posted, updated_at=posted)
        monday += dt.timedelta(days=7)
        index += 1


# (task, author, body, days after the task's actual start)
COMMENTS = [
    (
        "Port custom reports",
        "priya",
        "@jonas the finance reports are the ones month-end close needs: port those first "
        "and tell me by Thursday which reports would slip.",
        2,
    ),
    (
        "Port custom reports",
        "jonas",
        "@priya finance pack is done and tested. The 14 logistics reports wait on the "
        "label-printer driver; @chen is trying the vendor's replacement on the platform.",
        4,
    ),
    (
        "Build extraction jobs",
        "elena",
        "@priya the night window is too short for the finance archive; can we get a "
        "weekend window from IT operations?",
        3,
    ),
]


def load_comments(*, project: Project, actuals: list[Actual], data_date: dt.date) -> None:
    """A few comments with @mentions on the tasks that slipped (the mentioned are told)."""
    by_name = {a.task.name: a for a in actuals}
    users = {u.username: u for u in User.objects.filter(memberships__project=project)}
    for name, author, body, after in COMMENTS:
        actual = by_name.get(name)
        if actual is None or actual.start is None or author not in users:
            continue
        day = min(actual.start + dt.timedelta(days=after), data_date)
        record = resolve_record(project, "task", actual.task.public_id)
        posted = at(day, 11 + after)
        with dated(posted):
            comment = comment_create(
                who=users[author], project=project, record=record, data={"body": body}
            )
        Comment.objects.filter(pk=comment.pk).update(created_at=posted, updated_at=posted)
