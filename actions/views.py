"""Quick entries and lists of interventions, street-presence sessions and collective actions."""

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

from emps.decorators import staff_required
from emps.forms import last_sector, referer_path, remember_sector, safe_next
from emps.journal import Action, log_access
from emps.locking import StaleEdit
from emps.permissions import can_edit_record

from . import services
from .filters import ActionFilter, InterventionFilter, PresenceFilter
from .forms import CollectiveActionForm, InterventionForm, InterventionQuickForm, PresenceSessionForm
from .models import CollectiveAction, Intervention, PresenceSession

PAGE_SIZE = 25
DURATION_CHOICES = [("1 h", "1 h"), ("1 h 30", "1 h 30"), ("2 h", "2 h"), ("2 h 30", "2 h 30"), ("3 h", "3 h")]


def _next_url(request: HttpRequest) -> str:
    """Where the user came from: kept in the form so that saving returns there."""
    if request.method == "POST":
        return request.POST.get("next", "")
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
    data.setdefault("qui", "moi")
    activity_filter = filter_class(data=data, queryset=queryset, user=request.user)
    return activity_filter, (activity_filter.qs if activity_filter.is_valid() else queryset.none())


# Interventions


@staff_required
def intervention_create(request: HttpRequest) -> HttpResponse:
    initial = {"youths": [v for v in request.GET.getlist("jeune") if v.isdigit()]}
    form = InterventionQuickForm(
        data=request.POST or None, initial=initial, user=request.user, search_url=reverse("youths:search")
    )
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        youths = list(data["youths"])
        created = services.intervention_record(
            youths=youths,
            date=data["date"],
            domains=data["domains"],
            kind=data["kind"],
            partners=data["partners"],
            note=data["note"],
            author=request.user,
        )
        for intervention in created:
            log_access(request=request, action=Action.CREATE, obj=intervention, team=intervention.youth.team)
        messages.success(
            request,
            ngettext(
                "Intervention enregistrée pour %(names)s.",
                "%(count)s interventions enregistrées, une pour chaque jeune : %(names)s.",
                len(created),
            )
            % {"count": len(created), "names": ", ".join(y.first_name for y in youths)},
        )
        return redirect(safe_next(request, next_url, reverse("home")))
    return render(
        request,
        "actions/intervention_form.html",
        {"form": form, "next": next_url, "is_quick": True},
    )


@staff_required
def intervention_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        Intervention.objects.visible_to(request.user)
        .select_related("youth", "author")
        .prefetch_related("domains", "partners")
        .order_by("-date", "-pk")
    )
    intervention_filter, filtered = _filtered(request, InterventionFilter, queryset)
    page = _paginate(request, filtered)
    log_access(request=request, action=Action.LIST, object_type="intervention", detail="liste des interventions")
    return render(
        request,
        "actions/intervention_list.html",
        {"filter": intervention_filter, "page": page, "interventions": list(page.object_list)},
    )


@staff_required
def intervention_update(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = _editable(request, Intervention, pk)
    form = InterventionForm(
        data=request.POST or None, instance=intervention, user=request.user, search_url=reverse("youths:search")
    )
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except StaleEdit:
            pass
        else:
            log_access(request=request, action=Action.UPDATE, obj=intervention, team=intervention.youth.team)
            messages.success(request, _("L'intervention est enregistrée."))
            return redirect(safe_next(request, next_url, reverse("actions:intervention_list")))
    return render(
        request,
        "actions/intervention_form.html",
        {"form": form, "next": next_url, "intervention": intervention, "is_quick": False},
    )


@staff_required
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


@staff_required
def presence_create(request: HttpRequest) -> HttpResponse:
    form = PresenceSessionForm(data=request.POST or None, user=request.user, initial_sector=last_sector(request))
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        form.instance.author = request.user
        with transaction.atomic():
            session = form.save()
            log_access(request=request, action=Action.CREATE, obj=session)
        remember_sector(request, session)
        messages.success(
            request,
            _("Présence sociale du %(date)s enregistrée : %(duration)s h.")
            % {"date": session.date.strftime("%d/%m/%Y"), "duration": session.duration_hours},
        )
        return redirect(safe_next(request, next_url, reverse("home")))
    return render(
        request, "actions/presence_form.html", {"form": form, "next": next_url, "duration_choices": DURATION_CHOICES}
    )


@staff_required
def presence_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        PresenceSession.objects.visible_to(request.user)
        .select_related("commune", "quartier", "author")
        .prefetch_related("educators")
    )
    presence_filter, filtered = _filtered(request, PresenceFilter, queryset)
    page = _paginate(request, filtered)
    return render(
        request,
        "actions/presence_list.html",
        {"filter": presence_filter, "page": page, "sessions": list(page.object_list)},
    )


@staff_required
def presence_update(request: HttpRequest, pk: int) -> HttpResponse:
    session = _editable(request, PresenceSession, pk)
    form = PresenceSessionForm(data=request.POST or None, instance=session, user=request.user)
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except StaleEdit:
            pass
        else:
            log_access(request=request, action=Action.UPDATE, obj=session)
            messages.success(request, _("La présence sociale est enregistrée."))
            return redirect(safe_next(request, next_url, reverse("actions:presence_list")))
    return render(
        request,
        "actions/presence_form.html",
        {"form": form, "next": next_url, "session": session, "duration_choices": DURATION_CHOICES},
    )


@staff_required
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


@staff_required
def action_create(request: HttpRequest) -> HttpResponse:
    initial = {"participants": [v for v in request.GET.getlist("jeune") if v.isdigit()], "date": timezone.localdate()}
    form = CollectiveActionForm(
        data=request.POST or None,
        initial=initial,
        user=request.user,
        search_url=reverse("youths:search"),
        initial_sector=last_sector(request),
    )
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        form.instance.author = request.user
        with transaction.atomic():
            action = form.save()
            log_access(request=request, action=Action.CREATE, obj=action)
        remember_sector(request, action)
        messages.success(
            request,
            _("Action « %(title)s » du %(date)s enregistrée.")
            % {"title": action.title, "date": action.date.strftime("%d/%m/%Y")},
        )
        return redirect(safe_next(request, next_url, reverse("home")))
    return render(request, "actions/action_form.html", {"form": form, "next": next_url})


@staff_required
def action_list(request: HttpRequest) -> HttpResponse:
    queryset = (
        CollectiveAction.objects.visible_to(request.user)
        .select_related("commune", "quartier", "author")
        .prefetch_related("partners", "participants")
    )
    action_filter, filtered = _filtered(request, ActionFilter, queryset)
    page = _paginate(request, filtered)
    log_access(request=request, action=Action.LIST, object_type="collectiveaction", detail="liste des actions")
    return render(
        request,
        "actions/action_list.html",
        {"filter": action_filter, "page": page, "actions": list(page.object_list)},
    )


@staff_required
def action_update(request: HttpRequest, pk: int) -> HttpResponse:
    action = _editable(request, CollectiveAction, pk)
    form = CollectiveActionForm(
        data=request.POST or None, instance=action, user=request.user, search_url=reverse("youths:search")
    )
    next_url = _next_url(request)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                form.save()
        except StaleEdit:
            pass
        else:
            log_access(request=request, action=Action.UPDATE, obj=action)
            messages.success(request, _("L'action collective est enregistrée."))
            return redirect(safe_next(request, next_url, reverse("actions:action_list")))
    return render(request, "actions/action_form.html", {"form": form, "next": next_url, "action": action})


@staff_required
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
