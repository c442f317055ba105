"""The project's cost plan: every planned cost by category and by month, and the S-curve.

Derived costs come from the records that own them — labour from assignments ×
rates, equipment from the equipment list, procurement from its items, task
fixed costs from the WBS — and hand-planned costs from budget lines. The
engine (``keystage.engine.costplan``) spreads each over its working days.
Contingency is a share of the cost plan and belongs to the cost baseline;
the management reserve sits outside it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from keystage.core.errors import NotFound
from keystage.core.lookup import get_by_public_id
from keystage.costs.models import BudgetLine, CostCategory, ProjectBudget
from keystage.engine.costplan import CostItem, PhasedPlan, phase, prorate
from keystage.engine.money import to_cents
from keystage.planning.models import Task
from keystage.planning.models.wbs import ProjectCalendar
from keystage.planning.selectors.assignments import AssignmentWork, assignment_work, local_date
from keystage.planning.selectors.plan_snapshot import PlanCosts
from keystage.portfolio.access import projects_visible_to
from keystage.portfolio.gate_checks import GateCheckItem
from keystage.portfolio.models import Project
from keystage.resources.models import CostBasis, Equipment, ProcurementItem, ProcurementStatus

ZERO = Decimal("0")
TASK_FIXED = "task_fixed"

#: Row order and labels of the cost plan's categories.
CATEGORY_LABELS: Mapping[str, str] = {
    CostCategory.LABOUR.value: "Labour",
    TASK_FIXED: "Task fixed costs",
    CostCategory.EQUIPMENT.value: "Equipment",
    CostCategory.PROCUREMENT.value: "Procurement",
    **{
        c.value: str(c.label)
        for c in CostCategory
        if c.value not in ("labour", "equipment", "procurement")
    },
}


@dataclass(frozen=True)
class CostPlan:
    """The project's cost plan, phased by month, with contingency and reserve."""

    budget: ProjectBudget | None
    phased: PhasedPlan
    labour: tuple[AssignmentWork, ...]
    contingency_percent: Decimal
    contingency: Decimal
    management_reserve: Decimal
    task_costs: Mapping[int, Decimal]
    task_work: Mapping[int, Decimal]

    @property
    def subtotal(self) -> Decimal:
        """All planned costs before contingency."""
        return self.phased.total

    @property
    def cost_baseline(self) -> Decimal:
        """Planned costs plus contingency: the budget at completion."""
        return self.subtotal + self.contingency

    @property
    def total_budget(self) -> Decimal:
        """Cost baseline plus management reserve: what the sponsor funds."""
        return self.cost_baseline + self.management_reserve

    @property
    def is_set(self) -> bool:
        """Whether the project manager has set the budget (the gate to execution checks it)."""
        return self.budget is not None and self.budget.set_at is not None

    @property
    def categories(self) -> list[tuple[str, str, Decimal]]:
        """(key, label, amount) of every category with a cost, in a fixed order."""
        by = self.phased.by_category
        return [(k, label, by[k]) for k, label in CATEGORY_LABELS.items() if by.get(k)]

    @cached_property
    def month_contingency(self) -> tuple[Decimal, ...]:
        """The contingency time-phased with the costs it covers (adds up to ``contingency``)."""
        return prorate(self.contingency, self.phased.month_totals)

    @cached_property
    def month_baseline(self) -> tuple[Decimal, ...]:
        """Each month's planned costs plus its share of the contingency."""
        return tuple(
            c + k for c, k in zip(self.phased.month_totals, self.month_contingency, strict=True)
        )

    @cached_property
    def cumulative_baseline(self) -> tuple[Decimal, ...]:
        """The cost baseline's S-curve: it ends at the budget at completion."""
        running, out = ZERO, []
        for value in self.month_baseline:
            running += value
            out.append(running)
        return tuple(out)

    @cached_property
    def labour_by_person(self) -> list[PersonLabour]:
        """Planned hours and labour cost per person, most expensive first."""
        people: dict[int, PersonLabour] = {}
        for row in self.labour:
            seen = people.get(row.person_id)
            people[row.person_id] = PersonLabour(
                person_id=row.person_id,
                name=row.person_name,
                hours=row.hours + (seen.hours if seen else ZERO),
                cost_rate=row.cost_rate,
                cost=row.cost + (seen.cost if seen else ZERO),
                assignments=1 + (seen.assignments if seen else 0),
            )
        return sorted(people.values(), key=lambda p: (-p.cost, p.name))


