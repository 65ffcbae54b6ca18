"""Funders' pages: the dashboard, the published bilans; the coordinator's publishing and API keys.

Every figure goes through `figure_rights(request.user)`; every published bilan through
`PublishedBilan.objects.within(figure_rights(user))`, the same rights.
"""

import json

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from emps.accounts.journal import log_account_action
from emps.enums import Role
from emps.journal import Action, log_access
from emps.models import User
from emps.permissions import (
    account_teams,
    can_manage_account,
    can_view_dashboard,
    is_coordinator,
    is_signed_in,
    permission,
    teams_of_accounts,
)
from emps.rounding import FUNDERS_BASE, FUNDERS_ROUNDING
from reports import charts
from reports.dashboards.api import api_token_create, api_token_revoke_all
from reports.dashboards.builders import build_dashboard
from reports.dashboards.comparison import compare_for_funders
from reports.dashboards.forms import DashboardForm, PublishForm
from reports.dashboards.masking import mask_for_funders, masking_summary, threshold_setting
from reports.dashboards.publishing import (
    bilan_for_publication,
    next_version,
    publication_warnings,
)
from reports.dashboards.scope import figure_rights
from reports.dashboards.tasks import start_publication
from reports.document import period_label
from reports.exports import FORMATS
from reports.forms import BilanForm
from reports.models import ApiToken, PublishedBilan
from reports.rules import COUNTING_RULES

LEVEL_COLOURS = {"paei": "#1d4f91", "asep": "#4f7cc0", "accroche": "#a9c1e6", "": "#cbd5e1"}
QPV_COLOURS = ("#1d4f91", "#e4572e", "#cbd5e1")


# Beyond this many teams, the page's title counts them and lists them below (a département's funder
# would otherwise read fifty team names as the title).
TITLE_TEAMS = 3


def _scope_label(scope) -> str:
    if len(scope.teams) > TITLE_TEAMS:
        n = len(scope.teams)
        teams = ngettext("%(n)s équipe", "%(n)s équipes", n) % {"n": n}
    else:
        teams = ", ".join(team.name for team in scope.teams)
    if scope.communes is None:
        return teams
    communes = ", ".join(c.name for c in scope.communes)
    return _("%(teams)s · %(communes)s") % {"teams": teams, "communes": communes}


def _scope_teams(scope) -> str:
    """The teams' names when the title only counts them; empty otherwise."""
    return ", ".join(team.name for team in scope.teams) if len(scope.teams) > TITLE_TEAMS else ""


def _charts(dashboard) -> dict:
    public, qpv = dashboard.public, dashboard.qpv
    level_parts = [
        (row.label, row.count, row.percent, LEVEL_COLOURS.get(row.key, "#cbd5e1")) for row in dashboard.levels.rows
    ]
    qpv_parts = [
        (_("En QPV"), qpv.in_qpv, qpv.in_qpv_percent, QPV_COLOURS[0]),
        (_("Hors QPV"), qpv.outside_qpv, qpv.outside_qpv_percent, QPV_COLOURS[1]),
        (_("Non renseigné"), qpv.unknown, qpv.unknown_percent, QPV_COLOURS[2]),
    ]
    return {
        "trend": charts.trend_chart(dashboard.monthly),
        "trend_wide": charts.trend_chart(dashboard.monthly, width=charts.WIDE),
        "levels": charts.share_bar(level_parts, title=_("Niveau d'accompagnement"), css_class="dash-chart-share")
        if public.total
        else "",
        "qpv": charts.share_bar(qpv_parts, title=_("Public résidant en QPV"), css_class="dash-chart-share"),
        "pyramid": charts.age_pyramid(dashboard.age_sex),
        "domains": charts.domains_chart(dashboard.domains),
        "presence": charts.presence_chart(dashboard.presence_months),
        "actions": charts.actions_chart(dashboard.activity),
        "funnel": charts.funnel_chart(dashboard.funnel),
    }


