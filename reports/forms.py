import datetime

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from emps.locking import VersionedModelForm
from emps.models import Commune, Team
from reports.builders import Scope
from reports.models import BilanNarrative

MAX_PERIOD_YEARS = 10
DATE_ERRORS = {"invalid": _("Saisissez une date valide, par exemple 31/12/2023."), "required": _("Date obligatoire.")}


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "form-control", **(attrs or {})}, format="%Y-%m-%d")


class InvalidFieldsMixin:
    """Bootstrap's is-invalid class and ARIA attributes on the widgets of fields with errors."""

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:
                attrs = self.fields[name].widget.attrs
                attrs["class"] = f"{attrs.get('class', '')} is-invalid".strip()
                attrs["aria-invalid"] = "true"
                attrs["aria-describedby"] = f"{self[name].auto_id}-error"


class BilanForm(InvalidFieldsMixin, forms.Form):
    """Which bilan: a team of the user's, the whole team or one of its communes, and a period."""

    team = forms.ModelChoiceField(
        label=_("Équipe"),
        queryset=Team.objects.none(),
        empty_label=None,
        error_messages={
            "invalid_choice": _("Équipe inconnue ou hors de votre périmètre."),
            "required": _("Choisissez une équipe."),
        },
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=_("Toute l'équipe"),
        error_messages={"invalid_choice": _("Commune inconnue ou hors de votre périmètre.")},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = forms.DateField(label=_("Du"), widget=DateInput(), error_messages=DATE_ERRORS)
    end = forms.DateField(label=_("Au"), widget=DateInput(), error_messages=DATE_ERRORS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).order_by("name")
        self.fields["commune"].queryset = Commune.objects.filter(
            teams__in=Team.objects.visible_to(user).values("pk")
        ).distinct()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end:
            if start > end:
                self.add_error(
                    "end",
                    _("La fin de la période (%(end)s) précède son début (%(start)s).")
                    % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
                )
            elif end - start > datetime.timedelta(days=366 * MAX_PERIOD_YEARS):
                self.add_error("end", _("La période ne peut dépasser %(n)s ans.") % {"n": MAX_PERIOD_YEARS})
        team, commune = cleaned.get("team"), cleaned.get("commune")
        if team and commune and not team.communes.filter(pk=commune.pk).exists():
            self.add_error(
                "commune",
                _("La commune %(commune)s n'est pas couverte par l'équipe %(team)s.")
                % {"commune": commune.name, "team": team.name},
            )
        return cleaned

    @property
    def scope(self) -> Scope:
        return Scope.for_team(self.cleaned_data["team"], self.cleaned_data.get("commune"))

    def query_string(self) -> str:
        """The bilan's parameters, to link to its PDF, workbook and texts."""
        data = self.cleaned_data
        params = {"team": data["team"].pk, "start": data["start"].isoformat(), "end": data["end"].isoformat()}
        if data.get("commune"):
            params["commune"] = data["commune"].pk
        return urlencode(params)


class BilanNarrativeForm(InvalidFieldsMixin, VersionedModelForm):
    class Meta:
        model = BilanNarrative
        fields = [
            "introduction",
            "setup",
            "general_action_notes",
            "specific_actions_notes",
            "perspectives",
            "added_value",
        ]
        widgets = {name: forms.Textarea(attrs={"rows": 5, "class": "form-control"}) for name in fields}


class TeamsBilanForm(InvalidFieldsMixin, forms.Form):
    """The bilan of several teams (a federation's): which of the user's teams, over which period."""

    teams = forms.ModelMultipleChoiceField(
        label=_("Équipes"),
        queryset=Team.objects.none(),
        error_messages={
            "invalid_choice": _("Équipe inconnue ou hors de votre périmètre."),
            "required": _("Choisissez au moins une équipe."),
        },
        widget=forms.CheckboxSelectMultiple(attrs={"class": "form-check-input"}),
    )
    start = forms.DateField(label=_("Du"), widget=DateInput(), error_messages=DATE_ERRORS)
    end = forms.DateField(label=_("Au"), widget=DateInput(), error_messages=DATE_ERRORS)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["teams"].queryset = Team.objects.visible_to(user).order_by("name")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and start > end:
            self.add_error(
                "end",
                _("La fin de la période (%(end)s) précède son début (%(start)s).")
                % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
            )
        elif start and end and end - start > datetime.timedelta(days=366 * MAX_PERIOD_YEARS):
            self.add_error("end", _("La période ne peut dépasser %(n)s ans.") % {"n": MAX_PERIOD_YEARS})
        return cleaned
