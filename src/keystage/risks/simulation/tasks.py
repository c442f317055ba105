"""The background job of risk simulations (django.tasks; ``db_worker`` runs it)."""

from __future__ import annotations

from django.tasks import task

from keystage.risks.simulation.services import execute_simulation


@task()
def run_simulation(run_id: int) -> str:
    """Execute a queued risk simulation; returns its final status."""
    return execute_simulation(run_id)
