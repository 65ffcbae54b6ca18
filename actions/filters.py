"""Filters of the lists of interventions, street-presence sessions and collective actions."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from actions.enums import ActionKind, MeetingKind, Place
from actions.models import Domain, PartnerMeeting, PresenceSession
from emps.forms import DateInput
from emps.models import Commune
from youths.models import Youth

WHOSE_CHOICES = [("moi", _("Les miennes")), ("equipe", _("Toute l'équipe"))]


class ActivityFilter(django_filters.FilterSet):
    """Mine by default, or the whole team's; between two dates."""

    qui = django_filters.ChoiceFilter(
        label=_("Saisies"), choices=WHOSE_CHOICES, method="filter_whose", empty_label=None
    )
    du = django_filters.DateFilter(field_name="date", lookup_expr="gte", label=_("Du"), widget=DateInput)
    au = django_filters.DateFilter(field_name="date", lookup_expr="lte", label=_("Au"), widget=DateInput)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def filter_whose(self, queryset, name, value):
        if value == "moi":
            return self.mine(queryset)
        return queryset

    def mine(self, queryset):
        return queryset.filter(author=self.user)


class InterventionFilter(ActivityFilter):
    jeune = django_filters.CharFilter(
        label=_("Jeune"),
        method="filter_youth",
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Prénom ou référence")}),
    )
    domaine = django_filters.ModelChoiceFilter(
        label=_("Domaine"), field_name="domains", queryset=Domain.objects.all(), empty_label=_("Tous")
    )

    def filter_youth(self, queryset, name, value):
        return queryset.filter(youth__in=Youth.objects.visible_to(self.user).search(value))

    def mine(self, queryset):
        return queryset.of_educator(self.user)


class PresenceFilter(ActivityFilter):
    lieu = django_filters.ChoiceFilter(
        label=_("Lieu"), field_name="place", choices=Place.choices, empty_label=_("Tous")
    )

    def mine(self, queryset):
        was_present = PresenceSession.educators.through.objects.filter(user=self.user).values("presencesession_id")
        return queryset.filter(Q(author=self.user) | Q(pk__in=was_present))


class ActionFilter(ActivityFilter):
    type = django_filters.ChoiceFilter(
        label=_("Type"), field_name="kind", choices=ActionKind.choices, empty_label=_("Tous")
    )


class MeetingFilter(ActivityFilter):
    type = django_filters.ChoiceFilter(
        label=_("Type"), field_name="kind", choices=MeetingKind.choices, empty_label=_("Tous")
    )
    commune = django_filters.ModelChoiceFilter(
        label=_("Commune"), method="filter_commune", queryset=Commune.objects.none(), empty_label=_("Toutes")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, user=user, **kwargs)
        self.filters["commune"].queryset = Commune.objects.visible_to(user)

    def filter_commune(self, queryset, name, value):
        """The commune's meetings and the team-wide ones, which count for every commune (as in the bilan)."""
        return queryset.filter(Q(commune=value) | Q(commune__isnull=True))

    def mine(self, queryset):
        was_present = PartnerMeeting.educators.through.objects.filter(user=self.user).values("partnermeeting_id")
        return queryset.filter(Q(author=self.user) | Q(pk__in=was_present))
