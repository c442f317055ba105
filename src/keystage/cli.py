"""The `keystage` command: run the app, load demo data, schedule plans from files."""

from __future__ import annotations

import typer

app = typer.Typer(
    name="keystage",
    help="Keystage: IT project management from idea to closure.",
    no_args_is_help=True,
    add_completion=False,
)


def _register_engine_commands() -> None:
    """Attach the plan-as-code commands, which need no database."""
    from keystage import cli_resources, cli_schedule

    cli_schedule.register(app)
    cli_resources.register(app)


_register_engine_commands()


def main() -> None:
    """Entry point of the console script."""
    app()
