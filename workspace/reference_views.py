"""Reference lists: domains, origins, situations, end reasons, partners and their categories, quartiers.

The lists every team shares (all but the quartiers) are managed by administrators: a renamed domain
rewrites every team's bilan. Coordinators read them, and add quartiers to their communes and change
those only their teams use. Every change keeps its history (django-simple-history) and writes a
journal line for each team concerned.

Values are never deleted (records point at them): a value no longer used is deactivated and
disappears from the forms, while past records and bilans keep it.
"""

import dataclasses

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.formats import date_format
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.models import ActionTheme, Domain
from emps.journal import Action, changed_fields, log_shared_change
from emps.models import Commune, Partner, PartnerCategory, QpvPeriod, Quartier, Team
from emps.permissions import (
    can_change_shared_territory,
    can_manage_shared_lists,
    can_read_reference_lists,
    is_coordinator,
    permission,
)
from youths.models import EndReason, Origin, Situation


@dataclasses.dataclass(frozen=True)
class ReferenceList:
    slug: str
    model: type
    title: str
    description: str
    fields: tuple
    columns: tuple

    @property
    def shared(self) -> bool:
        """Whether every team shares the list (the quartiers belong to the communes that cover them)."""
        return self.model is not Quartier

    def queryset(self, user):
        if self.model is Quartier:
            return (
                Quartier.objects.filter(commune__in=Commune.objects.visible_to(user))
                .select_related("commune")
                .prefetch_related("commune__teams", "qpv_periods")
            )
        if self.model is Partner:
            return Partner.objects.select_related("category")
        return self.model.objects.all()

    def may_add(self, user) -> bool:
        return can_manage_shared_lists(user) if self.shared else is_coordinator(user)

    def may_change(self, user, item, own_teams) -> bool:
        if self.shared:
            return can_manage_shared_lists(user)
        return is_coordinator(user) and can_change_shared_territory(user, item.commune.teams.all(), own_teams)

    def teams_concerned(self, item):
        """The teams whose forms and bilans the item reaches: all of them, or those covering the quartier's commune."""
        if self.shared:
            return Team.objects.all()
        return item.commune.teams.all()


ITEM_FIELDS = ("label", "order", "is_active")
ITEM_COLUMNS = ("label", "order", "is_active")

REFERENCE_LISTS = {
    entry.slug: entry
    for entry in [
        ReferenceList(
            "domaines",
            Domain,
            gettext_lazy("Domaines travaillés"),
            gettext_lazy("Cases à cocher des interventions, dans l'ordre du bilan."),
            ITEM_FIELDS,
            ITEM_COLUMNS,
        ),
        ReferenceList(
            "themes-actions",
            ActionTheme,
            gettext_lazy("Thèmes des actions collectives"),
            gettext_lazy("Les actions spécifiques du bilan sont écrites par thème, dans cet ordre."),
            ITEM_FIELDS,
            ITEM_COLUMNS,
        ),
        ReferenceList(
            "partenaires",
            Partner,
            gettext_lazy("Partenaires"),
            gettext_lazy("Partenaires mobilisés dans les interventions et les actions."),
            ("name", "category", "is_active"),
            ("name", "category", "is_active"),
        ),
        ReferenceList(
            "categories-partenaires",
            PartnerCategory,
            gettext_lazy("Catégories de partenaires"),
            gettext_lazy("Regroupement des partenaires dans le bilan."),
            ITEM_FIELDS,
            ITEM_COLUMNS,
        ),
        ReferenceList(
            "origines",
            Origin,
            gettext_lazy("Origines de la rencontre"),
            gettext_lazy("Comment l'équipe a rencontré le jeune."),
            ITEM_FIELDS,
            ITEM_COLUMNS,
        ),
        ReferenceList(
            "situations",
            Situation,
            gettext_lazy("Situations"),
            gettext_lazy("Situation scolaire ou professionnelle des jeunes."),
            ITEM_FIELDS,
            ITEM_COLUMNS,
        ),
        ReferenceList(
            "motifs-de-fin",
            EndReason,
            gettext_lazy("Motifs de fin d'accompagnement"),
            gettext_lazy("Proposés au changement de niveau et à la fin d'un accompagnement."),
            ITEM_FIELDS,
            ITEM_COLUMNS,
        ),
        ReferenceList(
            "quartiers",
            Quartier,
            gettext_lazy("Quartiers"),
            gettext_lazy("Quartiers des communes de vos équipes, QPV ou non."),
            ("commune", "name", "is_qpv", "qpv_code"),
            ("name", "commune", "is_qpv", "qpv_code"),
        ),
    ]
}


