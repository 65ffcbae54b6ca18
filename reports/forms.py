import datetime

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from actions.enums import ActionKind
from actions.models import ActionTheme
from emps.forms import SectorField
from emps.locking import VersionedModelForm
from emps.models import Commune, Partner, Team
from reports.builders import Scope
from reports.logos import clean_logo
from reports.models import BilanNarrative, FinancialPartner, StaffMember, TargetKind

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
    compare = forms.BooleanField(
        label=_("Comparer avec la période précédente"),
        required=False,
        help_text=_("La même durée juste avant : l'année d'avant pour une année civile."),
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

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
        if data.get("compare"):
            params["compare"] = "1"
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


class LogoField(forms.FileField):
    """A PNG or JPEG logo, returned as a re-encoded `StoredLogo` (reports/logos.py refuses anything else)."""

    widget = forms.ClearableFileInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("help_text", _("PNG ou JPEG, 2 Mo au plus ; l'image est réduite à 600 pixels de côté."))
        super().__init__(**kwargs)
        self.widget = forms.FileInput(attrs={"class": "form-control", "accept": "image/png,image/jpeg"})

    def clean(self, data, initial=None):
        upload = super().clean(data, initial)
        if not upload or upload is initial:
            return None
        return clean_logo(upload)


class TeamSettingsForm(InvalidFieldsMixin, forms.ModelForm):
    """What the bilan's first page prints about the team: names and the association's logo."""

    association_logo = LogoField(label=_("Logo de l'association"))
    remove_association_logo = forms.BooleanField(
        label=_("Retirer le logo de l'association"),
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    class Meta:
        model = Team
        fields = ["association", "name", "subtitle"]
        widgets = {
            "association": forms.TextInput(attrs={"class": "form-control"}),
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "subtitle": forms.TextInput(attrs={"class": "form-control"}),
        }
        labels = {"name": _("Nom de l'équipe"), "association": _("Nom de l'association")}
        error_messages = {"name": {"unique": _("Une autre équipe porte déjà ce nom.")}}


class FinancialPartnerForm(InvalidFieldsMixin, forms.ModelForm):
    logo = LogoField(label=_("Logo"))
    remove_logo = forms.BooleanField(
        label=_("Retirer le logo"), required=False, widget=forms.CheckboxInput(attrs={"class": "form-check-input"})
    )

    class Meta:
        model = FinancialPartner
        fields = ["name", "order"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "order": forms.NumberInput(attrs={"class": "form-control", "min": 1, "max": 99}),
        }
        labels = {"name": _("Partenaire financier"), "order": _("Ordre")}

    def clean(self):
        data = super().clean()
        if (data.get("logo") or data.get("remove_logo")) and not data.get("name"):
            self.add_error("name", _("Nommez le partenaire de ce logo."))
        return data


class BaseFinancialPartnerFormSet(forms.BaseInlineFormSet):
    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["class"] = "form-check-input"

    def get_form_kwargs(self, index):
        """The empty rows offer the next places in the order, after the partners already listed."""
        kwargs = super().get_form_kwargs(index)
        if index is not None and index >= self.initial_form_count():
            kwargs["initial"] = {"order": index + 1}
        return kwargs

    def clean(self):
        super().clean()
        names = [
            form.cleaned_data["name"].strip().casefold()
            for form in self.forms
            if form.cleaned_data.get("name") and not self._should_delete_form(form)
        ]
        if len(names) != len(set(names)):
            raise forms.ValidationError(_("Un même partenaire financier figure deux fois dans la liste."))


FinancialPartnerFormSet = forms.inlineformset_factory(
    Team,
    FinancialPartner,
    form=FinancialPartnerForm,
    formset=BaseFinancialPartnerFormSet,
    extra=2,
    max_num=20,
    validate_max=True,
    can_delete=True,
)


class FundingTargetsForm(InvalidFieldsMixin, forms.Form):
    """The targets of one team's funding agreement for one year: one number per kind, empty for none."""

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
    year = forms.IntegerField(
        label=_("Année"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Indiquez l'année de la convention."),
            "invalid": _("Indiquez l'année en chiffres, par exemple 2024."),
            "min_value": _("L'année de l'objectif doit être comprise entre 2000 et 2100."),
            "max_value": _("L'année de l'objectif doit être comprise entre 2000 et 2100."),
        },
        widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.visible_to(user).order_by("name")
        for kind in TargetKind:
            self.fields[kind.value] = forms.IntegerField(
                label=kind.label,
                required=False,
                min_value=0,
                max_value=1_000_000,
                error_messages={
                    "min_value": _("Un objectif ne peut pas être négatif."),
                    "max_value": _("Cet objectif semble erroné : vérifiez le nombre."),
                    "invalid": _("Saisissez un nombre entier."),
                },
                widget=forms.NumberInput(attrs={"class": "form-control", "inputmode": "numeric", "min": 0}),
            )

    @property
    def target_fields(self):
        return [self[kind.value] for kind in TargetKind]

    def targets(self) -> dict[str, int | None]:
        return {kind.value: self.cleaned_data.get(kind.value) for kind in TargetKind}


class PerspectiveForm(InvalidFieldsMixin, forms.Form):
    """A perspective of the bilan entered as a planned action: title, quartier, month, partners."""

    title = forms.CharField(
        label=_("Action prévue"),
        max_length=200,
        error_messages={"required": _("Donnez un titre à l'action prévue.")},
        widget=forms.TextInput(attrs={"class": "form-control"}),
    )
    kind = forms.ChoiceField(
        label=_("Type"), choices=ActionKind.choices, widget=forms.Select(attrs={"class": "form-select"})
    )
    theme = forms.ModelChoiceField(
        label=_("Thème"),
        queryset=ActionTheme.objects.filter(is_active=True),
        required=False,
        empty_label=_("Sans thème"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    month = forms.DateField(
        label=_("Mois prévu"),
        input_formats=["%Y-%m", "%m/%Y"],
        error_messages={
            "required": _("Indiquez le mois prévu."),
            "invalid": _("Indiquez le mois, par exemple 2024-05."),
        },
        widget=forms.DateInput(attrs={"class": "form-control", "type": "month"}, format="%Y-%m"),
    )
    partners = forms.ModelMultipleChoiceField(
        label=_("Partenaires"),
        queryset=Partner.objects.filter(is_active=True),
        required=False,
        widget=forms.SelectMultiple(attrs={"class": "form-select", "size": 6}),
    )

    def __init__(self, *args, team, end, **kwargs):
        super().__init__(*args, **kwargs)
        self.end = end
        self.fields["sector"] = SectorField(communes=team.communes.all())
        self.fields["sector"].error_messages["required"] = _("Indiquez le quartier de l'action prévue.")
        self.fields["sector"].widget.attrs["class"] = "form-select"
        self.order_fields(["title", "kind", "theme", "sector", "month", "partners"])

    def clean_month(self):
        month = self.cleaned_data["month"].replace(day=1)
        if month <= self.end.replace(day=1):
            raise forms.ValidationError(_("Une perspective se prévoit après la fin du bilan."))
        if month.year > self.end.year + 3:
            raise forms.ValidationError(_("Ce mois semble erroné : vérifiez l'année."))
        return month


class StaffMemberForm(forms.ModelForm):
    class Meta:
        model = StaffMember
        fields = ["name", "job", "fte", "started_on", "ended_on", "referent_of"]
        widgets = {
            "name": forms.TextInput(attrs={"class": "form-control"}),
            "job": forms.TextInput(attrs={"class": "form-control"}),
            "fte": forms.NumberInput(attrs={"class": "form-control", "step": "0.1", "min": "0.1", "max": "1"}),
            "started_on": DateInput(),
            "ended_on": DateInput(),
            "referent_of": forms.Select(attrs={"class": "form-select"}),
        }

    def __init__(self, *args, team, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["referent_of"].queryset = team.communes.all()
        self.fields["referent_of"].empty_label = _("Aucune")


def staff_formset(team, *, data=None):
    """The team's posts, one form each, and an empty one to add a post."""
    formset_class = forms.modelformset_factory(StaffMember, form=StaffMemberForm, extra=1, can_delete=True)
    return formset_class(
        data=data,
        queryset=StaffMember.objects.filter(team=team).order_by("started_on", "name"),
        form_kwargs={"team": team},
        prefix="postes",
    )


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
