"""The lessons' full-text GIN index, on PostgreSQL only (SQLite searches without one).

The indexed expression is exactly the one ``closing.review.search`` matches on
(``SearchVector(title, tags, what_happened, recommendation, config="english")``), so the
planner uses the index for the ``@@`` match.
"""

from django.db import migrations

INDEX = "closing_lesson_search"
EXPRESSION = (
    "to_tsvector('english'::regconfig, "
    "COALESCE(\"title\", '') || ' ' || COALESCE(\"tags\", '') || ' ' || "
    "COALESCE(\"what_happened\", '') || ' ' || COALESCE(\"recommendation\", ''))"
)


def create_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {INDEX} ON "closing_lesson" USING GIN ({EXPRESSION})'
        )


def drop_index(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("closing", "0001_handover_training_review")]

    operations = [migrations.RunPython(create_index, drop_index)]
