"""`keystage schedule`: a plan file (plan as code, no database, through
:mod:`keystage.cli.schedule_plan`) or a project in the database (levelled or optimised
in-process)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from keystage.cli.common import compile_notice, django_setup, fail, find_project
from keystage.cli.schedule_plan import OutputFormat, is_plan_path, run

if TYPE_CHECKING:
    from keystage.portfolio.models import Project

METHODS = ("cpm", "level-float", "level", "optimise")


def schedule_command(
    plan: Annotated[
        str,
        typer.Argument(
            metavar="PLAN|PROJECT",
            help="A TOML plan file (see docs/plan-format.md), or a project's code or id.",
        ),
    ],
    output_format: Annotated[
        OutputFormat | None, typer.Option("--format", "-f", help="Plan files: table, json or csv.")
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Plan files: write to this file.")
    ] = None,
    baseline: Annotated[
        str | None, typer.Option("--baseline", "-b", help="Plan files: compare with this baseline.")
    ] = None,
    method: Annotated[
        str | None,
        typer.Option(
            "--method",
            "-m",
            metavar="METHOD",
            help="Projects: cpm, level-float, level (default) or optimise.",
        ),
    ] = None,
    time_limit: Annotated[
        str | None,
        typer.Option(
            "--time-limit",
            metavar="SECONDS",
            help="Projects: how long the optimiser may search (1–600, default 10).",
        ),
    ] = None,
    organisation: Annotated[
        str | None,
        typer.Option(
            "--organisation", metavar="NAME", help="Projects: the organisation, when codes clash."
        ),
    ] = None,
) -> None:
    """Schedule a plan file (dates, floats, critical path) or a project (levelled, optimised)."""
    if is_plan_path(plan):
        if method or time_limit or organisation:
            fail("--method, --time-limit and --organisation are for projects, not plan files")
        error = run(Path(plan), output_format or OutputFormat.TABLE, output, baseline)
        if error is not None:
            typer.echo(error, err=True)
            raise typer.Exit(code=1)
        return
    if output_format or output or baseline:
        fail("--format, --output and --baseline are only for plan files, not projects")
    schedule_project(plan, method or "level", time_limit, organisation)


def schedule_project(
    word: str, method: str, time_limit: str | None, organisation: str | None
) -> None:
    """Run a project's schedule here and now (as the system) and print what moved."""
    django_setup()
    from django.db import DatabaseError

    from keystage.core.errors import DomainError
    from keystage.planning.services.schedule import (
        CLI_METHODS,
        TIME_LIMIT_DEFAULT,
        TIME_LIMIT_MAX,
        TIME_LIMIT_MIN,
        schedule_now_as_system,
    )

    if method not in CLI_METHODS:
        fail(f"--method must be one of {', '.join(METHODS)}, not '{method}'")
    limit = TIME_LIMIT_DEFAULT
    if time_limit is not None:
        if not time_limit.strip().isdigit() or not (
            TIME_LIMIT_MIN <= int(time_limit) <= TIME_LIMIT_MAX
        ):
            fail(f"--time-limit is a whole number of seconds, {TIME_LIMIT_MIN} to {TIME_LIMIT_MAX}")
        limit = int(time_limit)
    try:
        project = find_project(word, organisation)
        with compile_notice("schedule"):
            done = schedule_now_as_system(
                project=project, method=CLI_METHODS[method], time_limit=limit
            )
    except DatabaseError as exc:
        fail(f"cannot read the database ({str(exc).strip()}); run `keystage migrate` first")
    except DomainError as exc:
        fail(exc.message)
    if done.status != "done":
        fail(f"{project.code}: {done.message}")
    _print_outcome(project, method, done.summary)


def _date(value: Any) -> str:
    import datetime as dt

    from django.utils import timezone

    if not value:
        return "—"
    when = dt.datetime.fromisoformat(value) if isinstance(value, str) else value
    return f"{timezone.localtime(when):%Y-%m-%d}"


def _print_outcome(project: Project, method: str, summary: dict[str, Any]) -> None:
    for m in summary["moves"]:
        shift = f"{m['delay_days']:+d} d"
        typer.echo(
            f"moved  {m['wbs_code']:<8} {m['name']}: {_date(m['old_start'])} → "
            f"{_date(m['new_start'])} ({shift}; {m['reason']})"
        )
    for u in summary["unresolved"]:
        typer.echo(
            f"left   {u['person']} over-allocated {u['start']} – {u['end']} "
            f"(+{u['excess_percent']} %)"
        )
    line = f"{project.code}: {method} — finish {_date(summary['finish_after'])}"
    if summary["finish_before"] and _date(summary["finish_before"]) != _date(
        summary["finish_after"]
    ):
        label = "was" if method == "cpm" else "critical path"
        line += f" ({label} {_date(summary['finish_before'])})"
    if method == "cpm":
        line += f"; {summary['critical_tasks']} critical task(s)"
    else:
        line += f"; {len(summary['moves'])} task(s) moved"
    if method == "optimise":
        line += (
            f"; lower bound {summary['lower_bound_days']} working days, "
            f"gap {summary['gap_percent']} % ({summary['solver_status']})"
        )
    if summary["unresolved"]:
        line += f"; {len(summary['unresolved'])} over-allocation(s) left"
    typer.echo(line)


def register(app: typer.Typer) -> None:
    """Attach the `schedule` command to the `keystage` command."""
    app.command("schedule")(schedule_command)
