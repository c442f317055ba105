"""Writes to what a project needs besides people: its equipment list and procurement items.

They belong to a project and need the project-edit permission; every change is validated
as field errors, version-checked (428 without, 409 when stale) and journaled.
"""

from __future__ import annotations

from typing import Any

from django.db import transaction

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import records
from keystage.core.errors import InvalidInput
from keystage.portfolio.access import require_perm
from keystage.portfolio.models import Project
from keystage.resources.models import (
    CostBasis,
    Equipment,
    ProcurementItem,
    ProcurementStatus,
)

EQUIPMENT_FIELDS = (
    "name",
    "category",
    "quantity",
    "unit_cost",
    "cost_basis",
    "needed_from",
    "needed_until",
    "status",
    "notes",
)
PROCUREMENT_FIELDS = (
    "name",
    "supplier",
    "category",
    "cost",
    "status",
    "order_date",
    "delivery_date",
    "notes",
)


def _check_equipment(item: Equipment) -> None:
    records.clean(item, exclude=["project"])
    errors: dict[str, str] = {}
    if item.needed_from and item.needed_until and item.needed_until < item.needed_from:
        errors["needed_until"] = "Must not be before the first day it is needed."
    if item.cost_basis == CostBasis.PER_DAY and not (item.needed_from and item.needed_until):
        errors["needed_from"] = "A per-day cost needs the first and last day it is needed."
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def equipment_create(*, who: User, project: Project, data: dict[str, Any]) -> Equipment:
    """Add equipment the project needs."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    item = Equipment(project=project, **records.editable(data, EQUIPMENT_FIELDS))
    _check_equipment(item)
    return records.create(
        who=who,
        instance=item,
        project=project,
        fields=EQUIPMENT_FIELDS,
        summary=f"Added equipment '{item.name}'",
    )


@transaction.atomic
def equipment_update(
    *, who: User, item: Equipment, version: int, changes: dict[str, Any]
) -> Equipment:
    """Change equipment at ``version``."""
    require_perm(who=who, project=item.project, perm=Perm.EDIT)
    changes = records.editable(changes, EQUIPMENT_FIELDS)
    candidate = records.with_changes(item, changes)
    _check_equipment(candidate)
    return records.update(
        who=who,
        instance=item,
        version=version,
        changes=changes,
        project=item.project,
        summary=f"Edited equipment '{candidate.name}'",
        candidate=candidate,
    )


@transaction.atomic
def equipment_delete(*, who: User, item: Equipment, version: int) -> None:
    """Remove equipment (the journal keeps it)."""
    require_perm(who=who, project=item.project, perm=Perm.EDIT)
    records.delete(
        who=who,
        instance=item,
        version=version,
        project=item.project,
        fields=EQUIPMENT_FIELDS,
        summary=f"Removed equipment '{item.name}'",
    )


# -------------------------------------------------------------- procurement


def _check_procurement(item: ProcurementItem) -> None:
    records.clean(item, exclude=["project"])
    errors: dict[str, str] = {}
    if item.order_date and item.delivery_date and item.delivery_date < item.order_date:
        errors["delivery_date"] = "Delivery cannot come before the order."
    if item.status == ProcurementStatus.DELIVERED and item.delivery_date is None:
        errors["delivery_date"] = "Give the delivery date of a delivered item."
    if item.status in (ProcurementStatus.ORDERED, ProcurementStatus.DELIVERED) and (
        item.order_date is None
    ):
        errors["order_date"] = "Give the order date of an ordered item."
    if errors:
        raise InvalidInput(errors)


@transaction.atomic
def procurement_create(*, who: User, project: Project, data: dict[str, Any]) -> ProcurementItem:
    """Add a purchase to the project's procurement list."""
    require_perm(who=who, project=project, perm=Perm.EDIT)
    item = ProcurementItem(project=project, **records.editable(data, PROCUREMENT_FIELDS))
    _check_procurement(item)
    return records.create(
        who=who,
        instance=item,
        project=project,
        fields=PROCUREMENT_FIELDS,
        summary=f"Added procurement item '{item.name}'",
    )


@transaction.atomic
def procurement_update(
    *, who: User, item: ProcurementItem, version: int, changes: dict[str, Any]
) -> ProcurementItem:
    """Change a procurement item at ``version``."""
    require_perm(who=who, project=item.project, perm=Perm.EDIT)
    changes = records.editable(changes, PROCUREMENT_FIELDS)
    candidate = records.with_changes(item, changes)
    _check_procurement(candidate)
    return records.update(
        who=who,
        instance=item,
        version=version,
        changes=changes,
        project=item.project,
        summary=f"Edited procurement item '{candidate.name}'",
        candidate=candidate,
    )


@transaction.atomic
def procurement_delete(*, who: User, item: ProcurementItem, version: int) -> None:
    """Remove a procurement item (the journal keeps it)."""
    require_perm(who=who, project=item.project, perm=Perm.EDIT)
    records.delete(
        who=who,
        instance=item,
        version=version,
        project=item.project,
        fields=PROCUREMENT_FIELDS,
        summary=f"Removed procurement item '{item.name}'",
    )
