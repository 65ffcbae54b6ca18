"""Forms of the quick entries: interventions, street-presence sessions, collective actions."""

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from actions.enums import ActionKind, ActionStatus, Carrying, InterventionKind, MeetingKind, Place
from actions.models import (
    ADULT_COUNTERS,
    MAX_NOTE_LENGTH,
    TALLY_BANDS,
    TALLY_COUNTERS,
    TALLY_SEXES,
    YOUTH_COUNTERS,
    ActionTheme,
    CollectiveAction,
    DiagnosticFinding,
    Domain,
    Intervention,
    PartnerMeeting,
    PresenceSession,
)
from emps.durations import CONFIRM_ABOVE_MINUTES, duration_doubt, format_duration, parse_duration
from emps.forms import (
    TILES,
    DateInput,
    PastDateField,
    QuickSelect,
    QuickSelectMultiple,
    SectorErrorsMixin,
    SectorField,
    TimeInput,
    sector_value,
    validate_not_in_future,
)
from emps.locking import VersionedModelForm
from emps.models import Commune, Partner, Quartier
from youths.forms import TeamChoiceMixin, team_members
from youths.models import Youth


def youth_choices(user):
    return Youth.objects.visible_to(user).filter(anonymised_at__isnull=True).select_related("quartier", "commune")


def active_or_current(queryset, current_pks):
    """Active reference values, plus the ones a record being edited already uses."""
    return queryset.filter(is_active=True) | queryset.filter(pk__in=list(current_pks))


def chosen_youths(bound_field):
    """The youths a picker shows as chosen: the submitted ones after a failed save, else the initial ones."""
    value = bound_field.value()
    values = value if isinstance(value, list | tuple) else [value]
    pks = [int(v) for v in values if str(v or "").isdigit()]
    return list(bound_field.field.queryset.filter(pk__in=pks)) if pks else []


def offer_chosen_youths(bound_field):
    """Only the chosen youths are options of the select (after the empty choice of an optional one): the
    picker searches the others on the server."""
    field = bound_field.field
    optional = not field.required and getattr(field, "empty_label", None) is not None
    field.widget.choices = [
        *([("", field.empty_label)] if optional else []),
        *((youth.pk, field.label_from_instance(youth)) for youth in chosen_youths(bound_field)),
    ]


def check_not_before_first_meeting(form, youths, date):
    for youth in youths:
        if date and date < youth.first_met_on:
            form.add_error(
                "date",
                _("%(youth)s a été rencontré·e le %(first)s : l'intervention ne peut pas être antérieure.")
                % {"youth": youth, "first": youth.first_met_on.strftime("%d/%m/%Y")},
            )


class PickerMixin:
    """A select that the picker script turns into a search box with removable chips: among its own options,
    or searched on the server at `source_url` (see static/js/picker.js for its other data attributes)."""

    def __init__(self, attrs=None, *, source_url=""):
        attrs = {"data-picker": "", **(attrs or {})}
        if source_url:
            attrs["data-source"] = source_url
        super().__init__(attrs=attrs)


class PickerSelect(PickerMixin, QuickSelect):
    """A picker of one value."""

    def __init__(self, attrs=None, *, source_url=""):
        super().__init__({"data-max": "1", **(attrs or {})}, source_url=source_url)


class PickerSelectMultiple(PickerMixin, QuickSelectMultiple):
    """A picker of several values."""


class NoteField(forms.CharField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Note"))
        kwargs.setdefault("required", False)
        kwargs.setdefault("max_length", MAX_NOTE_LENGTH)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 3, "data-counter": ""}))
        super().__init__(**kwargs)


class DurationField(forms.CharField):
    """A duration typed the way people say it (see emps.durations). Cleans to minutes."""

    def __init__(self, **kwargs):
        kwargs.setdefault("label", gettext_lazy("Durée"))
        kwargs.setdefault("help_text", gettext_lazy("En heures : 2, 1,5 ou 2 h 30 ; ou en minutes : 90 min."))
        kwargs.setdefault(
            "widget",
            # static/js/forms.js asks « 15 heures ? » before sending (an entry may wait offline); the form checks.
            forms.TextInput(
                attrs={"autocomplete": "off", "inputmode": "decimal", "data-confirm-above": CONFIRM_ABOVE_MINUTES}
            ),
        )
        kwargs.setdefault("error_messages", {"required": gettext_lazy("Indiquez la durée de la présence.")})
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return format_duration(value)
        return value

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return parse_duration(value)
        except ValueError as error:
            raise ValidationError(str(error), code="invalid") from None


