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


# --- PostgreSQL: functions, so that each trigger reads as what it does. ---------------------------
POSTGRES_FORWARD = """
CREATE FUNCTION summary_month_add(p_team bigint, p_date date, p_delta integer) RETURNS void AS $$
DECLARE
    m date := date_trunc('month', p_date::timestamp)::date;
BEGIN
    IF p_team IS NULL OR p_date IS NULL THEN
        RETURN;
    END IF;
    IF p_delta > 0 THEN
        INSERT INTO actions_interventionmonth (team_id, month, interventions) VALUES (p_team, m, p_delta)
        ON CONFLICT (team_id, month)
        DO UPDATE SET interventions = actions_interventionmonth.interventions + EXCLUDED.interventions;
    ELSE
        UPDATE actions_interventionmonth SET interventions = interventions + p_delta
        WHERE team_id = p_team AND month = m;
        DELETE FROM actions_interventionmonth WHERE team_id = p_team AND month = m AND interventions = 0;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION summary_youth_year_refresh(p_youth bigint, p_date date) RETURNS void AS $$
DECLARE
    y integer := EXTRACT(YEAR FROM p_date)::integer;
    f date; l date; n integer; t bigint;
BEGIN
    IF p_youth IS NULL OR p_date IS NULL THEN
        RETURN;
    END IF;
    SELECT MIN(date), MAX(date), COUNT(*), MAX(team_id) INTO f, l, n, t FROM actions_intervention
    WHERE youth_id = p_youth AND date BETWEEN make_date(y, 1, 1) AND make_date(y, 12, 31) AND team_id IS NOT NULL;
    IF n = 0 THEN
        DELETE FROM actions_youthyear WHERE youth_id = p_youth AND year = y;
    ELSE
        INSERT INTO actions_youthyear (youth_id, year, team_id, first_on, last_on, interventions)
        VALUES (p_youth, y, t, f, l, n)
        ON CONFLICT (youth_id, year) DO UPDATE SET team_id = EXCLUDED.team_id, first_on = EXCLUDED.first_on,
            last_on = EXCLUDED.last_on, interventions = EXCLUDED.interventions;
    END IF;
END;
$$ LANGUAGE plpgsql;

CREATE FUNCTION summary_youth_domain_refresh(p_youth bigint, p_date date, p_domain bigint) RETURNS void AS $$
DECLARE
    y integer := EXTRACT(YEAR FROM p_date)::integer;
    f date; l date; n integer; t bigint;
BEGIN
    IF p_youth IS NULL OR p_date IS NULL OR p_domain IS NULL THEN
        RETURN;
    END IF;
    SELECT MIN(date), MAX(date), COUNT(*), MAX(team_id) INTO f, l, n, t FROM actions_intervention_domains
    WHERE youth_id = p_youth AND date BETWEEN make_date(y, 1, 1) AND make_date(y, 12, 31) AND domain_id = p_domain
      AND team_id IS NOT NULL;
    IF n = 0 THEN
        DELETE FROM actions_youthyeardomain WHERE youth_id = p_youth AND year = y AND domain_id = p_domain;
    ELSE
        INSERT INTO actions_youthyeardomain (youth_id, year, domain_id, team_id, first_on, last_on, tags)
        VALUES (p_youth, y, p_domain, t, f, l, n)
        ON CONFLICT (youth_id, year, domain_id) DO UPDATE SET team_id = EXCLUDED.team_id,
            first_on = EXCLUDED.first_on, last_on = EXCLUDED.last_on, tags = EXCLUDED.tags;
    END IF;
END;
$$ LANGUAGE plpgsql;

-- A new row adds itself (the bulk of the writes: no read of the table); a deleted or moved one has its
-- former and new summary rows recomputed.
CREATE FUNCTION intervention_summaries() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.team_id IS NOT NULL THEN
            PERFORM summary_month_add(NEW.team_id, NEW.date, 1);
            INSERT INTO actions_youthyear (youth_id, year, team_id, first_on, last_on, interventions)
            VALUES (NEW.youth_id, EXTRACT(YEAR FROM NEW.date)::integer, NEW.team_id, NEW.date, NEW.date, 1)
            ON CONFLICT (youth_id, year) DO UPDATE SET team_id = EXCLUDED.team_id,
                first_on = LEAST(actions_youthyear.first_on, EXCLUDED.first_on),
                last_on = GREATEST(actions_youthyear.last_on, EXCLUDED.last_on),
                interventions = actions_youthyear.interventions + 1;
        END IF;
        RETURN NULL;
    END IF;
    PERFORM summary_month_add(OLD.team_id, OLD.date, -1);
    PERFORM summary_youth_year_refresh(OLD.youth_id, OLD.date);
    IF TG_OP = 'UPDATE' THEN
        PERFORM summary_month_add(NEW.team_id, NEW.date, 1);
        IF NEW.youth_id IS DISTINCT FROM OLD.youth_id
           OR EXTRACT(YEAR FROM NEW.date) IS DISTINCT FROM EXTRACT(YEAR FROM OLD.date) THEN
            PERFORM summary_youth_year_refresh(NEW.youth_id, NEW.date);
        END IF;
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER intervention_summaries AFTER INSERT OR DELETE ON actions_intervention
FOR EACH ROW EXECUTE FUNCTION intervention_summaries();
-- Any UPDATE, not UPDATE OF: the columns a BEFORE trigger writes (the copies) are not in the statement.
CREATE TRIGGER intervention_summaries_update AFTER UPDATE ON actions_intervention
FOR EACH ROW WHEN (
    OLD.youth_id IS DISTINCT FROM NEW.youth_id OR OLD.date IS DISTINCT FROM NEW.date
    OR OLD.team_id IS DISTINCT FROM NEW.team_id
)
EXECUTE FUNCTION intervention_summaries();

CREATE FUNCTION intervention_domain_summaries() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        IF NEW.team_id IS NOT NULL AND NEW.youth_id IS NOT NULL AND NEW.date IS NOT NULL THEN
            INSERT INTO actions_youthyeardomain (youth_id, year, domain_id, team_id, first_on, last_on, tags)
            VALUES (NEW.youth_id, EXTRACT(YEAR FROM NEW.date)::integer, NEW.domain_id, NEW.team_id, NEW.date,
                    NEW.date, 1)
            ON CONFLICT (youth_id, year, domain_id) DO UPDATE SET team_id = EXCLUDED.team_id,
                first_on = LEAST(actions_youthyeardomain.first_on, EXCLUDED.first_on),
                last_on = GREATEST(actions_youthyeardomain.last_on, EXCLUDED.last_on),
                tags = actions_youthyeardomain.tags + 1;
        END IF;
        RETURN NULL;
    END IF;
    PERFORM summary_youth_domain_refresh(OLD.youth_id, OLD.date, OLD.domain_id);
    IF TG_OP = 'UPDATE' THEN
        PERFORM summary_youth_domain_refresh(NEW.youth_id, NEW.date, NEW.domain_id);
    END IF;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER intervention_domain_summaries AFTER INSERT OR DELETE ON actions_intervention_domains
FOR EACH ROW EXECUTE FUNCTION intervention_domain_summaries();
CREATE TRIGGER intervention_domain_summaries_update AFTER UPDATE ON actions_intervention_domains
FOR EACH ROW WHEN (
    OLD.youth_id IS DISTINCT FROM NEW.youth_id OR OLD.date IS DISTINCT FROM NEW.date
    OR OLD.team_id IS DISTINCT FROM NEW.team_id OR OLD.domain_id IS DISTINCT FROM NEW.domain_id
)
EXECUTE FUNCTION intervention_domain_summaries();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS intervention_summaries ON actions_intervention;
DROP TRIGGER IF EXISTS intervention_summaries_update ON actions_intervention;
DROP TRIGGER IF EXISTS intervention_domain_summaries ON actions_intervention_domains;
DROP TRIGGER IF EXISTS intervention_domain_summaries_update ON actions_intervention_domains;
DROP FUNCTION IF EXISTS intervention_summaries();
DROP FUNCTION IF EXISTS intervention_domain_summaries();
DROP FUNCTION IF EXISTS summary_month_add(bigint, date, integer);
DROP FUNCTION IF EXISTS summary_youth_year_refresh(bigint, date);
DROP FUNCTION IF EXISTS summary_youth_domain_refresh(bigint, date, bigint);
"""


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
