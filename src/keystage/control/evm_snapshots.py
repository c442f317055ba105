"""Stored earned-value summaries for the portfolio dashboard (one row per project).

Computing earned value for 200 projects on every dashboard view costs most of the request
(the baselined rows assembled project by project, the daily curves); the dashboard reads
each project's summary from :class:`~keystage.control.models.EvmSnapshot` instead, in one
query. A stored row is **never shown unless it is known to be current**:

- every write that moves a project's figures (progress, approved time, costs, the data
  date, …: ``portfolio.project_events.project_figures_moved``) marks its row stale in the
  write's own transaction (:func:`mark_stale`), so the mark commits or rolls back with it;
- after the commit, the KPI check of that project refreshes the row (:func:`refresh`), and
  so does ``keystage kpi check`` (cron) and the background job the dashboard queues;
- what the hook does not cover (a new baseline, tasks added, removed or edited, the
  calendar, the project's start, the currency, and — without a data date — the day), and
  the actuals' totals as a second guard, are compared through a *fingerprint* read live
  with the rows (one more query);
- a missing, stale or mismatched row is computed live for that view (the numbers are
  always right; that view is as slow as before for those projects) and a refresh of those
  projects is queued in a background job.

Refreshes race safely with writes: a refresh reads the row's ``generation`` first, then the
fingerprint, then the figures, and stores them only if the generation is unchanged (a write
that committed meanwhile bumped it and left the row stale for the next refresh).
"""

from __future__ import annotations

