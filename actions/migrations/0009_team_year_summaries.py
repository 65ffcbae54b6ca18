"""TeamYear and TeamYearDomain: the youth-year summaries of 0008 summed per team and year (and domain).

Triggers on actions_youthyear and actions_youthyeardomain add each row written and subtract each row
removed (an update: both), so that concurrent writers only add to a row and never undo each other; a
sum back to zero youths is deleted. PostgreSQL once per statement over its transition tables, SQLite
once per row (the triggers of 0008 write those tables from their own). Backfilled here.
"""

import django.db.models.deletion
from django.db import migrations, models

# summary: (source, key columns, the figure's column in both)
SUMMARIES = {
    "actions_teamyear": ("actions_youthyear", ("team_id", "year"), "interventions"),
    "actions_teamyeardomain": ("actions_youthyeardomain", ("team_id", "year", "domain_id"), "tags"),
}
TRANSITIONS = {
    "insert": "NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
}


def _postgres_function(summary: str, event: str) -> str:
    source, key_columns, figure = SUMMARIES[summary]
    keys = ", ".join(key_columns)
    rows = {
        "insert": [f"SELECT {keys}, 1 AS youths, {figure} FROM new_rows"],
        "delete": [f"SELECT {keys}, -1 AS youths, -{figure} AS {figure} FROM old_rows"],
    }
    rows["update"] = rows["insert"] + rows["delete"]
    name = f"{summary.removeprefix('actions_')}_{event}"
    emptied = (
        ""
        if event == "insert"
        else f"DELETE FROM {summary} WHERE youths = 0 AND ({keys}) IN (SELECT {keys} FROM old_rows);"
    )
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN
        INSERT INTO {summary} ({keys}, youths, {figure})
            SELECT {keys}, SUM(youths), SUM({figure}) FROM ({" UNION ALL ".join(rows[event])}) AS changes
            GROUP BY {keys} HAVING SUM(youths) <> 0 OR SUM({figure}) <> 0 ORDER BY {keys}
            ON CONFLICT ({keys}) DO UPDATE
            SET youths = {summary}.youths + EXCLUDED.youths, {figure} = {summary}.{figure} + EXCLUDED.{figure};
        {emptied}
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER {name} AFTER {event.upper()} ON {source}
    REFERENCING {TRANSITIONS[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """


def _sqlite_triggers(summary: str) -> list[str]:
    source, key_columns, figure = SUMMARIES[summary]
    keys = ", ".join(key_columns)
    short = summary.removeprefix("actions_")
    add = (
        f"INSERT INTO {summary} ({keys}, youths, {figure}) VALUES ({', '.join(f'NEW.{k}' for k in key_columns)},"
        f" 1, NEW.{figure}) ON CONFLICT ({keys}) DO UPDATE SET youths = youths + 1, {figure} = {figure} + NEW.{figure};"
    )
    where = " AND ".join(f"{k} = OLD.{k}" for k in key_columns)
    subtract = (
        f"UPDATE {summary} SET youths = youths - 1, {figure} = {figure} - OLD.{figure} WHERE {where};"
        f" DELETE FROM {summary} WHERE {where} AND youths = 0;"
    )
    bodies = {"insert": add, "delete": subtract, "update": f"{subtract} {add}"}
    return [
        f"CREATE TRIGGER {short}_{event} AFTER {event.upper()} ON {source} FOR EACH ROW BEGIN {body} END;"
        for event, body in bodies.items()
    ]


def _backfill(summary: str) -> str:
    source, key_columns, figure = SUMMARIES[summary]
    keys = ", ".join(key_columns)
    return (
        f"INSERT INTO {summary} ({keys}, youths, {figure})"
        f" SELECT {keys}, COUNT(*), SUM({figure}) FROM {source} GROUP BY {keys}"
    )


def forward(apps, schema_editor):
    backfill = [_backfill(summary) for summary in SUMMARIES]
    statements = {
        "postgresql": backfill + [_postgres_function(s, event) for s in SUMMARIES for event in TRANSITIONS],
        "sqlite": backfill + [trigger for summary in SUMMARIES for trigger in _sqlite_triggers(summary)],
    }
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    names = [f"{summary.removeprefix('actions_')}_{event}" for summary in SUMMARIES for event in TRANSITIONS]
    sources = {f"{s.removeprefix('actions_')}_{e}": SUMMARIES[s][0] for s in SUMMARIES for e in TRANSITIONS}
    statements = {
        "postgresql": [f"DROP TRIGGER IF EXISTS {n} ON {sources[n]}; DROP FUNCTION IF EXISTS {n}();" for n in names],
        "sqlite": [f"DROP TRIGGER IF EXISTS {n};" for n in names],
    }
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('actions', '0008_summaries'),
        ('emps', '0003_access_log'),
    ]

    operations = [
        migrations.CreateModel(
            name='TeamYear',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='année')),
                ('youths', models.IntegerField(verbose_name='jeunes')),
                ('interventions', models.IntegerField(verbose_name='interventions')),
                ('team', models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='emps.team', verbose_name='équipe')),
            ],
            options={
                'verbose_name': "année d'une équipe",
                'verbose_name_plural': 'années des équipes',
                'constraints': [models.UniqueConstraint(fields=('team', 'year'), name='team_year_unique')],
            },
        ),
        migrations.CreateModel(
            name='TeamYearDomain',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='année')),
                ('youths', models.IntegerField(verbose_name='jeunes')),
                ('tags', models.IntegerField(verbose_name='interventions')),
                ('domain', models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='actions.domain', verbose_name='domaine')),
                ('team', models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='emps.team', verbose_name='équipe')),
            ],
            options={
                'verbose_name': "domaine d'une équipe dans l'année",
                'verbose_name_plural': 'domaines des équipes par année',
                'constraints': [models.UniqueConstraint(fields=('team', 'year', 'domain'), name='team_year_domain_unique')],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
