"""The charter versions, on the table planning created."""

import uuid

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("initiation", "0002_research_attachments"),
        ("planning", "0006_charter_moves_to_initiation"),
        ("portfolio", "0002_gate_override_reason"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    # The charter's model, moved from planning with its table (state only, no SQL).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="CharterVersion",
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
                        ("number", models.PositiveIntegerField()),
                        ("generated_at", models.DateTimeField(default=django.utils.timezone.now)),
                        (
                            "generated_by_label",
                            models.CharField(
                                help_text="Who generated it, as shown (also for the system actor).",
                                max_length=200,
                            ),
                        ),
                        ("content", models.JSONField()),
                        ("pdf", models.BinaryField()),
                        (
                            "generated_by",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                        (
                            "project",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="charter_versions",
                                to="portfolio.project",
                            ),
                        ),
                    ],
                    options={
                        "db_table": "planning_charterversion",
                        "ordering": ["project", "-number"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("project", "number"), name="charter_version_unique"
                            ),
                            models.CheckConstraint(
                                condition=models.Q(("number__gte", 1)), name="charter_number_ge_1"
                            ),
                        ],
                    },
                ),
            ],
            database_operations=[],
        ),
    ]
