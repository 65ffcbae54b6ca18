"""YouthYearFacts and TeamYearFacts: the youth tables of each team and year, counted in advance by triggers.

So that a funder's dashboard of a federation does not group its 29,000 youths of the year on every
view. For each youth and calendar year in which they were in relation with the team (first met,
an intervention: an actions_youthyear row, or a collective action taken part in), a facts row holds
the year's level and situation (the counting rules over 1 January to 31 December) and the youth's sex,
origin, birth, commune and quartier; TeamYearFacts counts those rows per team, year and breakdown.

- Any write to a youth, their episodes, situation records, yearly interventions or participations, or to
  the date of a collective action, rewrites the facts rows of the youths concerned (DELETE and INSERT,
  from the same SELECT that fills the table here). PostgreSQL does it once per statement, over the
  transition tables, after locking those youths' rows (as youths' 0005 does), so that two transactions
  writing one youth's rows take turns; SQLite once per row.
- Any write to the facts rows adds each new row to the counts of its five breakdowns and subtracts each
  old one (upserts: concurrent writers add, never overwrite); a count back to zero is deleted.
"""

import django.db.models.deletion
from django.db import migrations, models

FACTS_COLUMNS = (
    "youth_id, year, team_id, level, situation_id, is_new, sex, origin_id, birth_year, birth_month,"
    " commune_id, quartier_id"
)
COUNT_COLUMNS = (
    "team_id, year, breakdown, level, is_new, birth_year, birth_month, sex, origin_key, situation_key,"
    " commune_key, quartier_key"
)
LEVEL_RANK = "CASE {e}.level WHEN 'paei' THEN 2 WHEN 'asep' THEN 1 WHEN 'accroche' THEN 0 ELSE -1 END"

# Dates from a year and years from a date, in each dialect (SQLite keeps dates as ISO text).
DIALECTS = {
    "postgresql": {
        "year_start": "make_date({year}, 1, 1)",
        "year_end": "make_date({year}, 12, 31)",
        "year_of": "EXTRACT(YEAR FROM {date})::integer",
        "false": "false",
    },
    "sqlite": {
        "year_start": "printf('%04d-01-01', {year})",
        "year_end": "printf('%04d-12-31', {year})",
        "year_of": "CAST(strftime('%Y', {date}) AS INTEGER)",
        "false": "0",
    },
}


def facts_rows(vendor: str, youths: str) -> str:
    """The facts rows of the youths that `youths` selects: an SQL condition on a youth's id, spelt {column}.

    The level of a year: the highest among the episodes overlapping it, the latest begun first among
    equals; else the latest begun by its end (episodes never overlap). The situation: the latest record
    begun by the year's end, else the earliest recorded.
    """
    d = DIALECTS[vendor]
    start, end = d["year_start"].format(year="k.year"), d["year_end"].format(year="k.year")
    overlaps = f"(e.ended_on IS NULL OR e.ended_on >= {start})"
    return f"""
    SELECT y.id, k.year, y.team_id,
        COALESCE(
            (SELECT e.level FROM youths_supportepisode AS e
             WHERE e.youth_id = y.id AND e.started_on <= {end} AND {overlaps}
             ORDER BY {LEVEL_RANK.format(e="e")} DESC, e.started_on DESC LIMIT 1),
            (SELECT e.level FROM youths_supportepisode AS e
             WHERE e.youth_id = y.id AND e.started_on <= {end} ORDER BY e.started_on DESC LIMIT 1)
        ),
        COALESCE(
            (SELECT r.situation_id FROM youths_situationrecord AS r
             WHERE r.youth_id = y.id AND r.started_on <= {end} ORDER BY r.started_on DESC LIMIT 1),
            (SELECT r.situation_id FROM youths_situationrecord AS r
             WHERE r.youth_id = y.id ORDER BY r.started_on LIMIT 1)
        ),
        y.first_met_on >= {start}, y.sex, y.origin_id, y.birth_year, y.birth_month, y.commune_id, y.quartier_id
    FROM youths_youth AS y
    JOIN (
        SELECT id AS youth_id, {d["year_of"].format(date="first_met_on")} AS year
        FROM youths_youth WHERE {youths.format(column="id")}
        UNION
        SELECT youth_id, year FROM actions_youthyear WHERE {youths.format(column="youth_id")}
        UNION
        SELECT p.youth_id, {d["year_of"].format(date="a.date")}
        FROM actions_collectiveaction_participants AS p
        JOIN actions_collectiveaction AS a ON a.id = p.collectiveaction_id
        WHERE {youths.format(column="p.youth_id")}
    ) AS k ON k.youth_id = y.id
    """


