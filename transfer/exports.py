"""Large exports as background tasks: above EMPS_EXPORT_TASK_ROWS records, a worker writes the file and
the job's page offers it for a day (emps/jobs.py); smaller ones are still downloaded in the request."""

from django.conf import settings
from django.utils.translation import gettext as _
from django_tasks import task

from emps import jobs
from emps.models import BackgroundJob, Team
from emps.permissions import is_coordinator
from transfer.context import TransferContext
from transfer.resources import KINDS
from transfer.services import export_file

KIND = "export"


def is_large(*, kind: str, team: Team | None, user) -> bool:
    """Whether the export has more records than a request should write."""
    resource_class = KINDS[kind]
    if not hasattr(resource_class, "export_queryset"):
        return False
    rows = resource_class.export_queryset(TransferContext(user=user, team=team)).count()
    return rows > settings.EMPS_EXPORT_TASK_ROWS


def start_export(*, user, team: Team | None, kind: str, fmt: str) -> BackgroundJob:
    label = _("Export « %(kind)s »") % {"kind": KINDS[kind].label}
    if team is not None:
        label += " · " + team.name
    return jobs.start(
        task=export_task, user=user, team=team, kind=KIND, label=label, params={"kind": kind, "format": fmt}
    )


def _export(job: BackgroundJob) -> jobs.Outcome:
    # The rights are read again: the coordinator may have left the team since they asked.
    visible = Team.objects.visible_to(job.user)
    if not is_coordinator(job.user) or (job.team_id is not None and not visible.filter(pk=job.team_id).exists()):
        raise jobs.JobRefused(_("Vous n'avez plus accès à cette équipe : rien n'a été exporté."))
    exported = export_file(kind=job.params["kind"], team=job.team, fmt=job.params["format"], user=job.user)
    return jobs.Outcome(content=exported.content, filename=exported.filename, content_type=exported.content_type)


@task()
def export_task(job_id: int) -> None:
    """Write a large export of a team's records."""
    jobs.run(job_id, _export)
