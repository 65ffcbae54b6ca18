from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from actions.enums import ActionKind, ActionStatus, Carrying, InterventionKind, MeetingKind, Place
from emps.durations import format_duration
from emps.enums import STAFF_ROLES
from emps.fields import client_key_field, copied_key
from emps.models import Commune, Partner, Quartier, ReferenceItem, Team, TeamScopedQuerySet
from emps.rounding import hours
from youths.models import Youth

MAX_NOTE_LENGTH = 500


class Domain(ReferenceItem):
    """A domain worked on with a youth (Scolarité, Santé / Bien être…), in the bilan's order."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("domaine travaillé")
        verbose_name_plural = _("domaines travaillés")


class ActionTheme(ReferenceItem):
    """The theme of a collective action (Sport / loisirs, Culturel…), by which « Actions spécifiques » is written."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("thème d'action")
        verbose_name_plural = _("thèmes d'action")


class InterventionLink(models.Model):
    """A row of an intervention (its domain tags, its partners) with a copy of the intervention's youth,
    date and team, written only by the database's triggers."""

    intervention = models.ForeignKey("Intervention", on_delete=models.CASCADE, verbose_name=_("intervention"))
    youth = copied_key(Youth, _("jeune"))
    date = models.DateField(_("date"), null=True, editable=False)
    team = copied_key(Team, _("équipe"))

    class Meta:
        abstract = True


class InterventionDomain(InterventionLink):
    """A domain worked on in an intervention, with a copy of the intervention's youth, date and team.

    The copy lets the bilan count the youths of each domain from one index, (youth, date, domain) for a
    commune's youths or (team, date, domain, youth) for whole teams, instead of joining a million
    interventions, the costliest part of a federation's funders' dashboard. Triggers keep it
    exact on both databases (migrations 0005 and 0007): the copy is taken from the intervention on
    insert, and follows it when its youth, date or team changes. Nothing in Python writes it.
    On SQLite, a migration that rebuilds this table, actions_intervention or youths_youth (most
    AlterField on them) drops their triggers: such a migration must create the copy triggers again
    (`migrate` stops, naming them, otherwise); the summaries' marks come back by themselves after
    `migrate` (`actions.marks`).
    """

    domain = models.ForeignKey(Domain, on_delete=models.CASCADE, verbose_name=_("domaine"))

    class Meta(InterventionLink.Meta):
        db_table = "actions_intervention_domains"
        verbose_name = _("domaine de l'intervention")
        verbose_name_plural = _("domaines de l'intervention")
        unique_together = [("intervention", "domain")]
        indexes = [
            # A commune's scope walks the tags from its youths; several teams' scope, from their teams.
            models.Index(fields=["youth", "date", "domain"], name="tag_youth_date_domain_idx"),
            models.Index(fields=["team", "date", "domain", "youth"], name="tag_team_date_domain_idx"),
        ]

    def __str__(self):
        return f"{self.intervention} – {self.domain}"


class InterventionPartner(InterventionLink):
    """A partner mobilised in an intervention, with a copy of the intervention's youth, date and team.

    As the domain tags' copy (InterventionDomain), and for the same reason: the partners mobilised in a
    period (the bilan's and the funders' activity tables) read the links of the scope's teams from one
    range of a (team, date, …) index, or a commune's from its youths, instead of joining every
    intervention of the period to every link.
    Triggers keep the copy exact on both databases (migration 0012) and nothing in Python writes it. On
    SQLite, a migration that rebuilds this table or actions_intervention drops their triggers: it must
    create them again (`migrate` stops, naming them, otherwise).
    """

    partner = models.ForeignKey(Partner, on_delete=models.CASCADE, verbose_name=_("partenaire"))

    class Meta(InterventionLink.Meta):
        db_table = "actions_intervention_partners"
        verbose_name = _("partenaire de l'intervention")
        verbose_name_plural = _("partenaires de l'intervention")
        unique_together = [("intervention", "partner")]
        indexes = [
            models.Index(fields=["youth", "date", "partner"], name="partner_link_youth_date_idx"),
            models.Index(fields=["team", "date", "youth", "partner"], name="partner_link_team_date_idx"),
        ]

    def __str__(self):
        return f"{self.intervention} – {self.partner}"


