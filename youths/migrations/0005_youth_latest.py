"""YouthLatest: each youth's two latest episodes and latest situation record, kept by triggers.

The youth tables decide a youth's level and situation for a period from this row rather than from two
correlated subqueries per youth. Triggers recompute the
rows of the youths whose episodes or records a statement wrote: PostgreSQL once per statement, over
its transition tables, after locking those youths' rows (as the overlap trigger does), so that two
transactions writing one youth's records take turns and the second recomputes from what the first
committed; SQLite once per row. The same SELECT fills the table for the existing youths.
"""

import django.db.models.deletion
from django.db import migrations, models

COLUMNS = (
    "youth_id, episode_level, episode_started_on, episode_ended_on, previous_level, previous_started_on,"
    " previous_ended_on, earlier_open, earlier_last_end, situation_id, situation_started_on"
)


def latest_rows(youths: str) -> str:
    """The rows of the youths that `youths` selects: an SQL condition on the youth's id, spelt {column}."""
    episodes, chosen = youths.format(column="youth_id"), youths.format(column="y.id")
    return f"""
    SELECT y.id, e.episode_level, e.episode_started_on, e.episode_ended_on, e.previous_level,
           e.previous_started_on, e.previous_ended_on, COALESCE(e.earlier_open, 0), e.earlier_last_end,
           s.situation_id, s.started_on
    FROM youths_youth AS y
    LEFT JOIN (
        SELECT youth_id,
               MAX(CASE WHEN n = 1 THEN level END) AS episode_level,
               MAX(CASE WHEN n = 1 THEN started_on END) AS episode_started_on,
               MAX(CASE WHEN n = 1 THEN ended_on END) AS episode_ended_on,
               MAX(CASE WHEN n = 2 THEN level END) AS previous_level,
               MAX(CASE WHEN n = 2 THEN started_on END) AS previous_started_on,
               MAX(CASE WHEN n = 2 THEN ended_on END) AS previous_ended_on,
               SUM(CASE WHEN n > 2 AND ended_on IS NULL THEN 1 ELSE 0 END) AS earlier_open,
               MAX(CASE WHEN n > 2 THEN ended_on END) AS earlier_last_end
        FROM (
            SELECT youth_id, level, started_on, ended_on,
                   ROW_NUMBER() OVER (PARTITION BY youth_id ORDER BY started_on DESC, id DESC) AS n
            FROM youths_supportepisode WHERE {episodes}
        ) AS ranked
        GROUP BY youth_id
    ) AS e ON e.youth_id = y.id
    LEFT JOIN (
        SELECT youth_id, situation_id, started_on
        FROM (
            SELECT youth_id, situation_id, started_on,
                   ROW_NUMBER() OVER (PARTITION BY youth_id ORDER BY started_on DESC, id DESC) AS n
            FROM youths_situationrecord WHERE {episodes}
        ) AS ranked
        WHERE n = 1
    ) AS s ON s.youth_id = y.id
    WHERE {chosen} AND (e.youth_id IS NOT NULL OR s.youth_id IS NOT NULL)
    """


TABLES = {"episode": "youths_supportepisode", "situation": "youths_situationrecord"}
TRANSITIONS = {
    "insert": ("NEW TABLE AS new_rows", "SELECT youth_id FROM new_rows"),
    "delete": ("OLD TABLE AS old_rows", "SELECT youth_id FROM old_rows"),
    "update": (
        "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        "SELECT youth_id FROM old_rows UNION SELECT youth_id FROM new_rows",
    ),
}


def _postgres_forward() -> str:
    statements = []
    for kind, table in TABLES.items():
        for event, (referencing, changed) in TRANSITIONS.items():
            name = f"youth_latest_{kind}_{event}"
            statements.append(f"""
    CREATE FUNCTION {name}() RETURNS trigger AS $$
    DECLARE
        ids bigint[] := ARRAY(SELECT DISTINCT youth_id FROM ({changed}) AS changed ORDER BY youth_id);
    BEGIN
        IF cardinality(ids) = 0 THEN
            RETURN NULL;
        END IF;
        PERFORM 1 FROM youths_youth WHERE id = ANY(ids) ORDER BY id FOR UPDATE;
        DELETE FROM youths_youthlatest WHERE youth_id = ANY(ids);
        INSERT INTO youths_youthlatest ({COLUMNS}) {latest_rows("{column} = ANY(ids)")};
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER {name} AFTER {event.upper()} ON {table}
    REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """)
    return "".join(statements)


def _postgres_backward() -> str:
    return "".join(
        f"DROP TRIGGER IF EXISTS youth_latest_{kind}_{event} ON {table};"
        f" DROP FUNCTION IF EXISTS youth_latest_{kind}_{event}();"
        for kind, table in TABLES.items()
        for event in TRANSITIONS
    )


def _sqlite_refresh(row: str) -> str:
    return (
        f"DELETE FROM youths_youthlatest WHERE youth_id = {row}.youth_id;"
        f" INSERT INTO youths_youthlatest ({COLUMNS}) {latest_rows(f'{{column}} = {row}.youth_id')};"
    )


def _sqlite_forward() -> list[str]:
    rows = {"insert": ("NEW",), "delete": ("OLD",), "update": ("OLD", "NEW")}
    return [
        f"CREATE TRIGGER youth_latest_{kind}_{event} AFTER {event.upper()} ON {table} FOR EACH ROW BEGIN "
        + " ".join(_sqlite_refresh(row) for row in rows[event])
        + " END;"
        for kind, table in TABLES.items()
        for event in rows
    ]


def _sqlite_backward() -> list[str]:
    return [f"DROP TRIGGER IF EXISTS youth_latest_{kind}_{event};" for kind in TABLES for event in TRANSITIONS]


def forward(apps, schema_editor):
    backfill = f"INSERT INTO youths_youthlatest ({COLUMNS}) {latest_rows('{column} IS NOT NULL')}"
    statements = {
        "postgresql": [backfill, _postgres_forward()],
        "sqlite": [backfill, *_sqlite_forward()],
    }
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    statements = {"postgresql": [_postgres_backward()], "sqlite": _sqlite_backward()}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


class Migration(migrations.Migration):

    dependencies = [
        ('youths', '0004_episode_overlap_trigger_bad_dates'),
    ]

    operations = [
        migrations.CreateModel(
            name='YouthLatest',
            fields=[
                ('youth', models.OneToOneField(db_constraint=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, primary_key=True, related_name='latest', serialize=False, to='youths.youth', verbose_name='jeune')),
                ('episode_level', models.CharField(max_length=10, null=True, verbose_name='niveau')),
                ('episode_started_on', models.DateField(null=True, verbose_name='début')),
                ('episode_ended_on', models.DateField(null=True, verbose_name='fin')),
                ('previous_level', models.CharField(max_length=10, null=True, verbose_name='niveau précédent')),
                ('previous_started_on', models.DateField(null=True, verbose_name='début du précédent')),
                ('previous_ended_on', models.DateField(null=True, verbose_name='fin du précédent')),
                ('earlier_open', models.PositiveIntegerField(default=0, verbose_name='antérieurs en cours')),
                ('earlier_last_end', models.DateField(null=True, verbose_name='fin des antérieurs')),
                ('situation_started_on', models.DateField(null=True, verbose_name='situation depuis le')),
                ('situation', models.ForeignKey(db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='youths.situation', verbose_name='situation')),
            ],
            options={
                'verbose_name': "dernier état d'un jeune",
                'verbose_name_plural': 'derniers états des jeunes',
                'default_permissions': (),
            },
        ),
        migrations.RunPython(forward, backward),
    ]
