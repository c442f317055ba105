"""The `keystage` console script: a plain `keystage schedule ...` skips Typer.

Typer (with the Pydantic coercion it uses for every parameter) takes about 0.35 s to
import and to parse a command line, a third of the time of scheduling a 10,000-activity
plan. A command line of only ``schedule PLAN`` and the options ``-f/--format``,
``-o/--output`` and ``-b/--baseline`` (each at most once, with a valid value) is
therefore run directly by :func:`keystage.cli.schedule_plan.run`; anything else
(``--help``, other commands, unusual spellings, mistakes) goes to the Typer app in
:mod:`keystage.cli.app`, which calls the same function and reports errors as usual. So
does ``schedule PROJECT`` (a project's code or id rather than a plan file, see
:func:`keystage.cli.schedule_plan.is_plan_path`), which schedules a project in the
database. This module imports only the standard library at the top.
"""

from __future__ import annotations

import sys

FORMATS = ("table", "json", "csv")
OPTIONS = {
    "-f": "format", "--format": "format",
    "-o": "output", "--output": "output",
    "-b": "baseline", "--baseline": "baseline",
}  # fmt: skip


def plain_schedule(argv: list[str]) -> dict[str, str] | None:
    """The arguments of a plain ``schedule`` command line, or None to leave it to Typer."""
    if not argv or argv[0] != "schedule":
        return None
    found: dict[str, str] = {}
    words = iter(argv[1:])
    for word in words:
        if not word or word == "-":
            return None
        if not word.startswith("-"):
            name, value = "plan", word
        else:
            option, equals, value = word.partition("=")
            name = OPTIONS.get(option, "")
            if not name or (equals and not option.startswith("--")):
                return None
            if not equals:
                value = next(words, "")
            if not value or value.startswith("-"):
                return None
        if name in found:
            return None
        found[name] = value
    if "plan" not in found or found.get("format", "table") not in FORMATS:
        return None
    return found


def main() -> None:
    """Entry point of the console script."""
    from keystage.cli.schedule_plan import is_plan_path

    args = plain_schedule(sys.argv[1:])
    if args is None or not is_plan_path(args["plan"]):
        from keystage.cli.app import main as typer_main

        typer_main()
        return
    from pathlib import Path

    from keystage.cli.schedule_plan import OutputFormat, run

    output = args.get("output")
    error = run(
        Path(args["plan"]),
        OutputFormat(args.get("format", "table")),
        None if output is None else Path(output),
        args.get("baseline"),
    )
    if error is not None:
        sys.stderr.write(error + "\n")
        sys.exit(1)
