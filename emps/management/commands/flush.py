from django.core.management.commands import flush

from emps.journal import journal_maintenance


class Command(flush.Command):
    """Django's `flush`, which also empties the append-only journal when run as the database's owner."""

    def handle(self, **options):
        with journal_maintenance(options["database"]):
            return super().handle(**options)
