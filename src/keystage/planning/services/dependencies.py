"""Writes to task dependencies: create, edit, delete, and the predecessors column in MS
Project notation (``3, 5SS+2d, 7FF-4h``). A link that would close a cycle is refused with
the cycle named; every write reschedules the plan under the plan lock, like the WBS."""

from __future__ import annotations

import re
from collections import defaultdict
from decimal import Decimal
from typing import Any

from keystage.accounts.models import User
from keystage.core import records
from keystage.core.errors import InvalidInput
from keystage.core.versioning import bump_version
from keystage.planning import engine
from keystage.planning.models import (
    Dependency,
    Task,
)
from keystage.planning.services.plan_lock import plan_write
from keystage.planning.services.wbs import calendar_of, link_insert, linkable, reschedule
from keystage.portfolio.models import Project

DEPENDENCY_FIELDS = ("type", "lag_minutes", "max_lag_minutes")
JOURNAL_FIELDS = ("predecessor", "successor", *DEPENDENCY_FIELDS)


def _find_path(project: Project, start: int, goal: int) -> list[int] | None:
    """Task ids on a path of dependencies from ``start`` to ``goal`` (None if none)."""
    succs: dict[int, list[int]] = defaultdict(list)
    for pred, succ in Dependency.objects.filter(project=project).values_list(
        "predecessor_id", "successor_id"
    ):
        succs[pred].append(succ)
    parent: dict[int, int | None] = {start: None}
    stack = [start]
    while stack:
        node = stack.pop()
        if node == goal:
            path = [node]
            while parent[path[-1]] is not None:
                path.append(parent[path[-1]])  # type: ignore[arg-type]
            return list(reversed(path))
        for nxt in succs.get(node, []):
            if nxt not in parent:
                parent[nxt] = node
                stack.append(nxt)
    return None


def _check_no_cycle(project: Project, predecessor: Task, successor: Task) -> None:
    path = _find_path(project, successor.pk, predecessor.pk)
    if path is None:
        return
    names = dict(Task.objects.filter(pk__in=path).values_list("pk", "name"))
    loop = " → ".join(f"'{names[i]}'" for i in [*path, successor.pk])
    raise InvalidInput({"predecessor": f"This link would create a cycle: {loop}."})


@plan_write
def dependency_create(
    *,
    who: User,
    project: Project,
    predecessor_id: Any,
    successor_id: Any,
    data: dict[str, Any],
) -> Dependency:
    """Link two tasks of the project; refused when it would close a cycle (which is named)."""
    data = records.editable(data, DEPENDENCY_FIELDS)
    found = {
        str(t.public_id): t
        for t in Task.objects.filter(project=project, public_id__in=[predecessor_id, successor_id])
    }
    predecessor = found.get(str(predecessor_id))
    successor = found.get(str(successor_id))
    errors = {}
    if predecessor is None:
        errors["predecessor"] = "No such task in this project."
    if successor is None:
        errors["successor"] = "No such task in this project."
    if errors:
        raise InvalidInput(errors)
    assert predecessor is not None and successor is not None
    if predecessor.pk == successor.pk:
        raise InvalidInput({"successor": "A task cannot depend on itself."})
    linkable(predecessor, "predecessor")
    linkable(successor, "successor")
    if Dependency.objects.filter(predecessor=predecessor, successor=successor).exists():
        raise InvalidInput({"successor": "These two tasks are already linked."})
    _check_no_cycle(project, predecessor, successor)
    dependency = link_insert(
        who=who, project=project, predecessor=predecessor, successor=successor, data=data
    )
    reschedule(project)
    return dependency


@plan_write
def dependency_update(
    *, who: User, project: Project, dependency: Dependency, version: int, data: dict[str, Any]
) -> Dependency:
    """Change a link's type, lag or maximum lag at ``version``."""
    fresh = records.update(
        who=who,
        instance=dependency,
        version=version,
        changes=records.editable(data, DEPENDENCY_FIELDS),
        project=project,
        summary="Edited a dependency",
    )
    reschedule(project)
    return fresh


@plan_write
def dependency_delete(*, who: User, project: Project, dependency: Dependency, version: int) -> None:
    """Remove a link at ``version``."""
    records.delete(
        who=who,
        instance=dependency,
        version=version,
        project=project,
        fields=JOURNAL_FIELDS,
        summary="Removed a dependency",
    )
    reschedule(project)


MAX_ROW_DIGITS = 9  # a plan row number; larger numbers name no row
_AMOUNT = r"[+-]?\s*\d+(?:[.,]\d+)?"
PREDECESSOR_TOKEN = re.compile(
    r"^\s*(?P<row>\d+)\s*(?P<type>FS|SS|FF|SF)?\s*"
    rf"(?:(?P<lag>[+-]\s*\d+(?:[.,]\d+)?)\s*(?P<unit>d|h|w|m|min)?)?\s*"
    rf"(?:max\s*(?P<most>{_AMOUNT})\s*(?P<most_unit>d|h|w|m|min)?)?\s*$",
    re.IGNORECASE,
)
UNIT_DAYS = {"d": 1, "w": 5}
UNIT_MINUTES = {"h": 60, "m": 1, "min": 1}


