"""The youth screens: list and search, quick creation, the youth file and its level and situation changes."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Max, Value
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from emps import outbox
from emps.forms import last_sector, remember_sector, safe_next
from emps.journal import EDIT_PAGE, Action, log_access
from emps.locking import StaleEdit
from emps.offline import offline_shell
from emps.permissions import is_staff_member, permission
from youths import services
from youths.enums import Level
from youths.filters import YouthFilter
from youths.forms import ChangeLevelForm, CloseSupportForm, SituationForm, YouthCreateForm, YouthForm
from youths.models import Youth
from youths.rules import age_on

PAGE_SIZE = 25
TIMELINE_PAGE_SIZE = 30


def _visible_youth(request: HttpRequest, pk: int) -> Youth:
    return get_object_or_404(
        Youth.objects.visible_to(request.user).select_related("team", "commune", "quartier"), pk=pk
    )


@permission(is_staff_member)
def youth_list(request: HttpRequest) -> HttpResponse:
    data = request.GET.copy()
    data.setdefault("status", "actifs")
    youths = (
        Youth.objects.visible_to(request.user)
        .with_current_level()
        .with_last_contact()
        .select_related("commune", "quartier", "referent")
    )
    youth_filter = YouthFilter(data=data, queryset=youths, user=request.user)
    filtered = youth_filter.qs if youth_filter.is_valid() else youths.none()
    ordering = filtered.query.order_by or Youth._meta.ordering
    page = Paginator(filtered.order_by(*ordering, "pk"), PAGE_SIZE).get_page(request.GET.get("page"))
    log_access(request=request, action=Action.LIST, object_type="youth", detail="liste des jeunes")
    is_filtered = any(data.get(name) for name in ("q", "commune", "quartier", "level", "referent", "contact")) or (
        data.get("status") != "actifs"
    )
    return render(
        request,
        "youths/list.html",
        {
            "filter": youth_filter,
            "page": page,
            "youths": list(page.object_list),
            "is_filtered": is_filtered,
            "ordering": data.get("o", ""),
            "today": timezone.localdate(),
        },
    )


@permission(is_staff_member)
@offline_shell
def youth_create(request: HttpRequest) -> HttpResponse:
    next_url = request.POST.get("next") or request.GET.get("next", "")
    key = outbox.client_key(request)
    if request.method == "POST" and (youth := _recorded_youth(request, key)):
        return outbox.replayed(request, youth, url=_created_target(request, youth, next_url))
    initial = {}
    if request.method == "GET" and request.GET.get("prenom"):
        initial["first_name"] = request.GET["prenom"][:60]
    form = YouthCreateForm(
        data=request.POST or None,
        user=request.user,
        initial=initial,
        initial_sector=last_sector(request),
    )
    if request.method == "POST" and form.is_valid():
        youth = form.save(commit=False)
        youth.client_key = key

        def create():
            created = services.youth_create(
                youth=youth,
                level=form.cleaned_data["level"],
                situation=form.cleaned_data.get("situation"),
                by=request.user,
            )
            log_access(request=request, action=Action.CREATE, obj=created)
            return created

        try:
            youth, fresh = outbox.record_once(key=key, existing=lambda: _recorded_youth(request, key), create=create)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            target = _created_target(request, youth, next_url)
            if not fresh:
                return outbox.replayed(request, youth, url=target)
            remember_sector(request, youth)
            if not outbox.sent_later(request):
                if form.cleaned_data["level"] == Level.ACCROCHE:
                    created = _("%(youth)s est enregistré·e, en accroche depuis le %(date)s.")
                else:
                    created = _("%(youth)s est enregistré·e, en %(level)s depuis le %(date)s.")
                messages.success(
                    request,
                    created
                    % {
                        "youth": youth,
                        "level": Level.short_label(form.cleaned_data["level"]),
                        "date": youth.first_met_on.strftime("%d/%m/%Y"),
                    },
                )
            return outbox.created(request, youth, url=target)
    if request.method == "POST" and outbox.from_outbox(request):
        return outbox.refused(form)
    return render(request, "youths/create.html", {"form": form, "next": next_url})


def _recorded_youth(request: HttpRequest, key) -> Youth | None:
    """The user's youth recorded under an outbox key, if any."""
    return Youth.objects.visible_to(request.user).filter(client_key=key).first() if key else None


def _created_target(request: HttpRequest, youth: Youth, next_url: str) -> str:
    """Back where the user came from, with the new youth chosen; else the new file."""
    target = safe_next(request, next_url, youth.get_absolute_url())
    if target != youth.get_absolute_url():
        target += ("&" if "?" in target else "?") + f"jeune={youth.pk}"
    return target


