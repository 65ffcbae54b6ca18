from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _

from actions.marks import MARKS_TABLE, install_marks, marks_installed


def reinstall_marks(sender, using, **kwargs):
    """After any `migrate`: a SQLite migration that rebuilt a marked table dropped its marking triggers."""
    connection = connections[using]
    if MARKS_TABLE in connection.introspection.table_names() and not marks_installed(connection):
        install_marks(connection)


class ActionsConfig(AppConfig):
    name = "actions"
    verbose_name = _("Activité")

    def ready(self):
        post_migrate.connect(reinstall_marks, sender=self)
