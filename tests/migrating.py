"""Migrating the test database to given migrations and back, for the tests of a migration's data step."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor


def migrate(targets):
    """Migrate to `targets` ([(app, migration name)]); return the apps as the database then is."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The apps as the database now is: the targets, and every migration of other apps that stays applied
    # (a later migration of another app, say one dropping a column, is not undone by going back here).
    executor.loader.build_graph()
    applied = [key for key in executor.loader.applied_migrations if key in executor.loader.graph.nodes]
    return executor.loader.project_state(applied, at_end=True).apps


def migrate_to_latest() -> None:
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())
