"""`keystage import FILE [--project CODE] [--dry-run]`: read a plan file into a project.

Without ``--project`` the file is only read: its format, what it holds and what cannot be
kept are printed, and nothing is written (the check a project manager runs before an
import). With ``--project`` the plan is written into that project, which must have no
tasks, in one transaction, as the system actor (closed projects refuse). Errors are one
line on stderr and a non-zero exit; the file's content is never echoed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from keystage.cli.common import OrganisationOption, django_setup, fail, find_project


def register(app: typer.Typer) -> None:
    """Attach the `import` command to the `keystage` command."""
    app.command("import")(import_command)


def import_command(
    file: Annotated[Path, typer.Argument(help="MSPDI .xml, plan .toml, or any file MPXJ reads.")],
    project: Annotated[
        str | None,
        typer.Option("--project", "-p", metavar="CODE", help="Import into this empty project."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Read and check everything, write nothing.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--losses", help="List every item that cannot be kept.")
    ] = False,
    organisation: OrganisationOption = None,
) -> None:
    """Import a plan (tasks, WBS, links, calendar, assignments, baselines, progress)."""
    if not file.is_file():
        fail(f"no file {file}")
    started = time.perf_counter()
    try:
        data = file.read_bytes()
    except OSError as exc:
        fail(f"cannot read {file}: {exc.strerror or exc}")
    django_setup()
    from keystage.core.errors import DomainError
    from keystage.interop import services

    target = find_project(project, organisation) if project is not None else None
    try:
        document, file_dates = services.read_upload(
            file.name, data, start=target.start_date if target is not None else None
        )
    except DomainError as exc:
        fail(f"{file.name}: {_message(exc)}")
    counts_of = (
        f"{len(document.plan.activities)} tasks, {len(document.plan.links)} links, "
        f"{len(document.plan.calendars)} calendars, {len(document.resources)} resources, "
        f"{len(document.assignments)} assignments, {len(document.plan.baselines)} baselines"
    )
    if target is None:
        _losses(document.losses, verbose)
        typer.echo(
            f"{file.name}: {document.source_format}, {counts_of}, {len(document.losses)} item(s) "
            "not kept; nothing written (give --project CODE to import)"
        )
        return
    try:
        report, preview = services.plan_import(
            who=None,
            project=target,
            document=document,
            source=services.source_of(file.name, data, document),
            dry_run=dry_run,
            file_dates=file_dates,
        )
    except DomainError as exc:
        fail(f"{file.name}: {_message(exc)}")
    if dry_run and preview.error:
        fail(f"{file.name}: {preview.error}")
    _losses(preview.losses, verbose)
    counts = report.counts
    verb = "would import" if dry_run else "imported"
    equal = report.dates_equal_percent
    typer.echo(
        f"{file.name}: {verb} {counts['tasks']} tasks, {counts['links']} links, "
        f"{counts['assignments']} assignments, {counts['baselines']} baselines into "
        f"{target.code}; {counts['losses']} item(s) not kept"
        f"{f'; dates equal to the file: {equal:g} %' if equal is not None else ''}"
        f" in {time.perf_counter() - started:.1f} s"
    )


def _message(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if errors:
        return "; ".join(m for messages in errors.values() for m in messages)
    return str(getattr(exc, "message", exc))


def _losses(losses: object, verbose: bool) -> None:
    if not verbose:
        return
    for loss in losses:  # type: ignore[attr-defined]
        typer.echo(f"  not kept: {loss.where}: {loss.what}", err=True)
