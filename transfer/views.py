"""The coordinator's import and export pages: upload, preview, confirm; templates; exports."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from emps.models import Team
from emps.permissions import is_coordinator, permission
from transfer import exports, jobs, progress
from transfer.forms import ExportForm, ImportForm
from transfer.models import ImportJob, ImportStatus
from transfer.resources import KINDS
from transfer.services import FORMATS, ExportFile, export_file, template_file

IMPORT_ORDER = ("territoires", "partenaires", "jeunes", "interventions", "presence", "actions", "temps_partenariaux")


def kind_info(resource) -> dict:
    """What templates show of a kind (a resource class would be called by the template engine)."""
    return {
        "kind": resource.kind,
        "label": resource.label,
        "description": resource.description,
        "columns": resource.columns,
        "has_partners": resource.has_partners,
        "nominative": resource.nominative,
    }


def _kinds() -> list[dict]:
    return [kind_info(KINDS[kind]) for kind in IMPORT_ORDER]


def _teams(request: HttpRequest) -> list[Team]:
    """The teams the coordinator imports into and exports from (all of them for a superuser)."""
    return list(Team.objects.visible_to(request.user).order_by("name"))


def _download(exported: ExportFile) -> HttpResponse:
    response = HttpResponse(exported.content, content_type=exported.content_type)
    response["Content-Disposition"] = content_disposition_header(True, exported.filename)
    response["Cache-Control"] = "no-store"
    return response


def _index(request, teams, *, import_form=None, export_form=None, status=200) -> HttpResponse:
    context = {
        "import_form": import_form or ImportForm(teams=teams),
        "export_form": export_form or ExportForm(teams=teams),
        "kinds": _kinds(),
        "has_teams": bool(teams),
        # Coming back: the coordinator's imports of the last day, the running ones first.
        "jobs": list(ImportJob.objects.of_user(request.user).select_related("team").order_by("-created_at")[:10]),
    }
    return render(request, "transfer/index.html", context, status=status)


@require_GET
@permission(is_coordinator)
def index(request: HttpRequest) -> HttpResponse:
    return _index(request, _teams(request))


@require_POST
@permission(is_coordinator)
def preview(request: HttpRequest) -> HttpResponse:
    """Keep the uploaded file and check it in the background; the job's page follows the task."""
    teams = _teams(request)
    form = ImportForm(data=request.POST, files=request.FILES, teams=teams)
    if not form.is_valid():
        return _index(request, teams, import_form=form)
    upload = form.cleaned_data["file"]
    try:
        job = jobs.start_preview(
            user=request.user,
            team=form.chosen_team(),
            kind=form.cleaned_data["kind"],
            filename=upload.name,
            data=upload.read(),
            create_partners=form.cleaned_data["create_partners"],
            may_create_teams=request.user.is_superuser,
        )
    except jobs.ImportBusy:
        form.add_error(
            None,
            _(
                "Un import est déjà en cours pour cette équipe : attendez qu'il se termine "
                "(un seul import à la fois par équipe)."
            ),
        )
        return _index(request, teams, import_form=form, status=409)
    return redirect("transfer:job", pk=job.pk)


def _job(request: HttpRequest, pk: int) -> ImportJob:
    """The coordinator's own import (404 for anyone else's), its stalled task marked failed."""
    job = get_object_or_404(ImportJob.objects.of_user(request.user).select_related("team"), pk=pk)
    if job.is_running and jobs.expire_stale(ImportJob.objects.filter(pk=job.pk)):
        job.refresh_from_db()
    return job


def _state(job: ImportJob) -> dict:
    done = progress.read(job.pk)
    return {
        "status": job.status,
        "label": str(job.get_status_display()),
        "running": job.is_running,
        "read": done["read"],
        "checked": done["checked"],
        "written": done["written"],
        "total": done["total"],
    }