def count_rows(vendor: str, rows: str) -> str:
    """The counts of `rows` (facts rows with a column `d`: +1 to add, -1 to subtract) per team, year and
    breakdown, with the breakdown's columns and blanks elsewhere."""

    def kept(breakdowns: str, value: str, blank: str) -> str:
        return f"CASE WHEN b.breakdown IN ({breakdowns}) THEN {value} ELSE {blank} END"

    keys = ", ".join(
        (
            "f.team_id",
            "f.year",
            "b.breakdown",
            kept("0, 4", "COALESCE(f.level, '')", "''"),
            kept("0", f"COALESCE(f.is_new, {DIALECTS[vendor]['false']})", DIALECTS[vendor]["false"]),
            kept("1", "COALESCE(f.birth_year, 0)", "0"),
            kept("1", "COALESCE(f.birth_month, 0)", "0"),
            kept("1, 2, 3", "f.sex", "''"),
            kept("2", "COALESCE(f.origin_id, 0)", "0"),
            kept("3", "COALESCE(f.situation_id, 0)", "0"),
            kept("4", "f.commune_id", "0"),
            kept("4", "COALESCE(f.quartier_id, 0)", "0"),
        )
    )
    breakdowns = " UNION ALL ".join(f"SELECT {n} AS breakdown" for n in range(5))
    return f"""
    SELECT {keys}, SUM(f.d) FROM ({rows}) AS f CROSS JOIN ({breakdowns}) AS b
    WHERE true GROUP BY {keys} HAVING SUM(f.d) <> 0
    """


def _count_upsert(vendor: str, rows: str) -> str:
    return f"""
    INSERT INTO youths_teamyearfacts ({COUNT_COLUMNS}, youths) {count_rows(vendor, rows)} ORDER BY 1, 2, 3
    ON CONFLICT ({COUNT_COLUMNS}) DO UPDATE SET youths = youths_teamyearfacts.youths + EXCLUDED.youths;
    """


# The writes that change the facts: (table, event) -> the ids of the youths concerned.
SOURCES = {
    "youth": ("youths_youth", "id"),
    "episode": ("youths_supportepisode", "youth_id"),
    "situation": ("youths_situationrecord", "youth_id"),
    "interventions": ("actions_youthyear", "youth_id"),
    "participation": ("actions_collectiveaction_participants", "youth_id"),
}
TRANSITIONS = {
    "insert": "NEW TABLE AS new_rows",
    "delete": "OLD TABLE AS old_rows",
    "update": "OLD TABLE AS old_rows NEW TABLE AS new_rows",
}
PARTICIPANTS = "SELECT p.youth_id FROM actions_collectiveaction_participants AS p WHERE p.collectiveaction_id"


