"""Reads of baselines: the list, one baseline with its tasks, the current plan as a snapshot,
and the comparison of two plans (a baseline with another, or with the current plan).

Snapshots (what a baseline stores) live in ``plan_snapshot``: ``plan_snapshot`` takes
one from the current plan (the capture service writes it down); ``baseline_snapshot``
reads it back from a baseline, so a comparison treats both sides alike.

Date variances are in **working days** of the project's (current) calendar — its working
weekdays, daily shifts and holidays — as MS Project reports them: the working time between
the two instants divided by the length of a working day, to a tenth of a day. Positive
means later (or longer, or more).
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.db.models import Count, Prefetch, QuerySet

from keystage.core.errors import InvalidInput, NotFound
from keystage.core.lookup import get_by_public_id
from keystage.planning.models import Baseline, BaselineTask
from keystage.planning.selectors.plan_snapshot import (
    PlanRow,
    PlanSnapshot,
    WorkingTime,
    baseline_snapshot,
    plan_snapshot,
)
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.models import Project

ZERO = Decimal("0")
CURRENT = "current"
VARIANCE_UNIT = "working days"


# ----------------------------------------------------------------- reading


def baselines_visible_to(who: Any) -> QuerySet[Baseline]:
    """Baselines of projects the user may see."""
    return Baseline.objects.filter(project__in=projects_visible_to(who))


def _listed(scoped: QuerySet[Baseline], project: Project) -> QuerySet[Baseline]:
    return (
        scoped.filter(project=project)
        .select_related("captured_by", "project")
        .annotate(task_count=Count("tasks"))
        .order_by("-number")
    )


def baseline_list(*, who: Any, project: Project) -> QuerySet[Baseline]:
    """The project's baselines, newest first, with who captured them and their task count."""
    return _listed(baselines_visible_to(who), project)


def baseline_list_as_system(project: Project) -> QuerySet[Baseline]:
    """The project's baselines for the command line, which acts as the system (no user)."""
    return _listed(Baseline.objects.all(), project)


def _with_tasks(scoped: QuerySet[Baseline]) -> QuerySet[Baseline]:
    return scoped.prefetch_related(
        Prefetch("tasks", queryset=BaselineTask.objects.order_by("row", "id"))
    )


def baseline_get(*, who: Any, project: Project, baseline_id: Any) -> Baseline:
    """One baseline of the project with its tasks in WBS order, or NotFound."""
    try:
        return get_by_public_id(_with_tasks(baseline_list(who=who, project=project)), baseline_id)
    except NotFound:
        raise NotFound("No such baseline in this project.") from None


def _by_key(listed: QuerySet[Baseline], project: Project, key: Any) -> Baseline:
    text = str(key).strip()
    if text.isdigit():
        found = _with_tasks(listed.filter(number=int(text))).first()
    else:
        try:
            found = _with_tasks(listed.filter(public_id=uuid.UUID(text))).first()
        except ValueError:
            raise NotFound(f"'{text[:40]}' names no baseline; give its number or id.") from None
    if found is None:
        raise NotFound(f"{project.code} has no baseline {text[:40]}.")
    return found


def baseline_by_key(*, who: Any, project: Project, key: Any) -> Baseline:
    """A baseline named by its number (``2``) or its id, with its tasks; NotFound otherwise."""
    return _by_key(baseline_list(who=who, project=project), project, key)


# ------------------------------------------------------------- comparison


class Change(models.TextChoices):
    """How a task differs between the two plans."""

    ADDED = "added", "Added"
    REMOVED = "removed", "Removed"
    CHANGED = "changed", "Changed"
    UNCHANGED = "unchanged", "Unchanged"


@dataclass(frozen=True)
class PlanSide:
    """One side of a comparison: a baseline, or the current plan."""

    key: str
    label: str
    baseline: Baseline | None
    snapshot: PlanSnapshot

    @property
    def is_current(self) -> bool:
        """Whether this side is the live plan."""
        return self.baseline is None


@dataclass(frozen=True)
class TaskVariance:
    """One task compared: both versions and the differences (``to`` minus ``from``)."""

    task_public_id: uuid.UUID
    change: str
    before: PlanRow | None
    after: PlanRow | None
    start_days: Decimal | None
    finish_days: Decimal | None
    duration_days: Decimal | None
    work_hours: Decimal
    cost: Decimal

    @property
    def current(self) -> PlanRow:
        """The row to label the task with: the later version when it still exists."""
        row = self.after or self.before
        assert row is not None
        return row

    @property
    def slip(self) -> str:
        """'late' when it finishes later, 'early' when earlier, '' otherwise (for colours)."""
        if self.finish_days is None or self.finish_days == 0:
            return ""
        return "late" if self.finish_days > 0 else "early"


