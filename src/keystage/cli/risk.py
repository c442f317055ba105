"""`keystage risk simulate PROJECT --runs N [--seed S]`: Monte Carlo schedule & cost risk."""

from __future__ import annotations

from typing import Annotated

import typer

from keystage.cli.common import OrganisationOption, django_setup, fail, find_project

risk_app = typer.Typer(help="Quantitative schedule and cost risk.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach the `risk` command group to the `keystage` command."""
    app.add_typer(risk_app, name="risk")


@risk_app.command("simulate")
def simulate_command(
    project: Annotated[str, typer.Argument(help="The project's code (e.g. ERP-CLOUD) or id.")],
    runs: Annotated[int, typer.Option("--runs", "-n", help="Runs, 100 to 100,000.")] = 5000,
    seed: Annotated[
        int | None, typer.Option("--seed", help="Seed of the draws (same seed, same result).")
    ] = None,
    organisation: OrganisationOption = None,
) -> None:
    """Simulate PROJECT's finish and cost from its three-point estimates and risks; print
    the P-values and the chances of meeting the baseline finish and the budget. The run is
    recorded (as the system) and shows on the Risk analysis page."""
    django_setup()
    from keystage.core.errors import DomainError, InvalidInput
    from keystage.risks.simulation.services import simulate_now_as_system

    found = find_project(project, organisation)
    try:
        run = simulate_now_as_system(project=found, runs=runs, seed=seed)
    except InvalidInput as exc:
        field, messages = next(iter(exc.errors.items()))
        fail(f"--{field.replace('_', '-')}: {' '.join(str(m) for m in messages)}", code=2)
    except DomainError as exc:
        fail(exc.message)
    if run.status != "done":
        fail(f"{found.code}: the simulation failed: {run.message}")
    r = run.result
    finish, cost = r["finish"], r["cost"]
    typer.echo(f"{found.code}: {r['runs']:,} runs, seed {r['seed']}")
    typer.echo(f"  planned finish  {finish['planned']}   planned cost {cost['planned']:,.2f}")
    for f, c in zip(finish["percentiles"], cost["percentiles"], strict=True):
        typer.echo(
            f"  P{f['p']:<3} finish {f['date']}  ({f['days']:g} d)   cost {c['amount']:,.2f}"
        )
    if finish["probability_by_baseline"] is None:
        typer.echo("  baseline finish: none yet")
    else:
        typer.echo(
            f"  P(finish by the baseline {finish['baseline']}) = "
            f"{finish['probability_by_baseline']:.0%}"
        )
    if cost["probability_within_budget"] is None:
        typer.echo("  budget: none yet")
    else:
        typer.echo(
            f"  P(cost within the budget {cost['budget']:,.2f}) = "
            f"{cost['probability_within_budget']:.0%}"
        )