class InterventionQuerySet(TeamScopedQuerySet):
    team_field = "youth__team"

    def in_teams_of(self, user):
        """The interventions of the user's teams by the kept copy of their youth's team, the teams' ids as
        constants: PostgreSQL then walks each team's (team, date) index range, from the latest date for a
        page of them (stopping at the page's end), instead of every intervention of every team. Combined
        with `visible_to`, which keeps the rule (the youth's team); nothing for superusers, of no team."""
        if user.is_superuser:
            return self
        return self.filter(team__in=list(user.teams.values_list("pk", flat=True)))

    def of_educator(self, user):
        """The interventions `user` wrote or took part in ("mine"); for a member of teams, after
        `in_teams_of`, so that a newcomer with none of their own does not make the home page walk every
        intervention of the federation looking for a few. A superuser's few are found from the
        author and educators indexes instead, as one set of ids."""
        took_part = self.model.educators.through.objects.filter(user=user).values("intervention_id")
        if user.is_superuser:
            authored = self.model.objects.filter(author=user).order_by().values("pk")
            return self.filter(pk__in=took_part.order_by().union(authored))
        return self.filter(Q(author=user) | Q(pk__in=took_part))


class Intervention(models.Model):
    """One individual contact with one youth."""

    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="interventions", verbose_name=_("jeune"))
    date = models.DateField(_("date"))
    # A copy of the youth's team, kept by triggers (migration 0007) like the tags' copy: the funders'
    # counts over several teams read one index range per team instead of one per youth.
    team = copied_key(Team, _("équipe"))
    kind = models.CharField(_("type"), max_length=20, choices=InterventionKind.choices, blank=True)
    domains = models.ManyToManyField(
        Domain, through=InterventionDomain, related_name="interventions", verbose_name=_("domaines")
    )
    educators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="interventions",
        verbose_name=_("éducateurs"),
        blank=True,
        limit_choices_to={"role__in": STAFF_ROLES},
    )
    partners = models.ManyToManyField(
        Partner,
        through=InterventionPartner,
        related_name="interventions",
        verbose_name=_("partenaires mobilisés"),
        blank=True,
    )
    note = models.TextField(
        _("note"),
        max_length=MAX_NOTE_LENGTH,
        blank=True,
        help_text=_("Courte et factuelle : le jeune peut la lire sur simple demande."),
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_interventions",
        verbose_name=_("saisi par"),
        null=True,
        blank=True,
    )
    client_key = client_key_field()
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at"], m2m_fields=[domains])
    objects = InterventionQuerySet.as_manager()

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["-date", "-pk"]
        constraints = [
            # One entry for several youths records one intervention per youth, all under the entry's key.
            models.UniqueConstraint(
                fields=["client_key", "youth"],
                condition=Q(client_key__isnull=False),
                name="intervention_unique_client_key",
            ),
        ]
        indexes = [
            models.Index(fields=["date", "youth"], name="intervention_date_youth_idx"),
            # The id as a last key column makes it covering: the bilan's counts per scope and period
            # are index-only scans from the scope's youths (an INCLUDE would warn on SQLite).
            models.Index(fields=["youth", "date", "id"], name="intervention_youth_date_id_idx"),
            models.Index(fields=["team", "date", "youth", "id"], name="intervention_team_date_idx"),
        ]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} – {self.youth}"

    def save(self, *args, **kwargs):
        # The database writes the team (a trigger): the instance and its history get the same value.
        if self.youth_id is not None:
            self.team_id = self.youth.team_id
        super().save(*args, **kwargs)


# The tally of the people met, one counter per sex and rough age band, then the adults: (field, sex, band).
TALLY_SEXES = (("boys", _("garçons")), ("girls", _("filles")), ("others", _("non-binaire / ne sait pas")))
TALLY_BANDS = (("under_12", _("moins de 12 ans")), ("12_17", _("12–17 ans")), ("18_25", _("18–25 ans")))
YOUTH_COUNTERS = tuple((f"{sex}_{band}", sex, band) for sex, _s in TALLY_SEXES for band, _b in TALLY_BANDS)
ADULT_COUNTERS = (("parents", _("parents")), ("residents", _("habitants")))
TALLY_COUNTERS = (*(name for name, _sex, _band in YOUTH_COUNTERS), *(name for name, _label in ADULT_COUNTERS))


def _counter(verbose_name):
    return models.PositiveSmallIntegerField(verbose_name, default=0, db_default=0)


