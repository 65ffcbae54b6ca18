import datetime

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from actions.enums import ActionStatus
from actions.models import CollectiveAction
from emps.journal import Action, log_access
from emps.locking import StaleEdit
from emps.models import BackgroundJob, Team
from emps.permissions import can_request_teams_bilan, is_coordinator, is_staff_member, permission
from reports.builders import build_bilan
from reports.document import BilanDocument, bilan_document, period_label
from reports.exports import FORMATS, render_export
from reports.forms import (
    BilanForm,
    BilanNarrativeForm,
    FinancialPartnerFormSet,
    FundingTargetsForm,
    PerspectiveForm,
    TeamsBilanForm,
    TeamSettingsForm,
    staff_formset,
)
from reports.models import BilanLogo, BilanNarrative, FinancialPartner, FundingTarget
from reports.services import funding_targets_set, perspective_create, staff_save, team_settings_update
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
    bilan = build_bilan(scope=form.scope, start=data["start"], end=data["end"], compare=data.get("compare", False))
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
        if form.cleaned_data.get("compare"):
            params["compare"] = "1"
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


@require_GET
@permission(is_coordinator)
def team_settings_home(request: HttpRequest) -> HttpResponse:
    """The menu's entry: the settings of the coordinator's team (the first by name when several)."""
    team = Team.objects.visible_to(request.user).order_by("name").first()
    if team is None:
        raise Http404
    return redirect("reports:team_settings", pk=team.pk)


@require_http_methods(["GET", "POST"])
@permission(is_coordinator)
def team_settings(request: HttpRequest, pk: int) -> HttpResponse:
    """The coordinator sets what the bilan's first page prints: names, financial partners, logos."""
    team = get_object_or_404(Team.objects.visible_to(request.user), pk=pk)
    data = request.POST or None
    files = request.FILES or None
    team_form = TeamSettingsForm(data=data, files=files, instance=team, prefix="team")
    partners = FinancialPartner.objects.filter(team=team).select_related("logo").order_by("order", "pk")
    partner_formset = FinancialPartnerFormSet(
        data=data, files=files, instance=team, queryset=partners, prefix="partners"
    )
    if request.method == "POST" and team_form.is_valid() and partner_formset.is_valid():
        try:
            changed = team_settings_update(
                team_form=team_form, partner_formset=partner_formset, by=request.user, request=request
            )
        except IntegrityError:
            team_form.add_error(
                None, _("Ces réglages n'ont pas pu être enregistrés : un nom figure deux fois. Rien n'a été modifié.")
            )
        else:
            if changed:
                messages.success(request, _("Réglages du bilan enregistrés."))
            else:
                messages.info(request, _("Aucun changement à enregistrer."))
            return redirect("reports:team_settings", pk=team.pk)
    association_logo = BilanLogo.objects.filter(team=team, financial_partner__isnull=True).defer("png").first()
    rows = [
        {"form": form, "logo": getattr(form.instance, "logo", None) if form.instance.pk else None}
        for form in partner_formset.forms
    ]
    context = {
        "team": team,
        "team_form": team_form,
        "partner_formset": partner_formset,
        "partner_rows": rows,
        "association_logo": association_logo,
        "other_teams": Team.objects.visible_to(request.user).exclude(pk=team.pk).order_by("name"),
        "year": timezone.localdate().year,
    }
    return render(request, "reports/team_settings.html", context)


