"""The charter leaves planning for keystage.initiation; the table stays where it is."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("planning", "0005_budget_moves_to_costs"),
    ]

    # The charter moved to keystage.initiation; its table stays (state only, no SQL).
    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.RemoveConstraint(
                    model_name="charterversion",
                    name="charter_version_unique",
                ),
                migrations.RemoveConstraint(
                    model_name="charterversion",
                    name="charter_number_ge_1",
                ),
                migrations.DeleteModel(
                    name="CharterVersion",
                ),
            ],
            database_operations=[],
        ),
    ]