def _postgres_changed(kind: str, event: str) -> str:
    """The statement's youths (a SELECT of youth ids over its transition tables)."""
    column = SOURCES[kind][1] if kind in SOURCES else None
    if kind == "action":  # a collective action moved to another date: its participants
        return (
            f"{PARTICIPANTS} IN (SELECT n.id FROM new_rows AS n JOIN old_rows AS o ON o.id = n.id"
            " WHERE n.date IS DISTINCT FROM o.date)"
        )
    if kind == "interventions" and event == "update":
        # Only a row's existence matters: the youths of the keys (youth, year) the statement moved. Set
        # differences, hashed, rather than a join of the two transition tables, which have no index (an
        # import's upserts update the rows of youths already seen that year, batch after batch).
        keys = "SELECT youth_id, year FROM {} EXCEPT SELECT youth_id, year FROM {}"
        return (
            f"SELECT youth_id FROM ({keys.format('old_rows', 'new_rows')}) AS gone"
            f" UNION SELECT youth_id FROM ({keys.format('new_rows', 'old_rows')}) AS come"
        )
    return {
        "insert": f"SELECT {column} FROM new_rows",
        "delete": f"SELECT {column} FROM old_rows",
        "update": f"SELECT {column} FROM old_rows UNION SELECT {column} FROM new_rows",
    }[event]


def _postgres_forward() -> str:
    statements = [
        f"""
    CREATE FUNCTION youth_year_facts_refresh(ids bigint[]) RETURNS void AS $$
    BEGIN
        IF cardinality(ids) = 0 THEN
            RETURN;
        END IF;
        PERFORM 1 FROM youths_youth WHERE id = ANY(ids) ORDER BY id FOR UPDATE;
        DELETE FROM youths_youthyearfacts WHERE youth_id = ANY(ids);
        INSERT INTO youths_youthyearfacts ({FACTS_COLUMNS}) {facts_rows("postgresql", "{column} = ANY(ids)")};
    END;
    $$ LANGUAGE plpgsql;
    """
    ]
    triggers = [(kind, event) for kind in SOURCES for event in TRANSITIONS] + [("action", "update")]
    for kind, event in triggers:
        name = f"youth_year_facts_{kind}_{event}"
        table = SOURCES[kind][0] if kind in SOURCES else "actions_collectiveaction"
        statements.append(f"""
    CREATE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN
        PERFORM youth_year_facts_refresh(ARRAY(
            SELECT DISTINCT youth_id FROM ({_postgres_changed(kind, event)}) AS changed (youth_id)
            WHERE youth_id IS NOT NULL ORDER BY youth_id
        ));
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER {name} AFTER {event.upper()} ON {table}
    REFERENCING {TRANSITIONS[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """)
    changes = {
        "insert": "SELECT *, 1 AS d FROM new_rows",
        "delete": "SELECT *, -1 AS d FROM old_rows",
        "update": "SELECT *, 1 AS d FROM new_rows UNION ALL SELECT *, -1 AS d FROM old_rows",
    }
    for event, rows in changes.items():
        name = f"team_year_facts_{event}"
        emptied = (
            ""
            if event == "insert"
            else "DELETE FROM youths_teamyearfacts WHERE youths = 0"
            " AND (team_id, year) IN (SELECT team_id, year FROM old_rows);"
        )
        statements.append(f"""
    CREATE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN
        {_count_upsert("postgresql", rows)}
        {emptied}
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER {name} AFTER {event.upper()} ON youths_youthyearfacts
    REFERENCING {TRANSITIONS[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """)
    return "".join(statements)


def _postgres_backward() -> str:
    triggers = [(kind, event) for kind in SOURCES for event in TRANSITIONS] + [("action", "update")]
    statements = [
        f"DROP TRIGGER IF EXISTS youth_year_facts_{kind}_{event}"
        f" ON {SOURCES[kind][0] if kind in SOURCES else 'actions_collectiveaction'};"
        f" DROP FUNCTION IF EXISTS youth_year_facts_{kind}_{event}();"
        for kind, event in triggers
    ]
    statements += [
        f"DROP TRIGGER IF EXISTS team_year_facts_{event} ON youths_youthyearfacts;"
        f" DROP FUNCTION IF EXISTS team_year_facts_{event}();"
        for event in TRANSITIONS
    ]
    statements.append("DROP FUNCTION IF EXISTS youth_year_facts_refresh(bigint[]);")
    return " ".join(statements)


