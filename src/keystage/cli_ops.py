"""Operations commands: `keystage backup FILE` and `keystage restore FILE [--force]`."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from keystage.cli_common import fail


def register(app: typer.Typer) -> None:
    """Attach the backup and restore commands to the `keystage` command."""
    app.command("backup")(backup_command)
    app.command("restore")(restore_command)


def _django() -> None:
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
    django.setup()


def backup_command(
    file: Annotated[Path, typer.Argument(help="The archive to write (a tar file).")],
) -> None:
    """Back up the database, the attachments and the secret key into FILE (mode 0600)."""
    _django()
    from keystage.ops.backup import BackupError, backup_create

    try:
        done = backup_create(target=file)
    except BackupError as exc:
        fail(str(exc))
    typer.echo(f"Backed up the {done.engine} database and {done.files - 2} file(s) to "
               f"{done.path} ({done.size:,} bytes)")  # fmt: skip


def restore_command(
    file: Annotated[Path, typer.Argument(help="An archive written by `keystage backup`.")],
    force: Annotated[
        bool, typer.Option("--force", help="Replace a database that already holds users.")
    ] = False,
) -> None:
    """Restore FILE into this instance: database, attachments, secret key (checked first)."""
    _django()
    from keystage.ops.backup import BackupError, backup_restore

    try:
        done, note = backup_restore(source=file, force=force)
    except BackupError as exc:
        fail(str(exc))
    typer.echo(f"Restored the {done.engine} database and {done.files - 2} file(s) from "
               f"{done.path}{note}")  # fmt: skip
