"""Search, filters and sorting of the youths list."""

import django_filters
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from emps.forms import QuickSelect
from emps.models import Commune, Quartier, User
from youths.enums import Level
from youths.forms import team_members


class YouthOrdering(django_filters.OrderingFilter):
    """Ordering whose fields may themselves be descending (age is the birth year reversed)."""

    def get_ordering_value(self, param):
        return super().get_ordering_value(param).replace("--", "")


class YouthFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(
        label=_("Rechercher"),
        method="filter_search",
        widget=forms.TextInput(
            attrs={"placeholder": _("Référence, prénom ou surnom"), "type": "search", "autocomplete": "off"}
        ),
    )
    # The federation's administrator picks among hundreds of communes, quartiers and educators: QuickSelect
    # writes their options directly rather than through Django's template, one include per option.
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune"), queryset=Commune.objects.none(), empty_label=_("Toutes"), widget=QuickSelect
    )
    quartier = django_filters.ModelChoiceFilter(
        label=_("Quartier"), queryset=Quartier.objects.none(), empty_label=_("Tous"), widget=QuickSelect
    )
    level = django_filters.ChoiceFilter(
        label=_("Niveau"),
        choices=[(c.value, Level.short_label(c.value)) for c in Level],
        field_name="current_level",
        empty_label=_("Tous"),
    )
    referent = django_filters.ModelChoiceFilter(
        label=_("Référent·e"), queryset=User.objects.none(), empty_label=_("Tous"), widget=QuickSelect
    )
    status = django_filters.ChoiceFilter(
        label=_("Suivi"),
        choices=[("actifs", _("En cours")), ("inactifs", _("Terminé"))],
        method="filter_status",
        empty_label=_("Tous"),
    )
    contact = django_filters.ChoiceFilter(
        label=_("Contact"),
        choices=[("ancien", _("Sans contact depuis %(days)s jours") % {"days": settings.EMPS_STALE_CONTACT_DAYS})],
        method="filter_contact",
        empty_label=_("Tous"),
    )
    o = YouthOrdering(
        fields=[
            ("reference", "reference"),
            ("first_name", "first_name"),
            ("-birth_year", "age"),
            ("level_rank", "level"),
            ("last_contact", "last_contact"),
            ("first_met_on", "first_met_on"),
        ],
        field_labels={
            "reference": _("Référence"),
            "first_name": _("Prénom"),
            "-birth_year": _("Âge"),
            "level": _("Niveau"),
            "last_contact": _("Dernier contact"),
            "first_met_on": _("Première rencontre"),
        },
        label=_("Trier par"),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        communes = Commune.objects.visible_to(user)
        self.filters["commune"].queryset = communes
        self.filters["quartier"].queryset = Quartier.objects.filter(commune__in=communes).select_related("commune")
        self.filters["referent"].queryset = team_members(user)

    def filter_search(self, queryset, name, value):
        return queryset.search(value)

    def filter_contact(self, queryset, name, value):
        return queryset.without_recent_contact(timezone.localdate()) if value == "ancien" else queryset

    def filter_status(self, queryset, name, value):
        if value == "actifs":
            return queryset.active()
        if value == "inactifs":
            return queryset.inactive()
        return queryset
