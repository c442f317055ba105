"""The `keystage` command: run the app, load demo data, manage users, schedule plans.

Django is set up lazily, inside the commands that need it, so the plan-as-code
commands start fast and work without a database.
"""

from __future__ import annotations

from typing import Annotated

import typer

from keystage import cli_ops
from keystage.cli_common import django_setup, fail, find_project

app = typer.Typer(
    name="keystage",
    help="Keystage: IT project management from idea to closure.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
cli_ops.register(app)  # serve, migrate, check, backup, restore


def _django() -> None:
    """Configure Django for a command that needs the database."""
    django_setup()


@app.command()
def demo(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    no_serve: Annotated[
        bool, typer.Option("--no-serve", help="Load the data, do not serve.")
    ] = False,
) -> None:
    """Create the database, load the demo portfolio (once) and serve it."""
    _django()
    from django.conf import settings

    from keystage import demo as demo_data

    typer.echo(f"Database: {settings.DATABASES['default']['NAME']}")
    cli_ops.run_migrations()
    login = demo_data.demo_load()
    while not no_serve and not cli_ops.port_free(host, port) and port < 8100:
        port += 1
    typer.echo("")
    typer.echo(f"  Keystage is at   http://{host}:{port}/")
    typer.echo(f"  Sign in as       {login.username} / {login.password}   ({login.role})")
    typer.echo(f"  Other demo users share the password: {', '.join(login.others)}")
    typer.echo(f"  API docs         http://{host}:{port}/api/docs/")
    typer.echo("")
    if no_serve:
        return
    cli_ops.serve_command(host=host, port=port, workers=0)


@app.command()
def createuser(
    username: Annotated[str, typer.Argument(help="Sign-in name.")],
    email: Annotated[str, typer.Option(help="E-mail address.")] = "",
    organisation: Annotated[str, typer.Option(help="Organisation name (created if new).")] = "",
    role: Annotated[str, typer.Option(help="admin, portfolio_owner or member.")] = "member",
    superuser: Annotated[
        bool, typer.Option("--superuser", help="Site-wide administrator.")
    ] = False,
    password: Annotated[str, typer.Option(help="Password (asked for when omitted).")] = "",
) -> None:
    """Create a user account."""
    _django()
    from keystage.accounts import services
    from keystage.core.errors import DomainError

    secret = password or typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    org = services.organisation_get_or_create(name=organisation) if organisation else None
    try:
        user = services.user_create(
            username=username,
            password=secret,
            email=email,
            organisation=org,
            org_role=role,
            is_superuser=superuser,
        )
    except DomainError as exc:
        fail(exc.message)
        return
    typer.echo(f"Created {user.username}")


@app.command()
def charter(
    project: Annotated[str, typer.Argument(help="The project's code (e.g. ERP-CLOUD) or id.")],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Write the charter's PDF to this file.")
    ] = "",
    regenerate: Annotated[
        bool,
        typer.Option("--regenerate", help="Generate a new version from the current data first."),
    ] = False,
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", metavar="NAME", help="The organisation, when codes clash."),
    ] = None,
) -> None:
    """Show, regenerate or export a project's charter (acts as the system, journaled)."""
    _django()
    from pathlib import Path

    from keystage.core.errors import DomainError
    from keystage.initiation.charter.models import CharterVersion
    from keystage.initiation.charter.services import charter_regenerate_as_system

    found = find_project(project, organisation)
    if output and not output.lower().endswith(".pdf"):
        fail(f"the output file must end in .pdf: {output}")
    target = Path(output) if output else None
    if target is not None and not target.parent.exists():
        fail(f"cannot write {output}: the folder {target.parent} does not exist")
    try:
        if regenerate:
            version = charter_regenerate_as_system(project=found)
        else:
            latest = CharterVersion.objects.filter(project=found).order_by("-number").first()
            if latest is None:
                fail(f"{found.code} has no charter yet; run with --regenerate to generate one")
                return
            version = latest
    except DomainError as exc:
        fail(exc.message)
        return
    line = (
        f"{found.code}: charter version {version.number}, generated "
        f"{version.generated_at:%Y-%m-%d %H:%M} by {version.generated_by_label}"
    )
    if target is not None:
        try:
            target.write_bytes(bytes(version.pdf))
        except OSError as exc:
            fail(f"cannot write {output}: {exc.strerror or exc}")
        line += f"; PDF written to {target} ({len(version.pdf):,} bytes)"
    typer.echo(line)


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


@app.command()
def baseline(
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
    organisation: Annotated[
        str | None,
        typer.Option("--organisation", metavar="NAME", help="The organisation, when codes clash."),
    ] = None,
) -> None:
    """Capture a baseline of a project's plan, list them, or compare two plans (as the system)."""
    _django()
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


@app.command(context_settings={"allow_extra_args": True, "ignore_unknown_options": True})
def manage(ctx: typer.Context) -> None:
    """Run a Django management command (e.g. `keystage manage db_worker`)."""
    _django()
    from django.core.management import execute_from_command_line

    execute_from_command_line(["keystage manage", *ctx.args])


def _register_engine_commands() -> None:
    """Attach the plan-as-code commands, which need no database."""
    from keystage import cli_resources, cli_schedule

    cli_schedule.register(app)
    cli_resources.register(app)


_register_engine_commands()


def main() -> None:
    """Entry point of the console script."""
    app()


from keystage import cli_users  # noqa: E402 - user administration (sets Django up lazily)

cli_users.register(app)