def _minutes(amount: str, unit: str | None, minutes_per_day: int) -> int:
    """``"+2"`` ``"d"`` → working minutes (no unit = days, as MS Project reads a lag)."""
    value = Decimal(amount.replace(" ", "").replace(",", "."))
    unit = (unit or "d").lower()
    per = UNIT_DAYS[unit] * minutes_per_day if unit in UNIT_DAYS else UNIT_MINUTES[unit]
    return int(value * per)


Predecessor = tuple[int, str, int, int | None]


def parse_predecessors(text: str, minutes_per_day: int) -> list[Predecessor]:
    """``"3, 5SS+2d, 7FF-4h max 1d"`` → ``[(row, type, lag, max lag or None), …]``.

    MS Project's notation, plus an optional maximum lag after ``max`` (working minutes
    like the lag; none = no maximum)."""
    found: list[Predecessor] = []
    for part in [p for p in re.split(r"[,;]", text) if p.strip()]:
        # One space between words: runs of spaces between the pattern's optional parts
        # would let a failing match backtrack for minutes on a long cell.
        part = " ".join(part.split())
        match = PREDECESSOR_TOKEN.match(part)
        if match is None:
            raise InvalidInput(
                {
                    "predecessors": f"'{part.strip()}' is not a predecessor: "
                    "write e.g. 3, 5SS+2d, 7FF-4h or 3FS+1d max 3d."
                }
            )
        lag = _minutes(match["lag"], match["unit"], minutes_per_day) if match["lag"] else 0
        most = (
            _minutes(match["most"], match["most_unit"], minutes_per_day) if match["most"] else None
        )
        if most is not None and most < lag:
            raise InvalidInput(
                {"predecessors": f"In '{part.strip()}' the maximum lag is less than the lag."}
            )
        row = int(match["row"]) if len(match["row"]) <= MAX_ROW_DIGITS else None
        if row is None:  # checked before a database sees an integer it cannot hold
            raise InvalidInput({"predecessors": f"No task on row {match['row'][:12]}…"})
        found.append((row, (match["type"] or "FS").upper(), lag, most))
    return found


MAX_DURATION_MINUTES = 60 * 24 * 3650  # the task model's bound (ten years of minutes)
DURATION_TEXT = re.compile(
    r"^\s*(?P<amount>\d+(?:[.,]\d+)?)\s*(?P<unit>min|m|h|d|w)?\s*$", re.IGNORECASE
)


def parse_duration(text: str, minutes_per_day: int) -> int:
    """``"5d"``, ``"2.5"``, ``"4h"``, ``"1w"``, ``"30m"`` → working minutes (no unit = days)."""
    match = DURATION_TEXT.match(text or "")
    if match is None:
        raise InvalidInput(
            {
                "duration_minutes": f"'{(text or '').strip()}' is not a duration: "
                "write e.g. 5d, 2.5d, 4h or 1w."
            }
        )
    unit = (match["unit"] or "d").lower()
    per = {"d": minutes_per_day, "w": 5 * minutes_per_day, "h": 60, "m": 1, "min": 1}[unit]
    minutes = int(Decimal(match["amount"].replace(",", ".")) * per)
    if minutes > MAX_DURATION_MINUTES:
        # In the unit the user works in (days of this calendar), never in stored minutes.
        most = MAX_DURATION_MINUTES // max(minutes_per_day, 1)
        raise InvalidInput({"duration_minutes": f"A duration is at most {most:,} working days."})
    return minutes


@plan_write
def predecessors_set(
    *, who: User, project: Project, task: Task, text: str, version: int | None = None
) -> Task:
    """Replace a task's predecessors from MS Project notation (row numbers, type, lag).

    With ``version`` the predecessors count as a field of the row: the task must still be at
    that version (Conflict otherwise) and its version advances, so two people editing the
    same row's links cannot overwrite each other silently.
    """
    if version is not None:
        bump_version(task, version)
    wanted = parse_predecessors(text, engine.minutes_per_day(calendar_of(project)))
    rows = {t.row: t for t in Task.objects.filter(project=project, row__in=[w[0] for w in wanted])}
    missing = [str(r) for r, *_ in wanted if r not in rows]
    if missing:
        raise InvalidInput({"predecessors": f"No task on row {', '.join(missing)}."})
    current = {d.predecessor_id: d for d in Dependency.objects.filter(successor=task)}
    keep = {rows[row].pk for row, *_ in wanted}
    # Removals first, so that a cycle check does not count links about to go.
    for pred_id, dependency in current.items():
        if pred_id not in keep:
            records.delete(
                who=who,
                instance=dependency,
                version=dependency.version,
                project=project,
                fields=JOURNAL_FIELDS,
                summary="Removed a dependency",
            )
    for row, link_type, lag, most in wanted:
        pred = rows[row]
        data = {"type": link_type, "lag_minutes": lag, "max_lag_minutes": most}
        existing = current.get(pred.pk)
        if existing is None:
            if pred.pk == task.pk:
                raise InvalidInput({"predecessors": "A task cannot depend on itself."})
            linkable(pred, "predecessors")
            linkable(task, "predecessors")
            _check_no_cycle(project, pred, task)
            link_insert(who=who, project=project, predecessor=pred, successor=task, data=data)
        elif (existing.type, existing.lag_minutes, existing.max_lag_minutes) != (
            link_type,
            lag,
            most,
        ):
            records.update(
                who=who,
                instance=existing,
                version=existing.version,
                changes=data,
                project=project,
                summary="Edited a dependency",
            )
    reschedule(project)
    task.refresh_from_db()
    return task
