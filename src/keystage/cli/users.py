"""User administration at the server's command line: `keystage createuser` and
`keystage user list|deactivate|…`.

The operator who runs these commands administers any organisation (they hold the
server); every change is journaled like one made in the app, without an actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from keystage.cli.common import django_setup, fail, find_organisation, find_user

if TYPE_CHECKING:
    pass

users = typer.Typer(
    name="user",
    help="Administer users: list, deactivate, reactivate, change role, revoke tokens.",
    no_args_is_help=True,
)
Org = Annotated[str, typer.Option("--organisation", help="Organisation name.")]


def register(app: typer.Typer) -> None:
    """Attach the `user` command group to the `keystage` command."""
    app.add_typer(users, name="user")


def createuser_command(
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
    django_setup()
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


@users.command("list")
def list_command(organisation: Org) -> None:
    """The organisation's users: role, state, last sign-in, live API tokens."""
    django_setup()
    from keystage.accounts import offboarding

    rows = offboarding.managed_users(who=None, organisation=find_organisation(organisation))
    typer.echo(f"{'username':<24} {'role':<16} {'state':<12} {'last sign-in':<17} tokens")
    for u in rows:
        state = "active" if u.is_active else "deactivated"
        last = u.last_login.strftime("%Y-%m-%d %H:%M") if u.last_login else "never"
        tokens = getattr(u, "token_count", 0)
        typer.echo(f"{u.username:<24} {u.org_role:<16} {state:<12} {last:<17} {tokens}")


def _update(name: str, organisation: str, **change: object) -> None:
    from keystage.accounts import offboarding
    from keystage.core.errors import DomainError

    user = find_user(name, organisation)
    try:
        fresh = offboarding.managed_user_update(who=None, user=user, version=None, **change)  # type: ignore[arg-type]
    except DomainError as exc:
        fail(exc.message)
    state = "active" if fresh.is_active else "deactivated"
    typer.echo(f"{fresh.username}: {fresh.org_role}, {state}")


@users.command("deactivate")
def deactivate_command(
    name: Annotated[str, typer.Argument(help="Username.")], organisation: Org = ""
) -> None:
    """Deactivate a user: they cannot sign in; their tokens and sessions end now."""
    django_setup()
    _update(name, organisation, is_active=False)


@users.command("activate")
def activate_command(
    name: Annotated[str, typer.Argument(help="Username.")], organisation: Org = ""
) -> None:
    """Reactivate a deactivated user."""
    django_setup()
    _update(name, organisation, is_active=True)


@users.command("role")
def role_command(
    name: Annotated[str, typer.Argument(help="Username.")],
    role: Annotated[str, typer.Argument(help="admin, portfolio_owner or member.")],
    organisation: Org = "",
) -> None:
    """Change a user's organisation role."""
    django_setup()
    _update(name, organisation, org_role=role)


@users.command("revoke-tokens")
def revoke_command(
    name: Annotated[str, typer.Argument(help="Username.")], organisation: Org = ""
) -> None:
    """Revoke all of a user's API tokens and end all their sessions."""
    django_setup()
    from keystage.accounts import offboarding

    count = offboarding.managed_user_revoke_access(who=None, user=find_user(name, organisation))
    typer.echo(f"{name}: {count} token(s) revoked, sessions ended")