class Tally(models.Model):
    """An anonymous tally of the people met: how many, by sex and rough age band, and the adults; never a
    record about anyone. `counted` tells a tally filled in (even all zeros) from one not filled in (« non
    compté »), which is not zero: a tally not counted has every counter at 0 (`tally_constraints`)."""

    counted = models.BooleanField(_("comptés"), default=False, db_default=False)
    boys_under_12 = _counter(_("garçons de moins de 12 ans"))
    boys_12_17 = _counter(_("garçons de 12 à 17 ans"))
    boys_18_25 = _counter(_("garçons de 18 à 25 ans"))
    girls_under_12 = _counter(_("filles de moins de 12 ans"))
    girls_12_17 = _counter(_("filles de 12 à 17 ans"))
    girls_18_25 = _counter(_("filles de 18 à 25 ans"))
    others_under_12 = _counter(_("non-binaires ou sexe inconnu, moins de 12 ans"))
    others_12_17 = _counter(_("non-binaires ou sexe inconnu, 12 à 17 ans"))
    others_18_25 = _counter(_("non-binaires ou sexe inconnu, 18 à 25 ans"))
    parents = _counter(_("parents"))
    residents = _counter(_("habitants"))

    class Meta:
        abstract = True

    @property
    def youths_met(self) -> int:
        """The young people counted (0 when not counted)."""
        return sum(getattr(self, name) for name, _sex, _band in YOUTH_COUNTERS)

    @property
    def adults_met(self) -> int:
        return self.parents + self.residents


def tally_constraints(prefix: str) -> list[models.CheckConstraint]:
    """A tally not counted has every counter at 0 (« non compté » is not a tally of zeros)."""
    return [
        models.CheckConstraint(
            condition=Q(counted=True) | Q(**dict.fromkeys(TALLY_COUNTERS, 0)),
            name=f"{prefix}_not_counted_is_zero",
            violation_error_message=_("Un décompte « non compté » ne peut pas compter de personnes."),
        )
    ]


def youth_counters_sum():
    """The young people of a tally, as a database expression."""
    names = [name for name, _sex, _band in YOUTH_COUNTERS]
    total = F(names[0])
    for name in names[1:]:
        total += F(name)
    return total


