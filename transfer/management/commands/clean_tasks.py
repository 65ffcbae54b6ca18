"""Delete the imports older than a day with their uploaded file, the other background jobs (published bilans'
runs, PDFs of several teams, exports) with their result files, and the finished task results as old.

Run it daily (cron or systemd timer), beside `purge_data`:

    .venv/bin/python manage.py clean_tasks
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from emps import jobs as background
from transfer import jobs, progress
from transfer.models import KEEP_FOR, ImportJob


class Command(BaseCommand):
    help = "Supprime les imports et les tâches de plus d'un jour avec leurs fichiers, et les résultats de tâches."

    def handle(self, *args, **options):
        jobs.expire_stale()
        with transaction.atomic():
            expired = list(ImportJob.objects.expired().values_list("pk", flat=True))
            ImportJob.objects.filter(pk__in=expired).delete()
        for pk in expired:
            progress.forget(pk)
        others = background.clean()
        results = _prune_task_results()
        self.stdout.write(
            f"{len(expired)} import(s) supprimé(s) avec leur fichier, {others} autre(s) tâche(s) avec leur résultat, "
            f"{results} résultat(s) de tâche."
        )


def _prune_task_results() -> int:
    """The database backend's finished task results as old as the imports (none with another backend)."""
    from django_tasks_db.models import DBTaskResult

    finished = DBTaskResult.objects.finished().filter(finished_at__lt=timezone.now() - KEEP_FOR)
    count, _by_model = finished.delete()
    return count
