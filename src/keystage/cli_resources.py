"""Resource commands: assignment, levelling and optimisation."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the resource commands to the `keystage` command."""
