"""Background jobs of keystage.control (run by ``db_worker``)."""

from __future__ import annotations

from django.tasks import task


@task()
def check_organisation_kpis(organisation_id: int) -> int:
    """Check every open project of an organisation (after its thresholds changed); the
    number of projects checked. A failing project is logged and the others still run."""
    from keystage.control.kpis.alerts import check_quietly, open_projects

    ids = list(open_projects(organisation_id).values_list("pk", flat=True))
    for project_id in ids:
        check_quietly(project_id)
    return len(ids)


@task()
def refresh_evm_snapshots(project_ids: list[int]) -> int:
    """Refresh the stored earned-value summaries of these projects (queued by the dashboard
    when it had to compute some live); the number stored."""
    from keystage.control.evm_snapshots import refresh

    return refresh(project_ids)
