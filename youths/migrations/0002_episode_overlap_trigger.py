"""Episodes of one youth never overlap: enforced by a trigger on both supported databases.

A CHECK constraint cannot look at other rows, and PostgreSQL's exclusion constraint would need
the btree_gist extension (superuser only), so a trigger does it on PostgreSQL and SQLite alike.
"""

from django.db import migrations

OVERLAP_MESSAGE = "Cet accompagnement chevauche un autre accompagnement du même jeune."

SQLITE_CONDITION = """
    SELECT 1 FROM youths_supportepisode AS other
    WHERE other.youth_id = NEW.youth_id AND other.id != NEW.id
      AND other.started_on <= COALESCE(NEW.ended_on, '9999-12-31')
      AND COALESCE(other.ended_on, '9999-12-31') >= NEW.started_on
"""

SQLITE_FORWARD = [
    f"""
    CREATE TRIGGER episode_no_overlap_{event.lower()}
    BEFORE {event} ON youths_supportepisode
    WHEN EXISTS ({SQLITE_CONDITION})
    BEGIN SELECT RAISE(ABORT, '{OVERLAP_MESSAGE}'); END;
    """
    for event in ("INSERT", "UPDATE")
]
SQLITE_BACKWARD = [f"DROP TRIGGER IF EXISTS episode_no_overlap_{e};" for e in ("insert", "update")]

POSTGRES_FORWARD = f"""
CREATE FUNCTION episode_no_overlap() RETURNS trigger AS $$
BEGIN
    -- Serialise concurrent writes of one youth's episodes (a row lock, not an advisory lock:
    -- a bulk import locks many youths in one transaction without exhausting the lock table).
    PERFORM 1 FROM youths_youth WHERE id = NEW.youth_id FOR UPDATE;
    IF EXISTS (
        SELECT 1 FROM youths_supportepisode AS other
        WHERE other.youth_id = NEW.youth_id AND other.id <> NEW.id
          AND daterange(other.started_on, other.ended_on, '[]') && daterange(NEW.started_on, NEW.ended_on, '[]')
    ) THEN
        RAISE EXCEPTION '{OVERLAP_MESSAGE}' USING ERRCODE = 'exclusion_violation';
    END IF;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER episode_no_overlap BEFORE INSERT OR UPDATE ON youths_supportepisode
FOR EACH ROW EXECUTE FUNCTION episode_no_overlap();
"""
POSTGRES_BACKWARD = """
DROP TRIGGER IF EXISTS episode_no_overlap ON youths_supportepisode;
DROP FUNCTION IF EXISTS episode_no_overlap();
"""


def forward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_FORWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_FORWARD:
            schema_editor.execute(statement)


def backward(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRES_BACKWARD)
    elif vendor == "sqlite":
        for statement in SQLITE_BACKWARD:
            schema_editor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [("youths", "0001_initial")]

    operations = [migrations.RunPython(forward, backward)]
