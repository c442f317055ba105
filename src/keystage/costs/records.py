"""Actual costs as a record-kit record: expenses and supplier invoices of a project.

Recording costs needs ``Perm.APPROVE_TIME`` ("approve timesheets and record costs"):
the project manager (and organisation administrators), not team members — money that
leaves the project is the manager's call, as approving the time that prices labour is.
Everyone who sees the project reads its costs. Costs are refused on a closed, completed
or cancelled project.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.db import transaction
from django.utils import timezone

from keystage.accounts.roles import Perm
from keystage.core.errors import InvalidInput
from keystage.costs.models import CostEntry, CostKind
from keystage.portfolio.project_events import project_figures_moved
from keystage.portfolio.record_kit import RecordKit, RecordSpec

COST_FIELDS = (
    "kind",
    "category",
    "description",
    "amount",
    "date",
    "supplier",
    "reference",
    "task",
    "procurement_item",
    "notes",
)


def check_cost(entry: CostEntry) -> None:
    """Whole-record rules: dated within the project and not ahead of today; an invoice
    names its supplier and number; the number is new for that supplier in the project."""
    errors: dict[str, str] = {}
    project = entry.project
    if entry.date < project.start_date:
        errors["date"] = (
            f"A cost is dated on or after the project's start ({project.start_date:%d %b %Y})."
        )
    elif entry.date > timezone.localdate():
        errors["date"] = "An actual cost is dated today or earlier."
    if entry.kind == CostKind.INVOICE:
        if not entry.supplier:
            errors["supplier"] = "An invoice names its supplier."
        if not entry.reference:
            errors["reference"] = "Enter the invoice number."
    if entry.reference and not errors.get("reference"):
        duplicate = (
            CostEntry.objects.filter(
                project=project,
                supplier__iexact=entry.supplier,
                reference__iexact=entry.reference,
            )
            .exclude(pk=entry.pk)
            .exists()
        )
        if duplicate:
            errors["reference"] = (
                f"{entry.supplier or 'This supplier'}'s {entry.reference} is already recorded."
            )
    if errors:
        raise InvalidInput(errors)


class CostKit(RecordKit):
    """The kit, plus: a removed cost's file goes once the transaction commits; every write
    tells the monitored figures moved (``portfolio.project_events``)."""

    def create(self, *, who: Any, project: Any, data: dict[str, Any]) -> Any:
        """Add a cost (journaled); the project's KPIs are checked after the commit."""
        record = super().create(who=who, project=project, data=data)
        project_figures_moved(project)
        return record

    def update(self, *, who: Any, record: Any, version: int, changes: dict[str, Any]) -> Any:
        """Edit a cost at ``version`` (journaled); the KPIs are checked after the commit."""
        stored = super().update(who=who, record=record, version=version, changes=changes)
        project_figures_moved(record.project)
        return stored

    def delete(self, *, who: Any, record: Any, version: int) -> None:
        """Remove a cost at ``version`` (journaled) and, after the commit, its file."""
        name = record.attachment.name if record.attachment else ""
        super().delete(who=who, record=record, version=version)
        project_figures_moved(record.project)
        if name:
            storage = CostEntry._meta.get_field("attachment").storage  # type: ignore[attr-defined]
            transaction.on_commit(lambda: storage.delete(name))


COSTS = CostKit(
    RecordSpec(
        model=CostEntry,
        fields=COST_FIELDS,
        noun="cost",
        slug="costs",
        title_field="description",
        read_perm=Perm.VIEW,
        write_perm=Perm.APPROVE_TIME,
        intro="An expense or a supplier invoice, in a category of the cost plan; name the task "
        "or the purchase it pays for to follow it there.",
        namespace="planning",
        widgets={
            "date": forms.DateInput(attrs={"type": "date"}),
            "notes": forms.Textarea(attrs={"rows": 3}),
        },
        references=("task", "procurement_item"),
        read_only=("attachment_name", "attachment_type", "attachment_size", "attachment_sha256"),
        open_projects_only=True,
        check=check_cost,
    )
)
