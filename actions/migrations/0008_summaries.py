"""Summaries of the interventions kept by the database: per team and month, per youth and year, per youth,
year and domain (actions.models.InterventionMonth, YouthYear, YouthYearDomain).

The funders' dashboard of a federation read 490,000 interventions and 590,000 tags of the year on every
view. These rows hold the same information for the counts it makes (how many interventions per month,
which youths had one in a period, which youths had one in each domain), and triggers keep them exact in
the writing transaction on both databases, like the copies of 0005 and 0007: a new intervention or tag
adds itself, a deleted or moved one has its former and new rows recomputed from the table. An
intervention or tag whose team copy is not yet known (a restore that loads a youth after its
interventions) counts once the copy arrives.

The existing rows are summarised before the triggers exist.
"""

import django.db.models.deletion
from django.db import migrations, models

# --- PostgreSQL: statement triggers over the statement's transition tables. --------------------------
# One set-based statement per summary and written statement: a bulk insert of 2,000 interventions adds
# its counts in one grouped upsert, rather than row triggers updating the same team-month row a million
# times in one transaction, each update walking the row's versions. Deleted and moved rows have their
# former and new youth-year rows recomputed from the table.
MONTH = "date_trunc('month', {row}.date::timestamp)::date"
YEAR = "EXTRACT(YEAR FROM {row}.date)::integer"


def _postgres_month_changes(sources: str, removing: bool = True) -> str:
    """Apply the net change of interventions per team and month of `sources` (rows of (team_id, month, n)),
    removing the months left without any."""
    emptied = "DELETE FROM actions_interventionmonth WHERE interventions = 0;" if removing else ""
    return f"""
    WITH delta AS (
        SELECT team_id, month, SUM(n) AS n FROM ({sources}) changes WHERE team_id IS NOT NULL
        GROUP BY team_id, month HAVING SUM(n) <> 0
    ), removed AS (
        UPDATE actions_interventionmonth m SET interventions = m.interventions + d.n
        FROM delta d WHERE d.n < 0 AND m.team_id = d.team_id AND m.month = d.month
        RETURNING m.id
    )
    INSERT INTO actions_interventionmonth (team_id, month, interventions)
    SELECT team_id, month, n FROM delta WHERE n > 0
    ON CONFLICT (team_id, month)
    DO UPDATE SET interventions = actions_interventionmonth.interventions + EXCLUDED.interventions;
    {emptied}
    """


def _postgres_refresh(summary: str, source: str, keys: str, key_columns: tuple[str, ...], figure: str) -> str:
    """Recompute the rows of `summary` named by `keys` (rows of youth_id, year[, domain_id]) from `source`."""
    on = " AND ".join(f"s.{column} = k.{column}" for column in key_columns)
    joined = " AND ".join(f"x.{column} = k.{column}" for column in key_columns if column != "year")
    columns = ", ".join(key_columns)
    selected = ", ".join(f"k.{column}" for column in key_columns)
    return f"""
    DELETE FROM {summary} s USING (SELECT DISTINCT {columns} FROM ({keys}) k0) k WHERE {on};
    INSERT INTO {summary} ({columns}, team_id, first_on, last_on, {figure})
    SELECT {selected}, MAX(x.team_id), MIN(x.date), MAX(x.date), COUNT(*)
    FROM (SELECT DISTINCT {columns} FROM ({keys}) k0) k
    JOIN {source} x ON {joined} AND x.date BETWEEN make_date(k.year, 1, 1) AND make_date(k.year, 12, 31)
    WHERE x.team_id IS NOT NULL
    GROUP BY {selected};
    """


def _postgres_added(summary: str, rows: str, key_columns: tuple[str, ...], figure: str) -> str:
    """Add the statement's new rows to `summary`: their dates widen the row's, their number adds up."""
    columns = ", ".join(key_columns)
    selected = ", ".join(f"x.{column}" if column != "year" else YEAR.format(row="x") for column in key_columns)
    return f"""
    INSERT INTO {summary} ({columns}, team_id, first_on, last_on, {figure})
    SELECT {selected}, MAX(x.team_id), MIN(x.date), MAX(x.date), COUNT(*) FROM {rows} x
    WHERE x.team_id IS NOT NULL AND x.youth_id IS NOT NULL AND x.date IS NOT NULL
    GROUP BY {selected}
    ON CONFLICT ({columns}) DO UPDATE SET team_id = EXCLUDED.team_id,
        first_on = LEAST({summary}.first_on, EXCLUDED.first_on),
        last_on = GREATEST({summary}.last_on, EXCLUDED.last_on),
        {figure} = {summary}.{figure} + EXCLUDED.{figure};
    """


