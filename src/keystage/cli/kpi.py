"""`keystage kpi check [PROJECT]`: check KPIs and send the alerts of new crossings (cron)."""

from __future__ import annotations

from typing import Annotated

import typer

from keystage.cli.common import OrganisationOption, django_setup, find_project

kpi_app = typer.Typer(
    help="KPIs with RAG: check them and alert on crossings.", no_args_is_help=True
)


def register(app: typer.Typer) -> None:
    """Attach the `kpi` command group to the `keystage` command."""
    app.add_typer(kpi_app, name="kpi")


@kpi_app.command("check")
def check_command(
    project: Annotated[
        str | None,
        typer.Argument(help="A project's code or id; without it, every open project."),
    ] = None,
    organisation: OrganisationOption = None,
) -> None:
    """Evaluate the KPIs; tell the project manager and sponsor of each new amber or red
    (once per crossing). One line per project: its health, reasons and alerts sent; then
    the stored earned-value summaries of the dashboard are refreshed."""
    django_setup()
    from keystage.control.kpis.alerts import check_project, open_projects

    projects = [find_project(project, organisation)] if project else list(open_projects())
    for found in projects:
        result = check_project(found)
        health = result.kpis.health
        crossed = f"; alert sent to {result.told}" if result.crossings else ""
        reasons = "; ".join(health.reasons)
        typer.echo(f"{found.code}: {health.rag.label.lower()} — {reasons}{crossed}")
    if not projects:
        typer.echo("No open projects to check.")
        return
    from keystage.control.evm_snapshots import refresh

    refresh([p.pk for p in projects])
