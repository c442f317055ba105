"""Plan-as-code scheduling commands (`keystage schedule`)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Attach the scheduling commands to the `keystage` command."""
