"""The cost plan leaves planning for keystage.costs; the tables stay where they are."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0004_schedule_run_heartbeat_cancel"),
    ]

    # The cost plan moved to keystage.costs; its tables stay (state only, no SQL).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="budgetline",
                    name="budget_line_not_negative",
                ),
                migrations.RemoveConstraint(
                    model_name="budgetline",
                    name="budget_line_category_valid",
                ),
                migrations.RemoveConstraint(
                    model_name="budgetline",
                    name="budget_line_dates_ordered",
                ),
                migrations.RemoveConstraint(
                    model_name="projectbudget",
                    name="budget_contingency_0_100",
                ),
                migrations.RemoveConstraint(
                    model_name="projectbudget",
                    name="budget_reserve_not_negative",
                ),
                migrations.RemoveField(
                    model_name="projectbudget",
                    name="project",
                ),
                migrations.RemoveField(
                    model_name="projectbudget",
                    name="set_by",
                ),
                migrations.DeleteModel(
                    name="BudgetLine",
                ),
                migrations.DeleteModel(
                    name="ProjectBudget",
                ),
            ],
            database_operations=[],
        ),
    ]
