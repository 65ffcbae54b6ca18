from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from actions.forms import PickerSelect, offer_chosen_youths
from actions.models import Intervention
from emps.models import AccessLog, User
from youths.models import SituationRecord, SupportEpisode, Youth


class YouthChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        if obj.anonymised_at:
            return _("Jeune anonymisé·e n° %(pk)s") % {"pk": obj.pk}
        return f"{obj.first_name} ({obj.reference})"


class UserChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        full_name = obj.get_full_name()
        return f"{full_name} ({obj.username})" if full_name else obj.username


class JournalFilterForm(forms.Form):
    """Filters of the access journal: one youth (with their interventions), one user, a date range."""

    youth = YouthChoiceField(label=_("Jeune"), queryset=Youth.objects.none(), required=False, empty_label=_("Tous"))
    user = UserChoiceField(label=_("Utilisateur"), queryset=User.objects.none(), required=False, empty_label=_("Tous"))
    action = forms.ChoiceField(
        label=_("Opération"), choices=[("", _("Toutes")), *AccessLog.Action.choices], required=False
    )
    start = forms.DateField(
        label=_("Du"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    end = forms.DateField(
        label=_("Au"), required=False, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )

    def __init__(self, *args, user, search_url, **kwargs):
        super().__init__(*args, **kwargs)
        youth = self.fields["youth"]
        youth.queryset = Youth.objects.visible_to(user).order_by("first_name", "reference", "pk")
        # A federation's thousands of youths are searched on the server as one types (the picker), not
        # listed: the select only holds the youth being filtered on.
        youth.widget = PickerSelect(attrs={"data-no-create": ""}, source_url=search_url)
        offer_chosen_youths(self["youth"])
        teams = user.teams.values("pk")
        users = User.objects.all() if user.is_superuser else User.objects.filter(teams__in=teams).distinct()
        self.fields["user"].queryset = users.order_by("last_name", "first_name", "username")
        for field in self.fields.values():
            is_select = isinstance(field.widget, forms.Select)
            field.widget.attrs["class"] = "form-select form-select-sm" if is_select else "form-control form-control-sm"

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("La date de fin précède la date de début."))
        return cleaned

    def filter(self, queryset: QuerySet[AccessLog]) -> QuerySet[AccessLog]:
        data = self.cleaned_data
        if youth := data.get("youth"):
            queryset = queryset.filter(youth_entries(youth))
        if user := data.get("user"):
            queryset = queryset.filter(user=user)
        if action := data.get("action"):
            queryset = queryset.filter(action=action)
        if start := data.get("start"):
            queryset = queryset.filter(at__date__gte=start)
        if end := data.get("end"):
            queryset = queryset.filter(at__date__lte=end)
        return queryset


def youth_entries(youth: Youth) -> Q:
    """Journal entries about a youth's file or about a record hanging from it."""
    related = {
        "youth": [youth.pk],
        "intervention": Intervention.objects.filter(youth=youth).values_list("pk", flat=True),
        "supportepisode": SupportEpisode.objects.filter(youth=youth).values_list("pk", flat=True),
        "situationrecord": SituationRecord.objects.filter(youth=youth).values_list("pk", flat=True),
    }
    condition = Q()
    for object_type, pks in related.items():
        condition |= Q(object_type=object_type, object_id__in=[str(pk) for pk in pks])
    return condition


class AnonymiseForm(forms.Form):
    REASONS = {
        "erasure": _("Demande de la personne (droit à l'effacement)"),
        "retention": _("Fin de la durée de conservation"),
    }

    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=list(REASONS.items()),
        widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
        initial="erasure",
    )
    confirm = forms.BooleanField(
        label=_("Je confirme : le nom, la référence, le mois de naissance et les notes seront effacés définitivement."),
        error_messages={"required": _("Cochez la case pour confirmer l'anonymisation, qui est définitive.")},
    )
    next = forms.CharField(widget=forms.HiddenInput, required=False)
