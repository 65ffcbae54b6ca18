import datetime

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from emps.journal import Action, log_access
from emps.locking import StaleEdit
from emps.models import BackgroundJob, Team
from emps.permissions import can_request_teams_bilan, is_coordinator, is_staff_member, permission
from reports.builders import build_bilan
from reports.document import BilanDocument, bilan_document, period_label
from reports.exports import FORMATS, render_export
from reports.forms import BilanForm, BilanNarrativeForm, TeamsBilanForm
from reports.models import BilanNarrative
from reports.tasks import KIND as TEAMS_BILAN
from reports.tasks import start_teams_bilan


def _default_params(user) -> dict | None:
    """The bilan a user lands on: the one whose texts were edited last, else the current year."""
    latest = BilanNarrative.objects.visible_to(user).order_by("-updated_at").first()
    if latest is not None:
        params = {"team": latest.team_id, "start": latest.start, "end": latest.end}
        if latest.commune_id:
            params["commune"] = latest.commune_id
        return params
    team = Team.objects.visible_to(user).order_by("name").first()
    if team is None:
        return None
    year = timezone.localdate().year
    return {"team": team.pk, "start": datetime.date(year, 1, 1), "end": datetime.date(year, 12, 31)}


def _narrative(form: BilanForm, user) -> BilanNarrative | None:
    data = form.cleaned_data
    return (
        BilanNarrative.objects.visible_to(user)
        .for_bilan(team=data["team"], commune=data.get("commune"), start=data["start"], end=data["end"])
        .first()
    )


def _document(form: BilanForm, user) -> BilanDocument:
    data = form.cleaned_data
    bilan = build_bilan(scope=form.scope, start=data["start"], end=data["end"])
    return bilan_document(bilan, _narrative(form, user))


def _year_links(form: BilanForm) -> list[tuple[str, str]]:
    """Shortcuts to the last four calendar years for the chosen team and commune."""
    team = form.cleaned_data.get("team") if form.is_bound and hasattr(form, "cleaned_data") else None
    if team is None:
        return []
    commune = form.cleaned_data.get("commune")
    year = timezone.localdate().year
    links = []
    for y in range(year, year - 4, -1):
        params = {"team": team.pk, "start": f"{y}-01-01", "end": f"{y}-12-31"}
        if commune:
            params["commune"] = commune.pk
        links.append((str(y), urlencode(params)))
    return links


def _page(request: HttpRequest, form: BilanForm | None, document=None, status=200) -> HttpResponse:
    context = {
        "form": form,
        "doc": document,
        "mode": "page",
        "can_manage": is_coordinator(request.user),
        "can_request_teams": can_request_teams_bilan(request.user),
        "query": form.query_string() if document is not None else "",
        "years": _year_links(form) if form is not None else [],
    }
    return render(request, "reports/bilan.html", context, status=status)


@require_GET
@permission(is_staff_member)
def bilan(request: HttpRequest) -> HttpResponse:
    """The bilan page: pick a period and a scope, read every table. Educators read, coordinators manage."""
    data = request.GET or _default_params(request.user)
    if data is None:
        return _page(request, None)
    form = BilanForm(data=data, user=request.user)
    if not form.is_valid():
        return _page(request, form)
    return _page(request, form, _document(form, request.user))


def _download(request: HttpRequest, fmt: str) -> HttpResponse:
    form = BilanForm(data=request.GET or None, user=request.user)
    if not form.is_valid():
        return _page(request, form, status=400)
    document = _document(form, request.user)
    content = render_export(document, fmt)
    data = form.cleaned_data
    log_access(
        request=request,
        action=Action.EXPORT,
        object_type="bilan",
        team=data["team"],
        detail=f"{fmt} {data['start']:%Y-%m-%d} {data['end']:%Y-%m-%d} {data['commune'] or ''}".strip(),
    )
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{document.filename_stem}.{fmt}"'
    return response


@require_GET
@permission(is_coordinator)
def bilan_pdf(request: HttpRequest) -> HttpResponse:
    """The bilan as an A4 PDF (coordinators)."""
    return _download(request, "pdf")


@require_GET
@permission(is_coordinator)
def bilan_xlsx(request: HttpRequest) -> HttpResponse:
    """The bilan as an XLSX workbook, one sheet per table (coordinators)."""
    return _download(request, "xlsx")


@require_http_methods(["GET", "POST"])
@permission(is_coordinator)
def narrative_edit(request: HttpRequest) -> HttpResponse:
    """Coordinators write the texts of one bilan (team or commune, period)."""
    scope_form = BilanForm(data=request.GET or None, user=request.user)
    if not scope_form.is_valid():
        return _page(request, scope_form, status=400)
    data = scope_form.cleaned_data
    narrative = _narrative(scope_form, request.user) or BilanNarrative(
        team=data["team"], commune=data.get("commune"), start=data["start"], end=data["end"]
    )
    form = BilanNarrativeForm(data=request.POST or None, instance=narrative)
    if request.method == "POST" and form.is_valid():
        form.instance.updated_by = request.user
        try:
            with transaction.atomic():
                form.save()
        except StaleEdit:
            pass
        except IntegrityError:
            form.add_error(None, _("Quelqu'un d'autre vient d'enregistrer les textes de ce bilan : rechargez la page."))
        else:
            messages.success(request, _("Textes du bilan enregistrés."))
            return redirect(reverse("reports:bilan") + "?" + scope_form.query_string())
    context = {
        "form": form,
        "scope_form": scope_form,
        "query": scope_form.query_string(),
        "period": period_label(data["start"], data["end"]),
        "narrative": narrative,
    }
    return render(request, "reports/narrative_form.html", context)


@require_http_methods(["GET", "POST"])
@permission(can_request_teams_bilan)
def teams_bilan(request: HttpRequest) -> HttpResponse:
    """The bilan PDF of several teams, asked for here and rendered by a worker (the job's page follows it)."""
    year = timezone.localdate().year - 1
    initial = {"start": datetime.date(year, 1, 1), "end": datetime.date(year, 12, 31)}
    form = TeamsBilanForm(data=request.POST or None, initial=initial, user=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        job = start_teams_bilan(user=request.user, teams=list(data["teams"]), start=data["start"], end=data["end"])
        return redirect("jobs:detail", pk=job.pk)
    recent = list(BackgroundJob.objects.of_user(request.user).filter(kind=TEAMS_BILAN)[:5])
    return render(request, "reports/teams_bilan.html", {"form": form, "recent": recent})