def _dashboard_context(request: HttpRequest) -> dict:
    rights = figure_rights(request.user)
    published = PublishedBilan.objects.within(rights).select_related("team", "commune")
    context = {
        "rights": rights,
        "threshold": threshold_setting(),
        "published": list(published.defer("figures", "texts", "html", "pdf", "xlsx")[:5]),
        "published_count": published.count(),
        "rules": [*COUNTING_RULES, (FUNDERS_ROUNDING.title, FUNDERS_ROUNDING.text)],
        "can_manage": is_coordinator(request.user),
    }
    if rights.is_empty:
        return {**context, "form": None, "dashboard": None}
    form = DashboardForm(data=request.GET, rights=rights, today=timezone.localdate())
    context["form"] = form
    if not form.is_valid():
        return {**context, "dashboard": None}
    raw = build_dashboard(scope=form.scope, start=form.start, end=form.end, with_partners=False)
    dashboard = mask_for_funders(raw)
    return {
        **context,
        "dashboard": dashboard,
        "comparison": compare_for_funders(scope=form.scope, dashboard=dashboard),
        "charts": _charts(dashboard),
        "period": period_label(form.start, form.end),
        "scope_label": _scope_label(form.scope),
        "scope_teams": _scope_teams(form.scope),
        "several_communes": len(dashboard.activity_by_commune) > 1,
        "actions_total": dashboard.activity.collective_actions
        + dashboard.activity.dsl_initiated
        + dashboard.activity.dsl_joined
        + dashboard.activity.work_projects,
        "rounding_base": FUNDERS_BASE,
        "query": form.query(),
        "today": timezone.localdate(),
    }


@require_GET
@permission(can_view_dashboard)
def dashboard(request: HttpRequest) -> HttpResponse:
    """The dashboard of a funder (or, for a coordinator, what the funders of the team see)."""
    return render(request, "reports/dashboard.html", _dashboard_context(request))


def funder_home(request: HttpRequest) -> HttpResponse:
    """A funder's landing page after log-in: their dashboard for this year, and their published bilans."""
    return render(request, "emps/funder_home.html", _dashboard_context(request))


@require_GET
@permission(is_signed_in)
def published_list(request: HttpRequest) -> HttpResponse:
    """Every published version of the bilans within the user's rights, the newest period first."""
    published = list(
        PublishedBilan.objects.within(figure_rights(request.user))
        .select_related("team", "commune")
        .defer("figures", "texts", "html", "pdf", "xlsx")
    )
    bilans: dict = {}
    for pub in published:
        key = (pub.team_id, pub.commune_id, pub.start, pub.end)
        bilans.setdefault(key, []).append(pub)
    groups = [
        {"latest": max(versions, key=lambda p: p.version), "versions": sorted(versions, key=lambda p: -p.version)}
        for versions in bilans.values()
    ]
    return render(
        request, "reports/published_list.html", {"groups": groups, "can_manage": is_coordinator(request.user)}
    )


def _visible_publication(request: HttpRequest, pk: int) -> PublishedBilan:
    return get_object_or_404(
        PublishedBilan.objects.within(figure_rights(request.user)).select_related("team", "commune"), pk=pk
    )


@require_GET
@permission(is_signed_in)
def published_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """One published version, as it was frozen."""
    pub = _visible_publication(request, pk)
    versions = list(
        PublishedBilan.objects.within(figure_rights(request.user))
        .of_bilan(team=pub.team, commune=pub.commune, start=pub.start, end=pub.end)
        .only("pk", "version", "published_at")
        .order_by("-version")
    )
    log_access(request=request, action=Action.VIEW, obj=pub, detail=f"bilan publié v{pub.version}")
    context = {"pub": pub, "document": mark_safe(pub.html), "versions": versions}  # noqa: S308 (rendered by us)
    return render(request, "reports/published_detail.html", context)


