"""One export of a project in a chosen format: the bytes, a file name and a media type.

Reads only (nothing is written, so a closed project exports like any other). Members
who may see the project may export it; anyone else gets the chokepoint's NotFound.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import Q
from django.utils import timezone

from keystage.core.errors import NotFound
from keystage.engine.interchange import Loss
from keystage.engine.mspdi import max_lag_losses, to_mspdi
from keystage.engine.network import Project as Plan
from keystage.engine.planwrite import to_toml
from keystage.execution.selectors.timesheets import entries_visible_to
from keystage.interop import formats
from keystage.interop.formats import slug
from keystage.interop.selectors import Table, all_entries, plan_document_of, tables_of
from keystage.planning.models import Task, TaskKind
from keystage.portfolio.models import Project
from keystage.portfolio.selectors import project_get


@dataclass(frozen=True)
class Format:
    """An export format as the page and the API list it."""

    key: str
    label: str
    extension: str
    media_type: str
    description: str


FORMATS: dict[str, Format] = {
    f.key: f
    for f in (
        Format(
            "mspdi", "MS Project XML", "xml", "application/xml",
            "Tasks, WBS, links, calendars, resources, assignments and baselines; "
            "MS Project, ProjectLibre and every tool built on MPXJ open it. "
            "MS Project has no maximum lag: each goes in its successor's notes.",
        ),
        Format(
            "xlsx", "Excel workbook", "xlsx",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "Sheets: tasks, budget by month, timesheets and the risk register.",
        ),
        Format(
            "csv", "CSV files (zip)", "zip", "application/zip",
            "The same tables as the workbook, one CSV file each.",
        ),
        Format(
            "ics", "iCalendar", "ics", "text/calendar",
            "The project's milestones and your own assigned tasks, for your calendar.",
        ),
        Format(
            "toml", "Plan as code (TOML)", "toml", "application/toml",
            "The schedule as a plan file; keystage schedule computes the app's dates from it.",
        ),
    )
}  # fmt: skip
TABLES = ("tasks", "budget-by-month", "timesheets", "risk-register")


@dataclass(frozen=True)
class ExportFile:
    """The bytes of one export and how to send them."""

    filename: str
    media_type: str
    content: bytes
    losses: tuple[str, ...] = ()  # what the format could not carry, one line each


def _format(key: str) -> Format:
    found = FORMATS.get(key)
    if found is None:
        raise NotFound(f"No such export format; use one of {', '.join(FORMATS)}.")
    return found


def _events(project: Project, who: Any) -> list[Task]:
    """Milestones of the project and, for a person, the leaf tasks assigned to them."""
    wanted = Q(kind=TaskKind.MILESTONE)
    if who is not None:
        wanted |= Q(assignments__person_id=who.pk, is_summary=False)
    return list(
        Task.objects.filter(project=project, start_at__isnull=False, finish_at__isnull=False)
        .filter(wanted)
        .select_related("project")
        .distinct()
        .order_by("start_at", "id")
    )


def build_export(
    project: Project,
    key: str,
    *,
    who: Any = None,
    entries: Any = None,
    table: str | None = None,
    task_url: Callable[[Task], str] | None = None,
    now: dt.datetime | None = None,
) -> ExportFile:
    """The project in format ``key`` (``who`` None: the system, every time entry)."""
    fmt = _format(key)
    stem = f"{slug(project.code)}-plan"
    losses: tuple[str, ...] = ()
    if key == "mspdi":
        doc = plan_document_of(project)
        content = to_mspdi(doc)
        losses = _named_losses(doc.plan, max_lag_losses(doc.plan))
    elif key == "toml":
        doc = plan_document_of(project)
        content = to_toml(doc.plan, title=doc.title).encode()
    elif key == "ics":
        now = now or timezone.now()
        pairs = [(t, task_url(t) if task_url else "") for t in _events(project, who)]
        name = f"{project.code}: {project.name}"
        content = formats.to_ics(pairs, name=name, now=now)
    else:
        tables = tables_of(project, entries if entries is not None else all_entries(project))
        if key == "xlsx":
            content = formats.to_xlsx(tables, title=f"{project.code} {project.name}")
        elif table is not None:
            return _one_csv(tables, table, stem)
        else:
            content = formats.to_csv_zip(tables, stem=stem)
    return ExportFile(f"{stem}.{fmt.extension}", fmt.media_type, content, losses)


def _named_losses(plan: Plan, losses: Sequence[Loss]) -> tuple[str, ...]:
    """Each maximum lag MSPDI cannot hold, by its tasks' names (the plan's ids are keys)."""
    names = {a.id: a.name for a in plan.activities}
    out = []
    for link, loss in zip((k for k in plan.links if k.max_lag is not None), losses, strict=True):
        out.append(f"Link '{names[link.pred]}' → '{names[link.succ]}': {loss.what}.")
    return tuple(out)


def _one_csv(tables: tuple[Table, ...], table: str, stem: str) -> ExportFile:
    for candidate in tables:
        if slug(candidate.name) == table:
            return ExportFile(f"{stem}-{table}.csv", "text/csv", formats.to_csv(candidate))
    raise NotFound(f"No such table; use one of {', '.join(TABLES)}.")


def export_for(
    *,
    who: Any,
    project_id: Any,
    key: str,
    table: str | None = None,
    task_url: Callable[[Task], str] | None = None,
) -> ExportFile:
    """An export of a project ``who`` may see; their own time unless they approve time."""
    project = project_get(who=who, project_id=project_id)
    _format(key)
    entries = entries_visible_to(who, project) if key in ("xlsx", "csv") else None
    return build_export(project, key, who=who, entries=entries, table=table, task_url=task_url)
