"""Planning's figures on the portfolio dashboard: the latest baseline's finish and the
current plan's finish, for many projects in two queries (``portfolio.dashboard``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from django.db.models import Max
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


def schedule_figures(projects: Sequence[Project]) -> dict[int, dict[str, Any]]:
    """``baseline_finish`` (latest baseline) and ``planned_finish`` (the plan now) by project."""
    ids = [p.pk for p in projects]
    out: dict[int, dict[str, Any]] = {pk: {} for pk in ids}
    baselines = (
        Baseline.objects.filter(project_id__in=ids)
        .order_by("project_id", "-number")
        .values_list("project_id", "finish_at")
    )
    for pk, finish in baselines:
        out[pk].setdefault("baseline_finish", finish_day(finish))
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
