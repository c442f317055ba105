"""Writes to the project's budget: its settings (contingency, management reserve, notes),
setting and reopening it, and the budget lines planned by hand.

Every write needs the project-edit permission, is validated as field errors,
version-checked (428 without a version, 409 when stale) and journaled. A set
budget is frozen: its settings and lines change only after it is reopened
(the gate to execution reads ``ProjectBudget.set_at``). Labour, equipment,
procurement and task fixed costs are not written here; they follow the
records that own them.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format, number_format

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.errors import InvalidInput, NotFound, VersionRequired
from keystage.core.lookup import parse_public_id
from keystage.costs.models import BudgetLine, ProjectBudget
from keystage.costs.selectors import cost_plan
from keystage.planning.models import Task
from keystage.portfolio.access import require_perm
from keystage.portfolio.models import Project

BUDGET_FIELDS = ("contingency_percent", "management_reserve", "notes")
LINE_FIELDS = ("category", "name", "amount", "task", "start_date", "end_date", "notes")
SET_FIELDS = ("set_at", "set_by")

NEGATIVE_COST = "A cost cannot be negative; enter what the item costs (0 or more)."
NEGATIVE_RESERVE = "The management reserve cannot be negative."


def _locked_budget(project: Project) -> ProjectBudget | None:
    """The budget row, locked for this transaction (PostgreSQL; SQLite writers queue anyway)."""
    return ProjectBudget.objects.select_for_update().filter(project=project).first()


def _refuse_if_set(budget: ProjectBudget | None) -> None:
    if budget is not None and budget.set_at is not None:
        raise InvalidInput({"non_field_errors": "The budget is set. Reopen it before changing it."})


def _decimal(data: dict[str, Any], field: str) -> Decimal | None:
    """The value of a money or percentage field as a Decimal (field error when not a number)."""
    value = data.get(field)
    if value is None or value == "":
        return None
    try:
        return Decimal(str(value))
    except (InvalidOperation, ValueError):
        raise InvalidInput({field: "Enter a number."}) from None


def money(value: Decimal) -> str:
    """An amount with thousands separators and no cents, as the journal and messages show it."""
    return str(number_format(value, decimal_pos=0, force_grouping=True))


# -------------------------------------------------------------------- settings


def _check_settings(budget: ProjectBudget) -> None:
    errors: dict[str, str] = {}
    reserve = _decimal({"m": budget.management_reserve}, "m")
    if reserve is not None and reserve < 0:
        errors["management_reserve"] = NEGATIVE_RESERVE
    percent = _decimal({"c": budget.contingency_percent}, "c")
    if percent is not None and not 0 <= percent <= 100:
        errors["contingency_percent"] = "Contingency is a share of the cost plan, from 0 to 100 %."
    if errors:
        raise InvalidInput(errors)
    records.clean(budget, exclude=["project", "set_by"])


@transaction.atomic
def budget_save(
    *, who: User, project: Project, version: int | None, data: dict[str, Any]
) -> ProjectBudget:
    """Save the budget settings: the first save needs no version, every later one does."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    data = records.editable(data, BUDGET_FIELDS)
    existing = _locked_budget(project)
    if existing is None:
        budget = ProjectBudget(project=project, **data)
        _check_settings(budget)
        return records.create(
            who=who,
            instance=budget,
            project=project,
            fields=BUDGET_FIELDS,
            summary="Saved the budget settings",
        )
    if version is None:
        raise VersionRequired()
    _refuse_if_set(existing)
    candidate = records.with_changes(existing, data)
    _check_settings(candidate)
    return records.update(
        who=who,
        instance=existing,
        version=version,
        changes=data,
        project=project,
        summary="Edited the budget settings",
        candidate=candidate,
    )


# ------------------------------------------------------------- set and reopen


