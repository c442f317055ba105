"""`keystage baseline PROJECT`: capture a baseline, list them, or compare two plans."""

from __future__ import annotations

from typing import Annotated

import typer

from keystage.cli.common import OrganisationOption, django_setup, fail, find_project


def register(app: typer.Typer) -> None:
    """Attach the `baseline` command to the `keystage` command."""
    app.command("baseline")(baseline_command)


def _readable(exc: Exception) -> str:
    """A domain error as one line: field messages without the internal field names."""
    errors = getattr(exc, "errors", None)
    if not errors:
        return str(getattr(exc, "message", exc))
    parts = []
    for field, messages in errors.items():
        text = " ".join(messages)
        parts.append(text if field == "non_field_errors" else f"{field}: {text}")
    return "; ".join(parts)


def _signed(value: object, unit: str = "", places: int = 1) -> str:
    """A variance with its sign: +5.0 d, -120.00, 0.0 h."""
    if value is None:
        return "—"
    text = f"{value:+,.{places}f}" if value else f"{0:.{places}f}"
    return f"{text} {unit}".rstrip()


def baseline_command(
    project: Annotated[str, typer.Argument(help="The project's code (e.g. ERP-CLOUD) or id.")],
    to: Annotated[
        str,
        typer.Argument(
            help="With --compare: the other plan, a baseline number or 'current' (default).",
            show_default=False,
        ),
    ] = "",
    name: Annotated[str, typer.Option("--name", help='Name (default "Baseline N").')] = "",
    note: Annotated[str, typer.Option("--note", help="Why this baseline.")] = "",
    list_: Annotated[bool, typer.Option("--list", help="List the baselines.")] = False,
    compare: Annotated[
        str,
        typer.Option(
            "--compare",
            metavar="A",
            help="Compare baseline A with baseline B or the current plan: --compare A [B|current].",
        ),
    ] = "",
    organisation: OrganisationOption = None,
) -> None:
    """Capture a baseline of a project's plan, list them, or compare two plans (as the system)."""
    django_setup()
    from django.utils import timezone

    from keystage.core.errors import DomainError
    from keystage.planning.selectors import baselines as selectors
    from keystage.planning.services.baselines import baseline_capture_as_system

    if list_ and (compare or name or note):
        fail("--list cannot be combined with --compare, --name or --note")
    if compare and (name or note):
        fail("--name and --note are for capturing; leave them out with --compare")
    if to and not compare:
        fail(f"unexpected argument '{to}'; to compare two plans use --compare A [B|current]")
    found = find_project(project, organisation)

    def day(value: object) -> str:
        return f"{timezone.localtime(value):%Y-%m-%d}" if value is not None else "—"  # type: ignore[arg-type]

    try:
        if list_:
            rows = list(selectors.baseline_list_as_system(found))
            if not rows:
                typer.echo(f"{found.code}: no baselines yet")
            for b in rows:
                by = b.captured_by.display_name if b.captured_by else "Keystage system"
                typer.echo(
                    f"{found.code} baseline {b.number} '{b.name}': captured {day(b.created_at)}"
                    f" by {by}, {getattr(b, 'task_count', 0)} tasks, finish {day(b.finish_at)},"
                    f" work {b.work_hours:,.2f} h, cost {b.cost:,.2f}"
                )
            return
        if compare:
            c = selectors.baseline_compare_as_system(
                project=found, from_key=compare, to_key=to or selectors.CURRENT
            )
            before, after = c.before.snapshot, c.after.snapshot
            typer.echo(
                f"{found.code}: {c.before.label} → {c.after.label} (date variances in {c.unit})"
            )
            typer.echo(
                f"  finish  {day(before.finish_at)} → {day(after.finish_at)}"
                f"  {_signed(c.finish_days, 'd')}"
            )
            typer.echo(
                f"  start   {day(before.start_at)} → {day(after.start_at)}"
                f"  {_signed(c.start_days, 'd')}"
            )
            typer.echo(
                f"  work    {before.work_hours:,.2f} h → {after.work_hours:,.2f} h"
                f"  {_signed(c.work_hours, 'h', 2)}"
            )
            typer.echo(
                f"  cost    {before.cost:,.2f} → {after.cost:,.2f}  {_signed(c.cost, '', 2)}"
            )
            typer.echo(
                f"  tasks   {c.slipped} late, {c.ahead} early, {c.changed} changed, "
                f"{c.added} added, {c.removed} removed, {c.unchanged} unchanged"
            )
            for t in c.worst[:5]:
                row = t.current
                typer.echo(f"  late    {row.wbs_code} {row.name}  {_signed(t.finish_days, 'd')}")
            return
        made = baseline_capture_as_system(project=found, name=name, note=note)
    except DomainError as exc:
        fail(_readable(exc))
        return
    typer.echo(
        f"{found.code}: captured baseline {made.number} '{made.name}': "
        f"{made.tasks.count()} tasks, finish {day(made.finish_at)}, "
        f"work {made.work_hours:,.2f} h, cost {made.cost:,.2f}"
    )
