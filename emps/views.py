import logging

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.db import DatabaseError, connection
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.http import content_disposition_header
from django.views.decorators.http import require_GET

from emps import jobs
from emps.accounts.forms import LoginForm
from emps.journal import Action, log_access
from emps.models import BackgroundJob, JobStatus
from emps.permissions import is_signed_in, permission

logger = logging.getLogger(__name__)


class EmpsLoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True


@permission(is_signed_in)
class EmpsLogoutView(auth_views.LogoutView):
    """Logging out also empties what this browser keeps of the app: the outbox's entries waiting to be sent
    (IndexedDB), the service worker's caches and the drafts (static/js/outbox.js does it first, and asks
    before dropping entries not sent; the header is for a browser where the script did not run)."""

    def post(self, request, *args, **kwargs):
        response = super().post(request, *args, **kwargs)
        response["Clear-Site-Data"] = '"cache", "storage"'
        return response


@login_not_required
@require_GET
def health(request: HttpRequest) -> JsonResponse:
    """For the monitoring: 200 when the application answers and reaches its database, 503 otherwise."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
    except DatabaseError:
        logger.exception("Health check: the database does not answer.")
        return JsonResponse({"status": "error", "database": "unreachable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def _job(request: HttpRequest, pk: int) -> BackgroundJob:
    """The user's own job (404 for anyone else's), its dead worker's run marked failed."""
    job = get_object_or_404(BackgroundJob.objects.of_user(request.user).select_related("team"), pk=pk)
    if job.status == JobStatus.RUNNING and jobs.expire_stale(BackgroundJob.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


def _job_state(job: BackgroundJob) -> dict:
    return {"status": job.status, "label": str(job.get_status_display()), "running": job.is_running}


@require_GET
@permission(is_signed_in)
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """A background job's page: waiting while its task runs, then its result or its failure."""
    job = _job(request, pk)
    context = {"job": job, "state": _job_state(job), "has_file": job.status == JobStatus.DONE and job.result_name}
    return render(request, "emps/job.html", context)


@require_GET
@permission(is_signed_in)
def job_state(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's state, polled by its page while the task runs."""
    response = JsonResponse(_job_state(_job(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@permission(is_signed_in)
def job_download(request: HttpRequest, pk: int) -> HttpResponse:
    """The file the job made, while it is kept (a day)."""
    job = _job(request, pk)
    if job.status != JobStatus.DONE or job.result is None:
        raise Http404
    log_access(
        request=request,
        action=Action.EXPORT,
        object_type="tache",
        object_id=job.pk,
        team=job.team,
        detail=f"{job.kind} {job.result_name}"[:200],
    )
    response = HttpResponse(bytes(job.result), content_type=job.result_type or "application/octet-stream")
    response["Content-Disposition"] = content_disposition_header(True, job.result_name)
    response["Cache-Control"] = "no-store"
    return response
