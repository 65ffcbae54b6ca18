import re

from django.apps import apps
from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from emps.journal import Action, log_access
from emps.models import AccessLog
from emps.permissions import is_coordinator, permission
from privacy.exports import access_record_json, render_pdf, youth_access_record
from privacy.forms import AnonymiseForm, JournalFilterForm
from privacy.services import (
    DUE_WITHIN_DAYS,
    anonymisation_date,
    with_last_contact,
    youth_anonymise,
    youths_due_for_anonymisation,
)
from youths.models import Youth

JOURNAL_PAGE_SIZE = 50


def _safe_next(request: HttpRequest, candidate: str, default: str) -> str:
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _object_labels() -> dict[str, str]:
    return {model._meta.model_name: str(model._meta.verbose_name) for model in apps.get_models()}


@permission(is_coordinator)
def journal(request: HttpRequest) -> HttpResponse:
    """The access journal of the coordinator's teams, filtered by youth, user, operation and dates."""
    form = JournalFilterForm(data=request.GET or None, user=request.user, search_url=reverse("youths:search"))
    entries = AccessLog.objects.visible_to(request.user).select_related("user", "team")
    if form.is_bound and form.is_valid():
        entries = form.filter(entries)
    elif form.is_bound:
        entries = entries.none()
    page = Paginator(entries, JOURNAL_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    youth_ids = {int(e.object_id) for e in rows if e.object_type == "youth" and e.object_id.isdigit()}
    youths = {y.pk: y for y in Youth.objects.visible_to(request.user).filter(pk__in=youth_ids)}
    labels = _object_labels()
    for entry in rows:
        entry.object_label = labels.get(entry.object_type, entry.object_type)
        entry.youth = (
            youths.get(int(entry.object_id)) if entry.object_type == "youth" and entry.object_id.isdigit() else None
        )
    log_access(request=request, action=Action.LIST, object_type="accesslog", detail="consultation du journal")
    context = {"form": form, "page": page, "rows": rows, "retention_months": settings.EMPS_JOURNAL_RETENTION_MONTHS}
    return render(request, "privacy/journal.html", context)


@permission(is_coordinator)
def due(request: HttpRequest) -> HttpResponse:
    """Youths whose record will be anonymised within 30 days (or should have been already)."""
    today = timezone.localdate()
    youths = list(
        youths_due_for_anonymisation(
            on=today, within_days=DUE_WITHIN_DAYS, queryset=Youth.objects.visible_to(request.user)
        ).select_related("team", "commune")
    )
    for youth in youths:
        youth.due_on = anonymisation_date(youth.last_contact)
        youth.overdue = youth.due_on <= today
    log_access(request=request, action=Action.LIST, object_type="youth", detail="jeunes à anonymiser")
    context = {
        "youths": youths,
        "within_days": DUE_WITHIN_DAYS,
        "retention_months": settings.EMPS_RETENTION_MONTHS,
        "today": today,
    }
    return render(request, "privacy/due.html", context)


@permission(is_coordinator)
def anonymise(request: HttpRequest, pk: int) -> HttpResponse:
    """Confirm, then anonymise one youth at once (erasure request, or retention reached)."""
    youth = get_object_or_404(with_last_contact(Youth.objects.visible_to(request.user)), pk=pk)
    default_next = reverse("privacy:due")
    if youth.anonymised_at is not None:
        messages.info(request, _("Cette fiche est déjà anonymisée."))
        return redirect(_safe_next(request, request.GET.get("next", ""), default_next))
    initial = {"next": request.GET.get("next", ""), "reason": request.GET.get("motif", "erasure")}
    form = AnonymiseForm(data=request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        reason = str(AnonymiseForm.REASONS[form.cleaned_data["reason"]])
        youth_anonymise(youth=youth, by=request.user, reason=reason, request=request)
        messages.success(
            request,
            _("La fiche a été anonymisée : nom, référence, mois de naissance et notes sont effacés."),
        )
        return redirect(_safe_next(request, form.cleaned_data["next"], default_next))
    context = {
        "youth": youth,
        "form": form,
        "due_on": anonymisation_date(youth.last_contact),
        "cancel_url": _safe_next(request, request.POST.get("next") or request.GET.get("next", ""), default_next),
    }
    return render(request, "privacy/anonymise.html", context)


def _export_filename(youth: Youth, extension: str) -> str:
    label = re.sub(r"[^A-Za-z0-9_-]", "", youth.reference) or f"jeune-{youth.pk}"
    return f"acces-{label}-{timezone.localdate():%Y%m%d}.{extension}"


@never_cache
@permission(is_coordinator)
def export_json(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held on one youth as JSON, for an access request."""
    youth = get_object_or_404(Youth.objects.visible_to(request.user), pk=pk)
    record = youth_access_record(youth=youth)
    log_access(request=request, action=Action.RIGHTS, obj=youth, detail="export JSON (droit d'accès)")
    response = HttpResponse(access_record_json(record), content_type="application/json; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(youth, "json")}"'
    return response


@never_cache
@permission(is_coordinator)
def export_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """Everything held on one youth as a PDF, to hand to the person."""
    youth = get_object_or_404(Youth.objects.visible_to(request.user), pk=pk)
    record = youth_access_record(youth=youth)
    context = {"record": record, "identity_items": list(record["identité"].items()), "by": request.user}
    pdf = render_pdf("privacy/access_export_pdf.html", context)
    log_access(request=request, action=Action.RIGHTS, obj=youth, detail="export PDF (droit d'accès)")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{_export_filename(youth, "pdf")}"'
    return response
