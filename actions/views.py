"""Quick entries and lists of interventions, street-presence sessions, collective actions and temps partenariaux."""

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from actions import services
from actions.filters import ActionFilter, InterventionFilter, MeetingFilter, PresenceFilter
from actions.forms import (
    CollectiveActionForm,
    InterventionForm,
    InterventionQuickForm,
    PartnerMeetingForm,
    PresenceSessionForm,
)
from actions.models import CollectiveAction, Intervention, PartnerMeeting, PresenceSession
from emps import outbox
from emps.durations import format_duration
from emps.forms import last_sector, referer_path, remember_sector, safe_next
from emps.journal import EDIT_PAGE, Action, log_access
from emps.locking import StaleEdit
from emps.offline import is_offline_shell, offline_shell
from emps.permissions import can_edit_record, is_staff_member, permission

PAGE_SIZE = 25
DURATION_CHOICES = [("1 h", "1 h"), ("1 h 30", "1 h 30"), ("2 h", "2 h"), ("2 h 30", "2 h 30"), ("3 h", "3 h")]


def _next_url(request: HttpRequest) -> str:
    """Where the user came from: kept in the form so that saving returns there."""
    if request.method == "POST":
        return request.POST.get("next", "")
    if is_offline_shell(request):
        return ""  # the shell is opened from anywhere, without network
    return request.GET.get("next") or referer_path(request)


def _editable(request: HttpRequest, model, pk: int):
    """A record of the user's teams (else 404) that the user may edit (else 403)."""
    record = get_object_or_404(model.objects.visible_to(request.user), pk=pk)
    if not can_edit_record(request.user, record):
        raise PermissionDenied
    return record


