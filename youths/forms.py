"""Forms of the youth screens: quick creation at the first meeting, full record, level and situation changes."""

import datetime

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emps.enums import STAFF_ROLES
from emps.forms import TILES, PastDateField, QuickSelect, SectorErrorsMixin, SectorField, sector_value
from emps.locking import VersionedModelForm
from emps.models import Commune, Partner, Team, User
from youths.enums import Level
from youths.models import MIN_BIRTH_YEAR, EndReason, Origin, Situation, Youth
from youths.rules import age_on

# Outside these ages the form asks the educator to confirm: a typing slip (3 or 40) is likelier than a real case.
MIN_PLAUSIBLE_AGE = 6
MAX_PLAUSIBLE_AGE = 25

MONTHS = [
    (1, gettext_lazy("janvier")),
    (2, gettext_lazy("février")),
    (3, gettext_lazy("mars")),
    (4, gettext_lazy("avril")),
    (5, gettext_lazy("mai")),
    (6, gettext_lazy("juin")),
    (7, gettext_lazy("juillet")),
    (8, gettext_lazy("août")),
    (9, gettext_lazy("septembre")),
    (10, gettext_lazy("octobre")),
    (11, gettext_lazy("novembre")),
    (12, gettext_lazy("décembre")),
]


def team_members(user, *, also=()):
    """Active educators and coordinators of the user's teams (plus the users `also` names, already chosen)."""
    memberships = User.teams.through.objects.filter(team__in=user.teams.values("pk")).values("user_id")
    members = Q(pk__in=memberships, role__in=STAFF_ROLES, is_active=True)
    return User.objects.filter(members | Q(pk__in=[pk for pk in also if pk])).order_by(
        "first_name", "last_name", "username"
    )


def birth_year_for_age(age: int, today: datetime.date) -> int:
    """The birth year that gives `age` today, the birth being taken as 1 July (the bilan's rule)."""
    return today.year - age - (1 if (today.month, today.day) < (7, 1) else 0)


class AgeOrYearField(forms.CharField):
    """One box for what the first meeting gives: an approximate age (14) or a birth year (2010).

    Cleans to `(birth_year, age_is_estimated)`, or None when left blank.
    """

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Âge ou année de naissance"))
        kwargs.setdefault("required", False)
        kwargs.setdefault(
            "help_text", gettext_lazy("Un âge approximatif (par exemple 14) ou une année de naissance (2010).")
        )
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "4", "size": "6"}),
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        if not value:
            return None
        today = timezone.localdate()
        text = value.strip().lower().removesuffix("ans").removesuffix("an").strip()
        if not text.isdigit():
            raise ValidationError(
                _("Indiquez un âge en chiffres (par exemple 14) ou une année de naissance (par exemple 2010)."),
                code="invalid",
            )
        number = int(text)
        if number < 100:
            return birth_year_for_age(number, today), True
        if number > today.year:
            raise ValidationError(
                _("L'année de naissance %(year)s est dans le futur.") % {"year": number}, code="future"
            )
        if number < MIN_BIRTH_YEAR:
            raise ValidationError(
                _("Indiquez un âge (par exemple 14) ou une année de naissance après %(year)s.")
                % {"year": MIN_BIRTH_YEAR},
                code="implausible",
            )
        return number, False


class AgeConfirmationMixin:
    """Asks for confirmation, rather than refusing, an age outside the usual public (a 3 or 40 year old)."""

    confirm_age = forms.BooleanField(
        label=gettext_lazy("Je confirme cet âge"),
        required=False,
    )
    age_field_name = "birth_year"

    def check_plausible_age(self, birth_year, birth_month):
        self.needs_age_confirmation = False
        age = age_on(birth_year, birth_month, timezone.localdate())
        if age is None:
            return
        if age < 0:
            self.add_error(self.age_field_name, _("La date de naissance est dans le futur."))
            return
        if MIN_PLAUSIBLE_AGE <= age <= MAX_PLAUSIBLE_AGE or self.cleaned_data.get("confirm_age"):
            return
        self.needs_age_confirmation = True
        self.add_error(
            self.age_field_name,
            ValidationError(
                _(
                    "Le jeune aurait %(age)s an(s), en dehors des %(min)s à %(max)s ans habituels. "
                    "Si c'est bien le cas, cochez « Je confirme cet âge » et enregistrez ; sinon corrigez."
                )
                % {"age": age, "min": MIN_PLAUSIBLE_AGE, "max": MAX_PLAUSIBLE_AGE},
                code="confirm_age",
            ),
        )

    @property
    def show_age_confirmation(self):
        return getattr(self, "needs_age_confirmation", False) or bool(self.data.get("confirm_age"))