def _postgres_keys(*tables: str, domain: bool = False) -> str:
    columns = f"youth_id, {YEAR.format(row='t')} AS year" + (", domain_id" if domain else "")
    return " UNION ".join(f"SELECT {columns} FROM {table} t WHERE t.youth_id IS NOT NULL" for table in tables)


def _postgres_months(table: str, sign: int) -> str:
    return f"SELECT team_id, {MONTH.format(row='t')} AS month, {sign} AS n FROM {table} t"


YOUTH_YEAR = ("actions_youthyear", "actions_intervention", ("youth_id", "year"), "interventions")
YOUTH_DOMAIN = ("actions_youthyeardomain", "actions_intervention_domains", ("youth_id", "year", "domain_id"), "tags")
POSTGRES_FUNCTIONS = {
    "intervention_summaries_insert": (
        _postgres_month_changes(_postgres_months("new_rows", 1), removing=False)
        + _postgres_added("actions_youthyear", "new_rows", ("youth_id", "year"), "interventions")
    ),
    "intervention_summaries_delete": (
        _postgres_month_changes(_postgres_months("old_rows", -1))
        + _postgres_refresh(*YOUTH_YEAR[:2], _postgres_keys("old_rows"), *YOUTH_YEAR[2:])
    ),
    "intervention_summaries_update": (
        _postgres_month_changes(f"{_postgres_months('new_rows', 1)} UNION ALL {_postgres_months('old_rows', -1)}")
        + _postgres_refresh(*YOUTH_YEAR[:2], _postgres_keys("old_rows", "new_rows"), *YOUTH_YEAR[2:])
    ),
    "intervention_domain_summaries_insert": _postgres_added(
        "actions_youthyeardomain", "new_rows", ("youth_id", "year", "domain_id"), "tags"
    ),
    "intervention_domain_summaries_delete": _postgres_refresh(
        *YOUTH_DOMAIN[:2], _postgres_keys("old_rows", domain=True), *YOUTH_DOMAIN[2:]
    ),
    "intervention_domain_summaries_update": _postgres_refresh(
        *YOUTH_DOMAIN[:2], _postgres_keys("old_rows", "new_rows", domain=True), *YOUTH_DOMAIN[2:]
    ),
}
TRANSITIONS = {"insert": "NEW TABLE AS new_rows", "delete": "OLD TABLE AS old_rows"}
TRANSITIONS["update"] = "OLD TABLE AS old_rows NEW TABLE AS new_rows"


def _postgres_trigger(name: str, body: str) -> str:
    event = name.rsplit("_", 1)[1]
    table = "actions_intervention_domains" if name.startswith("intervention_domain") else "actions_intervention"
    return f"""
    CREATE FUNCTION {name}() RETURNS trigger AS $$
    BEGIN
        IF NOT EXISTS (SELECT FROM {"old_rows" if event == "delete" else "new_rows"}) THEN
            RETURN NULL;  -- the copies' triggers run many statements that write no row
        END IF;
        {body}
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql;
    CREATE TRIGGER {name} AFTER {event.upper()} ON {table}
    REFERENCING {TRANSITIONS[event]} FOR EACH STATEMENT EXECUTE FUNCTION {name}();
    """


POSTGRES_FORWARD = "".join(_postgres_trigger(name, body) for name, body in POSTGRES_FUNCTIONS.items())
POSTGRES_BACKWARD = "".join(
    f"""
    DROP TRIGGER IF EXISTS {name} ON {"actions_intervention_domains" if "domain" in name else "actions_intervention"};
    DROP FUNCTION IF EXISTS {name}();
    """
    for name in POSTGRES_FUNCTIONS
)


# --- SQLite: no functions, each trigger spells its statements out (R is NEW or OLD). -----------------
def _sqlite_year(row: str) -> str:
    return f"CAST(strftime('%Y', {row}.date) AS INTEGER)"


def _sqlite_in_year(row: str) -> str:
    return f"date >= strftime('%Y', {row}.date) || '-01-01' AND date <= strftime('%Y', {row}.date) || '-12-31'"


def _sqlite_month_add(row: str) -> str:
    month = f"date({row}.date, 'start of month')"
    return f"""
        INSERT OR IGNORE INTO actions_interventionmonth (team_id, month, interventions)
        SELECT {row}.team_id, {month}, 0 WHERE {row}.team_id IS NOT NULL AND {row}.date IS NOT NULL;
        UPDATE actions_interventionmonth SET interventions = interventions + 1
        WHERE team_id = {row}.team_id AND month = {month};
    """


