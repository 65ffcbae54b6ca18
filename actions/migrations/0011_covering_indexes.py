"""On PostgreSQL, the (team, date) indexes the dashboards read also carry the columns they count.

A federation's dashboard groups the year's street-presence sessions four ways, its collective actions two
ways and the youths first met by month, each from a (team, date) index range: 4,500 sessions of fifty
teams were as many heap pages read one by one. With the counted columns in the index (INCLUDE), these
are index-only scans. The indexes keep their names
and keys, so the models' definitions are unchanged; SQLite has no INCLUDE and keeps them as they are.
"""

from django.db import migrations

# index: (table, keys, included columns)
COVERING = {
    "presence_team_date_idx": (
        "actions_presencesession",
        "team_id, date",
        "id, place, commune_id, quartier_id, duration_minutes, educator_count",
    ),
    "action_team_date_idx": (
        "actions_collectiveaction",
        "team_id, date",
        "id, kind, carrying, after_needs_assessment, commune_id",
    ),
    "youth_team_first_met_idx": ("youths_youth", "team_id, first_met_on", "id"),
}


def _recreate(schema_editor, covering: bool) -> None:
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, (table, keys, included) in COVERING.items():
        include = f" INCLUDE ({included})" if covering else ""
        schema_editor.execute(f"DROP INDEX {name}; CREATE INDEX {name} ON {table} ({keys}){include};", params=None)


def forward(apps, schema_editor):
    _recreate(schema_editor, covering=True)


def backward(apps, schema_editor):
    _recreate(schema_editor, covering=False)


class Migration(migrations.Migration):

    dependencies = [
        ("actions", "0010_summaries_lock_youths"),
        ("youths", "0006_year_facts"),
    ]

    operations = [migrations.RunPython(forward, backward)]
