"""Interventions and their domain tags keep a copy of the youth's team, kept exact by triggers.

The funders' dashboard of several teams counted the interventions and tags of the period from each
youth of the scope (one index descent per youth: 6,000 for ten teams). With the team on the rows,
the same counts read one range of a (team, date, …) index per team. Like the tags' copy of 0005, the
copy is written only by the database: an intervention takes its youth's team on insert and update,
the youth's interventions follow it to another team, and the tags follow their intervention. A
youth inserted after its interventions (a restore loads the tables in any order) gives them its team.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

POSTGRES_FORWARD = """
CREATE FUNCTION intervention_team_copy() RETURNS trigger AS $$
BEGIN
    SELECT team_id INTO NEW.team_id FROM youths_youth WHERE id = NEW.youth_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER intervention_team_copy BEFORE INSERT OR UPDATE ON actions_intervention
FOR EACH ROW EXECUTE FUNCTION intervention_team_copy();

CREATE FUNCTION youth_team_follow() RETURNS trigger AS $$
BEGIN
    UPDATE actions_intervention SET team_id = NEW.team_id WHERE youth_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER youth_team_follow AFTER UPDATE OF team_id ON youths_youth
FOR EACH ROW WHEN (OLD.team_id IS DISTINCT FROM NEW.team_id) EXECUTE FUNCTION youth_team_follow();
CREATE TRIGGER youth_team_follow_insert AFTER INSERT ON youths_youth
FOR EACH ROW EXECUTE FUNCTION youth_team_follow();

-- The tags' copy (0005) now takes the team too, and follows a change of it.
CREATE OR REPLACE FUNCTION intervention_domain_copy() RETURNS trigger AS $$
BEGIN
    SELECT youth_id, date, team_id INTO NEW.youth_id, NEW.date, NEW.team_id
    FROM actions_intervention WHERE id = NEW.intervention_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION intervention_domains_follow() RETURNS trigger AS $$
BEGIN
    UPDATE actions_intervention_domains SET youth_id = NEW.youth_id, date = NEW.date, team_id = NEW.team_id
    WHERE intervention_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER intervention_domains_follow ON actions_intervention;
CREATE TRIGGER intervention_domains_follow AFTER UPDATE OF youth_id, date, team_id ON actions_intervention
FOR EACH ROW WHEN (
    OLD.youth_id IS DISTINCT FROM NEW.youth_id OR OLD.date IS DISTINCT FROM NEW.date
    OR OLD.team_id IS DISTINCT FROM NEW.team_id
)
EXECUTE FUNCTION intervention_domains_follow();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS intervention_team_copy ON actions_intervention;
DROP FUNCTION IF EXISTS intervention_team_copy();
DROP TRIGGER IF EXISTS youth_team_follow ON youths_youth;
DROP TRIGGER IF EXISTS youth_team_follow_insert ON youths_youth;
DROP FUNCTION IF EXISTS youth_team_follow();
CREATE OR REPLACE FUNCTION intervention_domain_copy() RETURNS trigger AS $$
BEGIN
    SELECT youth_id, date INTO NEW.youth_id, NEW.date FROM actions_intervention WHERE id = NEW.intervention_id;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE OR REPLACE FUNCTION intervention_domains_follow() RETURNS trigger AS $$
BEGIN
    UPDATE actions_intervention_domains SET youth_id = NEW.youth_id, date = NEW.date
    WHERE intervention_id = NEW.id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;
DROP TRIGGER intervention_domains_follow ON actions_intervention;
CREATE TRIGGER intervention_domains_follow AFTER UPDATE OF youth_id, date ON actions_intervention
FOR EACH ROW WHEN (OLD.youth_id IS DISTINCT FROM NEW.youth_id OR OLD.date IS DISTINCT FROM NEW.date)
EXECUTE FUNCTION intervention_domains_follow();
"""

# SQLite cannot assign NEW: its triggers update the new row. They do not fire themselves again
# (recursive_triggers is off), but fire each other: a team written by the youth's trigger reaches the tags.
SQLITE_TEAM = "(SELECT team_id FROM youths_youth WHERE id = NEW.youth_id)"
SQLITE_TAG_COPY = """
    UPDATE actions_intervention_domains
    SET youth_id = (SELECT youth_id FROM actions_intervention WHERE id = NEW.intervention_id),
        date = (SELECT date FROM actions_intervention WHERE id = NEW.intervention_id),
        team_id = (SELECT team_id FROM actions_intervention WHERE id = NEW.intervention_id)
    WHERE id = NEW.id;
