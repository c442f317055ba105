"""Writes to the project's goals. Keyword-only, ``who=`` first; the target must lie beyond the
baseline in the goal's direction; every change is version-checked and journaled."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.db import transaction

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.errors import InvalidInput
from keystage.planning.models.goals import Goal, GoalDirection
from keystage.planning.services.scope import next_order
from keystage.portfolio.access import require_perm
from keystage.portfolio.models import Project

GOAL_FIELDS = (
    "title",
    "description",
    "metric",
    "unit",
    "direction",
    "baseline_value",
    "target_value",
    "current_value",
    "due_date",
    "order",
)


def _fmt(value: Decimal) -> str:
    return f"{value.normalize():f}"


def check_goal(goal: Goal) -> None:
    """Field rules and the target against the baseline in the goal's direction, at once."""
    records.clean(goal, exclude=["project"], rules=_goal_rules)


def _goal_rules(goal: Goal) -> None:
    base, target = goal.baseline_value, goal.target_value
    if target == base:
        raise InvalidInput(
            {
                "target_value": "The target must differ from the baseline, or there is nothing to "
                f"achieve (both are {_fmt(base)})."
            }
        )
    if goal.direction == GoalDirection.INCREASE and target < base:
        raise InvalidInput(
            {
                "target_value": f"An increasing goal needs a target above the baseline "
                f"({_fmt(base)}); choose 'decrease' if the metric should go down."
            }
        )
    if goal.direction == GoalDirection.DECREASE and target > base:
        raise InvalidInput(
            {
                "target_value": f"A decreasing goal needs a target below the baseline "
                f"({_fmt(base)}); choose 'increase' if the metric should go up."
            }
        )


def _infer_direction(data: dict[str, Any]) -> None:
    """Without a direction, the target says it: above the baseline means 'increase'."""
    if data.get("direction"):
        return
    base, target = data.get("baseline_value"), data.get("target_value")
    if base is not None and target is not None:
        data["direction"] = GoalDirection.DECREASE if target < base else GoalDirection.INCREASE


@transaction.atomic
def goal_create(*, who: User, project: Project, data: dict[str, Any]) -> Goal:
    """Add a goal; the current value starts at the baseline unless given."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    data = records.editable(data, GOAL_FIELDS)
    _infer_direction(data)
    if data.get("current_value") is None:
        data["current_value"] = data.get("baseline_value")
    if data.get("order") is None:
        data["order"] = next_order(Goal, project)
    goal = Goal(project=project, **data)
    check_goal(goal)
    return records.create(
        who=who,
        instance=goal,
        project=project,
        fields=GOAL_FIELDS,
        summary=f"Added goal '{goal.title}'",
    )


@transaction.atomic
def goal_update(*, who: User, goal: Goal, version: int, changes: dict[str, Any]) -> Goal:
    """Edit a goal at ``version`` (e.g. record a new current value)."""
    require_perm(who=who, project=goal.project, perm=Perm.EDIT)
    changes = records.editable(changes, GOAL_FIELDS)
    for field in ("order", "current_value", "direction"):
        if field in changes and changes[field] in (None, ""):
            del changes[field]
    candidate = records.with_changes(goal, changes)
    check_goal(candidate)
    return records.update(
        who=who,
        instance=goal,
        version=version,
        changes=changes,
        project=goal.project,
        summary=f"Edited goal '{candidate.title}'",
        candidate=candidate,
    )


@transaction.atomic
def goal_delete(*, who: User, goal: Goal, version: int) -> None:
    """Remove a goal (the journal keeps it)."""
    require_perm(who=who, project=goal.project, perm=Perm.EDIT)
    records.delete(
        who=who,
        instance=goal,
        version=version,
        project=goal.project,
        fields=GOAL_FIELDS,
        summary=f"Removed goal '{goal.title}'",
    )
