"""The marks are appended by every write and deleted by the next reader: on PostgreSQL the table is
vacuumed after every thousand dead rows rather than after a fifth of its size, so that the readers'
"anything marked?" check never walks a long trail of deleted marks."""

from django.db import migrations


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE actions_summarymark SET (autovacuum_vacuum_scale_factor = 0, "
            "autovacuum_vacuum_threshold = 1000, autovacuum_analyze_scale_factor = 0, "
            "autovacuum_analyze_threshold = 1000)"
        )


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE actions_summarymark RESET (autovacuum_vacuum_scale_factor, autovacuum_vacuum_threshold, "
            "autovacuum_analyze_scale_factor, autovacuum_analyze_threshold)"
        )


class Migration(migrations.Migration):
    dependencies = [("actions", "0014_summary_marks")]

    operations = [migrations.RunPython(forward, backward)]