def _paginate(request: HttpRequest, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


def _filtered(request: HttpRequest, filter_class, queryset):
    data = request.GET.copy()
    # A coordinator looks after the whole team's work; an educator first sees their own, and so does a
    # superuser, of no team, whose « whole team » would be every team's records.
    data.setdefault("qui", "equipe" if request.user.is_coordinator else "moi")
    activity_filter = filter_class(data=data, queryset=queryset, user=request.user)
    return activity_filter, (activity_filter.qs if activity_filter.is_valid() else queryset.none())


def _list(request: HttpRequest, queryset, *, filter_class, template: str, key: str) -> HttpResponse:
    """A filtered page of records (mine, or the team's for a coordinator, by default), materialised under `key`."""
    activity_filter, filtered = _filtered(request, filter_class, queryset)
    page = _paginate(request, filtered)
    return render(request, template, {"filter": activity_filter, "page": page, key: list(page.object_list)})


def _save_new(request: HttpRequest, form, *, message: Callable[[Any], str]) -> HttpResponse:
    """Save a valid creation form as the user's, journal it, remember its sector, go back where the user was.

    An entry of the outbox is recorded once per key (`emps.outbox`): a replay answers with the record.
    """
    key = outbox.client_key(request)
    form.instance.author = request.user
    form.instance.client_key = key

    def create():
        record = form.save()
        log_access(request=request, action=Action.CREATE, obj=record)
        return record

    record, fresh = outbox.record_once(
        key=key, existing=lambda: _recorded(request, form._meta.model, key), create=create
    )
    url = safe_next(request, _next_url(request), reverse("home"))
    if not fresh:
        return outbox.replayed(request, record, url=url)
    remember_sector(request, record)
    if not outbox.sent_later(request):
        messages.success(request, message(record))
    return outbox.created(request, record, url=url)


def _recorded(request: HttpRequest, model, key):
    """The user's record of an outbox key, if already recorded."""
    return model.objects.visible_to(request.user).filter(client_key=key).first() if key else None


def _replay(request: HttpRequest, model) -> HttpResponse | None:
    """Before validating a creation: the answer to an entry already recorded (it may no longer be valid,
    a list value removed meanwhile: it was when it was recorded)."""
    if request.method == "POST" and (record := _recorded(request, model, outbox.client_key(request))):
        return outbox.replayed(request, record, url=safe_next(request, _next_url(request), reverse("home")))
    return None


def _refused(request: HttpRequest, form) -> HttpResponse | None:
    """An invalid creation sent by the outbox: the errors in JSON, the entry stays in the outbox."""
    if request.method == "POST" and outbox.from_outbox(request):
        return outbox.refused(form)
    return None


def _save_edit(request: HttpRequest, form, record, *, message: str, default: str, team=None) -> HttpResponse | None:
    """On a valid POST, save the edit and go back where the user was.

    None on a GET, an invalid form or when another edit came first (the form then says so): the view
    shows the form again.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    try:
        with transaction.atomic():
            form.save()
    except StaleEdit:
        return None
    log_access(request=request, action=Action.UPDATE, obj=record, team=team)
    messages.success(request, message)
    return redirect(safe_next(request, _next_url(request), default))


# Interventions


@permission(is_staff_member)
@offline_shell
def intervention_create(request: HttpRequest) -> HttpResponse:
    if replay := _replay(request, Intervention):
        return replay
    # The offline shell never holds a youth (emps.offline).
    chosen = [] if is_offline_shell(request) else [v for v in request.GET.getlist("jeune") if v.isdigit()]
    initial = {"youths": chosen}
    form = InterventionQuickForm(
        data=request.POST or None, initial=initial, user=request.user, search_url=reverse("youths:search")
    )
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        youths = list(data["youths"])
        key = outbox.client_key(request)

        def create():
            created = services.intervention_record(
                youths=youths,
                date=data["date"],
                domains=data["domains"],
                kind=data["kind"],
                partners=data["partners"],
                note=data["note"],
                author=request.user,
                client_key=key,
            )
            for intervention in created:
                log_access(request=request, action=Action.CREATE, obj=intervention, team=intervention.youth.team)
            return created

        created, fresh = outbox.record_once(
            key=key, existing=lambda: _recorded(request, Intervention, key), create=create
        )
        url = safe_next(request, next_url, reverse("home"))
        if not fresh:
            return outbox.replayed(request, created, url=url)
        if not outbox.sent_later(request):
            messages.success(
                request,
                ngettext(
                    "Intervention enregistrée pour %(names)s.",
                    "%(count)s interventions enregistrées, une pour chaque jeune : %(names)s.",
                    len(created),
                )
                % {"count": len(created), "names": ", ".join(y.first_name for y in youths)},
            )
        return outbox.created(request, created[0], url=url)
    if refused := _refused(request, form):
        return refused
    return render(
        request,
        "actions/intervention_form.html",
        {"form": form, "next": next_url, "is_quick": True},
    )


@permission(is_staff_member)
def intervention_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        Intervention.objects.visible_to(request.user)
        .in_teams_of(request.user)  # the page's count reads the teams' index range, not every intervention
        .select_related("youth", "author")
        .prefetch_related("domains", "partners")
        .order_by("-date", "-pk")
    )
    log_access(request=request, action=Action.LIST, object_type="intervention", detail="liste des interventions")
    return _list(
        request,
        queryset,
        filter_class=InterventionFilter,
        template="actions/intervention_list.html",
        key="interventions",
    )


@permission(is_staff_member)
def intervention_update(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = _editable(request, Intervention, pk)
    form = InterventionForm(
        data=request.POST or None, instance=intervention, user=request.user, search_url=reverse("youths:search")
    )
    if saved := _save_edit(
        request,
        form,
        intervention,
        team=intervention.youth.team,
        message=_("L'intervention est enregistrée."),
        default=reverse("actions:intervention_list"),
    ):
        return saved
    # The page shows the youth's name: it is a consultation.
    log_access(request=request, action=Action.VIEW, obj=intervention, team=intervention.youth.team, detail=EDIT_PAGE)
    return render(
        request,
        "actions/intervention_form.html",
        {"form": form, "next": _next_url(request), "intervention": intervention, "is_quick": False},
    )


@permission(is_staff_member)
def intervention_delete(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = _editable(request, Intervention, pk)
    return _delete(
        request,
        intervention,
        team=intervention.youth.team,
        title=_("Supprimer l'intervention"),
        description=_("Intervention du %(date)s avec %(youth)s.")
        % {"date": intervention.date.strftime("%d/%m/%Y"), "youth": intervention.youth},
        default=reverse("actions:intervention_list"),
    )


def _delete(request, record, *, team, title, description, default):
    next_url = _next_url(request)
    if request.method == "POST":
        with transaction.atomic():
            log_access(request=request, action=Action.DELETE, obj=record, team=team)
            record.delete()
        messages.success(request, _("La saisie est supprimée."))
        return redirect(default)
    return render(
        request,
        "actions/confirm_delete.html",
        {"title": title, "description": description, "next": next_url, "cancel_url": next_url or default},
    )


# Street presence


@permission(is_staff_member)
@offline_shell
def presence_create(request: HttpRequest) -> HttpResponse:
    if replay := _replay(request, PresenceSession):
        return replay
    form = PresenceSessionForm(data=request.POST or None, user=request.user, initial_sector=last_sector(request))
    if request.method == "POST" and form.is_valid():
        return _save_new(
            request,
            form,
            message=lambda session: (
                _("Présence sociale du %(date)s enregistrée : %(duration)s.")
                % {"date": session.date.strftime("%d/%m/%Y"), "duration": format_duration(session.duration_minutes)}
            ),
        )
    if refused := _refused(request, form):
        return refused
    return render(
        request,
        "actions/presence_form.html",
        {
            "form": form,
            "next": _next_url(request),
            "duration_choices": DURATION_CHOICES,
        },
    )


@permission(is_staff_member)
def presence_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        PresenceSession.objects.visible_to(request.user)
        .select_related("commune", "quartier", "author")
        .prefetch_related("educators")
    )
    return _list(request, queryset, filter_class=PresenceFilter, template="actions/presence_list.html", key="sessions")


@permission(is_staff_member)
def presence_update(request: HttpRequest, pk: int) -> HttpResponse:
    session = _editable(request, PresenceSession, pk)
    form = PresenceSessionForm(data=request.POST or None, instance=session, user=request.user)
    if saved := _save_edit(
        request,
        form,
        session,
        message=_("La présence sociale est enregistrée."),
        default=reverse("actions:presence_list"),
    ):
        return saved
    return render(
        request,
        "actions/presence_form.html",
        {"form": form, "next": _next_url(request), "session": session, "duration_choices": DURATION_CHOICES},
    )


@permission(is_staff_member)
def presence_delete(request: HttpRequest, pk: int) -> HttpResponse:
    session = _editable(request, PresenceSession, pk)
    return _delete(
        request,
        session,
        team=session.team,
        title=_("Supprimer la présence sociale"),
        description=str(session),
        default=reverse("actions:presence_list"),
    )


# Collective actions


@permission(is_staff_member)
@offline_shell
def action_create(request: HttpRequest) -> HttpResponse:
    if replay := _replay(request, CollectiveAction):
        return replay
    chosen = [] if is_offline_shell(request) else [v for v in request.GET.getlist("jeune") if v.isdigit()]
    initial = {"participants": chosen, "date": timezone.localdate()}
    form = CollectiveActionForm(
        data=request.POST or None,
        initial=initial,
        user=request.user,
        search_url=reverse("youths:search"),
        initial_sector=last_sector(request),
    )
    if request.method == "POST" and form.is_valid():
        return _save_new(
            request,
            form,
            message=lambda action: (
                _("Action « %(title)s » du %(date)s enregistrée.")
                % {"title": action.title, "date": action.date.strftime("%d/%m/%Y")}
            ),
        )
    if refused := _refused(request, form):
        return refused
    return render(
        request,
        "actions/action_form.html",
        {"form": form, "next": _next_url(request)},
    )


@permission(is_staff_member)
def action_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        CollectiveAction.objects.visible_to(request.user)
        .select_related("commune", "quartier", "author")
        .prefetch_related("partners", "participants")
    )
    log_access(request=request, action=Action.LIST, object_type="collectiveaction", detail="liste des actions")
    return _list(request, queryset, filter_class=ActionFilter, template="actions/action_list.html", key="actions")


@permission(is_staff_member)
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action = _editable(request, CollectiveAction, pk)
    form = CollectiveActionForm(
        data=request.POST or None, instance=action, user=request.user, search_url=reverse("youths:search")
    )
    if saved := _save_edit(
        request,
        form,
        action,
        message=_("L'action collective est enregistrée."),
        default=reverse("actions:action_list"),
    ):
        return saved
    # The page shows the participants' names: it is a consultation.
    log_access(request=request, action=Action.VIEW, obj=action, detail=EDIT_PAGE)
    return render(request, "actions/action_form.html", {"form": form, "next": _next_url(request), "action": action})


@permission(is_staff_member)
def action_delete(request: HttpRequest, pk: int) -> HttpResponse:
    action = _editable(request, CollectiveAction, pk)
    return _delete(
        request,
        action,
        team=action.team,
        title=_("Supprimer l'action collective"),
        description=str(action),
        default=reverse("actions:action_list"),
    )


# Temps partenariaux


@permission(is_staff_member)
def meeting_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        PartnerMeeting.objects.visible_to(request.user)
        .select_related("commune", "quartier")
        .prefetch_related("partners", "educators")
    )
    return _list(request, queryset, filter_class=MeetingFilter, template="actions/meeting_list.html", key="meetings")


@permission(is_staff_member)
def meeting_create(request: HttpRequest) -> HttpResponse:
    form = PartnerMeetingForm(data=request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.instance.author = request.user
        meeting = form.save()
        messages.success(
            request,
            _("Temps partenarial du %(date)s enregistré : %(label)s.")
            % {"date": meeting.date.strftime("%d/%m/%Y"), "label": meeting.label},
        )
        return redirect(safe_next(request, _next_url(request), reverse("actions:meeting_list")))
    return render(
        request,
        "actions/meeting_form.html",
        {"form": form, "next": _next_url(request), "duration_choices": DURATION_CHOICES},
    )


@permission(is_staff_member)
def meeting_update(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = _editable(request, PartnerMeeting, pk)
    form = PartnerMeetingForm(data=request.POST or None, instance=meeting, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            form.save()
        except StaleEdit:
            pass
        else:
            messages.success(request, _("Le temps partenarial est enregistré."))
            return redirect(safe_next(request, _next_url(request), reverse("actions:meeting_list")))
    return render(
        request,
        "actions/meeting_form.html",
        {"form": form, "next": _next_url(request), "meeting": meeting, "duration_choices": DURATION_CHOICES},
    )


@permission(is_staff_member)
def meeting_delete(request: HttpRequest, pk: int) -> HttpResponse:
    """Its findings go with it. A published bilan keeps its figures: they were frozen when it was published."""
    meeting = _editable(request, PartnerMeeting, pk)
    return _delete(
        request,
        meeting,
        team=meeting.team,
        title=_("Supprimer le temps partenarial"),
        description=str(meeting),
        default=reverse("actions:meeting_list"),
    )