import datetime as dt
import logging
import math
import time
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import (
    Count,
    DecimalField,
    F,
    IntegerField,
    Max,
    OuterRef,
    Subquery,
    Sum,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from keystage.control.models import EvmSnapshot
from keystage.control.selectors.evm import EvmSummary, evm_summaries
from keystage.costs.actuals import currency_of
from keystage.costs.models import CostEntry
from keystage.execution.models import ApprovedLabourTask
from keystage.planning.models import Baseline, ProjectCalendar, Task
from keystage.portfolio.models import Project

logger = logging.getLogger(__name__)

#: The summary's fields kept in the row (everything but the project's public id).
MONEY_FIELDS = ("bac", "pv", "ev", "ac", "eac", "vac")
FLOAT_FIELDS = ("spi", "cpi", "spi_t", "sv_t", "tcpi")
FIELDS = (
    "has_baseline",
    "baseline_name",
    "data_date",
    "currency",
    *MONEY_FIELDS,
    *FLOAT_FIELDS,
    "forecast_finish",
    "baseline_finish",
)
#: The largest amount a row holds (its columns keep 18 digits before the cents).
MONEY_LIMIT = Decimal(10) ** 17


def _per_project(rows: Any, aggregate: Any, output: Any = None) -> Coalesce:
    """One aggregate of ``rows`` for the outer project, 0 when it has none."""
    figure = (
        rows.filter(project_id=OuterRef("pk"))
        .order_by()
        .values("project_id")
        .annotate(figure=aggregate)
        .values("figure")
    )
    output = output or IntegerField()
    return Coalesce(Subquery(figure, output_field=output), 0, output_field=output)


def fingerprints(projects: Sequence[Project], *, today: dt.date | None = None) -> dict[int, str]:
    """What each project's earned value is computed from, beyond the writes that mark its
    row stale, as one string per project pk (one query): the latest baseline (id, number,
    version), the calendar (working weekdays, data date — else today's date), the leaf
    tasks (how many, the newest id, the sum of their versions), the start date, the
    currency, the approved labour (cents, hours) and the cost entries (how many, the
    newest, their sum). Projects should come with their organisation loaded."""
    if not projects:
        return {}
    today = today or timezone.localdate()
    latest = Baseline.objects.filter(project_id=OuterRef("pk")).order_by("-number")
    calendar = ProjectCalendar.objects.filter(project_id=OuterRef("pk"))
    leaves = Task.objects.filter(is_summary=False)
    labour = ApprovedLabourTask.objects.all()
    costs = CostEntry.objects.all()
    rows = (
        Project.objects.filter(pk__in=[p.pk for p in projects])
        .order_by()
        .annotate(
            b_pk=Subquery(latest.values("pk")[:1]),
            b_number=Subquery(latest.values("number")[:1]),
            b_version=Subquery(latest.values("version")[:1]),
            c_data_date=Subquery(calendar.values("data_date")[:1]),
            c_weekdays=Subquery(calendar.values("working_weekdays")[:1]),
            t_count=_per_project(leaves, Count("pk")),
            t_newest=_per_project(leaves, Max("pk")),
            t_versions=_per_project(leaves, Sum("version")),
            # Actuals also fire the hook; summed here too, so a path that does not (a
            # timesheet reopened, an import) cannot leave an old AC on the dashboard.
            l_cents=_per_project(labour, Sum("cents")),
            l_hours=_per_project(labour, Sum("centihours")),
            c_count=_per_project(costs, Count("pk")),
            c_newest=_per_project(costs, Max("pk")),
            c_sum=_per_project(costs, Sum("amount"), DecimalField(max_digits=30, decimal_places=2)),
        )
        .values_list(
            "pk",
            "b_pk",
            "b_number",
            "b_version",
            "c_data_date",
            "c_weekdays",
            "t_count",
            "t_newest",
            "t_versions",
            "start_date",
            "l_cents",
            "l_hours",
            "c_count",
            "c_newest",
            "c_sum",
        )
    )
    currency = {p.pk: currency_of(p) for p in projects}
    out = {}
    for pk, b_pk, number, version, data_date, weekdays, count, newest, versions, *rest in rows:
        start, l_cents, l_hours, c_count, c_newest, c_sum = rest
        as_of = data_date.isoformat() if data_date else f"today {today.isoformat()}"
        out[pk] = (
            f"baseline {b_pk}/{number}/{version}; as of {as_of}; weekdays {weekdays}; "
            f"tasks {count}/{newest}/{versions}; start {start}; {currency[pk]}; "
            f"labour {l_cents}/{l_hours}; costs {c_count}/{c_newest}/{Decimal(c_sum):.2f}"
        )
    return out


def mark_stale(project: Any) -> None:
    """Mark ``project``'s stored summary stale in the current transaction (the services'
    hook, ``portfolio.project_events``): one UPDATE, or an INSERT of a stale row the first
    time, so no refresh that started before this write can store figures without it."""
    if EvmSnapshot.objects.filter(project_id=project.pk).update(
        stale=True, generation=F("generation") + 1
    ):
        return
    try:
        with transaction.atomic():
            EvmSnapshot.objects.create(project_id=project.pk, stale=True, generation=1)
    except IntegrityError:  # a refresh inserted the row meanwhile: bump it
        EvmSnapshot.objects.filter(project_id=project.pk).update(
            stale=True, generation=F("generation") + 1
        )


def _storable(summary: EvmSummary) -> bool:
    """Whether every figure fits the row (finite indices, amounts below the limit)."""
    floats = (getattr(summary, name) for name in FLOAT_FIELDS)
    money = (getattr(summary, name) for name in MONEY_FIELDS)
    return all(v is None or math.isfinite(v) for v in floats) and all(
        v is None or abs(v) < MONEY_LIMIT for v in money
    )


def refresh(project_ids: Iterable[int], *, today: dt.date | None = None) -> int:
    """Recompute and store the summaries of these projects (the system's write: the KPI
    check after a commit, the command line, the dashboard's job); the number stored.

    Order matters: the rows' generations are read first, then the fingerprints, then the
    figures, and each row is written only if its generation is unchanged; a row whose
    figures cannot be stored stays stale (the dashboard computes it live).
    """
    pks = sorted(set(project_ids))
    if not pks:
        return 0
    projects = list(Project.objects.filter(pk__in=pks).select_related("organisation"))
    EvmSnapshot.objects.bulk_create(
        [EvmSnapshot(project_id=p.pk) for p in projects], ignore_conflicts=True
    )
    generations = dict(
        EvmSnapshot.objects.filter(project_id__in=pks).values_list("project_id", "generation")
    )
    prints = fingerprints(projects, today=today)
    summaries = evm_summaries(projects, today=today)
    now = timezone.now()
    stored = 0
    for project in projects:
        summary = summaries[project.pk]
        if project.pk not in prints or not _storable(summary):
            continue
        values = {name: getattr(summary, name) for name in FIELDS}
        stored += EvmSnapshot.objects.filter(
            project_id=project.pk, generation=generations.get(project.pk, 0)
        ).update(
            **values,
            notes=list(summary.notes),
            fingerprint=prints[project.pk],
            computed_at=now,
            stale=False,
        )
    return stored


def refresh_quietly(project_id: int) -> None:
    """Refresh one project's row after a commit; a failure is logged (the row stays stale
    and the dashboard computes that project live), never raised into the request."""
    try:
        refresh([project_id])
    except Exception:
        logger.exception("EVM summary refresh of project %s failed", project_id)


def stored_summaries(
    projects: Sequence[Project], *, today: dt.date | None = None
) -> tuple[dict[int, EvmSummary], list[Project]]:
    """The stored summaries that are current (by project pk), and the projects whose row
    is missing, stale or computed from another plan (two queries). Projects must have
    been read through the access chokepoint and come with their organisation."""
    if not projects:
        return {}, []
    rows = {
        row[0]: row[1:]
        for row in EvmSnapshot.objects.filter(
            project_id__in=[p.pk for p in projects], stale=False
        ).values_list("project_id", "fingerprint", "notes", *FIELDS)  # plain values: fast
    }
    prints = fingerprints(projects, today=today)
    fresh: dict[int, EvmSummary] = {}
    missing: list[Project] = []
    for project in projects:
        row = rows.get(project.pk)
        if row is None or row[0] != prints.get(project.pk):
            missing.append(project)
            continue
        fresh[project.pk] = EvmSummary(
            project_id=str(project.public_id),
            **dict(zip(FIELDS, row[2:], strict=True)),
            notes=tuple(row[1] or ()),
        )
    return fresh, missing


def dashboard_summaries(projects: Sequence[Project]) -> dict[int, EvmSummary]:
    """Every project's summary for the dashboard: the stored row when it is current, else
    computed live now (and a refresh of those projects queued for the next view)."""
    fresh, missing = stored_summaries(projects)
    if missing:
        fresh.update(evm_summaries(missing))
        _queue_refresh([p.pk for p in missing])
    return fresh


REFRESH_QUEUED_SECONDS = 60
REFRESH_QUEUED_KEY = "evm-refresh-queued"


def _queue_refresh(project_ids: list[int]) -> None:
    """Queue one background refresh of these projects once the reading transaction ends;
    a project already queued in the last minute (by any reader) is not queued again.

    The projects queued recently are kept under one cache key (project id → time queued),
    so a view costs two cache round trips however many projects it found stale. Two readers
    racing may both queue a project; the refresh is idempotent, so that costs only work."""

    def enqueue() -> None:
        from django.core.cache import cache

        from keystage.control.tasks import refresh_evm_snapshots

        now = time.time()
        queued = {
            pk: at
            for pk, at in (cache.get(REFRESH_QUEUED_KEY) or {}).items()
            if now - at < REFRESH_QUEUED_SECONDS
        }
        todo = [pk for pk in project_ids if pk not in queued]
        if not todo:
            return
        queued.update(dict.fromkeys(todo, now))
        cache.set(REFRESH_QUEUED_KEY, queued, timeout=REFRESH_QUEUED_SECONDS)
        try:
            refresh_evm_snapshots.enqueue(todo)
        except Exception:  # a queue that refuses must not fail the view
            logger.exception("Could not queue the EVM summary refresh")

    transaction.on_commit(enqueue)
