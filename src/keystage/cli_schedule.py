"""Plan-as-code scheduling commands (`keystage schedule`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from keystage.schedule_run import OutputFormat, run


def schedule_command(
    plan: Annotated[Path, typer.Argument(help="TOML plan file (see docs/plan-format.md).")],
    output_format: Annotated[
        OutputFormat, typer.Option("--format", "-f", help="table, json or csv.")
    ] = OutputFormat.TABLE,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write to this file instead.")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", "-b", help="Compare with this baseline.")
    ] = None,
) -> None:
    """Schedule a plan file: dates, floats, drivers and the critical path."""
    error = run(plan, output_format, output, baseline)
    if error is not None:
        typer.echo(error, err=True)
        raise typer.Exit(code=1)


def register(app: typer.Typer) -> None:
    """Attach the scheduling commands to the `keystage` command."""
    app.command("schedule")(schedule_command)
    if app.registered_callback is None:
        # Without a callback, Typer runs a lone command as the whole program
        # (`keystage PLAN`); a callback keeps `keystage schedule PLAN` stable.
        app.callback()(_group)


def _group() -> None:
    """Keystage: IT project management from idea to closure."""
