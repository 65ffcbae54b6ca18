"""Imports as background tasks: start a preview, confirm it, cancel it, and the tasks that run them.

The tasks go through Django's tasks interface (django-tasks, the backport of Django 6's `django.tasks`):
the database's queue by default, RQ on Redis with TASKS_REDIS_URL (config/settings/base.py). Each task
runs `import_file` as the request did: the whole file in one transaction, rolled back for a preview.
A worker killed in the middle leaves that transaction uncommitted, so nothing is written; its job,
whose progress then stops, is marked failed (`expire_stale`) and the file can be imported again.
"""

import logging
import time
from dataclasses import asdict
from functools import partial

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_tasks import task

from emps.models import Team
from transfer import progress
from transfer.models import WORKING, ImportJob, ImportStatus
from transfer.report import ImportReport, RowIssue, Sample
from transfer.services import import_file

logger = logging.getLogger(__name__)


class ImportBusy(Exception):
    """Another import of the team is queued or running."""


def report_as_json(report: ImportReport) -> dict:
    return asdict(report)


def report_from_json(data: dict) -> ImportReport:
    values = dict(data)
    values["errors"] = [RowIssue(**issue) for issue in values.get("errors", ())]
    values["samples"] = [Sample(**sample) for sample in values.get("samples", ())]
    return ImportReport(**values)


def stale_message() -> str:
    return _(
        "Le traitement s'est interrompu (serveur ou tâche arrêtés) : rien n'a été enregistré. "
        "Vous pouvez le relancer avec le même fichier."
    )


def expire_stale(jobs=None) -> int:
    """Mark failed the jobs said to be running whose progress stopped moving (a dead worker's)."""
    jobs = (jobs if jobs is not None else ImportJob.objects.all()).filter(status__in=WORKING)
    limit = time.time() - settings.EMPS_TASK_STALE_SECONDS
    stale = []
    for job in jobs.only("pk", "updated_at"):
        at = progress.read(job.pk)["at"] or job.updated_at.timestamp()
        if at < limit:
            stale.append(job.pk)
    if not stale:
        return 0
    return ImportJob.objects.filter(pk__in=stale, status__in=WORKING).update(
        status=ImportStatus.FAILED, failure=stale_message()
    )


def _enqueue(job: ImportJob, status: str) -> None:
    """Queue the job's task, its state committed (a worker reads it from the database; the inline backend of
    the tests runs it here)."""
    runner = preview_import if status == ImportStatus.PREVIEW_QUEUED else confirm_import
    result = runner.enqueue(job.pk)
    ImportJob.objects.filter(pk=job.pk).update(task_id=str(result.id)[:64])


def start_preview(
    *, user, team: Team | None, kind: str, filename: str, data: bytes, create_partners: bool, may_create_teams: bool
) -> ImportJob:
    """Keep the file and queue its preview; ImportBusy if the team already has an import queued or running."""
    if team is not None:
        expire_stale(ImportJob.objects.filter(team=team))
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                user=user,
                team=team,
                kind=kind,
                filename=filename[:255],
                data=data,
                create_partners=create_partners,
                may_create_teams=may_create_teams,
                status=ImportStatus.PREVIEW_QUEUED,
            )
    except IntegrityError as error:
        raise ImportBusy from error
    _enqueue(job, ImportStatus.PREVIEW_QUEUED)
    job.refresh_from_db()
    return job


def confirm(*, job: ImportJob) -> bool:
    """Queue the import of a previewed file (or of one whose import failed); False if it cannot be."""
    job.refresh_from_db()
    if job.data is None or not job.report or not report_from_json(job.report).ok:
        return False
    if job.team_id is not None:
        expire_stale(ImportJob.objects.filter(team_id=job.team_id))
    try:
        with transaction.atomic():
            changed = ImportJob.objects.filter(
                pk=job.pk, status__in=(ImportStatus.PREVIEWED, ImportStatus.FAILED)
            ).update(status=ImportStatus.IMPORT_QUEUED, failure="")
    except IntegrityError as error:
        raise ImportBusy from error
    if changed:
        _enqueue(job, ImportStatus.IMPORT_QUEUED)
    return bool(changed)


def cancel(*, job: ImportJob) -> None:
    """Forget the file: a preview waiting for its confirmation is cancelled."""
    ImportJob.objects.filter(pk=job.pk).exclude(status__in=(ImportStatus.IMPORTING,)).update(
        data=None, status=ImportStatus.CANCELLED
    )
    progress.forget(job.pk)


def _run(job_id: int, *, dry_run: bool) -> None:
    queued, working = (
        (ImportStatus.PREVIEW_QUEUED, ImportStatus.PREVIEWING)
        if dry_run
        else (ImportStatus.IMPORT_QUEUED, ImportStatus.IMPORTING)
    )
    if not ImportJob.objects.filter(pk=job_id, status=queued).update(status=working):
        return  # cancelled, or taken by another worker
    progress.report(job_id)
    job = ImportJob.objects.select_related("user", "team").get(pk=job_id)
    teams = list(Team.objects.visible_to(job.user).order_by("name"))
    team = next((t for t in teams if t.pk == job.team_id), None)
    outcome = {"failure": ""}
    if job.team_id is not None and team is None:
        outcome.update(status=ImportStatus.FAILED, data=None, failure=_("Vous n'avez plus accès à cette équipe."))
    else:
        try:
            report = import_file(
                kind=job.kind,
                data=bytes(job.data),
                filename=job.filename,
                team=team,
                teams=teams,
                user=job.user,
                dry_run=dry_run,
                create_partners=job.create_partners,
                may_create_teams=job.may_create_teams,
                progress=partial(progress.report, job_id),
            )
        except Exception as error:  # noqa: BLE001 - the coordinator gets a French state, the log the traceback
            logger.exception("Import task %s failed", job_id)
            outcome.update(
                status=ImportStatus.FAILED,
                failure=_(
                    "Le traitement a échoué (%(type)s) : rien n'a été enregistré. "
                    "Vous pouvez le relancer ; si l'erreur revient, signalez-la à l'administrateur."
                )
                % {"type": type(error).__name__},
            )
        else:
            outcome["report"] = report_as_json(report)
            if dry_run:
                outcome["status"] = ImportStatus.PREVIEWED if report.ok else ImportStatus.REFUSED
            else:
                outcome["status"] = ImportStatus.IMPORTED if report.imported else ImportStatus.REFUSED
            if outcome["status"] != ImportStatus.PREVIEWED:
                outcome["data"] = None  # imported or refused: the file is of no more use
    ImportJob.objects.filter(pk=job_id, status=working).update(**outcome)


@task()
def preview_import(job_id: int) -> None:
    """Check the whole file, as the import would, and roll it back: the preview."""
    _run(job_id, dry_run=True)


@task()
def confirm_import(job_id: int) -> None:
    """Import the previewed file, in one transaction."""
    _run(job_id, dry_run=False)