@require_GET
@permission(is_staff_member)
def logo(request: HttpRequest, pk: int) -> HttpResponse:
    """One logo of a team's bilan, for the staff of that team only (never a public media URL)."""
    found = get_object_or_404(BilanLogo.objects.visible_to(request.user).only("png"), pk=pk)
    response = HttpResponse(bytes(found.png), content_type="image/png")
    response["Content-Disposition"] = "inline"
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_http_methods(["GET", "POST"])
@permission(is_coordinator)
def targets_edit(request: HttpRequest) -> HttpResponse:
    """Coordinators enter the yearly targets of their team's funding agreement; the bilan shows them."""
    initial_team = Team.objects.visible_to(request.user).order_by("name").first()
    if initial_team is None:
        return render(request, "reports/targets_form.html", {"form": None}, status=404)
    params = {
        "team": request.GET.get("team", initial_team.pk),
        "year": request.GET.get("year", timezone.localdate().year),
    }
    chooser = FundingTargetsForm(data=params, user=request.user)
    if not chooser.is_valid() and ("team" in chooser.errors or "year" in chooser.errors):
        return render(request, "reports/targets_form.html", {"form": chooser, "chooser_only": True}, status=400)
    team, year = chooser.cleaned_data["team"], chooser.cleaned_data["year"]
    stored = dict(
        FundingTarget.objects.visible_to(request.user).filter(team=team, year=year).values_list("kind", "value")
    )
    if request.method == "POST":
        form = FundingTargetsForm(data=request.POST, user=request.user)
        if form.is_valid():
            funding_targets_set(
                team=form.cleaned_data["team"], year=form.cleaned_data["year"], targets=form.targets(), by=request.user
            )
            messages.success(request, _("Objectifs de la convention enregistrés."))
            query = urlencode({"team": form.cleaned_data["team"].pk, "year": form.cleaned_data["year"]})
            return redirect(reverse("reports:targets_edit") + "?" + query)
    else:
        form = FundingTargetsForm(initial={"team": team, "year": year, **stored}, user=request.user)
    bilan_query = urlencode({"team": team.pk, "start": f"{year}-01-01", "end": f"{year}-12-31", "compare": "1"})
    return render(
        request, "reports/targets_form.html", {"form": form, "team": team, "year": year, "bilan_query": bilan_query}
    )


@require_http_methods(["GET", "POST"])
@permission(is_coordinator)
def perspectives_edit(request: HttpRequest) -> HttpResponse:
    """Coordinators enter the bilan's perspectives as planned actions (title, quartier, month, partners)."""
    scope_form = BilanForm(data=request.GET or None, user=request.user)
    if not scope_form.is_valid():
        return _page(request, scope_form, status=400)
    data = scope_form.cleaned_data
    team, end = data["team"], data["end"]
    announced = CollectiveAction.objects.visible_to(request.user).filter(team=team, announced_on=end)
    form = PerspectiveForm(data=None, team=team, end=end)
    if request.method == "POST" and "remove" in request.POST:
        action = get_object_or_404(announced.filter(status=ActionStatus.PLANNED), pk=request.POST.get("remove"))
        action.delete()
        messages.success(request, _("Perspective retirée."))
        return redirect(reverse("reports:perspectives_edit") + "?" + scope_form.query_string())
    if request.method == "POST":
        form = PerspectiveForm(data=request.POST, team=team, end=end)
        if form.is_valid():
            commune, quartier = form.cleaned_data["sector"]
            perspective_create(
                team=team,
                end=end,
                title=form.cleaned_data["title"],
                kind=form.cleaned_data["kind"],
                theme=form.cleaned_data["theme"],
                commune=commune,
                quartier=quartier,
                month=form.cleaned_data["month"],
                partners=form.cleaned_data["partners"],
                by=request.user,
            )
            messages.success(request, _("Perspective ajoutée."))
            return redirect(reverse("reports:perspectives_edit") + "?" + scope_form.query_string())
    context = {
        "form": form,
        "scope_form": scope_form,
        "query": scope_form.query_string(),
        "period": period_label(data["start"], end),
        "announced": list(
            announced.select_related("commune", "quartier").prefetch_related("partners").order_by("date")
        ),
    }
    return render(request, "reports/perspectives_form.html", context)


@require_http_methods(["GET", "POST"])
@permission(is_coordinator)
def means_edit(request: HttpRequest) -> HttpResponse:
    """Coordinators keep their team's posts: who, which job, the FTE, arrival and departure, referent of."""
    teams = Team.objects.visible_to(request.user).order_by("name")
    team = get_object_or_404(teams, pk=request.GET.get("team")) if request.GET.get("team") else teams.first()
    if team is None:
        raise Http404
    formset = staff_formset(team, data=request.POST if request.method == "POST" else None)
    if request.method == "POST" and formset.is_valid():
        staff_save(team=team, formset=formset)
        messages.success(request, _("Moyens de l'équipe enregistrés."))
        return redirect(reverse("reports:means_edit") + "?" + urlencode({"team": team.pk}))
    return render(request, "reports/means_form.html", {"formset": formset, "team": team, "teams": teams})


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
