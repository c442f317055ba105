"""What a finished schedule run says: its summary (JSON on the run) and its one-line message.

Pure functions of the run, the model and the solver's outcome; ``services/schedule.py``
stores what they return.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone
from django.utils.formats import date_format

from keystage.core.audit import jsonable
from keystage.planning import rcpsp
from keystage.planning.models import ScheduleMethod, ScheduleRun


def day(value: dt.datetime | None) -> str:
    """A date as the messages write it (``13 Jan 2027``), in the local time zone."""
    return date_format(timezone.localtime(value), "j M Y") if value else "—"


def empty_summary(run: ScheduleRun) -> dict[str, Any]:
    """Every key a run's summary has (None where the method does not say)."""
    return {
        "method": run.method,
        "tasks": 0,
        "people": 0,
        "finish_before": None,
        "finish_after": None,
        "makespan_days": None,
        "makespan_before_days": None,
        "lower_bound_days": None,
        "gap_percent": None,
        "heuristic_makespan_days": None,
        "critical_tasks": None,
        "solver_status": "",
        "solved_by": "",
        "moves": [],
        "unresolved": [],
    }


def outcome_summary(
    run: ScheduleRun,
    model: rcpsp.Model,
    outcome: rcpsp.Outcome,
    finish_before: dt.datetime | None,
    finish_after: dt.datetime,
    people: int,
) -> dict[str, Any]:
    """The summary of a levelled or optimised run: finishes, makespans, bound and gap, every
    moved task with the reason, and the over-allocations left."""
    wd = model.workdays
    names = {p.key: p.name for p in model.people.values()}
    return {
        **empty_summary(run),
        "tasks": len(model.tasks),
        "people": len(model.people) or people,
        "finish_before": jsonable(finish_before),
        "finish_after": jsonable(finish_after),
        "makespan_days": outcome.makespan,
        "makespan_before_days": outcome.makespan_before,
        "lower_bound_days": outcome.lower_bound,
        "gap_percent": None if outcome.gap is None else round(100 * outcome.gap, 1),
        "heuristic_makespan_days": outcome.heuristic_makespan,
        "solver_status": outcome.status,
        "solved_by": outcome.solved_by,
        "moves": [
            {
                "task": str(m.task.public_id),
                "row": m.task.row,
                "wbs_code": m.task.wbs_code,
                "name": m.task.name,
                "old_start": jsonable(m.old_start),
                "new_start": jsonable(m.new_start),
                "delay_days": m.delay_days,
                "reason": m.reason,
                "person": m.person,
            }
            for m in sorted(outcome.moves, key=lambda m: m.task.row)
        ],
        "unresolved": [
            {
                "person": names.get(o.resource, o.resource),
                "start": wd.day(o.start).isoformat(),
                "end": wd.day(o.end - 1).isoformat(),
                "excess_percent": o.excess,
            }
            for o in outcome.unresolved
        ],
    }


def done_message(run: ScheduleRun, outcome: rcpsp.Outcome, summary: dict[str, Any]) -> str:
    """The one line a levelled or optimised run ends with: what moved, the finish, quality."""
    moved = len(outcome.moves)
    finish = day(dt.datetime.fromisoformat(summary["finish_after"]))
    cpm = day(dt.datetime.fromisoformat(summary["finish_before"]))
    was = f" (critical path: {cpm})" if cpm != finish else " (as the critical path)"
    if run.method == ScheduleMethod.OPTIMISE:
        quality = (
            "proven optimal"
            if outcome.status == "optimal"
            else f"gap {summary['gap_percent']} % to the lower bound of "
            f"{outcome.lower_bound} working days"
        )
        return f"Optimised: {moved} task(s) moved; finish {finish}{was}; {quality}."
    text = f"Levelled: {moved} task(s) moved; finish {finish}{was}."
    if outcome.unresolved:
        text += (
            f" {len(outcome.unresolved)} over-allocation(s) could not be removed "
            "without moving the finish; level without the float limit to remove them."
        )
    return text
