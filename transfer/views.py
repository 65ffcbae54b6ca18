"""The coordinator's import and export pages: upload, preview, confirm; templates; exports."""

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from emps.models import Team
from emps.permissions import is_coordinator, permission
from transfer import pending
from transfer.forms import ExportForm, ImportForm
from transfer.resources import KINDS
from transfer.services import FORMATS, ExportFile, export_file, import_file, template_file

DONE_SESSION_KEY = "transfer_done"
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
    }
    return render(request, "transfer/index.html", context, status=status)


@require_GET
@permission(is_coordinator)
def index(request: HttpRequest) -> HttpResponse:
    teams = _teams(request)
    pending.sweep()
    return _index(request, teams)


@require_POST
@permission(is_coordinator)
def preview(request: HttpRequest) -> HttpResponse:
    """Run the whole import as a dry run and show what it would do, and every error."""
    teams = _teams(request)
    pending.sweep()
    form = ImportForm(data=request.POST, files=request.FILES, teams=teams)
    if not form.is_valid():
        return _index(request, teams, import_form=form)
    kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
    team, create_partners = form.chosen_team(), form.cleaned_data["create_partners"]
    data = upload.read()
    report = import_file(
        kind=kind,
        data=data,
        filename=upload.name,
        team=team,
        teams=teams,
        user=request.user,
        dry_run=True,
        create_partners=create_partners,
        may_create_teams=request.user.is_superuser,
    )
    token = None
    if report.ok:
        token = pending.save(
            request,
            data=data,
            kind=kind,
            team_id=team.pk if team else None,
            create_partners=create_partners,
            filename=upload.name,
        )
    context = {"report": report, "token": token, "team": team, "kind": kind_info(KINDS[kind])}
    return render(request, "transfer/preview.html", context)


@require_POST
@permission(is_coordinator)
def confirm(request: HttpRequest) -> HttpResponse:
    """Import the previewed file for real, in one transaction."""
    teams = _teams(request)
    try:
        upload = pending.load(request, request.POST.get("token", ""))
    except pending.PendingExpired:
        messages.error(request, _("Cet aperçu a expiré ou a déjà été importé : déposez le fichier à nouveau."))
        return redirect("transfer:index")
    team = next((t for t in teams if t.pk == upload.team_id), None)
    if upload.team_id is not None and team is None:
        pending.discard(request)
        raise Http404
    report = import_file(
        kind=upload.kind,
        data=upload.data,
        filename=upload.filename,
        team=team,
        teams=teams,
        user=request.user,
        create_partners=upload.create_partners,
        may_create_teams=request.user.is_superuser,
        request=request,
    )
    pending.discard(request)
    if not report.ok:
        # The data changed since the preview (a partner deleted, a youth added…): nothing was written.
        context = {"report": report, "token": None, "team": team, "kind": kind_info(KINDS[upload.kind])}
        return render(request, "transfer/preview.html", context)
    request.session[DONE_SESSION_KEY] = report.summary() | {"team": team.name if team else ""}
    return redirect("transfer:done")


@require_POST
@permission(is_coordinator)
def cancel(request: HttpRequest) -> HttpResponse:
    pending.discard(request)
    messages.info(request, _("Import annulé : le fichier déposé a été supprimé, rien n'a été importé."))
    return redirect("transfer:index")


@require_GET
@permission(is_coordinator)
def done(request: HttpRequest) -> HttpResponse:
    summary = request.session.get(DONE_SESSION_KEY)
    if summary is None:
        return redirect("transfer:index")
    return render(request, "transfer/done.html", {"summary": summary})


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
    exported = export_file(
        kind=form.cleaned_data["kind"],
        team=form.chosen_team(),
        fmt=form.cleaned_data["format"],
        user=request.user,
        request=request,
    )
    return _download(exported)
