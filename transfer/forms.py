from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from emps.models import Team
from transfer.parsing import FileError, check_size
from transfer.resources import KINDS
from transfer.services import FORMATS

ACCEPTED_EXTENSIONS = (".csv", ".txt", ".xlsx", ".xlsm")


def kind_choices():
    return [(kind, resource.label) for kind, resource in KINDS.items()]


class TeamChoiceMixin:
    """A team field offering the user's teams, left out when they have only one."""

    def setup_team(self, teams):
        self.teams = list(teams)
        if len(self.teams) == 1:
            del self.fields["team"]
        else:
            self.fields["team"].queryset = self.fields["team"].queryset.filter(pk__in=[t.pk for t in self.teams])

    def chosen_team(self):
        if "team" in self.fields:
            return self.cleaned_data.get("team")
        return self.teams[0] if self.teams else None


class ImportForm(TeamChoiceMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Type de fichier"), choices=kind_choices)
    file = forms.FileField(
        label=_("Fichier"),
        help_text=_("CSV (virgules ou points-virgules, UTF-8 ou Windows-1252) ou Excel .xlsx, %(max)s Mo au plus.")
        % {"max": settings.EMPS_IMPORT_MAX_MB},
        widget=forms.ClearableFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)}),
    )
    team = forms.ModelChoiceField(
        label=_("Équipe"),
        queryset=None,
        empty_label=None,
        help_text=_(
            "Pour les jeunes et les territoires, c'est l'équipe des lignes dont la colonne « equipe » est vide."
        ),
    )
    create_partners = forms.BooleanField(
        label=_("Créer les partenaires inconnus"),
        required=False,
        help_text=_(
            "Interventions, actions et temps partenariaux : un partenaire absent de la liste est créé "
            "(catégorie « À classer ») au lieu d'être signalé comme erreur."
        ),
    )

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.all()
        self.setup_team(teams)
        partner_kinds = " ".join(kind for kind, resource in KINDS.items() if resource.has_partners)
        self.fields["kind"].widget.attrs["data-partner-kinds"] = partner_kinds

    def clean_file(self):
        upload = self.cleaned_data["file"]
        try:
            check_size(upload.size)
        except FileError as error:
            raise forms.ValidationError(error.message) from error
        if upload.size == 0:
            raise forms.ValidationError(_("Le fichier est vide."))
        if not upload.name.lower().endswith(ACCEPTED_EXTENSIONS):
            raise forms.ValidationError(
                _("Déposez un fichier .csv ou .xlsx (enregistrez-le sous ce format depuis le tableur).")
            )
        return upload


class ExportForm(TeamChoiceMixin, forms.Form):
    kind = forms.ChoiceField(label=_("Données"), choices=kind_choices)
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("Excel (.xlsx)")), ("csv", _("CSV (points-virgules, UTF-8)"))],
        initial="xlsx",
    )
    team = forms.ModelChoiceField(label=_("Équipe"), queryset=None, empty_label=None)

    def __init__(self, *args, teams, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["team"].queryset = Team.objects.all()
        self.setup_team(teams)

    def clean_format(self):
        value = self.cleaned_data["format"]
        if value not in FORMATS:
            raise forms.ValidationError(_("Format inconnu."))
        return value
