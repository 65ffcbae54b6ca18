"""The journal is append-only in PostgreSQL itself: the application's role cannot rewrite it, even in SQL.

The suite connects as `postgres`; these tests create the application's role of docs/deployment.md (one per
xdist worker), connect as it with psycopg and try everything finding 7 of issue 26 did."""

import datetime
import os

import psycopg
import pytest
from django.core.management import call_command
from django.db import connection, transaction
from django.utils import timezone
from psycopg import sql

from emps.journal import Action, log_access
from emps.models import AccessLog

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the database's own guard is PostgreSQL's"),
]


def _admin_connection(dbname: str) -> psycopg.Connection:
    settings = connection.settings_dict
    return psycopg.connect(
        dbname=dbname, user=settings["USER"], host=settings["HOST"], port=settings["PORT"] or 5432, autocommit=True
    )


@pytest.fixture(scope="module")
def application_role(django_db_setup, django_db_blocker):
    """A role as docs/deployment.md creates it: reads and writes the tables, owns none."""
    name = "emps_app_test_" + os.environ.get("PYTEST_XDIST_WORKER", "main")
    with django_db_blocker.unblock():
        dbname = connection.settings_dict["NAME"]
    with _admin_connection(dbname) as admin:
        if not admin.execute("SELECT 1 FROM pg_roles WHERE rolname = %s", [name]).fetchone():
            admin.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(name)))
        admin.execute(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{name}"')
        admin.execute(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{name}"')
        # The migration revoked these from every role but the owner; a careless grant must not matter either.
        admin.execute(f'GRANT UPDATE, DELETE, TRUNCATE ON emps_accesslog TO "{name}"')
    return name, dbname


@pytest.fixture
def as_application(application_role):
    """A connection as the application's role, in a transaction rolled back at the end."""
    name, dbname = application_role
    settings = connection.settings_dict
    with psycopg.connect(dbname=dbname, user=name, host=settings["HOST"], port=settings["PORT"] or 5432) as conn:
        conn.execute("SELECT set_config('emps.journal_maintenance', 'on', false)")  # an attempt to lift the guard
        # Foreign keys checked at once: PostgreSQL truncates no table with checks pending.
        conn.execute("SET CONSTRAINTS ALL IMMEDIATE")
        yield conn
        conn.rollback()


def _refused(conn, sql, params=()):
    with pytest.raises(psycopg.errors.InsufficientPrivilege), conn.transaction():
        conn.execute(sql, params)


def test_the_application_role_writes_and_reads_the_journal_but_cannot_rewrite_it(as_application):
    conn = as_application
    long_ago = datetime.datetime(2020, 1, 1, tzinfo=datetime.UTC)
    entry_id, at = conn.execute(
        "INSERT INTO emps_accesslog (at, username, action, object_type, object_id, detail) "
        "VALUES (%s, 'mallory', 'view', 'youth', '7', '') RETURNING id, at",
        [long_ago],
    ).fetchone()
    # Back-dating: the database's clock wins.
    assert abs(at - timezone.now()) < datetime.timedelta(minutes=5)
    assert conn.execute("SELECT username FROM emps_accesslog WHERE id = %s", [entry_id]).fetchone() == ("mallory",)

    _refused(conn, "UPDATE emps_accesslog SET username = 'bob' WHERE id = %s", [entry_id])
    _refused(conn, "UPDATE emps_accesslog SET at = %s WHERE id = %s", [long_ago, entry_id])
    _refused(conn, "DELETE FROM emps_accesslog WHERE id = %s", [entry_id])
    # What the ORM's `_raw_delete` sends.
    _refused(conn, 'DELETE FROM "emps_accesslog" WHERE "emps_accesslog"."id" IN (%s)', [entry_id])
    _refused(conn, "TRUNCATE emps_accesslog")
    # The purge function deletes only what is at least six months old.
    _refused(conn, "SELECT emps_journal_purge(%s)", [timezone.now()])
    assert conn.execute("SELECT emps_journal_purge(%s)", [long_ago]).fetchone() == (0,)
    assert conn.execute("SELECT username FROM emps_accesslog WHERE id = %s", [entry_id]).fetchone() == ("mallory",)


def test_with_a_single_role_the_journal_still_refuses_changes(educator):
    """Without DATABASE_OWNER_URL the application owns the tables: the triggers still refuse, ORM or not."""
    entry = log_access(user=educator, action=Action.LOGIN)
    connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
    queryset = AccessLog.objects.filter(pk=entry.pk)
    for statement in (
        lambda: queryset._raw_delete(queryset.db),
        lambda: connection.cursor().execute("UPDATE emps_accesslog SET username = 'bob'"),
        lambda: connection.cursor().execute("DELETE FROM emps_accesslog"),
        lambda: connection.cursor().execute("TRUNCATE emps_accesslog"),
    ):
        with pytest.raises(Exception, match="ajout seul"), transaction.atomic():
            statement()
    assert AccessLog.objects.get().username == "alice"


def test_the_owner_flushes_and_purges_the_journal(educator):
    log_access(user=educator, action=Action.LOGIN)
    assert AccessLog.objects.purge_older_than(timezone.now() - datetime.timedelta(days=400)) == 0
    with pytest.raises(Exception, match="6 mois"), transaction.atomic():
        AccessLog.objects.purge_older_than(timezone.now())
    with transaction.atomic():
        # PostgreSQL truncates no table with constraint checks pending in the transaction.
        connection.cursor().execute("SET CONSTRAINTS ALL IMMEDIATE")
        call_command("flush", interactive=False, verbosity=0, inhibit_post_migrate=True)
        assert not AccessLog.objects.exists()
        transaction.set_rollback(True)
    # The guard is back once the flush is over.
    with pytest.raises(Exception, match="ajout seul"), transaction.atomic():
        connection.cursor().execute("DELETE FROM emps_accesslog")
    assert AccessLog.objects.count() == 1