@transaction.atomic
def budget_set(*, who: User, project: Project, version: int | None) -> ProjectBudget:
    """Set the budget: record who and when (the gate to execution checks it).

    Refused while the cost plan is empty or when the budget is already set.
    Without saved settings the budget is set at 0 % contingency and no reserve,
    as the cost plan shows it.
    """
    require_perm(who=who, project=project, perm=Perm.EDIT)
    existing = _locked_budget(project)
    if existing is not None and version is None:
        raise VersionRequired()
    if existing is not None and existing.set_at is not None:
        when = date_format(timezone.localtime(existing.set_at), "j M Y")
        by = existing.set_by.display_name if existing.set_by else "someone"
        raise InvalidInput({"non_field_errors": f"The budget was already set by {by} on {when}."})
    plan = cost_plan(project=project)
    if plan.subtotal <= 0:
        raise InvalidInput(
            {
                "non_field_errors": "The cost plan is empty, so there is nothing to set. "
                "Assign people to tasks, list equipment or purchases, or add budget lines first."
            }
        )
    now = timezone.now()
    summary = (
        f"Set the budget: cost baseline {money(plan.cost_baseline)}, "
        f"total budget {money(plan.total_budget)}"
    )
    if existing is None:
        budget = ProjectBudget(
            project=project,
            contingency_percent=Decimal("0"),
            management_reserve=Decimal("0"),
            set_at=now,
            set_by=who,
        )
        return records.create(
            who=who,
            instance=budget,
            project=project,
            fields=(*BUDGET_FIELDS, *SET_FIELDS),
            summary=summary,
        )
    assert version is not None  # checked above
    return records.update(
        who=who,
        instance=existing,
        version=version,
        changes={"set_at": now, "set_by": who},
        project=project,
        summary=summary,
    )


@transaction.atomic
def budget_reopen(*, who: User, project: Project, version: int | None) -> ProjectBudget:
    """Reopen a set budget so its settings and lines can change again."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    existing = _locked_budget(project)
    if existing is None or existing.set_at is None:
        raise InvalidInput(
            {"non_field_errors": "The budget is not set, so there is nothing to reopen."}
        )
    if version is None:
        raise VersionRequired()
    return records.update(
        who=who,
        instance=existing,
        version=version,
        changes={"set_at": None, "set_by": None},
        project=project,
        summary="Reopened the budget",
    )


# ---------------------------------------------------------------- budget lines


def _project_task(project: Project, ref: Any) -> Task | None:
    """A task of ``project`` from a task, or its public id; None for empty."""
    if ref in (None, ""):
        return None
    if isinstance(ref, Task):
        found = ref if ref.project_id == project.pk else None
    else:
        try:
            found = Task.objects.filter(project=project, public_id=parse_public_id(ref)).first()
        except NotFound:  # a malformed id names no task either
            found = None
    if found is None:
        raise InvalidInput({"task": "Choose a task of this project."})
    return found


def _line_data(project: Project, data: dict[str, Any]) -> dict[str, Any]:
    data = records.editable(data, LINE_FIELDS)
    if "task" in data:
        data["task"] = _project_task(project, data["task"])
    for field in ("start_date", "end_date"):
        if data.get(field) == "":
            data[field] = None
    return data


def _check_line(line: BudgetLine) -> None:
    """The line's own rules as field errors, before the model's checks."""
    errors: dict[str, str] = {}
    amount = _decimal({"amount": line.amount}, "amount")
    if amount is not None and amount < 0:
        errors["amount"] = NEGATIVE_COST
    if line.start_date and line.end_date and line.end_date < line.start_date:
        errors["end_date"] = "The end cannot come before the start."
    if line.task_id is not None and (line.start_date or line.end_date):
        errors["task"] = (
            "A line on a task is spread over the task's dates; "
            "leave the dates empty or choose no task."
        )
    if errors:
        raise InvalidInput(errors)
    records.clean(line, exclude=["project"])


@transaction.atomic
def line_create(*, who: User, project: Project, data: dict[str, Any]) -> BudgetLine:
    """Add a cost planned by hand (a service, a licence, travel, training…)."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    _refuse_if_set(_locked_budget(project))
    line = BudgetLine(project=project, **_line_data(project, data))
    _check_line(line)
    return records.create(
        who=who,
        instance=line,
        project=project,
        fields=LINE_FIELDS,
        summary=f"Added budget line '{line.name}' ({money(Decimal(line.amount))})",
    )


@transaction.atomic
def line_update(
    *, who: User, line: BudgetLine, version: int, changes: dict[str, Any]
) -> BudgetLine:
    """Edit a budget line at ``version``."""
    project = line.project
    require_perm(who=who, project=project, perm=Perm.EDIT)
    _refuse_if_set(_locked_budget(project))
    changes = _line_data(project, changes)
    candidate = records.with_changes(line, changes)
    _check_line(candidate)
    return records.update(
        who=who,
        instance=line,
        version=version,
        changes=changes,
        project=project,
        summary=f"Edited budget line '{candidate.name}'",
        candidate=candidate,
    )


@transaction.atomic
def line_delete(*, who: User, line: BudgetLine, version: int) -> None:
    """Remove a budget line (the journal keeps it)."""
    project = line.project
    require_perm(who=who, project=project, perm=Perm.EDIT)
    _refuse_if_set(_locked_budget(project))
    records.delete(
        who=who,
        instance=line,
        version=version,
        project=project,
        fields=LINE_FIELDS,
        summary=f"Removed budget line '{line.name}'",
    )