def _sqlite_month_remove(row: str) -> str:
    month = f"date({row}.date, 'start of month')"
    return f"""
        UPDATE actions_interventionmonth SET interventions = interventions - 1
        WHERE team_id = {row}.team_id AND month = {month};
        DELETE FROM actions_interventionmonth
        WHERE team_id = {row}.team_id AND month = {month} AND interventions <= 0;
    """


def _sqlite_youth_year_refresh(row: str) -> str:
    return f"""
        DELETE FROM actions_youthyear WHERE youth_id = {row}.youth_id AND year = {_sqlite_year(row)};
        INSERT INTO actions_youthyear (youth_id, year, team_id, first_on, last_on, interventions)
        SELECT youth_id, {_sqlite_year(row)}, MAX(team_id), MIN(date), MAX(date), COUNT(*)
        FROM actions_intervention
        WHERE youth_id = {row}.youth_id AND {_sqlite_in_year(row)} AND team_id IS NOT NULL
        GROUP BY youth_id;
    """


def _sqlite_youth_domain_refresh(row: str) -> str:
    return f"""
        DELETE FROM actions_youthyeardomain
        WHERE youth_id = {row}.youth_id AND year = {_sqlite_year(row)} AND domain_id = {row}.domain_id;
        INSERT INTO actions_youthyeardomain (youth_id, year, domain_id, team_id, first_on, last_on, tags)
        SELECT youth_id, {_sqlite_year(row)}, domain_id, MAX(team_id), MIN(date), MAX(date), COUNT(*)
        FROM actions_intervention_domains
        WHERE youth_id = {row}.youth_id AND {_sqlite_in_year(row)} AND domain_id = {row}.domain_id
          AND team_id IS NOT NULL
        GROUP BY youth_id, domain_id;
    """


