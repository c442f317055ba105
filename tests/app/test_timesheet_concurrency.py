"""Two of one person's time writes at once still keep the 24-hour day and the week's lock.

Runs on whichever database the suite runs on; on PostgreSQL the requests truly overlap.
"""

from __future__ import annotations

import threading
from typing import Any

import pytest
from django.db import connections

from keystage.execution.models import TimeEntry
from tests.app.timesheet_world import MONDAY, plan

pytestmark = pytest.mark.django_db(transaction=True)


def _at_once(calls: list[Any]) -> list[Any]:
    """Run the calls in threads released together; each one's result or exception."""
    barrier = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = calls[i]()
        except Exception as exc:
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    return results


def test_two_entries_at_once_never_make_a_day_over_24_hours(world, monkeypatch):
    from keystage.execution.services import timesheets as services

    tasks = plan(world, monkeypatch)
    dev, project = world.a["team_member"], world.project_a

    def log(task: Any) -> Any:
        return services.time_entry_create(
            who=dev, project=project, data={"task": task.public_id, "day": MONDAY, "hours": "13"}
        )

    results = _at_once([lambda: log(tasks.build), lambda: log(tasks.test)])
    assert sum(isinstance(r, TimeEntry) for r in results) == 1, results
    refused = next(r for r in results if not isinstance(r, TimeEntry))
    assert "24" in str(getattr(refused, "errors", refused))
    assert sum(e.hours for e in TimeEntry.objects.filter(person=dev, day=MONDAY)) == 13