class InterventionQuickForm(forms.Form):
    """One or more youths, one intervention recorded per youth."""

    date = PastDateField(label=gettext_lazy("Date"))
    youths = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Jeunes"),
        queryset=Youth.objects.none(),
        error_messages={
            "required": gettext_lazy("Choisissez au moins un jeune."),
            "invalid_choice": gettext_lazy("Ce jeune n'est pas suivi par votre équipe."),
        },
        help_text=gettext_lazy("Une intervention est enregistrée pour chaque jeune choisi."),
    )
    domains = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Domaines travaillés"),
        queryset=Domain.objects.none(),
        widget=forms.CheckboxSelectMultiple(attrs=TILES),
        error_messages={"required": gettext_lazy("Cochez au moins un domaine travaillé.")},
    )
    kind = forms.ChoiceField(
        label=gettext_lazy("Type"),
        choices=InterventionKind.choices,
        widget=forms.RadioSelect(attrs=TILES),
        required=False,
    )
    partners = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Partenaires mobilisés"), queryset=Partner.objects.none(), required=False
    )
    note = NoteField(widget=forms.Textarea(attrs={"rows": 3, "data-counter": "", "aria-describedby": "note-reminder"}))

    def __init__(self, *args, user, search_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["youths"].queryset = youth_choices(user)
        self.fields["youths"].widget = PickerSelectMultiple(source_url=search_url)
        self.fields["domains"].queryset = Domain.objects.filter(is_active=True)
        self.fields["partners"].queryset = Partner.objects.filter(is_active=True).select_related("category")
        self.fields["partners"].widget = PickerSelectMultiple()
        self.fields["partners"].widget.choices = self.fields["partners"].choices
        offer_chosen_youths(self["youths"])

    def selected_youths(self):
        return chosen_youths(self["youths"])

    def clean(self):
        cleaned = super().clean()
        check_not_before_first_meeting(self, cleaned.get("youths") or [], cleaned.get("date"))
        return cleaned


class InterventionForm(VersionedModelForm):
    """Editing one recorded intervention."""

    date = PastDateField(label=gettext_lazy("Date"))
    note = NoteField(widget=forms.Textarea(attrs={"rows": 3, "data-counter": "", "aria-describedby": "note-reminder"}))

    class Meta:
        model = Intervention
        fields = ["youth", "date", "domains", "kind", "partners", "note"]
        widgets = {"domains": forms.CheckboxSelectMultiple(attrs=TILES), "kind": forms.RadioSelect(attrs=TILES)}

    def __init__(self, *args, user, search_url, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["youth"].queryset = youth_choices(user)
        self.fields["youth"].widget = PickerSelect(source_url=search_url)
        offer_chosen_youths(self["youth"])
        current = self.instance.pk and self.instance.domains.values_list("pk", flat=True)
        self.fields["domains"].queryset = active_or_current(Domain.objects.all(), current or [])
        self.fields["domains"].error_messages["required"] = _("Cochez au moins un domaine travaillé.")
        current = self.instance.pk and self.instance.partners.values_list("pk", flat=True)
        self.fields["partners"].queryset = active_or_current(Partner.objects.all(), current or [])
        self.fields["partners"].widget = PickerSelectMultiple()
        self.fields["partners"].widget.choices = self.fields["partners"].choices
        self.fields["kind"].choices = InterventionKind.choices

    def clean(self):
        cleaned = super().clean()
        youth = cleaned.get("youth")
        check_not_before_first_meeting(self, [youth] if youth else [], cleaned.get("date"))
        return cleaned


# Above this many people in one counter of a tally, the form asks to confirm the number.
TALLY_CONFIRM_ABOVE = 200
TALLY_MAX = 9999
COUNT_INPUT = {"inputmode": "numeric", "min": 0, "step": 1, "class": "form-control tally-input", "data-count": ""}


class CountField(forms.IntegerField):
    """One counter of a tally: a whole number from 0, empty meaning 0."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("min_value", 0)
        kwargs.setdefault("max_value", TALLY_MAX)
        kwargs.setdefault("widget", forms.NumberInput(attrs=COUNT_INPUT))
        kwargs.setdefault(
            "error_messages",
            {
                "min_value": gettext_lazy("Un nombre de personnes ne peut pas être négatif."),
                "max_value": gettext_lazy("Nombre invraisemblable pour un seul temps de présence."),
                "invalid": gettext_lazy("Écrivez un nombre entier, par exemple 3."),
            },
        )
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        return 0 if value is None else value


class TallyFormMixin:
    """The anonymous tally of the people met (`actions.models.Tally`): a counter per sex and age band and
    for the adults, and whether they were counted. Touching any counter counts the tally; a tally left
    untouched is « non compté », not zero. A counter above TALLY_CONFIRM_ABOVE asks for a confirmation."""

    tally_help = gettext_lazy(
        "Un décompte anonyme, jamais de nom. Sans décompte, la présence est « non comptée », ce qui n'est pas zéro."
    )
    tally_reset_label = gettext_lazy("Ne pas compter cette présence")
    tally_idle_label = gettext_lazy("Non compté")

    def setup_tally(self):
        for name in TALLY_COUNTERS:
            self.fields[name] = CountField(label=self._meta.model._meta.get_field(name).verbose_name)
        self.fields["counted"].label = _("Les personnes rencontrées ont été comptées")
        self.fields["counted"].help_text = _("Cochez même si personne n'a été rencontré.")
        self.fields["confirm_count"] = forms.BooleanField(label=_("Je confirme ce nombre"), required=False)
        for name in ("counted", "confirm_count"):
            self.fields[name].widget.attrs["class"] = "form-check-input"

    def tally_groups(self):
        """[(label, [(band label, bound field)])]: the young people by sex, then the adults."""
        groups = [
            (label, [(band_label, self[f"{sex}_{band}"]) for band, band_label in TALLY_BANDS])
            for sex, label in TALLY_SEXES
        ]
        return [*groups, (_("adultes"), [(self[name].label, self[name]) for name, _label in ADULT_COUNTERS])]

    def tally_is_open(self) -> bool:
        """Whether the tally shows open: counted, or anything typed in it, or an error in it."""
        if any(self[name].errors for name in TALLY_COUNTERS):
            return True
        if self.is_bound:
            return bool(self.data.get("counted")) or any(str(self.data.get(n) or "0") != "0" for n in TALLY_COUNTERS)
        return bool(self.instance.counted)

    def needs_confirmation(self) -> bool:
        """Whether a counter above the threshold is shown (the confirmation box is then shown too)."""
        for name in TALLY_COUNTERS:
            value = self[name].value()
            if str(value or "").isdigit() and int(value) > TALLY_CONFIRM_ABOVE:
                return True
        return False

    def clean_tally(self, cleaned):
        counts = {name: cleaned.get(name) for name in TALLY_COUNTERS if name in cleaned}
        large = [name for name, count in counts.items() if count and count > TALLY_CONFIRM_ABOVE]
        if large and not cleaned.get("confirm_count"):
            for name in large:
                self.add_error(
                    name,
                    _("Plus de %(max)s personnes : vérifiez le nombre, puis cochez « Je confirme ce nombre ».")
                    % {"max": TALLY_CONFIRM_ABOVE},
                )
        cleaned["counted"] = bool(cleaned.get("counted")) or any(counts.values())
        self.instance.counted = cleaned["counted"]


class PresenceSessionForm(TallyFormMixin, SectorErrorsMixin, TeamChoiceMixin, VersionedModelForm):
    date = PastDateField(label=gettext_lazy("Date"))
    duration = DurationField()
    note = NoteField(label=gettext_lazy("Commentaire"), help_text="")

    class Meta:
        model = PresenceSession
        fields = ["date", "start_time", "place", "educators", "note", "counted", *TALLY_COUNTERS]
        widgets = {
            "start_time": TimeInput,
            "place": forms.RadioSelect(attrs=TILES),
            "educators": forms.CheckboxSelectMultiple(attrs=TILES),
        }

    def __init__(self, *args, user, initial_sector="", **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_team(user)
        session = self.instance
        if session.pk:
            communes = session.team.communes.all()
            initial_sector = sector_value(session.commune_id, session.quartier_id)
            self.fields["duration"].initial = session.duration_minutes
        else:
            communes = Commune.objects.visible_to(user)
            self.fields["educators"].initial = [user.pk]
        self.fields["sector"] = SectorField(communes=communes, initial=initial_sector)
        self.fields["sector"].error_messages["required"] = _("Indiquez où a eu lieu la présence.")
        present = session.educators.values_list("pk", flat=True) if session.pk else []
        self.fields["educators"].queryset = team_members(user, also=list(present))
        self.fields["educators"].required = True
        self.fields["educators"].error_messages["required"] = _("Cochez au moins un éducateur présent.")
        self.fields["start_time"].label = _("Heure de début")
        self.fields["place"].choices = Place.choices
        self.setup_tally()
        self.fields["confirm_duration"] = forms.BooleanField(label=_("Je confirme cette durée"), required=False)
        self.fields["confirm_duration"].widget.attrs.update({"class": "form-check-input", "data-confirm-duration": ""})
        self.order_fields(["date", "start_time", "duration", "place", "sector", "team", "educators", "note"])

    def duration_doubt(self) -> str | None:
        """The question on a typed duration (`emps.durations.duration_doubt`); an edit keeping it is not asked."""
        if not self.is_bound:
            return None
        typed = self["duration"].value() or ""
        try:
            if self.instance.pk and parse_duration(typed) == self.instance.duration_minutes:
                return None
        except ValueError:
            return None
        return duration_doubt(typed)

    def clean(self):
        cleaned = super().clean()
        self.apply_sector_and_team(cleaned)
        if cleaned.get("duration") and not cleaned.get("confirm_duration") and (doubt := self.duration_doubt()):
            self.add_error("duration", ValidationError(doubt, code="confirm_duration"))
        self.clean_tally(cleaned)
        if cleaned.get("duration"):
            self.instance.duration_minutes = cleaned["duration"]
        if cleaned.get("educators"):
            self.instance.educator_count = len(cleaned["educators"])
        return cleaned


class CollectiveActionForm(TallyFormMixin, SectorErrorsMixin, TeamChoiceMixin, VersionedModelForm):
    """The young people without a file are a number; broken down by sex and age band (the tally), they make
    that number: the steppers write it, and an empty number takes the breakdown's total. The tally's parents
    are the families or parents reached."""

    date = forms.DateField(
        label=gettext_lazy("Date"),
        widget=DateInput,
        initial=timezone.localdate,
        help_text=gettext_lazy(
            "Date de l'action ; pour une action prévue ou reportée, la date à laquelle elle est prévue."
        ),
    )
    tally_help = gettext_lazy(
        "Facultatif, anonyme : les participants sans fiche par sexe et âge, et les familles ou parents touchés."
    )
    tally_reset_label = gettext_lazy("Ne pas détailler")
    tally_idle_label = gettext_lazy("Non détaillé")

    class Meta:
        model = CollectiveAction
        fields = [
            "kind",
            "carrying",
            "title",
            "date",
            "theme",
            "status",
            "planned_on",
            "replaced_by",
            "outcome",
            "partners",
            "participants",
            "anonymous_participants",
            "after_needs_assessment",
            "description",
            "counted",
            *TALLY_COUNTERS,
        ]
        widgets = {
            "kind": forms.RadioSelect(attrs=TILES),
            "carrying": forms.RadioSelect(attrs=TILES),
            # static/js/tally.js writes the young people of the tally into this number.
            "anonymous_participants": forms.NumberInput(
                attrs={"inputmode": "numeric", "min": 0, "data-tally-total": ""}
            ),
            "description": forms.Textarea(attrs={"rows": 3}),
            "planned_on": DateInput,
        }

    def __init__(self, *args, user, search_url, initial_sector="", **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_team(user)
        action = self.instance
        if action.pk:
            communes = action.team.communes.all()
            initial_sector = sector_value(action.commune_id, action.quartier_id)
        else:
            communes = Commune.objects.visible_to(user)
        self.fields["sector"] = SectorField(communes=communes, initial=initial_sector)
        self.fields["sector"].error_messages["required"] = _("Indiquez le quartier de l'action.")
        self.fields["kind"].choices = ActionKind.choices
        self.fields["kind"].error_messages["required"] = _("Choisissez le type d'action.")
        self.fields["carrying"].choices = Carrying.choices
        self.fields["title"].required = False
        self.fields["title"].help_text = _("Facultatif : à défaut, le type d'action sert de titre.")
        current = action.pk and action.partners.values_list("pk", flat=True)
        self.fields["partners"].queryset = active_or_current(Partner.objects.all(), current or [])
        self.fields["partners"].widget = PickerSelectMultiple()
        self.fields["partners"].widget.choices = self.fields["partners"].choices
        self.fields["participants"].queryset = youth_choices(user)
        self.fields["participants"].widget = PickerSelectMultiple(source_url=search_url)
        offer_chosen_youths(self["participants"])
        self.fields["participants"].help_text = _("Les jeunes qui ont une fiche ; les autres se comptent ci-dessous.")
        self.fields["anonymous_participants"].label = _("Participants sans fiche")
        self.fields["anonymous_participants"].help_text = _("Jeunes présents qui n'ont pas de fiche (nombre).")
        self.fields["anonymous_participants"].required = False
        self.fields["after_needs_assessment"].help_text = _("Atelier ou sortie organisé après une étude de besoin.")
        self.setup_tally()
        self.fields["counted"].label = _("Détaillés par sexe et âge")
        self.fields["counted"].help_text = _("Par sexe et âge, même s'il n'y en avait aucun.")
        self.fields["parents"].label = _("familles ou parents")
        self.fields["theme"].queryset = active_or_current(
            ActionTheme.objects.all(), [action.theme_id] if action.theme_id else []
        )
        self.fields["theme"].help_text = _("Les actions spécifiques du bilan sont écrites par thème.")
        self.fields["status"].choices = ActionStatus.choices
        self.fields["status"].required = False  # left out: done, as every action recorded before statuses
        # The replacing action: one of the team's, the action itself excepted.
        replacing = CollectiveAction.objects.visible_to(user).order_by("-date")
        if action.pk:
            replacing = replacing.filter(team=action.team_id).exclude(pk=action.pk)
        self.fields["replaced_by"].queryset = replacing
        self.fields["replaced_by"].help_text = _("Pour une action remplacée : l'action qui l'a remplacée.")
        self.order_fields(["kind", "carrying", "title", "date", "status", "theme", "sector", "team"])

    def clean_date(self):
        day = self.cleaned_data["date"]
        if day.year < 1990 or day.year > timezone.localdate().year + 5:
            raise ValidationError(_("Cette date semble erronée : vérifiez l'année."))
        return day

    def clean_status_and_date(self, cleaned):
        """A done action has happened (its date is not in the future); only a replaced one names its
        replacement."""
        if not cleaned.get("status") and not self.has_error("status"):
            cleaned["status"] = self.instance.status = ActionStatus.DONE
        status, day = cleaned.get("status"), cleaned.get("date")
        if status == ActionStatus.DONE and day:
            try:
                validate_not_in_future(day)
            except ValidationError as error:
                self.add_error("date", error)
        if cleaned.get("replaced_by") and status != ActionStatus.REPLACED:
            self.add_error("replaced_by", _("Seule une action remplacée a une action de remplacement."))

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        with transaction.atomic():
            # The participants before and after the edit are all written (their yearly facts): take
            # them first, in one go (see YouthQuerySet.lock).
            touched = Q(pk__in=[youth.pk for youth in self.cleaned_data.get("participants", ())])
            if self.instance.pk:
                touched |= Q(pk__in=self.instance.participants.values("pk"))
            Youth.objects.filter(touched).lock()
            return super().save(commit=True)

    def clean_anonymous_participants(self):
        count = self.cleaned_data.get("anonymous_participants") or 0
        if count > 500:
            raise ValidationError(_("Plus de 500 participants sans fiche : vérifiez le nombre saisi."))
        return count

    def clean(self):
        cleaned = super().clean()
        self.apply_sector_and_team(cleaned)
        if not cleaned.get("title") and cleaned.get("kind"):
            cleaned["title"] = str(ActionKind(cleaned["kind"]).label)
            self.instance.title = cleaned["title"]
        self.clean_tally(cleaned)
        self.clean_tally_total(cleaned)
        self.clean_status_and_date(cleaned)
        return cleaned

    def clean_tally_total(self, cleaned):
        """A breakdown makes the number of participants without a file: an empty number takes its total, a
        different one is an error (nothing typed is overwritten)."""
        if not cleaned.get("counted") or any(self.has_error(name) for name in TALLY_COUNTERS):
            return
        youths = sum(cleaned.get(name) or 0 for name, _sex, _band in YOUTH_COUNTERS)
        typed = self.data.get(self.add_prefix("anonymous_participants"), "").strip()
        if not typed and "anonymous_participants" in cleaned:
            cleaned["anonymous_participants"] = youths
            self.instance.anonymous_participants = youths
        elif cleaned.get("anonymous_participants") not in (None, youths):
            self.add_error(
                "anonymous_participants",
                _(
                    "%(total)s participants sans fiche, mais le détail par sexe et âge en compte %(youths)s : "
                    "corrigez l'un ou l'autre."
                )
                % {"youths": youths, "total": cleaned["anonymous_participants"]},
            )


class PartnerMeetingForm(SectorErrorsMixin, TeamChoiceMixin, VersionedModelForm):
    """A temps partenarial. It needs partners or an object; a diagnostic also takes its findings, one short
    text per quartier of the team's communes (`finding_<quartier pk>` fields)."""

    date = PastDateField(label=gettext_lazy("Date"))
    duration = DurationField(
        required=False, help_text=gettext_lazy("Facultative. En heures : 2, 1,5 ou 2 h 30 ; ou en minutes : 90 min.")
    )
    note = NoteField(label=gettext_lazy("Commentaire"), help_text="")

    class Meta:
        model = PartnerMeeting
        fields = ["kind", "title", "date", "partners", "educators", "note"]
        widgets = {
            "kind": forms.RadioSelect(attrs=TILES),
            "educators": forms.CheckboxSelectMultiple(attrs=TILES),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.setup_team(user)
        meeting = self.instance
        if meeting.pk:
            communes = meeting.team.communes.all()
            initial_sector = sector_value(meeting.commune_id, meeting.quartier_id)
            self.fields["duration"].initial = meeting.duration_minutes
        else:
            communes = Commune.objects.visible_to(user)
            initial_sector = ""
            self.fields["educators"].initial = [user.pk]
        self.fields["sector"] = SectorField(
            communes=communes, initial=initial_sector, label=_("Commune ou quartier"), required=False
        )
        self.fields["sector"].choices = [("", _("Toute l'équipe (sans commune)")), *self.fields["sector"].choices[1:]]
        self.fields["sector"].help_text = _("Vide : le temps compte pour toutes les communes de l'équipe.")
        self.fields["kind"].choices = MeetingKind.choices
        self.fields["title"].help_text = _("Facultatif quand des partenaires sont indiqués.")
        current = meeting.partners.values_list("pk", flat=True) if meeting.pk else []
        self.fields["partners"].queryset = active_or_current(Partner.objects.all(), current)
        self.fields["partners"].widget = PickerSelectMultiple()
        self.fields["partners"].widget.choices = self.fields["partners"].choices
        present = meeting.educators.values_list("pk", flat=True) if meeting.pk else []
        self.fields["educators"].queryset = team_members(user, also=list(present))
        self.quartiers = list(
            Quartier.objects.filter(commune__in=communes).select_related("commune").order_by("commune__name", "name")
        )
        findings = {f.quartier_id: f.text for f in meeting.findings.all()} if meeting.pk else {}
        for quartier in self.quartiers:
            self.fields[self.finding_name(quartier)] = forms.CharField(
                label=str(quartier),
                required=False,
                max_length=2000,
                initial=findings.get(quartier.pk, ""),
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        self.order_fields(["kind", "title", "date", "duration", "sector", "team", "partners", "educators", "note"])

    @staticmethod
    def finding_name(quartier) -> str:
        return f"finding_{quartier.pk}"

    def finding_fields(self):
        return [self[self.finding_name(quartier)] for quartier in self.quartiers]

    def clean(self):
        cleaned = super().clean()
        sector = cleaned.get("sector")
        if sector:
            self.apply_sector_and_team(cleaned)
        else:
            self.instance.commune = self.instance.quartier = None
            if not self.instance.pk:
                team = self.resolve_team(None)
                if team is not None:
                    self.instance.team = team
        if "duration" in cleaned:
            self.instance.duration_minutes = cleaned["duration"]
        if "partners" in cleaned and "title" in cleaned and not cleaned["partners"] and not cleaned["title"].strip():
            self.add_error("title", _("Indiquez l'objet du temps partenarial ou au moins un partenaire."))
        typed = [quartier for quartier in self.quartiers if cleaned.get(self.finding_name(quartier), "").strip()]
        if typed and cleaned.get("kind") != MeetingKind.DIAGNOSTIC:
            self.add_error(
                self.finding_name(typed[0]),
                _("Les constats par quartier ne concernent que les diagnostics territoriaux partagés."),
            )
        return cleaned

    def save(self, commit=True):
        if not commit:
            return super().save(commit=False)
        with transaction.atomic():
            meeting = super().save(commit=True)
            texts = {q.pk: self.cleaned_data.get(self.finding_name(q), "").strip() for q in self.quartiers}
            meeting.findings.exclude(quartier__in=[pk for pk, text in texts.items() if text]).delete()
            for quartier_pk, text in texts.items():
                if text:
                    DiagnosticFinding.objects.update_or_create(
                        meeting=meeting, quartier_id=quartier_pk, defaults={"text": text}
                    )
            return meeting
