"""`keystage report status PROJECT` and `keystage report final PROJECT`: the status report and
the final report as PDF."""

from __future__ import annotations

from typing import Annotated

import typer

from keystage.cli.common import OrganisationOption, django_setup, fail, find_project

report_app = typer.Typer(help="Project reports.", no_args_is_help=True)


def register(app: typer.Typer) -> None:
    """Attach the `report` command group to the `keystage` command."""
    app.add_typer(report_app, name="report")


@report_app.command("status")
def status_command(
    project: Annotated[str, typer.Argument(help="The project's code (e.g. ERP-CLOUD) or id.")],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Write the report's PDF to this file (.pdf).")
    ],
    period_start: Annotated[
        str, typer.Option("--period-start", metavar="YYYY-MM-DD", help="First day reported on.")
    ] = "",
    period_end: Annotated[
        str,
        typer.Option(
            "--period-end", metavar="YYYY-MM-DD", help="Last day (default: the data date)."
        ),
    ] = "",
    organisation: OrganisationOption = None,
) -> None:
    """Write the status report of PROJECT for a period (default: the week up to the data
    date) as a PDF, from the data as they are now. Nothing is issued or changed."""
    django_setup()
    from pathlib import Path

    from keystage.control.reports.services import live_report_pdf_as_system
    from keystage.core.errors import DomainError, InvalidInput

    if not output.lower().endswith(".pdf"):
        fail(f"the output file must end in .pdf: {output}")
    target = Path(output)
    if not target.parent.exists():
        fail(f"cannot write {output}: the folder {target.parent} does not exist")
    found = find_project(project, organisation)
    try:
        content, pdf = live_report_pdf_as_system(
            project=found, period_start=period_start or None, period_end=period_end or None
        )
    except InvalidInput as exc:
        field, messages = next(iter(exc.errors.items()))
        fail(f"--{field.replace('_', '-')}: {' '.join(str(m) for m in messages)}", code=2)
    except DomainError as exc:
        fail(exc.message)
    try:
        target.write_bytes(pdf)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    period = content["period"]
    typer.echo(
        f"{found.code}: status report {period['start']} – {period['end']}, health "
        f"{content['health']['label']}; PDF written to {target} ({len(pdf):,} bytes)"
    )


@report_app.command("final")
def final_command(
    project: Annotated[str, typer.Argument(help="The project's code (e.g. BI-SALES) or id.")],
    output: Annotated[
        str, typer.Option("--output", "-o", help="Write the report's PDF to this file (.pdf).")
    ],
    issued: Annotated[
        int,
        typer.Option(
            "--issued", metavar="N", help="Write issued final report N as issued (default: live)."
        ),
    ] = 0,
    organisation: OrganisationOption = None,
) -> None:
    """Write the final report of PROJECT as a PDF: from the data as they are now, or an issued
    report exactly as issued (--issued N). Nothing is issued or changed."""
    django_setup()
    from pathlib import Path

    from keystage.closing.final_report.services import live_final_report_pdf_as_system
    from keystage.closing.models import FinalReport
    from keystage.core.errors import DomainError

    if not output.lower().endswith(".pdf"):
        fail(f"the output file must end in .pdf: {output}")
    target = Path(output)
    if not target.parent.exists():
        fail(f"cannot write {output}: the folder {target.parent} does not exist")
    found = find_project(project, organisation)
    if issued:
        report = FinalReport.objects.filter(project=found, number=issued).first()
        if report is None:
            fail(f"{found.code} has no final report {issued}", code=2)
        pdf, what = bytes(report.pdf), f"final report {issued} as issued"
        sections = report.content.get("sections", [])
    else:
        try:
            content, pdf = live_final_report_pdf_as_system(project=found)
        except DomainError as exc:
            fail(exc.message)
        what, sections = "final report from live data", content["sections"]
    try:
        target.write_bytes(pdf)
    except OSError as exc:
        fail(f"cannot write {output}: {exc.strerror or exc}")
    recorded = sum(1 for s in sections if s.get("recorded"))
    typer.echo(
        f"{found.code}: {what}, {recorded} of {len(sections)} sections recorded; "
        f"PDF written to {target} ({len(pdf):,} bytes)"
    )