class TeamChoiceMixin:
    """Adds a team choice only for a user of several teams; otherwise the team is implied."""

    def setup_team(self, user):
        teams = list(Team.objects.visible_to(user).prefetch_related("communes"))
        self.user_teams = teams
        if len(teams) > 1:
            self.fields["team"] = forms.ModelChoiceField(
                label=gettext_lazy("Équipe"),
                queryset=Team.objects.visible_to(user),
                empty_label=_("Choisir l'équipe…"),
            )
        return teams

    def resolve_team(self, commune):
        """The team of the record: the chosen one, or the user's only team."""
        if "team" in self.fields:
            team = self.cleaned_data.get("team")
            if team is not None and commune is not None and commune not in team.communes.all():
                self.add_error("sector", _("Ce quartier n'est pas sur le territoire de l'équipe choisie."))
            return team
        return self.user_teams[0] if self.user_teams else None

    def apply_sector_and_team(self, cleaned):
        """Set the record's commune and quartier from the sector field, and the team of a new record."""
        sector = cleaned.get("sector")
        if sector:
            self.instance.commune, self.instance.quartier = sector
        if not self.instance.pk:
            team = self.resolve_team(sector[0] if sector else None)
            if team is not None:
                self.instance.team = team


class YouthCreateForm(SectorErrorsMixin, AgeConfirmationMixin, TeamChoiceMixin, forms.ModelForm):
    """What the first meeting gives; the rest can come later."""

    age_or_year = AgeOrYearField()
    confirm_age = AgeConfirmationMixin.confirm_age
    first_met_on = PastDateField(label=gettext_lazy("Rencontré·e le"))
    situation = forms.ModelChoiceField(
        label=gettext_lazy("Situation"),
        queryset=Situation.objects.filter(is_active=True),
        required=False,
        empty_label=_("Non renseignée"),
    )
    level = forms.ChoiceField(
        label=gettext_lazy("Niveau d'accompagnement"),
        choices=[(level, Level.short_label(level)) for level in Level.values],
        initial=Level.ACCROCHE,
        required=False,  # not sent: en accroche, as before the choice existed
        widget=forms.RadioSelect(attrs=TILES),
        help_text=gettext_lazy(
            "Dès la première rencontre : un jeune orienté par un partenaire peut commencer en ASEP ou en PAEI."
        ),
    )
    age_field_name = "age_or_year"

    class Meta:
        model = Youth
        fields = ["first_name", "sex", "origin", "origin_partner", "referent", "first_met_on"]
        widgets = {
            "first_name": forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "words"}),
            "sex": forms.RadioSelect(attrs=TILES),
            "origin": forms.RadioSelect(attrs=TILES),
            # An administrator of a federation picks among its hundreds of partners and educators.
            "origin_partner": QuickSelect,
            "referent": QuickSelect,
        }

    def __init__(self, *args, user, initial_sector="", **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        teams = self.setup_team(user)
        self.fields["sector"] = SectorField(communes=Commune.objects.visible_to(user), initial=initial_sector)
        self.order_fields(
            ["first_name", "sex", "age_or_year", "confirm_age", "sector", "origin", "first_met_on", "level"]
        )
        origins = Origin.objects.filter(is_active=True)
        self.fields["origin"].queryset = origins
        self.fields["origin"].empty_label = None
        self.fields["origin"].initial = origins.filter(code="presence").values_list("pk", flat=True).first()
        self.fields["origin_partner"].queryset = Partner.objects.filter(is_active=True)
        self.fields["origin_partner"].empty_label = _("Aucun")
        self.fields["referent"].queryset = team_members(user)
        self.fields["referent"].initial = user.pk
        self.fields["referent"].empty_label = _("Pas de référent·e")
        self.fields["first_name"].label = _("Prénom ou surnom")
        self.fields["first_name"].help_text = _("Un prénom ou un surnom suffit. Pas de nom de famille.")
        self.fields["first_name"].error_messages["required"] = _("Indiquez un prénom ou un surnom.")
        self.fields["sector"].error_messages["required"] = _("Indiquez le quartier où vit le jeune.")
        if len(teams) == 1:
            self.instance.team = teams[0]

    def clean_level(self):
        return self.cleaned_data.get("level") or Level.ACCROCHE

    def clean(self):
        cleaned = super().clean()
        self.apply_sector_and_team(cleaned)
        birth = cleaned.get("age_or_year")
        if birth:
            self.instance.birth_year, self.instance.age_is_estimated = birth
            self.check_plausible_age(birth[0], None)
        return cleaned

    def _post_clean(self):
        # Youth.clean() reads the team and the commune: validate the instance only once both are known.
        if self.instance.team_id is None or self.instance.commune_id is None:
            self._validate_unique = False
            return
        super()._post_clean()

    def _get_validation_exclusions(self):
        exclusions = super()._get_validation_exclusions()
        exclusions.add("reference")  # generated at save
        return exclusions


class YouthForm(SectorErrorsMixin, AgeConfirmationMixin, VersionedModelForm):
    """The full record, edited later on."""

    confirm_age = AgeConfirmationMixin.confirm_age
    first_met_on = PastDateField(label=gettext_lazy("Date de la première rencontre"))
    informed_on = PastDateField(
        label=gettext_lazy("Informé·e du traitement des données le"),
        required=False,
        initial=None,
        help_text=gettext_lazy("Date à laquelle le jeune a été informé de l'usage de ses données (RGPD)."),
    )

    class Meta:
        model = Youth
        fields = [
            "first_name",
            "last_name",
            "reference",
            "sex",
            "birth_year",
            "birth_month",
            "age_is_estimated",
            "origin",
            "origin_partner",
            "referent",
            "first_met_on",
            "informed_on",
        ]
        widgets = {
            "sex": forms.RadioSelect(attrs=TILES),
            "birth_year": forms.NumberInput(attrs={"inputmode": "numeric"}),
            "birth_month": forms.Select(choices=[("", gettext_lazy("Inconnu")), *MONTHS]),
            "origin_partner": QuickSelect,
            "referent": QuickSelect,
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        youth = self.instance
        self.fields["sector"] = SectorField(
            communes=youth.team.communes.all(), initial=sector_value(youth.commune_id, youth.quartier_id)
        )
        self.order_fields(
            ["first_name", "last_name", "reference", "sex", "birth_year", "birth_month", "confirm_age", "sector"]
        )
        self.fields["last_name"].help_text = _("À éviter : un prénom ou un surnom suffit.")
        self.fields["reference"].required = True
        self.fields["origin"].queryset = Origin.objects.filter(is_active=True) | Origin.objects.filter(
            pk=youth.origin_id or 0
        )
        self.fields["origin"].empty_label = _("Non renseignée")
        self.fields["origin_partner"].queryset = Partner.objects.filter(is_active=True) | Partner.objects.filter(
            pk=youth.origin_partner_id or 0
        )
        self.fields["origin_partner"].empty_label = _("Aucun")
        self.fields["referent"].queryset = team_members(user, also=[youth.referent_id])
        self.fields["referent"].empty_label = _("Pas de référent·e")
        self.fields["birth_year"].error_messages["min_value"] = _("Année trop ancienne.")

    def clean(self):
        cleaned = super().clean()
        sector = cleaned.get("sector")
        if sector:
            self.instance.commune, self.instance.quartier = sector
        birth_year = cleaned.get("birth_year")
        if birth_year and birth_year > timezone.localdate().year:
            self.add_error("birth_year", _("L'année de naissance %(year)s est dans le futur.") % {"year": birth_year})
        elif birth_year:
            self.check_plausible_age(birth_year, cleaned.get("birth_month"))
        if cleaned.get("birth_month") and not birth_year:
            self.add_error("birth_month", _("Indiquez aussi l'année de naissance."))
        return cleaned


class ChangeLevelForm(forms.Form):
    """Close the current support episode and open the next one."""

    level = forms.ChoiceField(
        label=gettext_lazy("Nouveau niveau"), choices=Level.choices, widget=forms.RadioSelect(attrs=TILES)
    )
    on = PastDateField(label=gettext_lazy("À partir du"))
    reason = forms.ModelChoiceField(
        label=gettext_lazy("Motif de fin de l'accompagnement en cours"),
        queryset=EndReason.objects.filter(is_active=True),
        required=False,
        empty_label=_("Non précisé"),
    )

    def __init__(self, *args, current=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current
        if current is not None:
            self.fields["level"].choices = [c for c in Level.choices if c[0] != current.level]
            self.fields["reason"].initial = (
                EndReason.objects.filter(code="changement-niveau").values_list("pk", flat=True).first()
            )
        else:
            del self.fields["reason"]

    def clean_on(self):
        on = self.cleaned_data["on"]
        if self.current is not None and on <= self.current.started_on:
            raise ValidationError(
                _("Le nouveau niveau doit commencer après le début de l'accompagnement en cours (%(date)s).")
                % {"date": self.current.started_on.strftime("%d/%m/%Y")}
            )
        return on


class CloseSupportForm(forms.Form):
    """The youth stops (libre adhésion), moves away, or is handed over to a partner."""

    on = PastDateField(label=gettext_lazy("Fin le"))
    reason = forms.ModelChoiceField(
        label=gettext_lazy("Motif"),
        queryset=EndReason.objects.filter(is_active=True).exclude(code="changement-niveau"),
        empty_label=_("Choisir un motif…"),
    )

    def __init__(self, *args, current, **kwargs):
        super().__init__(*args, **kwargs)
        self.current = current

    def clean_on(self):
        on = self.cleaned_data["on"]
        if on < self.current.started_on:
            raise ValidationError(
                _("La fin ne peut précéder le début de l'accompagnement en cours (%(date)s).")
                % {"date": self.current.started_on.strftime("%d/%m/%Y")}
            )
        return on


class SituationForm(forms.Form):
    situation = forms.ModelChoiceField(
        label=gettext_lazy("Situation"),
        queryset=Situation.objects.filter(is_active=True),
        widget=forms.RadioSelect(attrs=TILES),
        empty_label=None,
    )
    on = PastDateField(label=gettext_lazy("Depuis le"))
