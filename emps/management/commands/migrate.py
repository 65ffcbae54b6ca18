from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS, connections


class Command(migrate.Command):
    """Django's `migrate`, run as the database's owner role when DATABASE_OWNER_URL is set.

    The application's own role may not create tables nor change the journal (docs/deployment.md). Only when
    both aliases name the same database: the test runner migrates a test database of its own as `default`."""

    def handle(self, *args, **options):
        same_database = "owner" in connections.settings and (
            connections["owner"].settings_dict["NAME"] == connections[DEFAULT_DB_ALIAS].settings_dict["NAME"]
        )
        if options["database"] == DEFAULT_DB_ALIAS and same_database:
            options["database"] = "owner"
        return super().handle(*args, **options)
