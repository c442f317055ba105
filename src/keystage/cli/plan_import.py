"""`keystage import FILE [--project CODE | --manager USER [--code C] [--name N]] [--dry-run]`.

With ``--project`` the plan is written into that project, which must have no tasks, in
one transaction, as the system actor (closed projects refuse). With ``--manager`` a NEW
project is opened from the file, as that user (who must be allowed to open projects) and
with them as its project manager; its code and name come from ``--code``/``--name`` or
the file's project title. ``--dry-run`` writes nothing. With neither option the file is
only read: its format, what it holds and what cannot be kept are printed (the check a
project manager runs before an import). Errors are one line on stderr and a non-zero
exit; the file's content is never echoed.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from keystage.cli.common import (
    OrganisationOption,
    django_setup,
    fail,
    find_project,
    find_user,
)


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
    manager: Annotated[
        str | None,
        typer.Option(
            "--manager",
            metavar="USER",
            help="Open a new project from the file, as this user and with them as its manager.",
        ),
    ] = None,
    code: Annotated[
        str | None,
        typer.Option(
            "--code", metavar="CODE", help="The new project's code (default: from the name)."
        ),
    ] = None,
    name: Annotated[
        str | None,
        typer.Option(
            "--name", metavar="NAME", help="The new project's name (default: the file's title)."
        ),
    ] = None,
    verbose: Annotated[
        bool, typer.Option("--losses", help="List every item that cannot be kept.")
    ] = False,
    organisation: OrganisationOption = None,
) -> None:
    """Import a plan (tasks, WBS, links, calendar, assignments, baselines, progress)."""
    if project is not None and (manager or code or name):
        fail("give either --project CODE (an empty project) or --manager USER (a new project)")
    if manager is None and (code or name):
        fail("--code and --name open a new project: give --manager USER too")
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
    who = find_user(manager, organisation, active=True) if manager is not None else None
    try:
        if who is not None:  # a code or name the new project could never take: before the parse
            from keystage.interop.new_project import check_name_and_code

            check_name_and_code(who=who, name=name or "", code=code or "")
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
    if target is None and manager is None:
        _losses(document.losses, verbose)
        typer.echo(
            f"{file.name}: {document.source_format}, {counts_of}, {len(document.losses)} item(s) "
            "not kept; nothing written (give --project CODE to import into an empty "
            "project, or --manager USER to open a new project from it)"
        )
        return
    try:
        if target is None:  # a new project, opened by --manager
            from keystage.interop.new_project import new_project_import

            _, report, preview = new_project_import(
                who=who,
                document=document,
                source=services.source_of(file.name, data, document),
                name=name or "",
                code=code or "",
                dry_run=dry_run,
                file_dates=file_dates,
            )
            into = report.new_project["code"]
        else:
            report, preview = services.plan_import(
                who=None,
                project=target,
                document=document,
                source=services.source_of(file.name, data, document),
                dry_run=dry_run,
                file_dates=file_dates,
            )
            into = target.code
    except DomainError as exc:
        fail(f"{file.name}: {_message(exc)}")
    if dry_run and preview.error:
        fail(f"{file.name}: {preview.error}")
    _losses(preview.losses, verbose)
    equal = report.dates_equal_percent
    _done(file.name, report.counts, into, dry_run, equal, started, new=target is None)


def _done(
    file_name: str,
    counts: dict[str, int],
    code: str,
    dry_run: bool,
    equal: float | None,
    started: float,
    new: bool = False,
) -> None:
    verb = "would import" if dry_run else "imported"
    into = f"a new project {code}" if new else code
    joined = counts.get("team_additions", 0)
    typer.echo(
        f"{file_name}: {verb} {counts['tasks']} tasks, {counts['links']} links, "
        f"{counts['assignments']} assignments, {counts['baselines']} baselines into "
        f"{into}; {f'{joined} people join the team; ' if joined else ''}"
        f"{counts['losses']} item(s) not kept"
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
