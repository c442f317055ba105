"""Writes to what a project needs besides people: its equipment list and procurement items.

They belong to a project and need the project-edit permission; every change is validated
as field errors, version-checked (428 without, 409 when stale) and journaled.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db import transaction

from keystage.accounts.models import User
from keystage.accounts.roles import Perm
from keystage.core import records
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
    "ordered_amount",
    "received_date",
    "received_amount",
    "invoiced_date",
    "invoiced_amount",
    "notes",
)


@dataclass(frozen=True, slots=True)
class _Supply:
    """What differs between the two lists: the model, its fields, its noun, its rules."""

    model: type[Equipment] | type[ProcurementItem]
    fields: tuple[str, ...]
    noun: str
    check: Callable[[Any], None]

    def create(self, *, who: User, project: Project, data: dict[str, Any]) -> Any:
        require_perm(who=who, project=project, perm=Perm.EDIT)
        item = self.model(project=project, **records.editable(data, self.fields))
        self.check(item)
        return records.create(
            who=who,
            instance=item,
            project=project,
            fields=self.fields,
            summary=f"Added {self.noun} '{item.name}'",
        )

    def update(self, *, who: User, item: Any, version: int, changes: dict[str, Any]) -> Any:
        require_perm(who=who, project=item.project, perm=Perm.EDIT)
        changes = records.editable(changes, self.fields)
        candidate = records.with_changes(item, changes)
        self.check(candidate)
        return records.update(
            who=who,
            instance=item,
            version=version,
            changes=changes,
            project=item.project,
            summary=f"Edited {self.noun} '{candidate.name}'",
            candidate=candidate,
        )

    def delete(self, *, who: User, item: Any, version: int) -> None:
        require_perm(who=who, project=item.project, perm=Perm.EDIT)
        records.delete(
            who=who,
            instance=item,
            version=version,
            project=item.project,
            fields=self.fields,
            summary=f"Removed {self.noun} '{item.name}'",
        )


def _check_equipment(item: Equipment) -> None:
    records.clean(item, exclude=["project"], rules=_equipment_rules)


def _equipment_rules(item: Equipment) -> dict[str, str]:
    errors: dict[str, str] = {}
    if item.needed_from and item.needed_until and item.needed_until < item.needed_from:
        errors["needed_until"] = "Must not be before the first day it is needed."
    if item.cost_basis == CostBasis.PER_DAY and not (item.needed_from and item.needed_until):
        errors["needed_from"] = "A per-day cost needs the first and last day it is needed."
    return errors


def _check_procurement(item: ProcurementItem) -> None:
    records.clean(item, exclude=["project"], rules=_procurement_rules)


def _procurement_rules(item: ProcurementItem) -> dict[str, str]:
    errors: dict[str, str] = {}
    if item.order_date and item.delivery_date and item.delivery_date < item.order_date:
        errors["delivery_date"] = "Delivery cannot come before the order."
    if item.status == ProcurementStatus.DELIVERED and item.delivery_date is None:
        errors["delivery_date"] = "Give the delivery date of a delivered item."
    if item.status in (ProcurementStatus.ORDERED, ProcurementStatus.DELIVERED) and (
        item.order_date is None
    ):
        errors["order_date"] = "Give the order date of an ordered item."
    if item.received_date and item.order_date and item.received_date < item.order_date:
        errors["received_date"] = "Receipt cannot come before the order."
    if item.invoiced_date and item.order_date and item.invoiced_date < item.order_date:
        errors["invoiced_date"] = "The invoice cannot come before the order."
    planned = item.status == ProcurementStatus.PLANNED
    for stage in ("ordered", "received", "invoiced"):
        if planned and getattr(item, f"{stage}_amount") is not None:
            errors[f"{stage}_amount"] = "A planned item has not been ordered yet; set its status."
    if (item.received_amount is not None) != (item.received_date is not None):
        field = "received_date" if item.received_date is None else "received_amount"
        errors.setdefault(field, "Give the date and the value received together.")
    if (item.invoiced_amount is not None) != (item.invoiced_date is not None):
        field = "invoiced_date" if item.invoiced_date is None else "invoiced_amount"
        errors.setdefault(field, "Give the invoice's date and amount together.")
    return errors


_EQUIPMENT = _Supply(Equipment, EQUIPMENT_FIELDS, "equipment", _check_equipment)
_PROCUREMENT = _Supply(ProcurementItem, PROCUREMENT_FIELDS, "procurement item", _check_procurement)


@transaction.atomic
def equipment_create(*, who: User, project: Project, data: dict[str, Any]) -> Equipment:
    """Add equipment the project needs."""
    return _EQUIPMENT.create(who=who, project=project, data=data)


@transaction.atomic
def equipment_update(
    *, who: User, item: Equipment, version: int, changes: dict[str, Any]
) -> Equipment:
    """Change equipment at ``version``."""
    return _EQUIPMENT.update(who=who, item=item, version=version, changes=changes)


@transaction.atomic
def equipment_delete(*, who: User, item: Equipment, version: int) -> None:
    """Remove equipment (the journal keeps it)."""
    _EQUIPMENT.delete(who=who, item=item, version=version)


@transaction.atomic
def procurement_create(*, who: User, project: Project, data: dict[str, Any]) -> ProcurementItem:
    """Add a purchase to the project's procurement list."""
    return _PROCUREMENT.create(who=who, project=project, data=data)


@transaction.atomic
def procurement_update(
    *, who: User, item: ProcurementItem, version: int, changes: dict[str, Any]
) -> ProcurementItem:
    """Change a procurement item at ``version``."""
    return _PROCUREMENT.update(who=who, item=item, version=version, changes=changes)


@transaction.atomic
def procurement_delete(*, who: User, item: ProcurementItem, version: int) -> None:
    """Remove a procurement item (the journal keeps it)."""
    _PROCUREMENT.delete(who=who, item=item, version=version)