@dataclass(frozen=True, slots=True)
class PersonLabour:
    """One person's planned work on the project and what it costs."""

    person_id: int
    name: str
    hours: Decimal
    cost_rate: Decimal
    cost: Decimal
    assignments: int


def _task_window(task: Task | None, fallback: dt.date) -> tuple[dt.date, dt.date]:
    start = local_date(task.start_at) if task else None
    finish = local_date(task.finish_at) if task else None
    start = start or fallback
    return start, max(finish or start, start)


def cost_items(project: Project) -> tuple[list[CostItem], list[AssignmentWork], dict[int, Decimal]]:
    """Every planned cost of the project as a dated item, the labour rows and work per task.

    Cancelled procurement is left out. Items without dates fall on the project's start.
    """
    start = project.start_date
    tasks = {t.pk: t for t in Task.objects.filter(project=project)}
    items: list[CostItem] = []
    labour = assignment_work(project=project)
    task_work: dict[int, Decimal] = {}
    for row in labour:
        task_work[row.task_id] = task_work.get(row.task_id, ZERO) + row.hours
        first, last = _task_window(tasks.get(row.task_id), start)
        items.append(
            CostItem("labour", row.person_name, row.cost, first, last, task_key=row.task_id)
        )
    for task in tasks.values():
        if task.fixed_cost and not task.is_summary:
            first, last = _task_window(task, start)
            items.append(
                CostItem(TASK_FIXED, task.name, Decimal(task.fixed_cost), first, last, task.pk)
            )
    for eq in Equipment.objects.filter(project=project):
        first = eq.needed_from or start
        last = eq.needed_until or first
        if eq.cost_basis == CostBasis.PER_DAY:
            amount = Decimal(eq.unit_cost) * eq.quantity * ((last - first).days + 1)
            items.append(CostItem("equipment", eq.name, amount, first, last, weekdays="1234567"))
        else:
            amount = Decimal(eq.unit_cost) * eq.quantity
            items.append(CostItem("equipment", eq.name, amount, first, first))
    for item in ProcurementItem.objects.filter(project=project).exclude(
        status=ProcurementStatus.CANCELLED
    ):
        when = item.delivery_date or item.order_date or start
        items.append(CostItem("procurement", item.name, Decimal(item.cost), when, when))
    for line in BudgetLine.objects.filter(project=project):
        if line.task_id is not None:
            first, last = _task_window(tasks.get(line.task_id), start)
        else:
            first = line.start_date or start
            last = line.end_date or first
        items.append(
            CostItem(line.category, line.name, Decimal(line.amount), first, last, line.task_id)
        )
    return items, labour, task_work


def cost_plan(*, project: Project) -> CostPlan:
    """The project's phased cost plan with contingency and reserve (a constant number of queries).

    The caller has already checked that the project is visible.
    """
    budget = ProjectBudget.objects.filter(project=project).select_related("set_by").first()
    calendar = ProjectCalendar.objects.filter(project=project).first()
    weekdays = calendar.working_weekdays if calendar else "12345"
    items, labour, task_work = cost_items(project)
    phased = phase(items, weekdays)
    percent = Decimal(budget.contingency_percent) if budget else ZERO
    return CostPlan(
        budget=budget,
        phased=phased,
        labour=tuple(labour),
        contingency_percent=percent,
        contingency=to_cents(phased.total * percent / 100),
        management_reserve=Decimal(budget.management_reserve) if budget else ZERO,
        task_costs={int(k): v for k, v in phased.by_task.items() if isinstance(k, int)},
        task_work=task_work,
    )


