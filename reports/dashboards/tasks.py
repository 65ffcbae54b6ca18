"""Bilan publication as a background task: the PDF and the workbook are rendered by a worker, not in the
coordinator's request (emps/jobs.py); the version is frozen in one transaction, so that a failure publishes
nothing."""

import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django_tasks import task

from emps import jobs
from emps.journal import Action, log_access
from emps.models import BackgroundJob, Team
from emps.permissions import is_coordinator
from reports.dashboards.publishing import published_bilan_create
from reports.document import period_label

KIND = "publish_bilan"


def start_publication(
    *, user, team: Team, commune, start: datetime.date, end: datetime.date, small_cells: str, compare: bool = False
):
    """Queue the publication of the bilan of `team` (or of one of its communes) over the period."""
    scope = commune.name if commune is not None else team.name
    return jobs.start(
        task=publish_bilan,
        user=user,
        team=team,
        kind=KIND,
        label=_("Publication du bilan %(scope)s, %(period)s") % {"scope": scope, "period": period_label(start, end)},
        params={
            "commune": commune.pk if commune is not None else None,
            "start": start.isoformat(),
            "end": end.isoformat(),
            "small_cells": small_cells,
            "compare": compare,
        },
    )


def _publish(job: BackgroundJob) -> jobs.Outcome:
    params = job.params
    # The rights are read again: the coordinator may have left the team since they asked.
    team = Team.objects.visible_to(job.user).filter(pk=job.team_id).first() if is_coordinator(job.user) else None
    if team is None:
        raise jobs.JobRefused(_("Vous n'avez plus accès à cette équipe : rien n'a été publié."))
    commune = team.communes.filter(pk=params["commune"]).first() if params.get("commune") else None
    if params.get("commune") and commune is None:
        raise jobs.JobRefused(_("Cette commune ne fait plus partie de l'équipe : rien n'a été publié."))
    try:
        with transaction.atomic():
            pub = published_bilan_create(
                team=team,
                commune=commune,
                start=datetime.date.fromisoformat(params["start"]),
                end=datetime.date.fromisoformat(params["end"]),
                small_cells_choice=params["small_cells"],
                by=job.user,
                compare=params.get("compare", False),
            )
            log_access(user=job.user, action=Action.CREATE, obj=pub, detail=f"publication v{pub.version}")
    except IntegrityError as error:
        raise jobs.JobRefused(
            _("Une autre publication de ce bilan vient d'être faite en même temps : rien n'a été publié, relancez-la.")
        ) from error
    return jobs.Outcome(url=pub.get_absolute_url())


@task()
def publish_bilan(job_id: int) -> None:
    """Render and freeze the next version of a bilan (PDF, workbook, figures)."""
    jobs.run(job_id, _publish)
