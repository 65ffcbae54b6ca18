import datetime

from django import forms
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _

from emps.forms import QuickSelect
from emps.models import Commune, Team
from reports.builders import Scope
from reports.dashboards.builders import CUSTOM, DEFAULT_PRESET, PRESETS, is_whole_period, preset_period
from reports.dashboards.scope import FigureRights
from reports.forms import DATE_ERRORS, MAX_PERIOD_YEARS, DateInput, InvalidFieldsMixin
from reports.models import PublishedBilan

EARLIEST = datetime.date(2000, 1, 1)
WHOLE_PERIOD_ERROR = _(
    "Les chiffres des financeurs portent sur un mois, un trimestre ou une année civile entiers (par exemple du "
    "01/04/2024 au 30/06/2024) : une autre période permettrait, par différence, de retrouver un jeune."
)


class DashboardForm(InvalidFieldsMixin, forms.Form):
    """Period (a preset or two dates) and scope (a team, a commune) within the user's figure rights.

    The period is a whole calendar month, quarter or year (`is_whole_period`), never a day range.

    Every field is optional: no parameter at all means this year over the whole of the rights.
    """

    periode = forms.ChoiceField(
        label=_("Période"),
        choices=[*PRESETS.items(), (CUSTOM, _("Personnalisée"))],
        required=False,
        error_messages={"invalid_choice": _("Période inconnue : choisissez-en une dans la liste.")},
        widget=forms.HiddenInput,
    )
    du = forms.DateField(label=_("Du"), required=False, widget=DateInput(), error_messages=DATE_ERRORS)
    au = forms.DateField(label=_("Au"), required=False, widget=DateInput(), error_messages=DATE_ERRORS)
    equipe = forms.ModelChoiceField(
        label=_("Équipe"),
        queryset=Team.objects.none(),
        required=False,
        empty_label=_("Toutes mes équipes"),
        error_messages={"invalid_choice": _("Équipe inconnue ou hors de votre périmètre.")},
        widget=QuickSelect(attrs={"class": "form-select"}),
    )
    commune = forms.ModelChoiceField(
        label=_("Commune"),
        queryset=Commune.objects.none(),
        required=False,
        empty_label=_("Toutes les communes"),
        error_messages={"invalid_choice": _("Commune inconnue ou hors de votre périmètre.")},
        widget=QuickSelect(attrs={"class": "form-select"}),
    )

    def __init__(self, *args, rights: FigureRights, today: datetime.date, **kwargs):
        super().__init__(*args, **kwargs)
        self.rights = rights
        self.today = today
        self.fields["equipe"].queryset = Team.objects.filter(pk__in=[t.pk for t in rights.teams]).order_by("name")
        self.fields["commune"].queryset = Commune.objects.filter(pk__in=[c.pk for c in rights.communes]).order_by(
            "name"
        )

    def clean(self):
        cleaned = super().clean()
        preset = cleaned.get("periode") or ""
        start, end = cleaned.get("du"), cleaned.get("au")
        if preset in PRESETS or (not preset and not start and not end):
            preset = preset or DEFAULT_PRESET
            start, end = preset_period(preset, self.today)
        else:
            preset = CUSTOM
            if "du" not in self.errors and start is None:
                self.add_error("du", _("Indiquez le début de la période."))
            if "au" not in self.errors and end is None:
                self.add_error("au", _("Indiquez la fin de la période."))
            if start and end:
                if start > end:
                    self.add_error(
                        "au",
                        _("La fin de la période (%(end)s) précède son début (%(start)s).")
                        % {"start": start.strftime("%d/%m/%Y"), "end": end.strftime("%d/%m/%Y")},
                    )
                elif end - start > datetime.timedelta(days=366 * MAX_PERIOD_YEARS):
                    self.add_error("au", _("La période ne peut dépasser %(n)s ans.") % {"n": MAX_PERIOD_YEARS})
                elif start < EARLIEST:
                    self.add_error("du", _("La période ne peut commencer avant 2000."))
                elif not is_whole_period(start, end):
                    self.add_error(None, WHOLE_PERIOD_ERROR)
                elif start > self.today:
                    self.add_error("du", _("Cette période n'a pas encore commencé."))
        cleaned["periode"], cleaned["du"], cleaned["au"] = preset, start, end
        if not self.errors:
            team, commune = cleaned.get("equipe"), cleaned.get("commune")
            self.scope = self.rights.scope(team=team, commune=commune)
            if self.scope is None:
                if team is not None and commune is not None:
                    self.add_error(
                        "commune",
                        _("La commune %(commune)s ne fait pas partie de votre périmètre pour l'équipe %(team)s.")
                        % {"commune": commune.name, "team": team.name},
                    )
                else:
                    self.add_error(None, _("Aucune équipe n'est rattachée à votre compte : aucun chiffre à afficher."))
        return cleaned

    scope: Scope | None = None

    @property
    def start(self) -> datetime.date:
        return self.cleaned_data["du"]

    @property
    def asked_end(self) -> datetime.date:
        """The last day of the month, quarter or year asked."""
        return self.cleaned_data["au"]

    @property
    def end(self) -> datetime.date:
        """The period's end, or today while the period runs (the asked period stays `cleaned_data["au"]`)."""
        return min(self.cleaned_data["au"], self.today)

    @property
    def preset(self) -> str:
        return self.cleaned_data["periode"]

    def shows(self, name: str) -> bool:
        """Whether a field is on the page: the dates always, a team or commune list when there is a choice."""
        if name in ("du", "au"):
            return True
        if name == "equipe":
            return len(self.rights.teams) > 1
        if name == "commune":
            return len(self.rights.communes) > 1
        return False

    @property
    def summary_errors(self) -> list[str]:
        """The messages not shown beside a field: the form's own and those of fields not on the page."""
        messages = list(self.non_field_errors())
        for name, errors in self.errors.items():
            if name != "__all__" and not self.shows(name):
                messages += list(errors)
        return messages

    def scope_params(self) -> dict:
        data = self.cleaned_data if hasattr(self, "cleaned_data") else {}
        params = {}
        if data.get("equipe"):
            params["equipe"] = data["equipe"].pk
        if data.get("commune"):
            params["commune"] = data["commune"].pk
        return params

    def query(self, **overrides) -> str:
        """The same dashboard (scope and period) as a query string, with some parameters changed."""
        params = self.scope_params()
        if self.preset == CUSTOM:
            params.update({"periode": CUSTOM, "du": self.start.isoformat(), "au": self.asked_end.isoformat()})
        else:
            params["periode"] = self.preset
        params.update(overrides)
        return urlencode({k: v for k, v in params.items() if v not in (None, "")})

    def preset_links(self) -> list[dict]:
        """The period shortcuts, keeping the chosen scope."""
        current = self.preset if self.is_valid() else None
        links = []
        for key, label in PRESETS.items():
            start, end = preset_period(key, self.today)
            params = {**self.scope_params(), "periode": key}
            links.append(
                {
                    "key": key,
                    "label": label,
                    "query": urlencode(params),
                    "active": key == current,
                    "start": start,
                    "end": end,
                }
            )
        return links


class PublishForm(forms.Form):
    small_cells = forms.ChoiceField(
        label=_("Petits effectifs"),
        choices=PublishedBilan.SmallCells.choices,
        initial=PublishedBilan.SmallCells.AS_IS,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choisissez comment afficher les petits effectifs.")},
    )
    confirm = forms.BooleanField(
        label=_("J'ai relu le bilan : les financeurs de ce périmètre pourront le consulter et le télécharger."),
        error_messages={"required": _("Cochez la case pour confirmer la publication.")},
    )