@require_GET
@permission(is_coordinator)
def job(request: HttpRequest, pk: int) -> HttpResponse:
    """An import's page: its progress while the task runs, then the preview, the result or the failure."""
    job = _job(request, pk)
    report = jobs.report_from_json(job.report) if job.report else None
    context = {
        "job": job,
        "report": report,
        "state": _state(job),
        "team": job.team,
        "kind": kind_info(KINDS[job.kind]),
        "token": job.status == ImportStatus.PREVIEWED and report is not None and report.ok,
        "may_retry": job.status == ImportStatus.FAILED and job.data is not None,
        "progress_steps": [("read", _("Lignes lues")), ("checked", _("Lignes vérifiées"))]
        + (
            [("written", _("Lignes enregistrées"))]
            if job.status in (ImportStatus.IMPORT_QUEUED, ImportStatus.IMPORTING)
            else []
        ),
    }
    return render(request, "transfer/job.html", context)


@require_GET
@permission(is_coordinator)
def job_state(request: HttpRequest, pk: int) -> JsonResponse:
    """The job's state and progress, for its page's progress bar (polled while the task runs)."""
    response = JsonResponse(_state(_job(request, pk)))
    response["Cache-Control"] = "no-store"
    return response


@require_POST
@permission(is_coordinator)
def confirm(request: HttpRequest, pk: int) -> HttpResponse:
    """Import the previewed file for real (in one transaction), or run again a task that failed."""
    job = _job(request, pk)
    try:
        if job.status == ImportStatus.FAILED and job.data is not None and not job.report:
            # The preview itself failed: check the file again.
            ImportJob.objects.filter(pk=job.pk, status=ImportStatus.FAILED).delete()
            job = jobs.start_preview(
                user=request.user,
                team=job.team,
                kind=job.kind,
                filename=job.filename,
                data=bytes(job.data),
                create_partners=job.create_partners,
                may_create_teams=job.may_create_teams,
            )
        elif not jobs.confirm(job=job):
            messages.error(request, _("Cet aperçu a expiré ou a déjà été importé : déposez le fichier à nouveau."))
            return redirect("transfer:index")
    except jobs.ImportBusy:
        messages.error(request, _("Un import est déjà en cours pour cette équipe : attendez qu'il se termine."))
    return redirect("transfer:job", pk=job.pk)


@require_POST
@permission(is_coordinator)
def cancel(request: HttpRequest, pk: int) -> HttpResponse:
    jobs.cancel(job=_job(request, pk))
    messages.info(request, _("Import annulé : le fichier déposé a été supprimé, rien n'a été importé."))
    return redirect("transfer:index")


@require_GET
@permission(is_coordinator)
def template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """The empty file of a kind, with its headers and an example row."""
    teams = _teams(request)
    if kind not in KINDS or fmt not in FORMATS:
        raise Http404
    return _download(template_file(kind=kind, fmt=fmt, team=teams[0] if teams else None, user=request.user))


@require_GET
@permission(is_coordinator)
def formats(request: HttpRequest) -> HttpResponse:
    return render(request, "transfer/formats.html", {"kinds": _kinds(), "max_mb": settings.EMPS_IMPORT_MAX_MB})


@require_GET
@permission(is_coordinator)
def documentation(request: HttpRequest) -> HttpResponse:
    """docs/import-formats.md, the reference documentation of the formats, as plain text."""
    path = Path(settings.BASE_DIR) / "docs" / "import-formats.md"
    if not path.is_file():
        raise Http404
    return HttpResponse(path.read_bytes(), content_type="text/plain; charset=utf-8")


@require_http_methods(["GET"])
@permission(is_coordinator)
def export(request: HttpRequest) -> HttpResponse:
    teams = _teams(request)
    form = ExportForm(data=request.GET or None, teams=teams)
    if not form.is_valid():
        return _index(request, teams, export_form=form)
    kind, team, fmt = form.cleaned_data["kind"], form.chosen_team(), form.cleaned_data["format"]
    if exports.is_large(kind=kind, team=team, user=request.user):
        # Too many records for a request: a worker writes the file, its page offers it.
        job = exports.start_export(user=request.user, team=team, kind=kind, fmt=fmt)
        return redirect("jobs:detail", pk=job.pk)
    return _download(export_file(kind=kind, team=team, fmt=fmt, user=request.user, request=request))
