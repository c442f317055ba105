"""`keystage manage`: run a Django management command inside Keystage's settings."""

from __future__ import annotations

import typer

from keystage.cli.common import django_setup


def register(app: typer.Typer) -> None:
    """Attach the `manage` command to the `keystage` command."""
    app.command(
        "manage", context_settings={"allow_extra_args": True, "ignore_unknown_options": True}
    )(manage_command)


def manage_command(ctx: typer.Context) -> None:
    """Run a Django management command (e.g. `keystage manage db_worker`)."""
    django_setup()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["keystage manage", *ctx.args])