class CollectiveAction(Tally):
    """A collective action (atelier, sortie, événement…). Its young people without a file are a number,
    `anonymous_participants`; when they were counted by sex and age band (`counted`), the breakdown adds up
    to that number (`action_tally_adds_up`). `parents` are the families or parents reached."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="actions", verbose_name=_("équipe"))
    date = models.DateField(_("date"))
    title = models.CharField(_("titre"), max_length=200)
    kind = models.CharField(_("type"), max_length=20, choices=ActionKind.choices)
    carrying = models.CharField(_("portage"), max_length=10, choices=Carrying.choices, default=Carrying.INITIATED)
    theme = models.ForeignKey(
        ActionTheme,
        on_delete=models.PROTECT,
        related_name="actions",
        verbose_name=_("thème"),
        null=True,
        blank=True,
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=ActionStatus.choices,
        default=ActionStatus.DONE,
        db_default=ActionStatus.DONE,
        help_text=_("Seules les actions réalisées comptent dans les chiffres du bilan."),
    )
    planned_on = models.DateField(
        _("date prévue"),
        null=True,
        blank=True,
        help_text=_("La date d'abord prévue, quand l'action a été reportée, annulée ou remplacée."),
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        related_name="replaces",
        verbose_name=_("remplacée par"),
        null=True,
        blank=True,
    )
    announced_on = models.DateField(
        _("perspective du bilan au"),
        null=True,
        blank=True,
        help_text=_("Pour une action annoncée dans les perspectives d'un bilan : la fin de ce bilan."),
    )
    outcome = models.CharField(
        _("ce qu'il en est"),
        max_length=200,
        blank=True,
        help_text=_("Par exemple : « compte tenu du temps »."),
    )
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="actions", verbose_name=_("commune"))
    quartier = models.ForeignKey(
        Quartier, on_delete=models.PROTECT, related_name="actions", verbose_name=_("quartier"), null=True, blank=True
    )
    partners = models.ManyToManyField(Partner, related_name="actions", verbose_name=_("partenaires"), blank=True)
    participants = models.ManyToManyField(
        Youth, related_name="actions", verbose_name=_("jeunes participants"), blank=True
    )
    anonymous_participants = models.PositiveIntegerField(
        _("participants anonymes"), default=0, help_text=_("Jeunes présents sans fiche.")
    )
    after_needs_assessment = models.BooleanField(_("après étude de besoin"), default=True)
    description = models.TextField(_("description"), blank=True, max_length=2000)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_actions",
        verbose_name=_("saisi par"),
        null=True,
        blank=True,
    )
    client_key = client_key_field()
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("action collective")
        verbose_name_plural = _("actions collectives")
        ordering = ["-date", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_key"], condition=Q(client_key__isnull=False), name="action_unique_client_key"
            ),
            *tally_constraints("action"),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | Q(status=ActionStatus.REPLACED),
                name="action_replaced_by_only_if_replaced",
                violation_error_message=_("Seule une action remplacée a une action de remplacement."),
            ),
            models.CheckConstraint(
                condition=~Q(replaced_by=F("pk")),
                name="action_not_replaced_by_itself",
                violation_error_message=_("Une action ne peut se remplacer elle-même."),
            ),
            models.CheckConstraint(
                condition=Q(counted=False) | Q(anonymous_participants=youth_counters_sum()),
                name="action_tally_adds_up",
                violation_error_message=_(
                    "Le décompte par sexe et âge doit faire le total des participants sans fiche."
                ),
            ),
        ]
        indexes = [models.Index(fields=["team", "date"], name="action_team_date_idx")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} – {self.title}"


class PresenceSession(Tally):
    """A street-presence session (présence sociale, travail de rue)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="presence_sessions", verbose_name=_("équipe"))
    date = models.DateField(_("date"))
    start_time = models.TimeField(_("heure de début"), null=True, blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"))
    place = models.CharField(_("lieu"), max_length=10, choices=Place.choices, default=Place.STREET)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, related_name="presence_sessions", verbose_name=_("commune")
    )
    quartier = models.ForeignKey(
        Quartier,
        on_delete=models.PROTECT,
        related_name="presence_sessions",
        verbose_name=_("quartier"),
        null=True,
        blank=True,
    )
    educators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="presence_sessions",
        verbose_name=_("éducateurs présents"),
        blank=True,
        limit_choices_to={"role__in": STAFF_ROLES},
    )
    educator_count = models.PositiveSmallIntegerField(
        _("nombre d'éducateurs"), default=1, help_text=_("Pour compter les heures-personnes.")
    )
    note = models.TextField(_("commentaire"), blank=True, max_length=MAX_NOTE_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_presence_sessions",
        verbose_name=_("saisi par"),
        null=True,
        blank=True,
    )
    client_key = client_key_field()
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = TeamScopedQuerySet.as_manager()

    class Meta:
        verbose_name = _("présence sociale")
        verbose_name_plural = _("présences sociales")
        ordering = ["-date", "-start_time", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_key"], condition=Q(client_key__isnull=False), name="presence_unique_client_key"
            ),
            models.CheckConstraint(
                condition=Q(duration_minutes__gt=0, duration_minutes__lte=24 * 60),
                name="presence_duration_within_a_day",
                violation_error_message=_("La durée doit être comprise entre quelques minutes et 24 heures."),
            ),
            models.CheckConstraint(
                condition=Q(educator_count__gte=1),
                name="presence_at_least_one_educator",
                violation_error_message=_("Au moins un éducateur doit être présent."),
            ),
            *tally_constraints("presence"),
        ]
        indexes = [models.Index(fields=["team", "date"], name="presence_team_date_idx")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} – {self.get_place_display()} ({format_duration(self.duration_minutes)})"

    @property
    def duration_hours(self):
        """The duration in hours as the figures count them (to the tenth, half up)."""
        return hours(self.duration_minutes)


class PartnerMeetingQuerySet(TeamScopedQuerySet):
    def with_partners(self):
        return self.prefetch_related("partners", "educators", "findings__quartier")


