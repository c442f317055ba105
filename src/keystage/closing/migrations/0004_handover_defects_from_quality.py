"""The handover's open defects come from quality's register (DEF-n), frozen at the sign-off.

The free-text list it replaces is kept, word for word, at the end of the handover's notes.
"""

from django.db import migrations, models


def keep_free_text(apps, schema_editor):  # type: ignore[no-untyped-def]
    Handover = apps.get_model("closing", "Handover")
    for handover in Handover.objects.exclude(open_defects=""):
        kept = "Open defects (as typed before they were linked):\n" + handover.open_defects
        handover.notes = f"{handover.notes}\n\n{kept}".strip()
        handover.save(update_fields=["notes"])


class Migration(migrations.Migration):
    dependencies = [
        ("closing", "0003_final_budget_and_report"),
    ]

    operations = [
        migrations.RunPython(keep_free_text, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="handover",
            name="open_defects",
        ),
        migrations.AddField(
            model_name="handover",
            name="handed_defects",
            field=models.JSONField(
                blank=True,
                default=list,
                editable=False,
                help_text="The open defects (DEF-n) handed over, frozen at the sign-off: "
                "id, key, title, severity, status, deliverable, owner.",
            ),
        ),
    ]
