"""The intervention–partner link becomes a model of its own, with a copy of the intervention's youth, date
and team, as the domain tags got in 0005 and 0007.

The table stays `actions_intervention_partners` and keeps its rows: only Django's state changes (the
documented way to give a ManyToManyField a `through` model). Then three columns are added, the existing
rows filled, the triggers that keep them exact created, and two indexes built. The partners mobilised in
a period then read one range of (team, date, …) per team, or of (youth, date, …) per youth of a commune,
instead of joining every intervention of the period to every link.

On PostgreSQL the links of a statement's new interventions follow them in one statement-level trigger
(a restore loads the tables in any order); the tags' row-level one stays as it is.
"""

import django.db.models.deletion
from django.db import migrations, models

COPY_COLUMNS = ("youth_id", "date", "team_id")

POSTGRES_FORWARD = """
CREATE FUNCTION intervention_partner_copy() RETURNS trigger AS $$
BEGIN
    SELECT youth_id, date, team_id INTO NEW.youth_id, NEW.date, NEW.team_id
    FROM actions_intervention WHERE id = NEW.intervention_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER intervention_partner_copy BEFORE INSERT OR UPDATE ON actions_intervention_partners
FOR EACH ROW EXECUTE FUNCTION intervention_partner_copy();

CREATE FUNCTION intervention_partners_follow() RETURNS trigger AS $$
BEGIN
    UPDATE actions_intervention_partners SET youth_id = NEW.youth_id, date = NEW.date, team_id = NEW.team_id
    WHERE intervention_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER intervention_partners_follow AFTER UPDATE OF youth_id, date, team_id ON actions_intervention
FOR EACH ROW WHEN (
    OLD.youth_id IS DISTINCT FROM NEW.youth_id OR OLD.date IS DISTINCT FROM NEW.date
    OR OLD.team_id IS DISTINCT FROM NEW.team_id
)
EXECUTE FUNCTION intervention_partners_follow();

-- Inserted after their links (a restore): one statement for the statement's interventions.
CREATE FUNCTION intervention_partners_follow_insert() RETURNS trigger AS $$
BEGIN
    UPDATE actions_intervention_partners l
    SET youth_id = n.youth_id, date = n.date, team_id = n.team_id
    FROM inserted n WHERE l.intervention_id = n.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER intervention_partners_follow_insert AFTER INSERT ON actions_intervention
REFERENCING NEW TABLE AS inserted FOR EACH STATEMENT EXECUTE FUNCTION intervention_partners_follow_insert();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS intervention_partner_copy ON actions_intervention_partners;
DROP FUNCTION IF EXISTS intervention_partner_copy();
DROP TRIGGER IF EXISTS intervention_partners_follow ON actions_intervention;
DROP FUNCTION IF EXISTS intervention_partners_follow();
DROP TRIGGER IF EXISTS intervention_partners_follow_insert ON actions_intervention;
DROP FUNCTION IF EXISTS intervention_partners_follow_insert();
"""

# SQLite cannot assign NEW: its triggers update the new row (recursive_triggers is off, so a trigger does
# not fire itself again). The intervention's own triggers (0007) write its team after the insert: the
# "update" one below carries it to the links.
SQLITE_LINK_COPY = "UPDATE actions_intervention_partners SET {assignments} WHERE id = NEW.id;".format(
    assignments=", ".join(
        f"{column} = (SELECT {column} FROM actions_intervention WHERE id = NEW.intervention_id)"
        for column in COPY_COLUMNS
    )
)
SQLITE_FORWARD = [
    f"CREATE TRIGGER intervention_partner_copy AFTER INSERT ON actions_intervention_partners BEGIN {SQLITE_LINK_COPY} END;",
    f"""
    CREATE TRIGGER intervention_partner_recopy AFTER UPDATE OF intervention_id, youth_id, date, team_id
    ON actions_intervention_partners BEGIN {SQLITE_LINK_COPY} END;
    """,
    *(
        f"""
        CREATE TRIGGER intervention_partners_follow_{event.split()[0].lower()} AFTER {event} ON actions_intervention
        BEGIN
            UPDATE actions_intervention_partners SET youth_id = NEW.youth_id, date = NEW.date, team_id = NEW.team_id
            WHERE intervention_id = NEW.id;
        END;
        """
        for event in ("INSERT", "UPDATE OF youth_id, date, team_id")
    ),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS intervention_partner_copy;",
    "DROP TRIGGER IF EXISTS intervention_partner_recopy;",
    "DROP TRIGGER IF EXISTS intervention_partners_follow_insert;",
    "DROP TRIGGER IF EXISTS intervention_partners_follow_update;",
]

# The existing links get their copy before the triggers exist (the tables are locked meanwhile).
POSTGRES_BACKFILL = """
UPDATE actions_intervention_partners l SET youth_id = i.youth_id, date = i.date, team_id = i.team_id
FROM actions_intervention i WHERE i.id = l.intervention_id
"""
SQLITE_BACKFILL = "UPDATE actions_intervention_partners SET {assignments}".format(
    assignments=", ".join(
        f"{column} = (SELECT {column} FROM actions_intervention"
        f" WHERE id = actions_intervention_partners.intervention_id)"
        for column in COPY_COLUMNS
    )
)


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKFILL)
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        for statement in (SQLITE_BACKFILL, *SQLITE_FORWARD):
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


def copied_key(to: str, verbose_name: str):
    return models.ForeignKey(
        db_constraint=False,
        db_index=False,
        editable=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to=to,
        verbose_name=verbose_name,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0011_covering_indexes"),
        ("emps", "0003_access_log"),
        ("youths", "0006_year_facts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="InterventionPartner",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "intervention",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                to="actions.intervention",
                                verbose_name="intervention",
                            ),
                        ),
                        (
                            "partner",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE, to="emps.partner", verbose_name="partenaire"
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "partenaire de l'intervention",
                        "verbose_name_plural": "partenaires de l'intervention",
                        "db_table": "actions_intervention_partners",
                        "unique_together": {("intervention", "partner")},
                    },
                ),
                migrations.AlterField(
                    model_name="intervention",
                    name="partners",
                    field=models.ManyToManyField(
                        blank=True,
                        related_name="interventions",
                        through="actions.InterventionPartner",
                        to="emps.partner",
                        verbose_name="partenaires mobilisés",
                    ),
                ),
            ],
        ),
        migrations.AddField(model_name="interventionpartner", name="youth", field=copied_key("youths.youth", "jeune")),
        migrations.AddField(
            model_name="interventionpartner",
            name="date",
            field=models.DateField(editable=False, null=True, verbose_name="date"),
        ),
        migrations.AddField(model_name="interventionpartner", name="team", field=copied_key("emps.team", "équipe")),
        # Filled before the indexes are built.
        migrations.RunPython(forward, backward),
        migrations.AddIndex(
            model_name="interventionpartner",
            index=models.Index(fields=["youth", "date", "partner"], name="partner_link_youth_date_idx"),
        ),
        migrations.AddIndex(
            model_name="interventionpartner",
            index=models.Index(fields=["team", "date", "youth", "partner"], name="partner_link_team_date_idx"),
        ),
    ]
