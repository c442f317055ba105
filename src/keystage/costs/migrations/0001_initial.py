"""The cost plan: budget settings and hand-planned cost lines, on the tables planning created."""

import uuid
from decimal import Decimal

import django.core.validators
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("planning", "0005_budget_moves_to_costs"),
        ("portfolio", "0002_gate_override_reason"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The budget's models, moved from planning with their tables (state only, no SQL).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="BudgetLine",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "public_id",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("version", models.PositiveIntegerField(default=1, editable=False)),
                        (
                            "category",
                            models.CharField(
                                choices=[
                                    ("labour", "Labour"),
                                    ("equipment", "Equipment"),
                                    ("procurement", "Procurement"),
                                    ("services", "Services"),
                                    ("licences", "Licences"),
                                    ("travel", "Travel"),
                                    ("training", "Training"),
                                    ("other", "Other"),
                                ],
                                default="services",
                                max_length=12,
                            ),
                        ),
                        ("name", models.CharField(max_length=200)),
                        (
                            "amount",
                            models.DecimalField(
                                decimal_places=2,
                                max_digits=14,
                                validators=[
                                    django.core.validators.MinValueValidator(
                                        Decimal("0"), message="Amounts are never negative."
                                    )
                                ],
                            ),
                        ),
                        ("start_date", models.DateField(blank=True, null=True)),
                        ("end_date", models.DateField(blank=True, null=True)),
                        (
                            "notes",
                            models.TextField(
                                blank=True,
                                max_length=2000,
                                validators=[django.core.validators.MaxLengthValidator(2000)],
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="budget_lines",
                                to="portfolio.project",
                            ),
                        ),
                        (
                            "task",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="budget_lines",
                                to="planning.task",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "planning_budgetline",
                        "ordering": ["category", "name", "id"],
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(("amount__gte", 0)),
                                name="budget_line_not_negative",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    (
                                        "category__in",
                                        [
                                            "labour",
                                            "equipment",
                                            "procurement",
                                            "services",
                                            "licences",
                                            "travel",
                                            "training",
                                            "other",
                                        ],
                                    )
                                ),
                                name="budget_line_category_valid",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("start_date__isnull", True),
                                    ("end_date__isnull", True),
                                    ("end_date__gte", models.F("start_date")),
                                    _connector="OR",
                                ),
                                name="budget_line_dates_ordered",
                            ),
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="ProjectBudget",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "public_id",
                            models.UUIDField(default=uuid.uuid4, editable=False, unique=True),
                        ),
                        ("created_at", models.DateTimeField(auto_now_add=True)),
                        ("updated_at", models.DateTimeField(auto_now=True)),
                        ("version", models.PositiveIntegerField(default=1, editable=False)),
                        (
                            "contingency_percent",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("10.00"),
                                help_text="Share of the cost plan held for known risks (part of the cost baseline).",
                                max_digits=5,
                                validators=[
                                    django.core.validators.MinValueValidator(
                                        Decimal("0"), message="Contingency is never negative."
                                    ),
                                    django.core.validators.MaxValueValidator(
                                        Decimal("100"), message="Contingency is at most 100 %."
                                    ),
                                ],
                            ),
                        ),
                        (
                            "management_reserve",
                            models.DecimalField(
                                decimal_places=2,
                                default=Decimal("0.00"),
                                help_text="Held by the sponsor for unknown risks (outside the cost baseline).",
                                max_digits=14,
                                validators=[
                                    django.core.validators.MinValueValidator(
                                        Decimal("0"), message="Amounts are never negative."
                                    )
                                ],
                            ),
                        ),
                        (
                            "notes",
                            models.TextField(
                                blank=True,
                                max_length=2000,
                                validators=[django.core.validators.MaxLengthValidator(2000)],
                            ),
                        ),
                        ("set_at", models.DateTimeField(blank=True, null=True)),
                        (
                            "project",
                            models.OneToOneField(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="planning_budget",
                                to="portfolio.project",
                            ),
                        ),
                        (
                            "set_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "planning_projectbudget",
                        "constraints": [
                            models.CheckConstraint(
                                condition=models.Q(
                                    ("contingency_percent__gte", 0),
                                    ("contingency_percent__lte", 100),
                                ),
                                name="budget_contingency_0_100",
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("management_reserve__gte", 0)),
                                name="budget_reserve_not_negative",
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
