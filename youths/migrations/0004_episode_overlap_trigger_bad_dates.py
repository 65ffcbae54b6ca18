"""The overlap trigger leaves an episode ending before it starts to the CHECK constraint.

PostgreSQL may fold `daterange(NEW.started_on, NEW.ended_on)` while planning the trigger's query, and
a range whose end precedes its start raised "range lower bound must be less than or equal to range
upper bound" (a DataError) before the `episode_end_after_start` constraint could refuse the row with
its own IntegrityError. SQLite's trigger compares dates and needs no change.
"""

from django.db import migrations

OVERLAP_MESSAGE = "Cet accompagnement chevauche un autre accompagnement du même jeune."


def function(guard: bool) -> str:
    check = (
        """
    IF NEW.ended_on IS NOT NULL AND NEW.ended_on < NEW.started_on THEN
        RETURN NEW;  -- refused by the episode_end_after_start constraint
    END IF;"""
        if guard
        else ""
    )
    return f"""
CREATE OR REPLACE FUNCTION episode_no_overlap() RETURNS trigger AS $$
BEGIN{check}
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
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(function(guard=True))


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(function(guard=False))


class Migration(migrations.Migration):
    dependencies = [("youths", "0003_reference_data")]

    operations = [migrations.RunPython(forward, backward, elidable=False)]
