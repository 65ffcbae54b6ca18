from django.conf import settings
from django.core.management.commands import migrate
from django.db import DEFAULT_DB_ALIAS


class Command(migrate.Command):
    """Django's `migrate`, run as the database's owner role when DATABASE_OWNER_URL is set.

    The application's own role may not create tables nor change the journal (docs/deployment.md)."""

    def handle(self, *args, **options):
        if options["database"] == DEFAULT_DB_ALIAS and "owner" in settings.DATABASES:
            options["database"] = "owner"
        return super().handle(*args, **options)