@dataclass(frozen=True)
class Comparison:
    """Two plans side by side: per-task variances and the totals."""

    project: Project
    before: PlanSide
    after: PlanSide
    tasks: tuple[TaskVariance, ...]
    unit: str
    start_days: Decimal | None
    finish_days: Decimal | None
    duration_days: Decimal | None
    work_hours: Decimal
    cost: Decimal

    def count(self, change: str) -> int:
        """How many tasks were added, removed, changed or unchanged."""
        return sum(1 for t in self.tasks if t.change == change)

    @property
    def added(self) -> int:
        """Tasks only in the later plan."""
        return self.count(Change.ADDED)

    @property
    def removed(self) -> int:
        """Tasks only in the earlier plan."""
        return self.count(Change.REMOVED)

    @property
    def changed(self) -> int:
        """Tasks in both plans whose dates, duration, work, cost or name differ."""
        return self.count(Change.CHANGED)

    @property
    def unchanged(self) -> int:
        """Tasks in both plans that are the same."""
        return self.count(Change.UNCHANGED)

    @property
    def slipped(self) -> int:
        """Tasks (summaries included) that finish later."""
        return sum(1 for t in self.tasks if t.slip == "late")

    @property
    def ahead(self) -> int:
        """Tasks (summaries included) that finish earlier."""
        return sum(1 for t in self.tasks if t.slip == "early")

    @property
    def worst(self) -> list[TaskVariance]:
        """Work tasks and milestones that slipped, the largest slip first (for summaries)."""
        late = [t for t in self.tasks if t.slip == "late" and not t.current.is_summary]
        return sorted(late, key=lambda t: (-(t.finish_days or ZERO), t.current.row))


def _side(
    listed: QuerySet[Baseline], project: Project, key: Any, field: str, working: WorkingTime
) -> PlanSide:
    text = str(key if key is not None else "").strip()
    if text.lower() == CURRENT:
        return PlanSide(CURRENT, "Current plan", None, plan_snapshot(project, working))
    if not text:
        raise InvalidInput({field: "Give a baseline's number or id, or 'current'."})
    try:
        baseline = _by_key(listed, project, text)
    except NotFound as exc:
        raise InvalidInput({field: exc.message}) from None
    return PlanSide(
        str(baseline.number),
        f"Baseline {baseline.number} — {baseline.name}",
        baseline,
        baseline_snapshot(baseline),
    )


def _merged(before: Sequence[PlanRow], after: Sequence[PlanRow]) -> list[tuple[Any, Any]]:
    """Pairs (before, after) in the later plan's order; a removed task follows its old neighbour."""
    in_after = {r.task_public_id for r in after}
    old = {r.task_public_id: r for r in before}
    removed_after: dict[uuid.UUID | None, list[PlanRow]] = {}
    anchor: uuid.UUID | None = None
    for row in before:
        if row.task_public_id in in_after:
            anchor = row.task_public_id
        else:
            removed_after.setdefault(anchor, []).append(row)
    pairs: list[tuple[Any, Any]] = [(r, None) for r in removed_after.get(None, [])]
    for row in after:
        pairs.append((old.get(row.task_public_id), row))
        pairs.extend((r, None) for r in removed_after.get(row.task_public_id, []))
    return pairs


def _variance(before: PlanRow | None, after: PlanRow | None, working: WorkingTime) -> TaskVariance:
    key = (after or before).task_public_id  # type: ignore[union-attr]
    work = (after.work_hours if after else ZERO) - (before.work_hours if before else ZERO)
    cost = (after.cost if after else ZERO) - (before.cost if before else ZERO)
    if before is None or after is None:
        change = Change.ADDED if before is None else Change.REMOVED
        return TaskVariance(key, change, before, after, None, None, None, work, cost)
    start = working.variance(before.start_at, after.start_at)
    finish = working.variance(before.finish_at, after.finish_at)
    duration = working.days(after.duration_minutes - before.duration_minutes)
    moved = any(v for v in (start, finish, duration, work, cost))
    renamed = (before.name, before.wbs_code, before.kind) != (
        after.name,
        after.wbs_code,
        after.kind,
    )
    change = Change.CHANGED if moved or renamed else Change.UNCHANGED
    return TaskVariance(key, change, before, after, start, finish, duration, work, cost)


def baseline_compare(
    *, who: Any, project: Project, from_key: Any, to_key: Any = CURRENT
) -> Comparison:
    """Compare two plans of the project: baselines by number or id, or ``'current'``.

    Tasks are matched by their id, so a renamed or moved task is still the same task.
    Raises InvalidInput on ``from`` / ``to`` when a key names no baseline. The number
    of queries does not depend on the number of tasks.
    """
    return _compare(baseline_list(who=who, project=project), project, from_key, to_key)


def baseline_compare_as_system(
    *, project: Project, from_key: Any, to_key: Any = CURRENT
) -> Comparison:
    """:func:`baseline_compare` for the command line, which acts as the system (no user)."""
    return _compare(baseline_list_as_system(project), project, from_key, to_key)


def _compare(
    listed: QuerySet[Baseline], project: Project, from_key: Any, to_key: Any
) -> Comparison:
    working = WorkingTime(project)
    before = _side(listed, project, from_key, "from", working)
    after = _side(listed, project, to_key, "to", working)
    working.cover(
        d for side in (before, after) for r in side.snapshot.rows for d in (r.start_at, r.finish_at)
    )
    tasks = tuple(
        _variance(b, a, working) for b, a in _merged(before.snapshot.rows, after.snapshot.rows)
    )
    b, a = before.snapshot, after.snapshot
    return Comparison(
        project=project,
        before=before,
        after=after,
        tasks=tasks,
        unit=VARIANCE_UNIT,
        start_days=working.variance(b.start_at, a.start_at),
        finish_days=working.variance(b.finish_at, a.finish_at),
        duration_days=(
            working.days(
                working.minutes(a.start_at, a.finish_at) - working.minutes(b.start_at, b.finish_at)
            )
            if None not in (a.start_at, a.finish_at, b.start_at, b.finish_at)
            else None
        ),
        work_hours=a.work_hours - b.work_hours,
        cost=a.cost - b.cost,
    )
