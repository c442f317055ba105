"""`keystage progress PROJECT --data-date D`: set the data date and reschedule from it."""

from __future__ import annotations

from typing import Annotated

import typer

from keystage.cli.common import OrganisationOption, django_setup, fail, find_project


def register(app: typer.Typer) -> None:
    """Attach the `progress` command to the `keystage` command."""
    app.command("progress")(progress_command)


def progress_command(
    project: Annotated[str, typer.Argument(help="The project's code (e.g. ERP-CLOUD) or id.")],
    data_date: Annotated[
        str,
        typer.Option(
            "--data-date",
            metavar="YYYY-MM-DD",
            help="The status date: progress is recorded to the end of this day.",
        ),
    ],
    organisation: OrganisationOption = None,
) -> None:
    """Reschedule a project's remaining work from its data date (as the system)."""
    django_setup()
    from django.utils import timezone

    from keystage.core.errors import DomainError
    from keystage.execution.services.progress import set_data_date_as_system
    from keystage.planning.models import Task

    found = find_project(project, organisation)
    tasks = Task.objects.filter(project=found, is_summary=False)
    before = max((t for t in tasks.values_list("finish_at", flat=True) if t), default=None)
    try:
        set_data_date_as_system(project=found, data_date=data_date)
    except DomainError as exc:
        errors = getattr(exc, "errors", None) or {}
        fail(f"{found.code}: " + ("; ".join(" ".join(m) for m in errors.values()) or exc.message))
    after = max((t for t in tasks.values_list("finish_at", flat=True) if t), default=None)
    done = tasks.filter(actual_finish__isnull=False).count()
    running = tasks.filter(actual_start__isnull=False, actual_finish__isnull=True).count()

    def day(value: object) -> str:
        return f"{timezone.localtime(value):%Y-%m-%d}" if value is not None else "—"  # type: ignore[arg-type]

    typer.echo(
        f"{found.code}: data date {data_date}; rescheduled: finish {day(after)} "
        f"(was {day(before)}); {done} done, {running} in progress, "
        f"{tasks.count() - done - running} not started"
    )