# ------------------------------------------------------------------ reads for the pages and API


def _visible(who: Any, project: Project) -> None:
    if not projects_visible_to(who).filter(pk=project.pk).exists():
        raise NotFound()


def budget_plan(*, who: Any, project: Project) -> CostPlan:
    """The cost plan of a project the user may see (NotFound otherwise)."""
    _visible(who, project)
    return cost_plan(project=project)


def budget_get(*, who: Any, project: Project) -> ProjectBudget | None:
    """The project's budget settings, if saved."""
    return (
        ProjectBudget.objects.filter(project__in=projects_visible_to(who), project=project)
        .select_related("project", "set_by")
        .first()
    )


def line_list(*, who: Any, project: Project) -> QuerySet[BudgetLine]:
    """The project's budget lines by category and name, with their tasks (one query)."""
    return BudgetLine.objects.filter(
        project__in=projects_visible_to(who), project=project
    ).select_related("project", "task")


def line_get(*, who: Any, project: Project, budget_line_id: Any) -> BudgetLine:
    """One budget line of this project, or NotFound."""
    try:
        return get_by_public_id(line_list(who=who, project=project), budget_line_id)
    except NotFound:
        raise NotFound("No such budget line in this project.") from None


def task_choices(*, who: Any, project: Project) -> QuerySet[Task]:
    """The tasks a budget line may follow, in WBS order."""
    return Task.objects.filter(project__in=projects_visible_to(who), project=project).order_by(
        "row"
    )


# ------------------------------------------------------------------ what other apps read


def budget_document(plan: CostPlan) -> dict[str, Any]:
    """The cost plan as the JSON a baseline keeps (amounts as strings, months as YYYY-MM).

    ``months[].cumulative`` is the planned value curve: it reaches ``subtotal`` (the
    time-phased cost plan); contingency belongs to the cost baseline but is not phased.
    """
    phased = plan.phased
    return {
        "categories": [
            {"key": key, "label": label, "amount": str(to_cents(amount))}
            for key, label, amount in plan.categories
        ],
        "months": [
            {
                "month": f"{month:%Y-%m}",
                "amount": str(to_cents(total)),
                "cumulative": str(to_cents(running)),
                "by_category": {k: str(to_cents(v)) for k, v in phased.by_month[month].items()},
            }
            for month, total, running in zip(
                phased.months, phased.month_totals, phased.cumulative, strict=True
            )
        ],
        "subtotal": str(to_cents(plan.subtotal)),
        "contingency_percent": str(plan.contingency_percent),
        "contingency": str(to_cents(plan.contingency)),
        "cost_baseline": str(to_cents(plan.cost_baseline)),
        "management_reserve": str(to_cents(plan.management_reserve)),
        "total_budget": str(to_cents(plan.total_budget)),
        "budget_set": plan.is_set,
    }


def plan_costs(project: Project) -> PlanCosts:
    """The cost plan as a baseline snapshot needs it (registered with planning in ``apps``)."""
    plan = cost_plan(project=project)
    return PlanCosts(
        task_work=plan.task_work,
        task_costs=plan.task_costs,
        cost_baseline=plan.cost_baseline,
        budget=budget_document(plan),
    )


def budget_checklist(project: Project) -> list[GateCheckItem]:
    """The Planning gate's budget item: the budget is set (one small read)."""
    set_at = ProjectBudget.objects.filter(project=project).values_list("set_at", flat=True).first()
    if set_at is not None:
        detail = f"set {timezone.localtime(set_at):%d %b %Y}"
    else:
        detail = "the project manager sets it on the Budget tab"
    return [GateCheckItem("budget", "The budget is set", set_at is not None, detail)]