def _timeline_page(request: HttpRequest, interventions, actions):
    """One page of the youth's interventions and collective actions, newest first.

    Only the dates and ids of the whole history are read; the records themselves are fetched for the
    page shown, so that a youth followed for years opens as fast as a new one.
    """
    keys = list(
        interventions.order_by()
        .values_list(Value("intervention"), "date", "pk")
        .union(actions.order_by().values_list(Value("action"), "date", "pk"), all=True)
    )
    keys.sort(key=lambda entry: (entry[1], entry[0] == "intervention", entry[2]), reverse=True)
    page = Paginator(keys, TIMELINE_PAGE_SIZE).get_page(request.GET.get("page"))
    wanted = {"intervention": [], "action": []}
    for kind, _date, pk in page.object_list:
        wanted[kind].append(pk)
    records = {
        "intervention": interventions.filter(pk__in=wanted["intervention"])
        .select_related("author")
        .prefetch_related("domains", "partners")
        .in_bulk(),
        "action": actions.filter(pk__in=wanted["action"])
        .select_related("quartier", "commune")
        .prefetch_related("partners")
        .in_bulk(),
    }
    timeline = [(kind, date, records[kind][pk]) for kind, date, pk in page.object_list]
    counts = {"intervention": 0, "action": 0}
    for kind, _date, _pk in keys:
        counts[kind] += 1
    return page, timeline, counts


def _partners_mobilised(interventions, actions) -> list[dict]:
    """The partners mobilised with the youth: how many times and when last (one grouped query)."""

    def grouped(through, owner, records, date):
        return (
            through.objects.filter(**{f"{owner}__in": records.values("pk")})
            .order_by()
            .values("partner_id", "partner__name")
            .annotate(times=Count("pk"), last=Max(date))
        )

    # An intervention's links carry its date (InterventionPartner): no join back to the interventions,
    # which would let PostgreSQL hash every intervention with every link.
    rows = grouped(interventions.model.partners.through, "intervention", interventions, "date").union(
        grouped(actions.model.partners.through, "collectiveaction", actions, "collectiveaction__date"), all=True
    )
    partners: dict = {}
    for row in rows:
        entry = partners.setdefault(row["partner_id"], {"name": row["partner__name"], "count": 0, "last": row["last"]})
        entry["count"] += row["times"]
        entry["last"] = max(entry["last"], row["last"])
    return sorted(partners.values(), key=lambda entry: (-entry["count"], entry["name"]))


@permission(is_staff_member)
def youth_detail(request: HttpRequest, pk: int) -> HttpResponse:
    youth = get_object_or_404(
        Youth.objects.visible_to(request.user)
        .with_current_level()
        .with_last_contact()
        .select_related("team", "commune", "quartier", "origin", "origin_partner", "referent"),
        pk=pk,
    )
    episodes = list(youth.episodes.select_related("end_reason", "created_by").order_by("-started_on", "-pk"))
    situations = list(youth.situations.select_related("situation").order_by("-started_on"))
    # The activity app's records, through the youth's reverse relations: youths imports nothing of actions.
    interventions = youth.interventions.visible_to(request.user)
    actions = youth.actions.visible_to(request.user)
    page, timeline, counts = _timeline_page(request, interventions, actions)
    partners = _partners_mobilised(interventions, actions)
    today = timezone.localdate()
    log_access(request=request, action=Action.VIEW, obj=youth)
    return render(
        request,
        "youths/detail.html",
        {
            "youth": youth,
            "age": age_on(youth.birth_year, youth.birth_month, today),
            "episodes": episodes,
            "current_episode": next((e for e in episodes if e.ended_on is None), None),
            "situations": situations,
            "current_situation": next((s for s in situations if s.started_on <= today), None),
            "page": page,
            "timeline": timeline,
            "intervention_count": counts["intervention"],
            "action_count": counts["action"],
            "partners": partners,
            "today": today,
        },
    )


def _refuse_anonymised(request: HttpRequest, youth: Youth) -> HttpResponse | None:
    """An anonymised record keeps statistical fields only, frozen: no screen writes to it again.

    Its identity must not be typed back, and a new level, situation or end of support would move
    the figures that anonymisation keeps (see privacy.services).
    """
    if not youth.is_anonymised:
        return None
    messages.error(request, _("Ce jeune a été anonymisé : sa fiche ne peut plus être modifiée."))
    return redirect(youth)