"""
SQLITE_0005_TRIGGERS = (
    "intervention_domain_copy",
    "intervention_domain_recopy",
    "intervention_domains_follow_insert",
    "intervention_domains_follow_update",
)
SQLITE_FORWARD = [
    *(f"DROP TRIGGER IF EXISTS {name};" for name in SQLITE_0005_TRIGGERS),
    f"""
    CREATE TRIGGER intervention_team_copy AFTER INSERT ON actions_intervention BEGIN
        UPDATE actions_intervention SET team_id = {SQLITE_TEAM} WHERE id = NEW.id;
    END;
    """,
    f"""
    CREATE TRIGGER intervention_team_recopy AFTER UPDATE OF youth_id, team_id ON actions_intervention BEGIN
        UPDATE actions_intervention SET team_id = {SQLITE_TEAM} WHERE id = NEW.id;
    END;
    """,
    *(
        f"""
        CREATE TRIGGER youth_team_follow_{event.split()[0].lower()} AFTER {event} ON youths_youth {when}
        BEGIN
            UPDATE actions_intervention SET team_id = NEW.team_id WHERE youth_id = NEW.id;
        END;
        """
        for event, when in (("INSERT", ""), ("UPDATE OF team_id", "WHEN OLD.team_id IS NOT NEW.team_id"))
    ),
    f"CREATE TRIGGER intervention_domain_copy AFTER INSERT ON actions_intervention_domains BEGIN {SQLITE_TAG_COPY} END;",
    f"""
    CREATE TRIGGER intervention_domain_recopy AFTER UPDATE OF intervention_id, youth_id, date, team_id
    ON actions_intervention_domains BEGIN {SQLITE_TAG_COPY} END;
    """,
    *(
        f"""
        CREATE TRIGGER intervention_domains_follow_{event.split()[0].lower()} AFTER {event} ON actions_intervention
        BEGIN
            UPDATE actions_intervention_domains SET youth_id = NEW.youth_id, date = NEW.date, team_id = NEW.team_id
            WHERE intervention_id = NEW.id;
        END;
        """
        for event in ("INSERT", "UPDATE OF youth_id, date, team_id")
    ),
]
SQLITE_BACKWARD = [
    "DROP TRIGGER IF EXISTS intervention_team_copy;",
    "DROP TRIGGER IF EXISTS intervention_team_recopy;",
    "DROP TRIGGER IF EXISTS youth_team_follow_insert;",
    "DROP TRIGGER IF EXISTS youth_team_follow_update;",
    *(f"DROP TRIGGER IF EXISTS {name};" for name in SQLITE_0005_TRIGGERS),
    # 0005's triggers, as they were.
    """
    CREATE TRIGGER intervention_domain_copy AFTER INSERT ON actions_intervention_domains BEGIN
        UPDATE actions_intervention_domains
        SET youth_id = (SELECT youth_id FROM actions_intervention WHERE id = NEW.intervention_id),
            date = (SELECT date FROM actions_intervention WHERE id = NEW.intervention_id)
        WHERE id = NEW.id;
    END;
    """,
    """
    CREATE TRIGGER intervention_domain_recopy AFTER UPDATE OF intervention_id, youth_id, date
    ON actions_intervention_domains BEGIN
        UPDATE actions_intervention_domains
        SET youth_id = (SELECT youth_id FROM actions_intervention WHERE id = NEW.intervention_id),
            date = (SELECT date FROM actions_intervention WHERE id = NEW.intervention_id)
        WHERE id = NEW.id;
    END;
    """,
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

# The existing rows get their copy before the triggers exist (the tables are locked meanwhile).
POSTGRES_BACKFILL = [
    "UPDATE actions_intervention i SET team_id = y.team_id FROM youths_youth y WHERE y.id = i.youth_id",
    """
    UPDATE actions_intervention_domains d SET team_id = i.team_id
    FROM actions_intervention i WHERE i.id = d.intervention_id
    """,
]
SQLITE_BACKFILL = [
    """
    UPDATE actions_intervention
    SET team_id = (SELECT team_id FROM youths_youth WHERE id = actions_intervention.youth_id)
    """,
    """
    UPDATE actions_intervention_domains
    SET team_id = (SELECT team_id FROM actions_intervention WHERE id = actions_intervention_domains.intervention_id)
    """,
]


def _execute(schema_editor, postgres: list[str] | str, sqlite: list[str]) -> None:
    vendor = schema_editor.connection.vendor
    for statement in {"postgresql": [postgres] if isinstance(postgres, str) else postgres, "sqlite": sqlite}.get(
        vendor, []
    ):
        schema_editor.execute(statement)


def forward(apps, schema_editor):
    _execute(schema_editor, POSTGRES_BACKFILL, SQLITE_BACKFILL)
    _execute(schema_editor, POSTGRES_FORWARD, SQLITE_FORWARD)


def backward(apps, schema_editor):
    _execute(schema_editor, POSTGRES_BACKWARD, SQLITE_BACKWARD)


def team_field(historical=False):
    return models.ForeignKey(
        blank=historical,
        db_constraint=False,
        db_index=historical,
        editable=False,
        null=True,
        on_delete=django.db.models.deletion.DO_NOTHING,
        related_name="+",
        to="emps.team",
        verbose_name="équipe",
    )


class Migration(migrations.Migration):
    dependencies = [
        ("actions", "0006_interventiondomain_labels"),
        ("emps", "0003_access_log"),
        ("youths", "0004_episode_overlap_trigger_bad_dates"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        *(
            migrations.AddField(model_name=name, name="team", field=team_field(historical=name.startswith("historical")))
            for name in ("historicalintervention", "historicalinterventiondomain", "intervention", "interventiondomain")
        ),
        # Filled before the indexes are built.
        migrations.RunPython(forward, backward),
        migrations.AddIndex(
            model_name="intervention",
            index=models.Index(fields=["team", "date", "youth", "id"], name="intervention_team_date_idx"),
        ),
        migrations.AddIndex(
            model_name="interventiondomain",
            index=models.Index(fields=["team", "date", "domain", "youth"], name="tag_team_date_domain_idx"),
        ),
    ]