def _sqlite_refresh(youths: str) -> str:
    condition = youths.format(column="youth_id")
    return (
        f"DELETE FROM youths_youthyearfacts WHERE {condition};"
        f" INSERT INTO youths_youthyearfacts ({FACTS_COLUMNS}) {facts_rows('sqlite', youths)};"
    )


def _sqlite_forward() -> list[str]:
    rows = {"insert": ("NEW",), "delete": ("OLD",), "update": ("OLD", "NEW")}
    statements = []
    for kind, (table, column) in SOURCES.items():
        for event, row_names in rows.items():
            when = ""
            if kind == "interventions" and event == "update":
                when = " WHEN OLD.youth_id IS NOT NEW.youth_id OR OLD.year IS NOT NEW.year"
            body = " ".join(_sqlite_refresh(f"{{column}} = {row}.{column}") for row in row_names)
            statements.append(
                f"CREATE TRIGGER youth_year_facts_{kind}_{event} AFTER {event.upper()} ON {table}"
                f" FOR EACH ROW{when} BEGIN {body} END;"
            )
    statements.append(
        "CREATE TRIGGER youth_year_facts_action_update AFTER UPDATE ON actions_collectiveaction FOR EACH ROW"
        f" WHEN OLD.date IS NOT NEW.date BEGIN {_sqlite_refresh(f'{{column}} IN ({PARTICIPANTS} = NEW.id)')} END;"
    )
    columns = FACTS_COLUMNS.split(", ")
    for event, row_names in rows.items():
        body = ""
        for row in row_names:
            sign = 1 if row == "NEW" else -1
            selected = ", ".join(f"{row}.{c.strip()} AS {c.strip()}" for c in columns)
            body += _count_upsert("sqlite", f"SELECT {selected}, {sign} AS d")
            if row == "OLD":
                body += (
                    "DELETE FROM youths_teamyearfacts WHERE youths = 0"
                    " AND team_id = OLD.team_id AND year = OLD.year;"
                )
        statements.append(
            f"CREATE TRIGGER team_year_facts_{event} AFTER {event.upper()} ON youths_youthyearfacts"
            f" FOR EACH ROW BEGIN {body} END;"
        )
    return statements


def _sqlite_backward() -> list[str]:
    names = [f"youth_year_facts_{kind}_{event}" for kind in SOURCES for event in TRANSITIONS]
    names += ["youth_year_facts_action_update"] + [f"team_year_facts_{event}" for event in TRANSITIONS]
    return [f"DROP TRIGGER IF EXISTS {name};" for name in names]