@permission(is_staff_member)
def youth_update(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _visible_youth(request, pk)
    if refused := _refuse_anonymised(request, youth):
        return refused
    form = YouthForm(data=request.POST or None, instance=youth, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleEdit:
            pass
        else:
            log_access(request=request, action=Action.UPDATE, obj=youth)
            messages.success(request, _("La fiche de %(youth)s est enregistrée.") % {"youth": youth})
            return redirect(youth)
    log_access(request=request, action=Action.VIEW, obj=youth, detail=EDIT_PAGE)
    return render(request, "youths/form.html", {"form": form, "youth": youth})


def _current_episode(youth):
    return youth.episodes.filter(ended_on__isnull=True).first()


@permission(is_staff_member)
def youth_change_level(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _visible_youth(request, pk)
    if refused := _refuse_anonymised(request, youth):
        return refused
    current = _current_episode(youth)
    form = ChangeLevelForm(data=request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            episode = services.youth_change_level(
                youth=youth,
                level=form.cleaned_data["level"],
                on=form.cleaned_data["on"],
                reason=form.cleaned_data.get("reason"),
                by=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            log_access(request=request, action=Action.UPDATE, obj=youth, detail="changement de niveau")
            messages.success(
                request,
                _("%(youth)s passe en %(level)s à partir du %(date)s.")
                % {
                    "youth": youth,
                    "level": Level.short_label(episode.level),
                    "date": episode.started_on.strftime("%d/%m/%Y"),
                },
            )
            return redirect(youth)
    return render(request, "youths/change_level.html", {"form": form, "youth": youth, "current": current})


@permission(is_staff_member)
def youth_close_support(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _visible_youth(request, pk)
    if refused := _refuse_anonymised(request, youth):
        return refused
    current = _current_episode(youth)
    if current is None:
        messages.info(request, _("Aucun accompagnement n'est en cours pour %(youth)s.") % {"youth": youth})
        return redirect(youth)
    form = CloseSupportForm(data=request.POST or None, current=current)
    if request.method == "POST" and form.is_valid():
        try:
            services.youth_close_support(youth=youth, on=form.cleaned_data["on"], reason=form.cleaned_data["reason"])
        except ValidationError as error:
            form.add_error(None, error)
        else:
            log_access(request=request, action=Action.UPDATE, obj=youth, detail="fin d'accompagnement")
            messages.success(request, _("L'accompagnement de %(youth)s est clos.") % {"youth": youth})
            return redirect(youth)
    return render(request, "youths/close_support.html", {"form": form, "youth": youth, "current": current})


@permission(is_staff_member)
def youth_add_situation(request: HttpRequest, pk: int) -> HttpResponse:
    youth = _visible_youth(request, pk)
    if refused := _refuse_anonymised(request, youth):
        return refused
    form = SituationForm(data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        if form.cleaned_data["on"] < youth.first_met_on:
            form.add_error(
                "on",
                _("La date précède la première rencontre (%(date)s).")
                % {"date": youth.first_met_on.strftime("%d/%m/%Y")},
            )
        else:
            services.youth_set_situation(
                youth=youth, situation=form.cleaned_data["situation"], on=form.cleaned_data["on"]
            )
            log_access(request=request, action=Action.UPDATE, obj=youth, detail="situation")
            messages.success(request, _("La situation de %(youth)s est enregistrée.") % {"youth": youth})
            return redirect(youth)
    return render(request, "youths/situation_form.html", {"form": form, "youth": youth})


@permission(is_staff_member)
@require_GET
def youth_search(request: HttpRequest) -> JsonResponse:
    """Autocomplete of the intervention and action forms: ten youths of the user's teams at most."""
    text = request.GET.get("q", "").replace("\x00", "").strip()[:60]
    if not text:
        return JsonResponse({"results": []})
    youths = (
        Youth.objects.visible_to(request.user)
        .filter(anonymised_at__isnull=True)
        .search(text)
        .with_current_level()
        .select_related("commune", "quartier")
        .order_by("-is_active", "first_name", "reference")[:10]
    )
    today = timezone.localdate()
    results = []
    youths = list(youths)
    if youths:
        # The answer names youths: a consultation of a list, as the youth list's.
        log_access(request=request, action=Action.LIST, object_type="youth", detail="recherche de jeunes")
    for youth in youths:
        details = []
        age = age_on(youth.birth_year, youth.birth_month, today)
        if age is not None:
            details.append(_("%(age)s ans") % {"age": age})
        details.append(youth.quartier.name if youth.quartier_id else youth.commune.name)
        if youth.current_level:
            details.append(str(Level.short_label(youth.current_level)))
        if not youth.is_active:
            details.append(_("suivi terminé"))
        results.append({"id": youth.pk, "label": str(youth), "detail": " · ".join(details)})
    return JsonResponse({"results": results, "create_url": reverse("youths:create")})
