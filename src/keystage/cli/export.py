"""`keystage export PROJECT -f mspdi|xlsx|csv|ics|toml -o FILE`: a project as a file."""

from __future__ import annotations

from typing import Annotated

import typer

from keystage.cli.common import OrganisationOption, django_setup, fail, find_project

FORMATS = ("mspdi", "xlsx", "csv", "ics", "toml")


def register(app: typer.Typer) -> None:
    """Attach the `export` command to the `keystage` command."""
    app.command("export")(export_command)


def export_command(
    project: Annotated[str, typer.Argument(help="The project's code (e.g. ERP-CLOUD) or id.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", help="mspdi, xlsx, csv (a zip), ics or toml.")
    ] = "mspdi",
    output: Annotated[
        str, typer.Option("--output", "-o", help="The file to write ('-' for standard output).")
    ] = "",
    organisation: OrganisationOption = None,
) -> None:
    """Export a project's plan (acts as the system: every time entry is included)."""
    if fmt not in FORMATS:
        fail(f"unknown format {fmt!r}; use one of {', '.join(FORMATS)}")
    django_setup()
    from pathlib import Path

    from keystage.core.errors import DomainError
    from keystage.interop.exports import build_export

    found = find_project(project, organisation)
    try:
        export = build_export(found, fmt)
    except DomainError as exc:
        fail(exc.message)
    for loss in export.losses:
        typer.echo(f"not carried: {loss}", err=True)
    if output == "-":
        typer.get_binary_stream("stdout").write(export.content)
        return
    target = Path(output or export.filename)
    if not target.parent.exists():
        fail(f"cannot write {target}: the folder {target.parent} does not exist")
    try:
        target.write_bytes(export.content)
    except OSError as exc:
        fail(f"cannot write {target}: {exc.strerror or exc}")
    typer.echo(f"{found.code}: {fmt} export written to {target} ({len(export.content):,} bytes)")
