"""`keystage demo`: create the database, load the demo portfolio once and serve it."""

from __future__ import annotations

from typing import Annotated

import typer

from keystage.cli import ops
from keystage.cli.common import django_setup


def register(app: typer.Typer) -> None:
    """Attach the `demo` command to the `keystage` command."""
    app.command("demo")(demo_command)


def demo_command(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Load the data, do not serve.")
    ] = False,
) -> None:
    """Create the database, load the demo portfolio (once) and serve it."""
    django_setup()
    from django.conf import settings

    from keystage.demo.portfolio import demo_load

    typer.echo(f"Database: {settings.DATABASES['default']['NAME']}")
    ops.run_migrations()
    login = demo_load()
    while not no_serve and not ops.port_free(host, port) and port < 8100:
        port += 1
    typer.echo("")
    typer.echo(f"  Keystage is at   http://{host}:{port}/")
    typer.echo(f"  Sign in as       {login.username} / {login.password}   ({login.role})")
    typer.echo(f"  Other demo users share the password: {', '.join(login.others)}")
    typer.echo(f"  API docs         http://{host}:{port}/api/docs/")
    typer.echo("")
    if no_serve:
        return
    ops.serve_command(host=host, port=port, workers=0)