class PartnerMeeting(models.Model):
    """A temps partenarial: a meeting, a local body (CLS, PEDT), a shared diagnostic (with its findings per
    quartier), or the team's own internal meeting. It has partners or an object, or both (the form checks
    it: the partners are a many-to-many)."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="partner_meetings", verbose_name=_("équipe"))
    date = models.DateField(_("date"))
    kind = models.CharField(_("type"), max_length=20, choices=MeetingKind.choices, default=MeetingKind.MEETING)
    title = models.CharField(_("objet"), max_length=200, blank=True)
    duration_minutes = models.PositiveIntegerField(_("durée (minutes)"), null=True, blank=True)
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="partner_meetings",
        verbose_name=_("commune"),
        null=True,
        blank=True,
    )
    quartier = models.ForeignKey(
        Quartier,
        on_delete=models.PROTECT,
        related_name="partner_meetings",
        verbose_name=_("quartier"),
        null=True,
        blank=True,
    )
    partners = models.ManyToManyField(Partner, related_name="meetings", verbose_name=_("partenaires"), blank=True)
    educators = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        related_name="partner_meetings",
        verbose_name=_("éducateurs présents"),
        blank=True,
        limit_choices_to={"role__in": STAFF_ROLES},
    )
    note = models.TextField(_("commentaire"), blank=True, max_length=MAX_NOTE_LENGTH)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="authored_meetings",
        verbose_name=_("saisi par"),
        null=True,
        blank=True,
    )
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    objects = PartnerMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = _("temps partenarial")
        verbose_name_plural = _("temps partenariaux")
        ordering = ["-date", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(duration_minutes__isnull=True) | Q(duration_minutes__gt=0, duration_minutes__lte=24 * 60),
                name="meeting_duration_within_a_day",
                violation_error_message=_("La durée doit être comprise entre quelques minutes et 24 heures."),
            ),
        ]
        indexes = [models.Index(fields=["team", "date"], name="meeting_team_date_idx")]

    def __str__(self):
        return f"{self.date:%d/%m/%Y} – {self.label}"

    @property
    def label(self) -> str:
        """The object, or the kind when none was typed (a meeting with partners only)."""
        return self.title or str(self.get_kind_display())

    @property
    def duration_hours(self):
        return hours(self.duration_minutes) if self.duration_minutes else None


class DiagnosticFinding(models.Model):
    """What a shared territorial diagnostic found in one quartier: short, factual, about the place, never
    about a named person."""

    meeting = models.ForeignKey(
        PartnerMeeting, on_delete=models.CASCADE, related_name="findings", verbose_name=_("diagnostic")
    )
    quartier = models.ForeignKey(
        Quartier, on_delete=models.PROTECT, related_name="diagnostic_findings", verbose_name=_("quartier")
    )
    text = models.TextField(_("constats"), max_length=2000)

    class Meta:
        verbose_name = _("constat du diagnostic")
        verbose_name_plural = _("constats du diagnostic")
        ordering = ["quartier__commune__name", "quartier__name"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "quartier"], name="finding_one_per_quartier"),
        ]

    def __str__(self):
        return f"{self.meeting} – {self.quartier}"


# --- Summaries kept by the database -----------------------------------------------------------------


def summary_key(model, verbose_name):
    """A key of a summary row (never null)."""
    return copied_key(model, verbose_name, null=False)


class InterventionMonth(models.Model):
    """How many interventions each team logged in each month.

    The funders' dashboard of a federation counts its interventions month by month from these rows
    instead of every intervention. Written by `actions.summaries`, brought up to date before it is read,
    like every summary (`manage.py rebuild_summaries` checks and rebuilds them).
    """

    team = summary_key(Team, _("équipe"))
    month = models.DateField(_("mois"))  # its first day
    interventions = models.PositiveIntegerField(_("interventions"))

    class Meta:
        verbose_name = _("interventions du mois")
        verbose_name_plural = _("interventions par mois")
        constraints = [models.UniqueConstraint(fields=["team", "month"], name="intervention_month_unique")]

    def __str__(self):
        return f"{self.team_id} {self.month:%m/%Y}: {self.interventions}"


class YouthYear(models.Model):
    """One youth's interventions in one calendar year: the first and last dates, how many, the team.

    A youth has an intervention in a period [start, end] exactly when a row of theirs has
    first_on ≤ end and last_on ≥ start, and first_on ≥ start or last_on ≤ end (a date of the row in the
    period) or, when the period lies strictly between the two dates, an intervention in it (the only
    case that reads the interventions). The dashboards and the bilan count the youths of a period from
    these rows, about one per youth instead of one per intervention. Written by `actions.summaries`.
    """

    youth = summary_key(Youth, _("jeune"))
    year = models.PositiveSmallIntegerField(_("année"))
    team = summary_key(Team, _("équipe"))
    first_on = models.DateField(_("première intervention"))
    last_on = models.DateField(_("dernière intervention"))
    interventions = models.PositiveIntegerField(_("interventions"))

    class Meta:
        verbose_name = _("année d'un jeune")
        verbose_name_plural = _("années des jeunes")
        constraints = [models.UniqueConstraint(fields=["youth", "year"], name="youth_year_unique")]
        indexes = [
            # Every column: the counts over whole teams are index-only scans of one range per team.
            models.Index(
                fields=["team", "year", "youth", "first_on", "last_on", "interventions"], name="youth_year_team_idx"
            )
        ]

    def __str__(self):
        return f"{self.youth_id} {self.year}: {self.interventions}"


class YouthYearDomain(models.Model):
    """One youth's interventions tagged with one domain in one calendar year (as YouthYear, per domain).

    The "Jeunes" column of the domains table counts these rows instead of the tags, which carry their
    intervention's youth, date and team. Written by `actions.summaries`.
    """

    youth = summary_key(Youth, _("jeune"))
    year = models.PositiveSmallIntegerField(_("année"))
    domain = summary_key(Domain, _("domaine"))
    team = summary_key(Team, _("équipe"))
    first_on = models.DateField(_("première intervention"))
    last_on = models.DateField(_("dernière intervention"))
    tags = models.PositiveIntegerField(_("interventions"))

    class Meta:
        verbose_name = _("domaine d'un jeune dans l'année")
        verbose_name_plural = _("domaines des jeunes par année")
        constraints = [
            models.UniqueConstraint(fields=["youth", "year", "domain"], name="youth_year_domain_unique"),
        ]
        indexes = [
            models.Index(
                fields=["team", "year", "domain", "youth", "first_on", "last_on", "tags"],
                name="youth_year_domain_team_idx",
            )
        ]

    def __str__(self):
        return f"{self.youth_id} {self.year} {self.domain_id}: {self.tags}"


class TeamYear(models.Model):
    """A team's YouthYear rows of one calendar year, summed: how many youths had an intervention, how many.

    Written by `actions.summaries` for each team and year it touches. A period inside one calendar year
    whose team had no intervention that year outside it (1 January to today, a whole year) counts from
    these rows alone: every YouthYear row of the team and year then lies inside the period.
    """

    team = summary_key(Team, _("équipe"))
    year = models.PositiveSmallIntegerField(_("année"))
    youths = models.IntegerField(_("jeunes"))
    interventions = models.IntegerField(_("interventions"))

    class Meta:
        verbose_name = _("année d'une équipe")
        verbose_name_plural = _("années des équipes")
        constraints = [models.UniqueConstraint(fields=["team", "year"], name="team_year_unique")]

    def __str__(self):
        return f"{self.team_id} {self.year}: {self.youths} / {self.interventions}"


class TeamYearDomain(models.Model):
    """A team's YouthYearDomain rows of one calendar year and domain, summed (as TeamYear, per domain)."""

    team = summary_key(Team, _("équipe"))
    year = models.PositiveSmallIntegerField(_("année"))
    domain = summary_key(Domain, _("domaine"))
    youths = models.IntegerField(_("jeunes"))
    tags = models.IntegerField(_("interventions"))

    class Meta:
        verbose_name = _("domaine d'une équipe dans l'année")
        verbose_name_plural = _("domaines des équipes par année")
        constraints = [
            models.UniqueConstraint(fields=["team", "year", "domain"], name="team_year_domain_unique"),
        ]

    def __str__(self):
        return f"{self.team_id} {self.year} {self.domain_id}: {self.youths} / {self.tags}"


class SummaryMark(models.Model):
    """A write the summaries have not caught up with: the youth it concerns and, for an intervention or a
    domain tag, its team and date. Triggers append one row per write (`actions.marks`); the summaries
    take the marks and write again what they mark before they are read (`actions.summaries`). Plain
    columns, no foreign key: a mark may outlive its youth, and appending one locks nothing."""

    id = models.BigAutoField(primary_key=True)
    youth_id = models.BigIntegerField(_("jeune"), null=True)
    team_id = models.BigIntegerField(_("équipe"), null=True)
    day = models.DateField(_("date"), null=True)

    class Meta:
        verbose_name = _("écriture à reporter dans les synthèses")
        verbose_name_plural = _("écritures à reporter dans les synthèses")
        default_permissions = ()

    def __str__(self):
        return f"{self.youth_id} {self.team_id} {self.day}"
