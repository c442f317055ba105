"""`keystage optimise FILE`: the shortest resource-feasible schedule of a PSPLIB instance.

PSPLIB .sm/.mm files, Patterson .rcp files, and RCPSP/max .sch files (maximum time lags,
solved by CP-SAT alone).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from keystage.cli.common import compile_notice

# Solver inputs are bounded before anything is read or allocated.
TIME_LIMIT_MAX = 3600.0
WORKERS_MAX = 64
SEED_MAX = 2**31 - 1


def register(app: typer.Typer) -> None:
    """Attach the `optimise` command to the `keystage` command."""
    app.command("optimise")(optimise_command)


def optimise_command(
    file: Annotated[
        Path,
        typer.Argument(
            help="PSPLIB instance (.sm single-mode, .mm multi-mode, .sch RCPSP/max time lags)"
            " or Patterson instance (.rcp)"
        ),
    ],
    time_limit: Annotated[
        float, typer.Option("--time-limit", help="seconds, heuristic included")
    ] = 10.0,
    workers: Annotated[int, typer.Option("--workers", help="CP-SAT worker threads")] = 2,
    seed: Annotated[int, typer.Option("--seed", help="random seed (same seed, same answer)")] = 0,
) -> None:
    """Shortest resource-feasible schedule of FILE: makespan, bound, gap, status, schedule."""
    from keystage.engine.rcpsp.cpsat.solve import optimise
    from keystage.engine.rcpsp.errors import RcpspError
    from keystage.engine.rcpsp.psplib_io import read_instance

    for name, value, low, high in (
        ("--time-limit", time_limit, 0.1, TIME_LIMIT_MAX),
        ("--workers", workers, 1, WORKERS_MAX),
        ("--seed", seed, 0, SEED_MAX),
    ):
        if not low <= value <= high:  # also refuses NaN
            typer.echo(f"keystage optimise: {name} must be from {low} to {high}.", err=True)
            raise typer.Exit(2)
    try:
        if not file.is_file():
            raise FileNotFoundError(f"{file}: no such file")
        problem = read_instance(file)
        with compile_notice("optimise"):
            result = optimise(problem, time_limit=time_limit, num_workers=workers, seed=seed)
    except (RcpspError, OSError) as exc:
        typer.echo(f"keystage optimise: {exc}", err=True)
        raise typer.Exit(2) from None
    typer.echo(f"instance:    {problem.name}")
    typer.echo(f"status:      {result.status}")
    typer.echo(f"makespan:    {result.makespan if result.makespan is not None else '-'}")
    typer.echo(f"lower bound: {result.lower_bound}")
    typer.echo(f"gap:         {100 * result.gap:.2f} %")
    if result.schedule is None:
        raise typer.Exit(1)
    typer.echo("")
    typer.echo(f"{'activity':>8} {'mode':>4} {'start':>6} {'finish':>6}")
    for i, act in enumerate(problem.activities):
        m = result.schedule.modes[i]
        start = result.schedule.starts[i]
        label = problem.modes[act.id][m].label or str(m + 1)
        typer.echo(f"{act.id:>8} {label:>4} {start:>6} {result.schedule.finish(problem, i):>6}")