# On PostgreSQL the counts' unique constraint also carries the count (INCLUDE), so that the counts of a
# team and year are read from the index alone rather than from reads scattered over the table. Same
# name and keys, still the upserts' arbiter; SQLite has no INCLUDE.
COVERING = f"""
ALTER TABLE youths_teamyearfacts DROP CONSTRAINT team_year_facts_unique,
ADD CONSTRAINT team_year_facts_unique UNIQUE ({COUNT_COLUMNS}) INCLUDE (youths);
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor not in DIALECTS:
        return
    backfill = [
        f"INSERT INTO youths_youthyearfacts ({FACTS_COLUMNS}) {facts_rows(vendor, '{column} IS NOT NULL')}",
        f"INSERT INTO youths_teamyearfacts ({COUNT_COLUMNS}, youths)"
        f" {count_rows(vendor, 'SELECT *, 1 AS d FROM youths_youthyearfacts')}",
    ]
    triggers = [COVERING, _postgres_forward()] if vendor == "postgresql" else _sqlite_forward()
    for statement in backfill + triggers:
        schema_editor.execute(statement, params=None)


def backward(apps, schema_editor):
    statements = {"postgresql": [_postgres_backward()], "sqlite": _sqlite_backward()}
    for statement in statements.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)



class Migration(migrations.Migration):

    dependencies = [
        ('emps', '0003_access_log'),
        ('youths', '0005_youth_latest'),
        ('actions', '0010_summaries_lock_youths'),
    ]

    operations = [
        migrations.CreateModel(
            name='TeamYearFacts',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='année')),
                ('breakdown', models.PositiveSmallIntegerField(choices=[(0, 'niveau et nouveauté'), (1, 'naissance et sexe'), (2, 'origine et sexe'), (3, 'situation et sexe'), (4, 'commune, quartier et niveau')], verbose_name='ventilation')),
                ('level', models.CharField(blank=True, max_length=10, verbose_name='niveau')),
                ('is_new', models.BooleanField(verbose_name='rencontré pour la première fois')),
                ('birth_year', models.PositiveSmallIntegerField(verbose_name='année de naissance')),
                ('birth_month', models.PositiveSmallIntegerField(verbose_name='mois de naissance')),
                ('sex', models.CharField(blank=True, max_length=2, verbose_name='sexe')),
                ('origin_key', models.IntegerField(verbose_name='origine de la rencontre')),
                ('situation_key', models.IntegerField(verbose_name='situation')),
                ('commune_key', models.IntegerField(verbose_name='commune')),
                ('quartier_key', models.IntegerField(verbose_name='quartier')),
                ('youths', models.IntegerField(verbose_name='jeunes')),
                ('team', models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='emps.team', verbose_name='équipe')),
            ],
            options={
                'verbose_name': "jeunes d'une équipe dans l'année",
                'verbose_name_plural': 'jeunes des équipes par année',
                'default_permissions': (),
                'constraints': [models.UniqueConstraint(fields=('team', 'year', 'breakdown', 'level', 'is_new', 'birth_year', 'birth_month', 'sex', 'origin_key', 'situation_key', 'commune_key', 'quartier_key'), name='team_year_facts_unique')],
            },
        ),
        migrations.CreateModel(
            name='YouthYearFacts',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('year', models.PositiveSmallIntegerField(verbose_name='année')),
                ('level', models.CharField(max_length=10, null=True, verbose_name='niveau')),
                ('is_new', models.BooleanField(verbose_name='rencontré pour la première fois')),
                ('sex', models.CharField(blank=True, max_length=2, verbose_name='sexe')),
                ('birth_year', models.PositiveSmallIntegerField(null=True, verbose_name='année de naissance')),
                ('birth_month', models.PositiveSmallIntegerField(null=True, verbose_name='mois de naissance')),
                ('commune', models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='emps.commune', verbose_name='commune')),
                ('origin', models.ForeignKey(db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='youths.origin', verbose_name='origine de la rencontre')),
                ('quartier', models.ForeignKey(db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='emps.quartier', verbose_name='quartier')),
                ('situation', models.ForeignKey(db_constraint=False, db_index=False, editable=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='youths.situation', verbose_name='situation')),
                ('team', models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='emps.team', verbose_name='équipe')),
                ('youth', models.ForeignKey(db_constraint=False, db_index=False, editable=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='youths.youth', verbose_name='jeune')),
            ],
            options={
                'verbose_name': "année d'un jeune en relation",
                'verbose_name_plural': 'années des jeunes en relation',
                'default_permissions': (),
                'constraints': [models.UniqueConstraint(fields=('youth', 'year'), name='youth_year_facts_unique')],
            },
        ),
        migrations.AddIndex(
            model_name='situationrecord',
            index=models.Index(fields=['started_on'], name='situation_started_idx'),
        ),
        migrations.AddIndex(
            model_name='supportepisode',
            index=models.Index(fields=['started_on'], name='episode_started_idx'),
        ),
        migrations.RunPython(forward, backward),
    ]
