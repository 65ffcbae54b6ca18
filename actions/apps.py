from django.apps import AppConfig
from django.core.management.base import CommandError
from django.db import connections
from django.db.migrations.loader import MigrationLoader
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from actions.marks import install_marks, kept_triggers_missing, marks_installed


def check_triggers(sender, using, plan=None, **kwargs):
    """After a `migrate` that leaves the schema at its latest state, put back the marking triggers and
    stop on a missing copy trigger: a SQLite migration that rebuilds a table drops its triggers."""
    if plan is None:  # a flush, not a migrate
        return
    connection = connections[using]
    loader = MigrationLoader(connection)
    if not all(leaf in loader.applied_migrations for leaf in loader.graph.leaf_nodes() if leaf[0] in LATEST_OF):
        return
    if not marks_installed(connection):
        install_marks(connection)
    missing = kept_triggers_missing(connection)
    if missing:
        raise CommandError(
            f"Triggers missing after the migrations: {', '.join(sorted(missing))}. A migration that rebuilt "
            "their table (SQLite) must create them again; see actions/marks.py."
        )


LATEST_OF = ("actions", "youths")


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Activité")

    def ready(self):
        post_migrate.connect(check_triggers, sender=self)
