"""API shapes of the budget: its settings with the computed cost plan, and budget lines."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from keystage.accounts.serializers import UserBriefSerializer
from keystage.costs.models import BudgetLine, CostCategory
from keystage.costs.selectors import CostPlan
from keystage.planning.serializers.scope import VERSION_HELP, read_meta


def amount(**kwargs: Any) -> serializers.DecimalField:
    """A read-only amount of money (two decimals, as a string)."""
    return serializers.DecimalField(max_digits=18, decimal_places=2, read_only=True, **kwargs)


class CategoryAmountSerializer(serializers.Serializer[Any]):
    """One category of the cost plan and its total."""

    key = serializers.CharField(
        read_only=True,
        help_text="labour, task_fixed, equipment, procurement, services, licences, travel, "
        "training or other.",
    )
    label = serializers.CharField(read_only=True)  # type: ignore[assignment]
    amount = amount()


class MonthSerializer(serializers.Serializer[Any]):
    """One month of the cost plan."""

    month = serializers.DateField(read_only=True, help_text="The first day of the month.")
    amounts = serializers.DictField(
        child=serializers.DecimalField(max_digits=18, decimal_places=2),
        read_only=True,
        help_text="Planned costs of the month by category key.",
    )
    total = amount(help_text="Planned costs of the month.")
    cumulative = amount(help_text="Planned costs up to the end of the month.")
    contingency = amount(help_text="The month's share of the contingency.")
    cumulative_baseline = amount(
        help_text="Cost baseline (costs plus contingency) up to the end of the month."
    )


class PersonLabourSerializer(serializers.Serializer[Any]):
    """One person's planned hours and labour cost."""

    name = serializers.CharField(read_only=True)
    hours = amount()
    cost_rate = amount(help_text="Cost per hour.")
    cost = amount()
    assignments = serializers.IntegerField(read_only=True)


class BudgetSerializer(serializers.Serializer[Any]):
    """The budget: settings, status, and the cost plan computed from the project's records."""

    contingency_percent = serializers.DecimalField(max_digits=5, decimal_places=2, read_only=True)
    management_reserve = amount()
    notes = serializers.CharField(read_only=True)
    version = serializers.IntegerField(
        read_only=True, allow_null=True, help_text="Null until the settings are first saved."
    )
    is_set = serializers.BooleanField(read_only=True)
    set_at = serializers.DateTimeField(read_only=True, allow_null=True)
    set_by = UserBriefSerializer(read_only=True, allow_null=True)
    subtotal = amount(help_text="All planned costs before contingency.")
    contingency = amount()
    cost_baseline = amount(help_text="Planned costs plus contingency: the budget at completion.")
    total_budget = amount(help_text="Cost baseline plus management reserve.")
    categories = CategoryAmountSerializer(many=True, read_only=True)
    months = MonthSerializer(many=True, read_only=True)
    labour = PersonLabourSerializer(many=True, read_only=True)


def budget_payload(plan: CostPlan) -> dict[str, Any]:
    """The budget representation of a computed cost plan."""
    budget = plan.budget
    phased = plan.phased
    months = [
        {
            "month": month,
            "amounts": dict(phased.by_month.get(month, {})),
            "total": phased.month_totals[i],
            "cumulative": phased.cumulative[i],
            "contingency": plan.month_contingency[i],
            "cumulative_baseline": plan.cumulative_baseline[i],
        }
        for i, month in enumerate(phased.months)
    ]
    data = {
        "contingency_percent": plan.contingency_percent,
        "management_reserve": plan.management_reserve,
        "notes": budget.notes if budget else "",
        "version": budget.version if budget else None,
        "is_set": plan.is_set,
        "set_at": budget.set_at if budget else None,
        "set_by": budget.set_by if budget else None,
        "subtotal": plan.subtotal,
        "contingency": plan.contingency,
        "cost_baseline": plan.cost_baseline,
        "total_budget": plan.total_budget,
        "categories": [{"key": k, "label": label, "amount": a} for k, label, a in plan.categories],
        "months": months,
        "labour": plan.labour_by_person,
    }
    return BudgetSerializer(data).data  # type: ignore[no-any-return]


class BudgetWriteSerializer(serializers.Serializer[Any]):
    """Budget settings; send only what changes, and ``version`` once they exist."""

    contingency_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        required=False,
        help_text="Share of the cost plan held for known risks, 0–100.",
    )
    management_reserve = serializers.DecimalField(
        max_digits=14,
        decimal_places=2,
        required=False,
        help_text="Held by the sponsor for unknown risks; 0 or more.",
    )
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class BudgetActionSerializer(serializers.Serializer[Any]):
    """Set or reopen the budget at its version (or send If-Match)."""

    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)


class BudgetLineSerializer(serializers.ModelSerializer[BudgetLine]):
    """A cost planned by hand; spread over its task's dates, its period, or on its start day."""

    id = serializers.UUIDField(source="public_id", read_only=True)
    task = serializers.UUIDField(source="task.public_id", read_only=True, allow_null=True)
    task_name = serializers.CharField(source="task.name", read_only=True, allow_null=True)
    Meta = read_meta(
        BudgetLine,
        ["category", "name", "amount", "task", "task_name", "start_date", "end_date", "notes"],
    )


class BudgetLineWriteSerializer(serializers.Serializer[Any]):
    """Add a budget line; on PATCH send only what changes, with ``version``."""

    category = serializers.ChoiceField(choices=CostCategory.choices, required=False)
    name = serializers.CharField(max_length=200)
    amount = serializers.DecimalField(
        max_digits=14, decimal_places=2, help_text="What it costs, 0 or more."
    )
    task = serializers.UUIDField(
        required=False,
        allow_null=True,
        help_text="A task of this project whose dates the cost follows; empty for none.",
    )
    start_date = serializers.DateField(required=False, allow_null=True)
    end_date = serializers.DateField(required=False, allow_null=True)
    notes = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    version = serializers.IntegerField(min_value=1, required=False, help_text=VERSION_HELP)
