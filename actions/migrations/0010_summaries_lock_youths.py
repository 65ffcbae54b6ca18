"""On PostgreSQL, the triggers that recompute a youth's yearly summaries (after a delete or an update of
interventions or tags) lock the youths concerned first, as the episodes' and situations' triggers do.

Without it, two transactions editing interventions of one youth and year at the same moment both deleted
and re-inserted the youth-year row: the second failed on its unique key (an error page for the second
educator). Locked, the second waits for the first to commit, then recomputes from what it committed.
The statements themselves are those of 0008. SQLite has one writer at a time: nothing to change there.
"""

import importlib

from django.db import migrations

summaries = importlib.import_module("actions.migrations.0008_summaries")

RECOMPUTING = [name for name in summaries.POSTGRES_FUNCTIONS if name.endswith(("_delete", "_update"))]


def _function(name: str, *, lock: bool) -> str:
    event = name.rsplit("_", 1)[1]
    youths = "SELECT youth_id FROM old_rows" + (" UNION SELECT youth_id FROM new_rows" if event == "update" else "")
    locking = f"PERFORM 1 FROM youths_youth WHERE id IN ({youths}) ORDER BY id FOR UPDATE;" if lock else ""
    return f"""
    CREATE OR REPLACE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN
        IF NOT EXISTS (SELECT FROM {"old_rows" if event == "delete" else "new_rows"}) THEN
            RETURN NULL;  -- the copies' triggers run many statements that write no row
        END IF;
        {locking}
        {summaries.POSTGRES_FUNCTIONS[name]}
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    """


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in RECOMPUTING:
            schema_editor.execute(_function(name, lock=True), params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in RECOMPUTING:
            schema_editor.execute(_function(name, lock=False), params=None)


class Migration(migrations.Migration):
    dependencies = [("actions", "0009_team_year_summaries")]

    operations = [migrations.RunPython(forward, backward)]