@require_GET
@permission(is_signed_in)
def published_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    """The frozen PDF, workbook or figures (JSON) of a published version."""
    pub = _visible_publication(request, pk)
    if fmt == "pdf":
        content = bytes(pub.pdf)
    elif fmt == "xlsx":
        content = bytes(pub.xlsx)
    elif fmt == "json":
        content = json.dumps(pub.figures, ensure_ascii=False, indent=2).encode()
    else:
        raise Http404
    log_access(request=request, action=Action.EXPORT, obj=pub, detail=f"bilan publié v{pub.version} {fmt}")
    response = HttpResponse(content, content_type=FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{pub.filename_stem}-v{pub.version}.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
@permission(is_coordinator)
def publish(request: HttpRequest) -> HttpResponse:
    """The coordinator publishes the bilan of a period and a scope (from the bilan page): the small
    cells are listed first, the choice of showing or masking them is made, then the version is frozen."""
    scope_form = BilanForm(data=request.GET or None, user=request.user)
    if not scope_form.is_valid():
        return render(request, "reports/published_confirm.html", {"scope_form": scope_form, "form": None}, status=400)
    data = scope_form.cleaned_data
    team, commune, start, end = data["team"], data.get("commune"), data["start"], data["end"]
    form = PublishForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The PDF and the workbook are rendered by a worker; the job's page follows it, then links the version.
        job = start_publication(
            user=request.user,
            team=team,
            commune=commune,
            start=start,
            end=end,
            small_cells=form.cleaned_data["small_cells"],
            compare=data.get("compare", False),
        )
        return redirect("jobs:detail", pk=job.pk)
    bilan, narrative = bilan_for_publication(
        team=team, commune=commune, start=start, end=end, compare=data.get("compare", False)
    )
    hidden_small, hidden_other = masking_summary(bilan)
    previous = list(
        PublishedBilan.objects.of_bilan(team=team, commune=commune, start=start, end=end)
        .only("pk", "version", "published_at", "small_cells")
        .order_by("-version")
    )
    context = {
        "scope_form": scope_form,
        "form": form,
        "team": team,
        "commune": commune,
        "period": period_label(start, end),
        "query": scope_form.query_string(),
        "bilan": bilan,
        "narrative": narrative,
        "small_cells": publication_warnings(bilan),
        "hidden_other": hidden_other,
        "hidden_small": hidden_small,
        "threshold": threshold_setting(),
        "previous": previous,
        "next_version": next_version(team=team, commune=commune, start=start, end=end),
    }
    return render(request, "reports/published_confirm.html", context)


def _managed_funders(user):
    """Funders' accounts whose rights touch the coordinator's teams (all of them for a superuser)."""
    funders = User.objects.filter(role=Role.FUNDER, is_active=True)
    if user.is_superuser:
        return funders.order_by("username")
    teams = user.teams.values("pk")
    return (
        funders.filter(Q(teams__in=teams) | Q(communes__teams__in=teams)).distinct().order_by("last_name", "username")
    )


@require_http_methods(["GET", "POST"])
@permission(is_coordinator)
def api_tokens(request: HttpRequest) -> HttpResponse:
    """Coordinators create and revoke the API keys of the funders of their teams; a key is shown once."""
    funders = list(_managed_funders(request.user).prefetch_related("teams", "communes"))
    new_key = None
    if request.method == "POST":
        funder = next((f for f in funders if str(f.pk) == request.POST.get("user")), None)
        if funder is None:
            raise Http404
        teams = account_teams(funder)
        if not can_manage_account(request.user, funder, teams):
            raise PermissionDenied(
                _(
                    "Ce financeur suit aussi une autre équipe : seuls les coordinateurs de toutes ses équipes ou "
                    "un administrateur gèrent sa clé."
                )
            )
        if request.POST.get("action") == "revoke":
            api_token_revoke_all(user=funder)
            log_account_action(
                request=request, action=Action.DELETE, account=funder, teams=teams, detail="clé d'API révoquée"
            )
            messages.success(request, _("La clé de %(user)s est révoquée.") % {"user": funder.get_username()})
            return redirect("funders:api_tokens")
        token, key = api_token_create(user=funder, by=request.user)
        log_account_action(
            request=request,
            action=Action.CREATE,
            account=funder,
            teams=teams,
            obj=token,
            object_type="apitoken",
            detail="clé d'API créée",
        )
        new_key = {"user": funder, "key": key}
    active = {
        t.user_id: t for t in ApiToken.objects.active().filter(user__in=[f.pk for f in funders]).order_by("created_at")
    }
    own = set(request.user.teams.values_list("pk", flat=True))
    teams = teams_of_accounts(funders)
    rows = []
    for f in funders:
        manageable = can_manage_account(request.user, f, teams[f.pk], own=own)
        rows.append({"user": f, "token": active.get(f.pk), "manageable": manageable})
    return render(
        request,
        "reports/dashboard_tokens.html",
        {"rows": rows, "new_key": new_key, "api_url": request.build_absolute_uri(reverse("funders:api"))},
    )
