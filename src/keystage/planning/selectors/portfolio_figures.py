"""Planning's figures on the portfolio dashboard: the latest baseline's finish and the
current plan's finish, for many projects in two queries (``portfolio.dashboard``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from keystage.planning.models import Baseline, Task
from keystage.portfolio.models import Project


def finish_day(value: dt.datetime | None) -> dt.date | None:
    """The local day work ends on (a finish at midnight belongs to the day before)."""
    if value is None:
        return None
    end = timezone.localtime(value)
    if end.time() == dt.time(0):
        end -= dt.timedelta(minutes=1)
    return end.date()


def latest_baselines(ids: Sequence[int], field: str) -> dict[int, Any]:
    """``field`` of each project's latest baseline (one query), by project pk."""
    newest = (
        Baseline.objects.filter(project_id=OuterRef("project_id"))
        .order_by("-number")
        .values("number")[:1]
    )
    rows = Baseline.objects.filter(project_id__in=ids, number=Subquery(newest)).values_list(
        "project_id", field
    )
    return dict(rows)


def schedule_figures(projects: Sequence[Project]) -> dict[int, dict[str, Any]]:
    """``baseline_finish`` (latest baseline) and ``planned_finish`` (the plan now) by project."""
    ids = [p.pk for p in projects]
    out: dict[int, dict[str, Any]] = {pk: {} for pk in ids}
    for pk, finish in latest_baselines(ids, "finish_at").items():
        out[pk]["baseline_finish"] = finish_day(finish)
    planned = (
        Task.objects.filter(project_id__in=ids)
        .values("project_id")
        .annotate(finish=Max("finish_at"))
        .values_list("project_id", "finish")
        .order_by()
    )
    for pk, finish in planned:
        if finish is not None:
            out[pk]["planned_finish"] = finish_day(finish)
    return out
