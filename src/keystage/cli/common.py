"""What every command of the console script shares: one-line errors and finding a project."""

from __future__ import annotations

import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

if TYPE_CHECKING:
    from keystage.accounts.models import Organisation, User
    from keystage.portfolio.models import Project

#: The ``--organisation`` option of the commands that find a project by its code.
OrganisationOption = Annotated[
    str | None,
    typer.Option("--organisation", metavar="NAME", help="The organisation, when codes clash."),
]


def django_setup() -> None:
    """Configure Django for a command that needs the database."""
    import os

    import django

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "keystage.config.settings")
    django.setup()


#: Seconds into a command after which it says the optimiser is still compiling its kernels
#: (loading them from the cache, numba's import included, takes one to four seconds).
COMPILE_NOTICE_AFTER = 5.0


@contextmanager
def compile_notice(command: str) -> Iterator[None]:
    """Say once on stderr if the optimiser is compiling its kernels during the block.

    The first optimisation after installing compiles them (about half a minute on
    two cores; the search's time limit starts afterwards), which would otherwise
    look like a hang. The check runs :data:`COMPILE_NOTICE_AFTER` seconds in and
    stays silent when the block never reached the optimiser (a refused request, a
    problem CP-SAT solves alone) or already searches with the kernels loaded.
    """

    def say_if_compiling() -> None:
        ga = sys.modules.get("keystage.engine.rcpsp.ga")
        loaded = getattr(ga, "kernels_loaded", None)  # None: ga is still being imported
        if ga is not None and (loaded is None or not loaded()):
            typer.echo(
                f"keystage {command}: compiling the optimiser's kernels (the first run after "
                "installing only; about half a minute) …",
                err=True,
            )

    notice = threading.Timer(COMPILE_NOTICE_AFTER, say_if_compiling)
    notice.daemon = True
    notice.start()
    try:
        yield
    finally:
        notice.cancel()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one readable line to stderr and exit non-zero."""
    typer.echo(f"keystage: error: {message}", err=True)
    raise typer.Exit(code)


def find_project(word: str, organisation: str | None = None) -> Project:
    """The project with this code (any case) or id, optionally within one organisation.

    Exits with one readable line when there is none, or when the code is used in
    several organisations and none was named. Shared by every command that works on a
    stored project (schedule, charter, baseline).
    """
    import uuid

    from keystage.portfolio.models import Project

    found = Project.objects.select_related("organisation")
    if organisation:
        found = found.filter(organisation__name__iexact=organisation.strip())
    try:
        matches = list(found.filter(public_id=uuid.UUID(word.strip())))
    except ValueError:
        matches = list(found.filter(code__iexact=word.strip()))
    where = f" in '{organisation}'" if organisation else ""
    if not matches:
        fail(f"no project '{word}'{where}; give its code (e.g. ERP-CLOUD) or its id")
    if len(matches) > 1:
        names = ", ".join(sorted(p.organisation.name for p in matches))
        fail(f"the code '{word}' is used in {names}; add --organisation NAME")
    return matches[0]


def find_organisation(name: str) -> Organisation:
    """The organisation with this name (any case); one readable line and exit if none."""
    from keystage.accounts.models import Organisation

    found = Organisation.objects.filter(name__iexact=name.strip()).first()
    if found is None:
        fail(f"no organisation '{name}'")
    return found


def find_user(name: str, organisation: str | None = None, *, active: bool = False) -> User:
    """The user with this user name (any case), within ``organisation`` when given; with
    ``active``, only an active account.

    Exits with one readable line when there is none, when the name is used in several
    organisations and none was named, or when the user belongs to no organisation.
    Shared by every command that acts as or on a user (import --manager, user …).
    """
    from keystage.accounts.models import User

    found = User.objects.select_related("organisation").filter(username__iexact=name.strip())
    if active:
        found = found.filter(is_active=True)
    if organisation:
        found = found.filter(organisation=find_organisation(organisation))
    users = list(found[:2])
    if not users:
        where = f" in '{organisation}'" if organisation else ""
        fail(f"no {'active ' if active else ''}user '{name}'{where}")
    if len(users) > 1:
        fail(f"the user name '{name}' is in several organisations; add --organisation NAME")
    if users[0].organisation is None:
        fail(f"'{users[0].username}' belongs to no organisation")
    return users[0]
