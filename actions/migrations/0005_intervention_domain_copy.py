"""The intervention–domain link becomes a model of its own, with a copy of the intervention's youth and date.

The table stays `actions_intervention_domains` and keeps its rows: only Django's state changes (the
documented way to give a ManyToManyField a `through` model), then two columns, their index and the
triggers that keep them exact are added, and the existing rows are filled. The domains' history keeps
its rows too: its model is renamed after the new link model, as django-simple-history now names it.
"""

import django.db.models.deletion
from django.db import migrations, models

SQLITE_COPY = """
    UPDATE actions_intervention_domains
    SET youth_id = (SELECT youth_id FROM actions_intervention WHERE id = NEW.intervention_id),
        date = (SELECT date FROM actions_intervention WHERE id = NEW.intervention_id)
    WHERE id = NEW.id;
"""

SQLITE_FORWARD = [
    # On insert, copy the intervention's youth and date (SQLite cannot assign NEW: update the new row).
    f"CREATE TRIGGER intervention_domain_copy AFTER INSERT ON actions_intervention_domains BEGIN {SQLITE_COPY} END;",
    # A link moved to another intervention, or its copy written by hand: copy again.
    f"""
    CREATE TRIGGER intervention_domain_recopy AFTER UPDATE OF intervention_id, youth_id, date
    ON actions_intervention_domains BEGIN {SQLITE_COPY} END;
    """,
    # The intervention's youth or date changes, or it is inserted after its links (a restore loads the
    # tables in any order, constraints deferred): its links follow.
    *(
        f"""
        CREATE TRIGGER intervention_domains_follow_{event.split()[0].lower()} AFTER {event} ON actions_intervention
        BEGIN
            UPDATE actions_intervention_domains SET youth_id = NEW.youth_id, date = NEW.date
            WHERE intervention_id = NEW.id;
        END;
        """
        for event in ("INSERT", "UPDATE OF youth_id, date")
    ),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS intervention_domain_copy;",
    "DROP TRIGGER IF EXISTS intervention_domain_recopy;",
    "DROP TRIGGER IF EXISTS intervention_domains_follow_insert;",
    "DROP TRIGGER IF EXISTS intervention_domains_follow_update;",
]

POSTGRES_FORWARD = """
CREATE FUNCTION intervention_domain_copy() RETURNS trigger AS $$
BEGIN
    SELECT youth_id, date INTO NEW.youth_id, NEW.date FROM actions_intervention WHERE id = NEW.intervention_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER intervention_domain_copy BEFORE INSERT OR UPDATE ON actions_intervention_domains
FOR EACH ROW EXECUTE FUNCTION intervention_domain_copy();

CREATE FUNCTION intervention_domains_follow() RETURNS trigger AS $$
BEGIN
    UPDATE actions_intervention_domains SET youth_id = NEW.youth_id, date = NEW.date
    WHERE intervention_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER intervention_domains_follow AFTER UPDATE OF youth_id, date ON actions_intervention
FOR EACH ROW WHEN (OLD.youth_id IS DISTINCT FROM NEW.youth_id OR OLD.date IS DISTINCT FROM NEW.date)
EXECUTE FUNCTION intervention_domains_follow();
-- Inserted after its links (a restore loads the tables in any order, constraints deferred).
CREATE TRIGGER intervention_domains_follow_insert AFTER INSERT ON actions_intervention
FOR EACH ROW EXECUTE FUNCTION intervention_domains_follow();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS intervention_domain_copy ON actions_intervention_domains;
DROP FUNCTION IF EXISTS intervention_domain_copy();
DROP TRIGGER IF EXISTS intervention_domains_follow ON actions_intervention;
DROP TRIGGER IF EXISTS intervention_domains_follow_insert ON actions_intervention;
DROP FUNCTION IF EXISTS intervention_domains_follow();
"""

# The existing links get their copy (the triggers are created after: nothing else writes meanwhile).
BACKFILL = """
UPDATE actions_intervention_domains
SET youth_id = (SELECT youth_id FROM actions_intervention WHERE id = actions_intervention_domains.intervention_id),
    date = (SELECT date FROM actions_intervention WHERE id = actions_intervention_domains.intervention_id)
"""


def _execute(schema_editor, postgres: str, sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(postgres)
    elif vendor == "sqlite":
        for statement in sqlite:
            schema_editor.execute(statement)


def forward(apps, schema_editor):
    schema_editor.execute(BACKFILL)
    _execute(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


def backward(apps, schema_editor):
    _execute(schema_editor, POSTGRES_BACKWARD, SQLITE_BACKWARD)


def copy_fields(historical=False):
    return [
        (
            "youth",
            models.ForeignKey(
                blank=historical,
                db_constraint=False,
                db_index=historical,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.DO_NOTHING,
                related_name="+",
                to="youths.youth",
            ),
        ),
        ("date", models.DateField(editable=False, null=True)),
    ]


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0004_intervention_covering_index"),
        ("youths", "0004_episode_overlap_trigger_bad_dates"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="InterventionDomain",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "domain",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="actions.domain"),
                        ),
                        (
                            "intervention",
                            models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, to="actions.intervention"),
                        ),
                    ],
                    options={
                        "db_table": "actions_intervention_domains",
                        "unique_together": {("intervention", "domain")},
                    },
                ),
                migrations.AlterField(
                    model_name="intervention",
                    name="domains",
                    field=models.ManyToManyField(
                        related_name="interventions",
                        through="actions.InterventionDomain",
                        to="actions.domain",
                        verbose_name="domaines",
                    ),
                ),
            ],
        ),
        *(migrations.AddField(model_name="interventiondomain", name=name, field=field) for name, field in copy_fields()),
        migrations.AddIndex(
            model_name="interventiondomain",
            index=models.Index(fields=["youth", "date", "domain"], name="tag_youth_date_domain_idx"),
        ),
        migrations.RenameModel(old_name="HistoricalIntervention_domains", new_name="HistoricalInterventionDomain"),
        migrations.AlterModelOptions(
            name="historicalinterventiondomain", options={"verbose_name": "HistoricalInterventionDomain"}
        ),
        *(
            migrations.AddField(model_name="historicalinterventiondomain", name=name, field=field)
            for name, field in copy_fields(historical=True)
        ),
        *(
            migrations.AlterField(
                model_name="historicalinterventiondomain",
                name=name,
                field=models.ForeignKey(
                    blank=True,
                    db_constraint=False,
                    null=True,
                    on_delete=django.db.models.deletion.DO_NOTHING,
                    related_name="+",
                    to=to,
                ),
            )
            for name, to in (("domain", "actions.domain"), ("intervention", "actions.intervention"))
        ),
        migrations.RunPython(forward, backward),
    ]
