"""The bilan PDF of several teams (a federation's, a coordinator's of several teams), rendered by a worker:
one bilan counting every chosen team, as the funders' scopes do (reports.builders.Scope.of). For 50 teams
over a year it takes tens of seconds and hundreds of megabytes: never in a request (emps/jobs.py)."""

import datetime

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_tasks import task

from emps import jobs
from emps.models import BackgroundJob, Team
from emps.permissions import can_request_teams_bilan
from reports.builders import Scope, build_bilan
from reports.document import bilan_document, period_label
from reports.exports import FORMATS
from reports.pdf import render_pdf

KIND = "teams_bilan_pdf"


def start_teams_bilan(*, user, teams: list[Team], start: datetime.date, end: datetime.date) -> BackgroundJob:
    label = ngettext(
        "Bilan PDF de %(count)s équipe, %(period)s", "Bilan PDF de %(count)s équipes, %(period)s", len(teams)
    ) % {"count": len(teams), "period": period_label(start, end)}
    return jobs.start(
        task=teams_bilan_pdf,
        user=user,
        kind=KIND,
        label=label,
        params={"teams": [team.pk for team in teams], "start": start.isoformat(), "end": end.isoformat()},
    )


def _render(job: BackgroundJob) -> jobs.Outcome:
    params = job.params
    # The rights are read again: a team the user left since they asked is not counted.
    teams = (
        list(Team.objects.visible_to(job.user).filter(pk__in=params["teams"]).order_by("name"))
        if can_request_teams_bilan(job.user)
        else []
    )
    if len(teams) != len(params["teams"]):
        raise jobs.JobRefused(_("Vous n'avez plus accès à l'une de ces équipes : le bilan n'a pas été produit."))
    start, end = datetime.date.fromisoformat(params["start"]), datetime.date.fromisoformat(params["end"])
    bilan = build_bilan(scope=Scope.of(teams=teams), start=start, end=end)
    content = render_pdf(bilan_document(bilan))
    stem = slugify(f"bilan-{len(teams)}-equipes-{start:%Y%m%d}-{end:%Y%m%d}")
    return jobs.Outcome(content=content, filename=f"{stem}.pdf", content_type=FORMATS["pdf"])


@task()
def teams_bilan_pdf(job_id: int) -> None:
    """Render the bilan PDF of several teams."""
    jobs.run(job_id, _render)
