"""Background jobs of keystage.planning (django.tasks; the database backend's ``db_worker``
runs them; tests and small set-ups may use the immediate backend)."""

from __future__ import annotations

from django.tasks import task

from keystage.planning.services.schedule import execute_run


@task()
def run_schedule(run_id: int) -> str:
    """Execute a queued schedule run; returns its final status (done or failed)."""
    return execute_run(run_id)
