"""The demo's budget: ERP-CLOUD's contingency, management reserve and hand-planned costs
(licences, SAP consultancy, training, travel), written through the budget services and set
by the project manager. Labour comes from assignments when there are any; equipment and
purchases from the project's resources."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.utils import timezone

from keystage.accounts.models import User
from keystage.core.models import AuditEntry
from keystage.costs import services as budget
from keystage.costs.models import ProjectBudget
from keystage.costs.records import COSTS as COST_RECORDS
from keystage.demo.history import at, dated
from keystage.planning.models import Task
from keystage.portfolio.models import Project
from keystage.resources import supplies
from keystage.resources.models import ProcurementItem

D = Decimal

SETTINGS = {
    "contingency_percent": D("10"),
    "management_reserve": D("45000"),
    "notes": "Contingency covers change requests from the migration partner and a third "
    "trial migration. The management reserve stays with the sponsor for what nobody "
    "foresees (e.g. a vendor price rise).",
}

# category, name, amount, task (the line follows its dates) or None, period (first and
# last task whose dates bound it) when not on a task, notes
LINES: list[tuple[str, str, str, str | None, tuple[str, str] | None, str]] = [
    (
        "licences",
        "Cloud subscription licences — test and training tenants",
        "26400",
        None,
        ("Install ERP on the cloud platform", "Hypercare"),
        "Two extra tenants until go-live, billed monthly.",
    ),
    (
        "services",
        "External SAP consultancy — migration mappings",
        "19200",
        "Design migration mappings",
        None,
        "Two finance and logistics consultants, 6 days at 1,600 a day.",
    ),
    (
        "services",
        "External SAP consultancy — payroll and CRM interfaces",
        "19200",
        "Rebuild interfaces to payroll and CRM",
        None,
        "One integration consultant for 12 days.",
    ),
    (
        "services",
        "SAP performance specialist",
        "8000",
        "Performance tuning",
        None,
        "",
    ),
    ("training", "Vendor key-user training course", "12500", "Train key users", None, ""),
    ("training", "Service desk training", "4500", "Train the service desk", None, ""),
    (
        "travel",
        "Travel to the vendor's data centre and the two plants",
        "6800",
        None,
        ("Inventory ERP modules and interfaces", "User acceptance test"),
        "Assessment visits and user acceptance tests on site.",
    ),
    ("travel", "On-site support during hypercare", "3200", "Hypercare", None, ""),
]


def _day(value: dt.datetime | None, fallback: dt.date) -> dt.date:
    return timezone.localtime(value).date() if value is not None else fallback


def load_budget(*, project: Project, pm: User, set_on: dt.date | None = None) -> None:
    """ERP-CLOUD's budget settings and lines, then the budget set (on ``set_on`` if given).

    Works with or without assignments: the plan then holds equipment, purchases and lines.
    """
    tasks = {t.name: t for t in Task.objects.filter(project=project)}
    settings = budget.budget_save(who=pm, project=project, version=None, data=dict(SETTINGS))
    for category, name, amount, task, period, notes in LINES:
        data: dict[str, Any] = {
            "category": category,
            "name": name,
            "amount": D(amount),
            "notes": notes,
        }
        if task is not None and task in tasks:
            data["task"] = tasks[task]
        elif period is not None:
            first, last = (tasks.get(n) for n in period)
            data["start_date"] = _day(first.start_at if first else None, project.start_date)
            data["end_date"] = max(
                _day(last.finish_at if last else None, data["start_date"]), data["start_date"]
            )
        budget.line_create(who=pm, project=project, data=data)
    done = budget.budget_set(who=pm, project=project, version=settings.version)
    if set_on is not None and done.set_at is not None:
        at = dt.datetime.combine(set_on, dt.time(16, 0), tzinfo=dt.UTC)
        if at < done.set_at:
            ProjectBudget.objects.filter(pk=done.pk).update(set_at=at)
            AuditEntry.objects.filter(
                object_id=done.public_id, summary__startswith="Set the budget"
            ).update(at=at)


# ERP-CLOUD's actual costs: (days after the start, kind, category, description, supplier,
# reference, amount, purchase it pays for). Travel ends up above its plan.
COSTS: list[tuple[int, str, str, str, str, str, str, str | None]] = [
    (
        42,
        "invoice",
        "procurement",
        "Cloud ERP subscription, year 1",
        "Vendora Cloud",
        "VC-24-0117",
        "110000",
        "Managed cloud ERP subscription (year 1)",
    ),
    (
        47,
        "invoice",
        "procurement",
        "Data migration tool licence",
        "MoveData Inc",
        "MD-88412",
        "19800",
        "Data migration tool",
    ),
    (58, "expense", "travel", "Assessment visit, vendor data centre", "", "", "2450", None),
    (
        61,
        "invoice",
        "services",
        "Migration mappings workshop (6 days)",
        "Northwind SAP",
        "NW-3301",
        "9600",
        None,
    ),
    (
        75,
        "invoice",
        "procurement",
        "Migration partner, month 1",
        "Atlas Consulting",
        "AC-2026-041",
        "38500",
        "Migration partner",
    ),
    (88, "expense", "travel", "Plant visits, Linz and Graz", "", "", "3900", None),
    (
        92,
        "invoice",
        "services",
        "Migration mappings, second block",
        "Northwind SAP",
        "NW-3342",
        "9600",
        None,
    ),
    (
        105,
        "invoice",
        "procurement",
        "Migration partner, month 2",
        "Atlas Consulting",
        "AC-2026-058",
        "41200",
        "Migration partner",
    ),
    (118, "expense", "travel", "Trial migration weekend on site", "", "", "5100", None),
    (
        135,
        "invoice",
        "procurement",
        "Migration partner, month 3",
        "Atlas Consulting",
        "AC-2026-073",
        "39800",
        "Migration partner",
    ),
]


def load_actuals(*, project: Project, pm: User, today: dt.date) -> None:
    """ERP-CLOUD's execution so far: invoices and expenses up to today, purchases received."""
    items = {i.name: i for i in ProcurementItem.objects.filter(project=project)}
    for offset, kind, category, text, supplier, ref, amount, item_name in COSTS:
        day = project.start_date + dt.timedelta(days=offset)
        if day > min(today, timezone.localdate()):
            continue
        item = items.get(item_name) if item_name else None
        with dated(at(day, 14)):
            _record_cost(pm, project, item, (kind, category, text, supplier, ref, amount, day))


def _record_cost(pm: User, project: Project, item: Any, row: tuple[Any, ...]) -> None:
    """One cost through the costs' record kit; a purchase it pays is received and invoiced."""
    kind, category, text, supplier, ref, amount, day = row
    COST_RECORDS.create(
        who=pm,
        project=project,
        data={
            "kind": kind,
            "category": category,
            "description": text,
            "amount": D(amount),
            "date": day,
            "supplier": supplier,
            "reference": ref,
            "procurement_item": item,
        },
    )
    if item is not None and item.order_date and item.status == "delivered":
        supplies.procurement_update(
            who=pm,
            item=item,
            version=item.version,
            changes={
                "ordered_amount": D(item.cost),
                "received_date": item.delivery_date,
                "received_amount": D(item.cost),
                "invoiced_date": max(day, item.order_date),
                "invoiced_amount": D(amount),
            },
        )