# The copies of 0007 are written on SQLite by triggers updating the new row: these triggers count each
# change of a row (insert, delete, or update of a summarised column) once, whatever order they run in.
INTERVENTION_CHANGED = "OLD.youth_id IS NOT NEW.youth_id OR OLD.date IS NOT NEW.date OR OLD.team_id IS NOT NEW.team_id"
SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER intervention_summaries_insert AFTER INSERT ON actions_intervention BEGIN
        {_sqlite_month_add("NEW")} {_sqlite_youth_year_refresh("NEW")}
    END;
    """,
    f"""
    CREATE TRIGGER intervention_summaries_delete AFTER DELETE ON actions_intervention BEGIN
        {_sqlite_month_remove("OLD")} {_sqlite_youth_year_refresh("OLD")}
    END;
    """,
    f"""
    CREATE TRIGGER intervention_summaries_update AFTER UPDATE OF youth_id, date, team_id ON actions_intervention
    WHEN {INTERVENTION_CHANGED} BEGIN
        {_sqlite_month_remove("OLD")} {_sqlite_month_add("NEW")}
        {_sqlite_youth_year_refresh("OLD")} {_sqlite_youth_year_refresh("NEW")}
    END;
    """,
    f"""
    CREATE TRIGGER intervention_domain_summaries_insert AFTER INSERT ON actions_intervention_domains BEGIN
        {_sqlite_youth_domain_refresh("NEW")}
    END;
    """,
    f"""
    CREATE TRIGGER intervention_domain_summaries_delete AFTER DELETE ON actions_intervention_domains BEGIN
        {_sqlite_youth_domain_refresh("OLD")}
    END;
    """,
    f"""
    CREATE TRIGGER intervention_domain_summaries_update
    AFTER UPDATE OF youth_id, date, team_id, domain_id ON actions_intervention_domains
    WHEN {INTERVENTION_CHANGED} OR OLD.domain_id IS NOT NEW.domain_id BEGIN
        {_sqlite_youth_domain_refresh("OLD")} {_sqlite_youth_domain_refresh("NEW")}
    END;
    """,
]
SQLITE_BACKWARD = [
    f"DROP TRIGGER IF EXISTS {name};"
    for name in (
        "intervention_summaries_insert",
        "intervention_summaries_delete",
        "intervention_summaries_update",
        "intervention_domain_summaries_insert",
        "intervention_domain_summaries_delete",
        "intervention_domain_summaries_update",
    )
]


def _backfill(month: str, year: str) -> list[str]:
    """The summaries of the rows already there (month and year: the database's expressions of `date`)."""
    return [
        f"""
        INSERT INTO actions_interventionmonth (team_id, month, interventions)
        SELECT team_id, {month}, COUNT(*) FROM actions_intervention WHERE team_id IS NOT NULL
        GROUP BY team_id, {month}
        """,
        f"""
        INSERT INTO actions_youthyear (youth_id, year, team_id, first_on, last_on, interventions)
        SELECT youth_id, {year}, MAX(team_id), MIN(date), MAX(date), COUNT(*) FROM actions_intervention
        WHERE team_id IS NOT NULL GROUP BY youth_id, {year}
        """,
        f"""
        INSERT INTO actions_youthyeardomain (youth_id, year, domain_id, team_id, first_on, last_on, tags)
        SELECT youth_id, {year}, domain_id, MAX(team_id), MIN(date), MAX(date), COUNT(*)
        FROM actions_intervention_domains
        WHERE team_id IS NOT NULL AND youth_id IS NOT NULL AND date IS NOT NULL
        GROUP BY youth_id, {year}, domain_id
        """,
    ]


POSTGRES_BACKFILL = _backfill("date_trunc('month', date::timestamp)::date", "EXTRACT(YEAR FROM date)::integer")
SQLITE_BACKFILL = _backfill("date(date, 'start of month')", "CAST(strftime('%Y', date) AS INTEGER)")


def _execute(schema_editor, postgres: list[str], sqlite: list[str]) -> None:
    for statement in {"postgresql": postgres, "sqlite": sqlite}.get(schema_editor.connection.vendor, []):
        schema_editor.execute(statement, params=None)


def forward(apps, schema_editor):
    _execute(schema_editor, POSTGRES_BACKFILL, SQLITE_BACKFILL)
    _execute(schema_editor, [POSTGRES_FORWARD], SQLITE_FORWARD)


def backward(apps, schema_editor):
    _execute(schema_editor, [POSTGRES_BACKWARD], SQLITE_BACKWARD)


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0007_team_copy"),
        ("emps", "0003_access_log"),
        ("youths", "0004_episode_overlap_trigger_bad_dates"),
    ]

    operations = [
        migrations.CreateModel(
            name="InterventionMonth",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("month", models.DateField(verbose_name="mois")),
                ("interventions", models.PositiveIntegerField(verbose_name="interventions")),
                (
                    "team",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="emps.team",
                        verbose_name="équipe",
                    ),
                ),
            ],
            options={
                "verbose_name": "interventions du mois",
                "verbose_name_plural": "interventions par mois",
                "constraints": [models.UniqueConstraint(fields=("team", "month"), name="intervention_month_unique")],
            },
        ),
        migrations.CreateModel(
            name="YouthYear",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(verbose_name="année")),
                ("first_on", models.DateField(verbose_name="première intervention")),
                ("last_on", models.DateField(verbose_name="dernière intervention")),
                ("interventions", models.PositiveIntegerField(verbose_name="interventions")),
                (
                    "team",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="emps.team",
                        verbose_name="équipe",
                    ),
                ),
                (
                    "youth",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="youths.youth",
                        verbose_name="jeune",
                    ),
                ),
            ],
            options={
                "verbose_name": "année d'un jeune",
                "verbose_name_plural": "années des jeunes",
                "indexes": [
                    models.Index(
                        fields=["team", "year", "youth", "first_on", "last_on", "interventions"],
                        name="youth_year_team_idx",
                    )
                ],
                "constraints": [models.UniqueConstraint(fields=("youth", "year"), name="youth_year_unique")],
            },
        ),
        migrations.CreateModel(
            name="YouthYearDomain",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("year", models.PositiveSmallIntegerField(verbose_name="année")),
                ("first_on", models.DateField(verbose_name="première intervention")),
                ("last_on", models.DateField(verbose_name="dernière intervention")),
                ("tags", models.PositiveIntegerField(verbose_name="interventions")),
                (
                    "domain",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="actions.domain",
                        verbose_name="domaine",
                    ),
                ),
                (
                    "team",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="emps.team",
                        verbose_name="équipe",
                    ),
                ),
                (
                    "youth",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        editable=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="youths.youth",
                        verbose_name="jeune",
                    ),
                ),
            ],
            options={
                "verbose_name": "domaine d'un jeune dans l'année",
                "verbose_name_plural": "domaines des jeunes par année",
                "indexes": [
                    models.Index(
                        fields=["team", "year", "domain", "youth", "first_on", "last_on", "tags"],
                        name="youth_year_domain_team_idx",
                    )
                ],
                "constraints": [
                    models.UniqueConstraint(fields=("youth", "year", "domain"), name="youth_year_domain_unique")
                ],
            },
        ),
        migrations.RunPython(forward, backward),
    ]
