"""Work asked for in a page and done in the background: the generic part of bilan publication, the bilan
PDF of several teams and the exports (the imports, which need a preview and a confirmation, have their own
transfer.jobs on the same pattern).

A job is a row (emps.models.BackgroundJob) that every web server and worker reads; its task goes through
Django's tasks interface (django-tasks): the database's queue by default, RQ on Redis with TASKS_REDIS_URL.
An app declares its task with `@task()` and runs its work through `run`, which moves the row through its
states and turns any error into a French failure. The work keeps its writes in one transaction, so that a
failure, or a worker killed in the middle, leaves nothing half-written; the job of a dead worker is marked
failed after EMPS_TASK_STALE_SECONDS (`expire_stale`).
"""

import datetime
import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from emps.models import BackgroundJob, JobStatus

logger = logging.getLogger(__name__)

# A job older than this is deleted with its result (`manage.py clean_tasks`).
KEEP_FOR = datetime.timedelta(days=1)


@dataclass(frozen=True)
class Outcome:
    """What a job made: a file to download, or the page of what it created (or both)."""

    content: bytes | None = None
    filename: str = ""
    content_type: str = ""
    url: str = ""


class JobRefused(Exception):
    """The work cannot be done as asked; its message, in French, is the job's failure."""


def start(*, task, user, kind: str, label: str, params: dict, team=None) -> BackgroundJob:
    """Record the job and queue its task (the inline backend of the tests runs it here)."""
    job = BackgroundJob.objects.create(user=user, team=team, kind=kind, label=label[:300], params=params)
    result = task.enqueue(job.pk)
    BackgroundJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])
    job.refresh_from_db()
    return job


def stale_message() -> str:
    return _("Le traitement s'est interrompu (serveur ou tâche arrêtés) : rien n'a été enregistré. Relancez-le.")


def expire_stale(jobs=None) -> int:
    """Mark failed the running jobs whose worker stopped answering (killed, or the server restarted)."""
    jobs = BackgroundJob.objects.all() if jobs is None else jobs
    limit = timezone.now() - datetime.timedelta(seconds=settings.EMPS_TASK_STALE_SECONDS)
    return jobs.filter(status=JobStatus.RUNNING, updated_at__lt=limit).update(
        status=JobStatus.FAILED, failure=stale_message()
    )


def run(job_id: int, work: Callable[[BackgroundJob], Outcome]) -> None:
    """Do the job's work in the worker and keep its outcome, or its failure in French."""
    if not BackgroundJob.objects.filter(pk=job_id, status=JobStatus.QUEUED).update(status=JobStatus.RUNNING):
        return  # already taken by another worker, or cleaned
    job = BackgroundJob.objects.select_related("user", "team").get(pk=job_id)
    try:
        outcome = work(job)
    except JobRefused as refusal:
        values = {"status": JobStatus.FAILED, "failure": str(refusal)}
    except Exception as error:  # noqa: BLE001 - the user gets a French state, the log the traceback
        logger.exception("Job %s (%s) failed", job_id, job.kind)
        values = {
            "status": JobStatus.FAILED,
            "failure": _(
                "Le traitement a échoué (%(type)s) : rien n'a été enregistré. "
                "Vous pouvez le relancer ; si l'erreur revient, signalez-la à l'administrateur."
            )
            % {"type": type(error).__name__},
        }
    else:
        values = {
            "status": JobStatus.DONE,
            "result": outcome.content,
            "result_name": outcome.filename[:255],
            "result_type": outcome.content_type[:100],
            "result_url": outcome.url[:300],
        }
    BackgroundJob.objects.filter(pk=job_id, status=JobStatus.RUNNING).update(**values)


def clean(now=None) -> int:
    """Delete the jobs older than a day with their results."""
    expire_stale()
    count, _by_model = BackgroundJob.objects.expired((now or timezone.now()) - KEEP_FOR).delete()
    return count
