"""`keystage charter PROJECT`: show, regenerate or export a project's charter."""

from __future__ import annotations

from typing import Annotated

import typer

from keystage.cli.common import OrganisationOption, django_setup, fail, find_project


def register(app: typer.Typer) -> None:
    """Attach the `charter` command to the `keystage` command."""
    app.command("charter")(charter_command)


def charter_command(
    project: Annotated[str, typer.Argument(help="The project's code (e.g. ERP-CLOUD) or id.")],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Write the charter's PDF to this file.")
    ] = "",
    regenerate: Annotated[
        bool,
        typer.Option("--regenerate", help="Generate a new version from the current data first."),
    ] = False,
    organisation: OrganisationOption = None,
) -> None:
    """Show, regenerate or export a project's charter (acts as the system, journaled)."""
    django_setup()
    from pathlib import Path

    from keystage.core.errors import DomainError
    from keystage.initiation.charter.models import CharterVersion
    from keystage.initiation.charter.services import charter_regenerate_as_system

    found = find_project(project, organisation)
    if output and not output.lower().endswith(".pdf"):
        fail(f"the output file must end in .pdf: {output}")
    target = Path(output) if output else None
    if target is not None and not target.parent.exists():
        fail(f"cannot write {output}: the folder {target.parent} does not exist")
    try:
        if regenerate:
            version = charter_regenerate_as_system(project=found)
        else:
            latest = CharterVersion.objects.filter(project=found).order_by("-number").first()
            if latest is None:
                fail(f"{found.code} has no charter yet; run with --regenerate to generate one")
                return
            version = latest
    except DomainError as exc:
        fail(exc.message)
        return
    line = (
        f"{found.code}: charter version {version.number}, generated "
        f"{version.generated_at:%Y-%m-%d %H:%M} by {version.generated_by_label}"
    )
    if target is not None:
        try:
            target.write_bytes(bytes(version.pdf))
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
        line += f"; PDF written to {target} ({len(version.pdf):,} bytes)"
    typer.echo(line)
