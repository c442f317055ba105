"""`keystage timesheet import FILE.csv [--dry-run]`: load time entries, all or nothing."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from keystage.cli.common import django_setup, fail

timesheet_app = typer.Typer(help="Timesheets: import time entries from CSV.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach the `timesheet` command group to the `keystage` command."""
    app.add_typer(timesheet_app, name="timesheet")


@timesheet_app.command("import")
def import_command(
    file: Annotated[Path, typer.Argument(help="CSV with the columns of docs/timesheets.md.")],
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Check every line, write nothing.")
    ] = False,
) -> None:
    """Import time entries: every line is checked; one error and nothing is written."""
    if not file.is_file():
        fail(f"no file {file}")
    django_setup()
    from keystage.execution.services.timesheet_import import import_time_entries

    started = time.perf_counter()
    try:
        with file.open(encoding="utf-8-sig", newline="") as handle:
            result = import_time_entries(handle, name=file.name, dry_run=dry_run)
    except UnicodeDecodeError:
        fail(f"{file} is not UTF-8 text")
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    if result.errors:
        for line in result.errors[:1000]:
            typer.echo(f"{file.name}: {line}", err=True)
        if len(result.errors) > 1000:
            typer.echo(f"{file.name}: … and {len(result.errors) - 1000} more errors", err=True)
        fail(f"{len(result.errors)} error(s); nothing was imported")
    seconds = time.perf_counter() - started
    verb = "would import" if dry_run else "imported"
    projects = ", ".join(f"{code} {n}" for code, n in sorted(result.projects.items()))
    typer.echo(
        f"{file.name}: {verb} {result.rows} time entries, {result.hours:f} h"
        f"{f' ({projects})' if projects else ''}"
        f"{'' if dry_run else f', {result.weeks_created} new weeks'} in {seconds:.1f} s"
    )
