"""Keep the approved-labour summaries (``execution.models.labour``) in step with approval.

``count_week`` adds a week's priced entries when it is approved and takes them away when it
is reopened, inside the caller's transaction. The additions are upserts (``INSERT … ON
CONFLICT DO UPDATE SET cents = cents + excluded.cents``): two managers approving two
people's weeks of the same days at once serialise on the rows they share and both count,
where a delete-and-recompute would lose one or fail on the unique key.

``rebuild`` recomputes a project's summaries from its approved entries: for data loaded in
bulk (benchmarks, imports that write approved time directly) and as a repair.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import connection
from django.db.models import Sum

from keystage.execution.models import (
    ApprovedLabourDay,
    ApprovedLabourTask,
    TimeEntry,
    TimesheetStatus,
)

_KEYS: tuple[tuple[Any, str], ...] = ((ApprovedLabourDay, "day"), (ApprovedLabourTask, "task_id"))


def _hundredths(value: Decimal | None) -> int:
    return int(((value or Decimal(0)) * 100).to_integral_value())


def _upsert(model: Any, key: str, rows: dict[tuple[int, Any], list[int]]) -> None:
    if not rows:
        return
    table = connection.ops.quote_name(model._meta.db_table)
    # table and key are this module's constants, never input: the values go as parameters
    sql = (
        f"INSERT INTO {table} (project_id, {key}, cents, centihours) "  # noqa: S608
        "VALUES (%s, %s, %s, %s) "
        f"ON CONFLICT (project_id, {key}) DO UPDATE SET "
        f"cents = {table}.cents + excluded.cents, "
        f"centihours = {table}.centihours + excluded.centihours"
    )
    params = [(p, k, c, h) for (p, k), (c, h) in sorted(rows.items(), key=lambda r: str(r[0]))]
    with connection.cursor() as cursor:
        cursor.executemany(sql, params)


def count_entries(entries: Iterable[TimeEntry], *, sign: int) -> None:
    """Add (``sign=1``, on approval) or take away (``sign=-1``, on reopening) these priced
    entries from their project's summaries by day and by task."""
    by: dict[str, dict[tuple[int, Any], list[int]]] = {"day": {}, "task_id": {}}
    for e in entries:
        cents, centihours = sign * _hundredths(e.amount), sign * _hundredths(e.hours)
        for key, value in (("day", e.day), ("task_id", e.task_id)):
            row = by[key].setdefault((e.project_id, value), [0, 0])
            row[0] += cents
            row[1] += centihours
    for model, key in _KEYS:
        _upsert(model, key, by[key])


def rebuild(project_ids: Iterable[int]) -> None:
    """Recompute the projects' summaries from their approved entries (replacing what is there)."""
    ids = list(project_ids)
    approved = TimeEntry.objects.filter(
        project_id__in=ids, timesheet__status=TimesheetStatus.APPROVED
    ).order_by()
    for model, key in _KEYS:
        model.objects.filter(project_id__in=ids).delete()
        model.objects.bulk_create(
            (
                model(
                    project_id=r["project_id"],
                    **{key: r[key]},
                    cents=_hundredths(r["a"]),
                    centihours=_hundredths(r["h"]),
                )
                for r in approved.values("project_id", key).annotate(
                    a=Sum("amount"), h=Sum("hours")
                )
            ),
            batch_size=5000,
        )
