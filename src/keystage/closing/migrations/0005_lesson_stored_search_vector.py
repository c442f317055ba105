"""The lessons' search vector stored on PostgreSQL: a generated ``tsvector`` column, weighted
(title and tags A, what happened and the recommendation B), with a GIN index on it.

It replaces migration 0002's expression index: the search matches *and ranks* on the stored
column, so a broad query no longer rebuilds each matching lesson's vector to rank it.
SQLite has no such column (it searches with its fallback, see ``closing.review.search``);
the column is not a model field, so Django never writes it.
"""

from django.db import migrations

COLUMN = "search_vector"
INDEX = "closing_lesson_search_vector"
OLD_INDEX = "closing_lesson_search"
OLD_EXPRESSION = (
    "to_tsvector('english'::regconfig, "
    "COALESCE(\"title\", '') || ' ' || COALESCE(\"tags\", '') || ' ' || "
    "COALESCE(\"what_happened\", '') || ' ' || COALESCE(\"recommendation\", ''))"
)
VECTOR = (
    "setweight(to_tsvector('english'::regconfig, "
    "COALESCE(\"title\", '') || ' ' || COALESCE(\"tags\", '')), 'A') || "
    "setweight(to_tsvector('english'::regconfig, "
    "COALESCE(\"what_happened\", '') || ' ' || COALESCE(\"recommendation\", '')), 'B')"
)


def add_column(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'ALTER TABLE "closing_lesson" ADD COLUMN IF NOT EXISTS {COLUMN} tsvector '
        f"GENERATED ALWAYS AS ({VECTOR}) STORED"
    )
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON "closing_lesson" USING GIN ({COLUMN})'
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {OLD_INDEX}")


def drop_column(apps, schema_editor):  # type: ignore[no-untyped-def]
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {OLD_INDEX} ON "closing_lesson" USING GIN ({OLD_EXPRESSION})'
    )
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")
    schema_editor.execute(f'ALTER TABLE "closing_lesson" DROP COLUMN IF EXISTS {COLUMN}')


class Migration(migrations.Migration):
    dependencies = [("closing", "0004_handover_defects_from_quality")]

    operations = [migrations.RunPython(add_column, drop_column)]