def _form_class(reference: ReferenceList, user):
    class ReferenceForm(forms.ModelForm):
        class Meta:
            model = reference.model
            fields = list(reference.fields)

        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            if "commune" in self.fields:
                self.fields["commune"].queryset = Commune.objects.visible_to(user)
            if "category" in self.fields:
                self.fields["category"].queryset = PartnerCategory.objects.all()

        def save(self, commit=True):
            instance = super().save(commit=False)
            if hasattr(instance, "code") and not instance.code:
                instance.code = _unique_code(reference.model, instance.label)
            if commit:
                instance.save()
            return instance

    return ReferenceForm


def _unique_code(model, label):
    base = slugify(label)[:45] or "valeur"
    code, n = base, 2
    while model.objects.filter(code=code).exists():
        code, n = f"{base}-{n}", n + 1
    return code


def _reference(slug) -> ReferenceList:
    try:
        return REFERENCE_LISTS[slug]
    except KeyError:
        raise Http404 from None


@permission(can_read_reference_lists)
def reference_index(request: HttpRequest) -> HttpResponse:
    lists = []
    for reference in REFERENCE_LISTS.values():
        counts = reference.queryset(request.user).aggregate(total=Count("pk"))
        lists.append({"reference": reference, "total": counts["total"]})
    return render(request, "emps/reference_index.html", {"lists": lists})


@permission(can_read_reference_lists)
def reference_list(request: HttpRequest, slug: str) -> HttpResponse:
    reference = _reference(slug)
    may_add = reference.may_add(request.user)
    if request.method == "POST" and not may_add:
        raise PermissionDenied
    form = _form_class(reference, request.user)(data=request.POST or None) if may_add else None
    if form is not None and request.method == "POST" and form.is_valid():
        item = _save(request, reference, form, created=True)
        messages.success(request, _("« %(item)s » est ajouté à la liste.") % {"item": item})
        return redirect("references:list", slug=slug)
    items = list(reference.queryset(request.user))
    own_teams = list(request.user.teams.all())
    headers = [reference.model._meta.get_field(name).verbose_name for name in reference.columns]
    rows = [
        {
            "item": item,
            "cells": [_cell(item, name, header) for name, header in zip(reference.columns, headers, strict=True)],
            "may_change": reference.may_change(request.user, item, own_teams),
        }
        for item in items
    ]
    if reference.model is Quartier:  # the dated statuses (`emps.rules.QPV_IN_FORCE`), read-only
        header = QpvPeriod._meta.verbose_name_plural
        headers.append(header)
        for row in rows:
            text = " ; ".join(_qpv_period_text(period) for period in row["item"].qpv_periods.all())
            row["cells"].append({"label": header, "bool": None, "text": text or "—"})
    return render(
        request,
        "emps/reference_list.html",
        {"reference": reference, "form": form, "rows": rows, "headers": headers},
    )


def _qpv_period_text(period) -> str:
    """« QPV QN06201M du 01/01/2015 au 31/12/2023 », « hors QPV depuis le 01/01/2024 »."""
    status = f"{_('QPV')} {period.qpv_code}".strip() if period.is_qpv else _("hors QPV")
    start = date_format(period.valid_from, "SHORT_DATE_FORMAT") if period.valid_from else None
    end = date_format(period.valid_until, "SHORT_DATE_FORMAT") if period.valid_until else None
    if start and end:
        return _("%(status)s du %(start)s au %(end)s") % {"status": status, "start": start, "end": end}
    if start:
        return _("%(status)s depuis le %(start)s") % {"status": status, "start": start}
    return _("%(status)s jusqu'au %(end)s") % {"status": status, "end": end}


def _cell(item, name, header):
    value = getattr(item, name)
    if isinstance(value, bool):
        return {"label": header, "bool": value, "text": ""}
    return {"label": header, "bool": None, "text": value if value not in (None, "") else "—"}


@permission(can_read_reference_lists)
def reference_update(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    reference = _reference(slug)
    item = get_object_or_404(reference.queryset(request.user), pk=pk)
    if not reference.may_change(request.user, item, list(request.user.teams.all())):
        raise PermissionDenied
    form = _form_class(reference, request.user)(data=request.POST or None, instance=item)
    if request.method == "POST" and form.is_valid():
        _save(request, reference, form, created=False)
        messages.success(request, _("« %(item)s » est enregistré.") % {"item": item})
        return redirect("references:list", slug=slug)
    return render(request, "emps/reference_form.html", {"reference": reference, "form": form, "item": item})


def _save(request: HttpRequest, reference: ReferenceList, form, *, created: bool):
    """The item (its history row written by django-simple-history) and a journal line per team concerned."""
    with transaction.atomic():
        item = form.save()
        detail = "liste « %(list)s » : valeur ajoutée" if created else "liste « %(list)s » : %(fields)s modifiés"
        detail %= {"list": reference.title, "fields": changed_fields(form)}
        log_shared_change(
            request=request,
            action=Action.CREATE if created else Action.UPDATE,
            obj=item,
            teams=reference.teams_concerned(item),
            detail=detail,
        )
    return item
