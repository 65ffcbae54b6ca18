"""The access journal becomes append-only in PostgreSQL itself, whatever the application's code does.

Triggers refuse UPDATE, DELETE and TRUNCATE of `emps_accesslog`; an entry written by a role other than the
table's owner gets the database's clock as its time (no back-dating). The only way out is the retention
purge, `emps_journal_purge(cutoff)`: a SECURITY DEFINER function of the owner that deletes entries older than
the cutoff and refuses a cutoff less than six months ago (the CNIL's minimum). The owner may lift the guard
for its own session (`emps.journal_maintenance`), which `flush` and `restore_data` do; the application's role
cannot, as it is not the owner (docs/deployment.md). SQLite keeps the ORM's guard only.
"""

from django.db import migrations

FORWARD = r"""
CREATE FUNCTION emps_journal_maintained_by_owner(relation oid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('emps.journal_maintenance', true), '') = 'on'
       AND pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = relation), 'USAGE')
$$;

CREATE FUNCTION emps_journal_refuse_change() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF emps_journal_maintained_by_owner(TG_RELID) THEN
        RETURN CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END;
    END IF;
    RAISE EXCEPTION 'Le journal des accès est en ajout seul : % refusé.', TG_OP
        USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE FUNCTION emps_journal_stamp() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NOT pg_has_role(current_user, (SELECT relowner FROM pg_class WHERE oid = TG_RELID), 'USAGE') THEN
        NEW.at := clock_timestamp();
    END IF;
    RETURN NEW;
END
$$;

CREATE TRIGGER emps_accesslog_no_update_or_delete
    BEFORE UPDATE OR DELETE ON emps_accesslog
    FOR EACH ROW EXECUTE FUNCTION emps_journal_refuse_change();
CREATE TRIGGER emps_accesslog_no_truncate
    BEFORE TRUNCATE ON emps_accesslog
    FOR EACH STATEMENT EXECUTE FUNCTION emps_journal_refuse_change();
CREATE TRIGGER emps_accesslog_stamp
    BEFORE INSERT ON emps_accesslog
    FOR EACH ROW EXECUTE FUNCTION emps_journal_stamp();

CREATE FUNCTION emps_journal_purge(cutoff timestamptz) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path FROM CURRENT AS $$
DECLARE
    deleted bigint;
BEGIN
    IF cutoff > now() - interval '6 months' THEN
        RAISE EXCEPTION 'Purge du journal refusée : les entrées se gardent au moins 6 mois.'
            USING ERRCODE = 'insufficient_privilege';
    END IF;
    PERFORM set_config('emps.journal_maintenance', 'on', true);
    DELETE FROM emps_accesslog WHERE at < cutoff;
    GET DIAGNOSTICS deleted = ROW_COUNT;
    PERFORM set_config('emps.journal_maintenance', 'off', true);
    RETURN deleted;
END
$$;

-- Whatever default privileges gave other roles on the journal, only the owner may change it.
DO $$
DECLARE
    grantee text;
BEGIN
    FOR grantee IN
        SELECT DISTINCT p.grantee FROM information_schema.table_privileges p
        WHERE p.table_schema = current_schema() AND p.table_name = 'emps_accesslog'
          AND p.grantee <> (SELECT pg_get_userbyid(relowner) FROM pg_class WHERE oid = 'emps_accesslog'::regclass)
    LOOP
        IF grantee = 'PUBLIC' THEN
            REVOKE UPDATE, DELETE, TRUNCATE ON emps_accesslog FROM PUBLIC;
        ELSE
            EXECUTE format('REVOKE UPDATE, DELETE, TRUNCATE ON emps_accesslog FROM %I', grantee);
        END IF;
    END LOOP;
END
$$;
"""

BACKWARD = r"""
DROP TRIGGER emps_accesslog_stamp ON emps_accesslog;
DROP TRIGGER emps_accesslog_no_truncate ON emps_accesslog;
DROP TRIGGER emps_accesslog_no_update_or_delete ON emps_accesslog;
DROP FUNCTION emps_journal_purge(timestamptz);
DROP FUNCTION emps_journal_stamp();
DROP FUNCTION emps_journal_refuse_change();
DROP FUNCTION emps_journal_maintained_by_owner(oid);
"""


def run_on_postgresql(sql):
    def operation(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            # Several statements and dollar-quoted bodies: sent as one simple query, without parameters.
            with schema_editor.connection.cursor() as cursor:
                cursor.execute(sql)

    return operation


class Migration(migrations.Migration):
    dependencies = [
        ("emps", "0004_shared_reference_history"),
    ]

    operations = [migrations.RunPython(run_on_postgresql(FORWARD), run_on_postgresql(BACKWARD), elidable=False)]
