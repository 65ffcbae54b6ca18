import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection, models
from django.db.models import Case, Exists, OuterRef, Q, Subquery, Value, When
from django.db.models.functions import Coalesce, Greatest
from django.db.models.lookups import IsNull
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emps.enums import STAFF_ROLES
from emps.fields import client_key_field, copied_key
from emps.models import Commune, Partner, Quartier, ReferenceItem, Team, TeamScopedQuerySet
from youths.enums import Level, Sex

MIN_BIRTH_YEAR = 1950
MAX_BIRTH_YEAR = 2100


class Origin(ReferenceItem):
    """How the team first met the young person (présence sociale, partenaire, tiers)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("origine de la rencontre")
        verbose_name_plural = _("origines de la rencontre")


class Situation(ReferenceItem):
    """Schooling or employment situation (scolarisé, en formation, en emploi, en rupture, autre)."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("situation")
        verbose_name_plural = _("situations")


class EndReason(ReferenceItem):
    """Why a support episode ended."""

    class Meta(ReferenceItem.Meta):
        verbose_name = _("motif de fin")
        verbose_name_plural = _("motifs de fin")


# A PostgreSQL advisory lock, taken before any youth by the writes about youths of several teams.
SEVERAL_TEAMS_LOCK = 0x656D7073  # "emps"


def take_several_teams_turn(*, alone: bool) -> None:
    """Wait, until the transaction ends, for the writes about youths of several teams that must run alone.

    A file of youths naming several teams is read as a stream: it takes each team's youths when its
    rows first reach the team (`YouthResource.before_chunks`), so it holds some teams while it waits for
    the next. Another write taking youths of two of those teams in one go could hold one the file needs
    next while waiting for one it holds: PostgreSQL would cancel one of them. Such files take the turn
    `alone`; the other writes about youths of several teams take it together, so they only wait for a
    file of several teams in progress (and it for them). Nothing on SQLite, which has one writer at a time.
    """
    if connection.vendor == "postgresql":
        function = "pg_advisory_xact_lock" if alone else "pg_advisory_xact_lock_shared"
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {function}(%s)", [SEVERAL_TEAMS_LOCK])


class YouthQuerySet(TeamScopedQuerySet):
    """Youths of the teams the user belongs to (`visible_to`). Funders see none: aggregates only."""

    def search(self, text):
        """Youths whose reference, first name or nickname (or last name, when recorded) contains `text`."""
        # A NUL character cannot reach PostgreSQL (it refuses it in a string): it matches nothing anyway.
        text = (text or "").replace("\x00", "").strip()
        if not text:
            return self
        return self.filter(Q(reference__icontains=text) | Q(first_name__icontains=text) | Q(last_name__icontains=text))

    def lock(self) -> None:
        """Lock these youths' rows, in id order and in one statement, until the transaction ends.

        A write that touches several youths takes them all before it writes anything: two writers each
        updating, one statement at a time, a youth the other needs next would deadlock, and PostgreSQL
        would end it by cancelling one of them (an error page for an educator). Taken first and in the
        same order, the locks make the second writer wait for the first instead.
        Youths of several teams also wait for their turn (`take_several_teams_turn`). Nothing on SQLite,
        which has one writer at a time.
        """
        if connection.vendor != "postgresql":
            return
        if len(self.order_by().values("team").distinct()[:2]) > 1:
            take_several_teams_turn(alone=False)
        list(self.order_by("pk").select_for_update().values_list("pk", flat=True))

    def with_current_level(self):
        """Annotate `current_level` (the latest episode's level) and `is_active` (an episode still open)."""
        latest = SupportEpisode.objects.filter(youth=OuterRef("pk")).order_by("-started_on", "-pk")
        open_episode = SupportEpisode.objects.filter(youth=OuterRef("pk"), ended_on__isnull=True)
        return self.annotate(
            current_level=Subquery(latest.values("level")[:1]),
            # "(SELECT id ... LIMIT 1) IS NOT NULL" rather than EXISTS: PostgreSQL may run an EXISTS of
            # the select list as a hashed subplan over the open episodes of every team (30,000 at
            # federation scale) even for one page of 25 youths; a scalar subquery is one index probe a row.
            is_active=IsNull(Subquery(open_episode.values("pk")[:1]), False),
            level_rank=Case(
                *[When(current_level=level.value, then=Value(rank)) for rank, level in enumerate(Level, start=1)],
                default=Value(0),
                output_field=models.IntegerField(),
            ),
        )

    def with_last_contact(self):
        """Annotate `last_contact`: the latest of the first meeting, an intervention and a collective action."""
        intervention_model = self.model._meta.get_field("interventions").related_model
        last_intervention = intervention_model.objects.filter(youth=OuterRef("pk")).order_by("-date").values("date")[:1]
        action_model = self.model._meta.get_field("actions").related_model
        last_action = action_model.objects.filter(participants=OuterRef("pk")).order_by("-date").values("date")[:1]
        return self.annotate(
            last_contact=Greatest(
                "first_met_on",
                Coalesce(Subquery(last_intervention), "first_met_on"),
                Coalesce(Subquery(last_action), "first_met_on"),
            )
        )

    def without_recent_contact(self, today):
        """After `with_last_contact()`: youths whose last contact is more than EMPS_STALE_CONTACT_DAYS old on
        `today` (the homes' « sans contact depuis 60 jours », and the youths list's filter)."""
        return self.filter(last_contact__lt=today - datetime.timedelta(days=settings.EMPS_STALE_CONTACT_DAYS))

    def active(self):
        """Youths still in relation with the team: an open support episode, not anonymised."""
        open_episode = SupportEpisode.objects.filter(youth=OuterRef("pk"), ended_on__isnull=True)
        return self.filter(Exists(open_episode), anonymised_at__isnull=True)

    def inactive(self):
        open_episode = SupportEpisode.objects.filter(youth=OuterRef("pk"), ended_on__isnull=True)
        return self.exclude(Exists(open_episode), anonymised_at__isnull=True)


class Youth(models.Model):
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="youths", verbose_name=_("équipe"))
    reference = models.CharField(
        _("référence"),
        max_length=30,
        blank=True,
        help_text=_("Unique dans l'équipe ; générée si laissée vide."),
    )
    first_name = models.CharField(_("prénom ou surnom"), max_length=60, help_text=_("Un prénom ou un surnom suffit."))
    last_name = models.CharField(_("nom"), max_length=60, blank=True)
    sex = models.CharField(_("sexe"), max_length=2, choices=Sex.choices, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True, blank=True)
    birth_month = models.PositiveSmallIntegerField(_("mois de naissance"), null=True, blank=True)
    age_is_estimated = models.BooleanField(_("âge estimé"), default=False)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="youths", verbose_name=_("commune"))
    quartier = models.ForeignKey(
        Quartier, on_delete=models.PROTECT, related_name="youths", verbose_name=_("quartier"), null=True, blank=True
    )
    origin = models.ForeignKey(
        Origin,
        on_delete=models.PROTECT,
        related_name="youths",
        verbose_name=_("origine de la rencontre"),
        null=True,
        blank=True,
    )
    origin_partner = models.ForeignKey(
        Partner,
        on_delete=models.PROTECT,
        related_name="referred_youths",
        verbose_name=_("partenaire à l'origine"),
        null=True,
        blank=True,
    )
    referent = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="referred_youths",
        verbose_name=_("éducateur·rice référent·e"),
        null=True,
        blank=True,
        limit_choices_to={"role__in": STAFF_ROLES},
    )
    first_met_on = models.DateField(_("date de la première rencontre"))
    informed_on = models.DateField(
        _("informé·e du traitement des données le"),
        null=True,
        blank=True,
        help_text=_("Date à laquelle le jeune a été informé de l'usage de ses données (RGPD)."),
    )
    anonymised_at = models.DateTimeField(_("anonymisé le"), null=True, blank=True, editable=False)
    client_key = client_key_field()
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["version", "updated_at"])
    objects = YouthQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeune")
        verbose_name_plural = _("jeunes")
        ordering = ["first_name", "reference"]
        constraints = [
            models.UniqueConstraint(
                fields=["client_key"], condition=Q(client_key__isnull=False), name="youth_unique_client_key"
            ),
            models.UniqueConstraint(
                fields=["team", "reference"],
                condition=~Q(reference=""),
                name="youth_unique_reference_per_team",
                violation_error_message=_("Cette référence existe déjà dans l'équipe."),
            ),
            models.CheckConstraint(
                condition=Q(birth_year__isnull=True)
                | Q(birth_year__gte=MIN_BIRTH_YEAR, birth_year__lte=MAX_BIRTH_YEAR),
                name="youth_birth_year_plausible",
                violation_error_message=_("L'année de naissance n'est pas plausible."),
            ),
            models.CheckConstraint(
                condition=Q(birth_month__isnull=True)
                | Q(birth_month__gte=1, birth_month__lte=12, birth_year__isnull=False),
                name="youth_birth_month_valid",
                violation_error_message=_("Le mois de naissance doit être entre 1 et 12, avec une année."),
            ),
            models.CheckConstraint(
                condition=Q(sex__in=["", "H", "F", "NB"]),
                name="youth_sex_valid",
                violation_error_message=_("Sexe inconnu."),
            ),
            models.CheckConstraint(
                condition=Q(reference__gt="") | Q(anonymised_at__isnull=False),
                name="youth_has_reference",
                violation_error_message=_("La référence est obligatoire."),
            ),
        ]
        indexes = [
            models.Index(fields=["team", "first_met_on"], name="youth_team_first_met_idx"),
            models.Index(fields=["commune"], name="youth_commune_idx"),
            # The lists' order (Meta.ordering, then the pk): a page of a federation's 30,000 youths reads
            # 25 entries of it rather than sorting them all (the admin's "-pk" tie-break sorts each
            # name's few rows on top).
            models.Index(fields=["first_name", "reference"], name="youth_name_idx"),
        ]

    def __str__(self):
        if self.anonymised_at:
            return str(_("Jeune anonymisé·e"))
        return f"{self.first_name} ({self.reference})"

    def save(self, *args, **kwargs):
        if not self.reference and not self.anonymised_at:
            self.reference = self.next_reference(self.team)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("youths:detail", kwargs={"pk": self.pk})

    @property
    def is_anonymised(self):
        return self.anonymised_at is not None

    @staticmethod
    def next_reference(team):
        prefix = team.reference_prefix or "J"
        existing = Youth.objects.filter(team=team, reference__startswith=f"{prefix}-").values_list(
            "reference", flat=True
        )
        numbers = [int(r.rsplit("-", 1)[1]) for r in existing if r.rsplit("-", 1)[1].isdigit()]
        return f"{prefix}-{(max(numbers, default=0) + 1):04d}"

    def clean(self):
        super().clean()
        if self.quartier_id and self.commune_id and self.quartier.commune_id != self.commune_id:
            raise ValidationError({"quartier": _("Ce quartier n'appartient pas à la commune choisie.")})
        if self.commune_id and self.team_id and not self.team.communes.filter(pk=self.commune_id).exists():
            raise ValidationError({"commune": _("Cette commune n'est pas couverte par l'équipe.")})


class SupportEpisode(models.Model):
    """A dated period at one support level. Episodes of one youth never overlap."""

    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="episodes", verbose_name=_("jeune"))
    level = models.CharField(_("niveau"), max_length=10, choices=Level.choices)
    started_on = models.DateField(_("début"))
    ended_on = models.DateField(_("fin"), null=True, blank=True)
    end_reason = models.ForeignKey(
        EndReason, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("motif de fin")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, verbose_name=_("saisi par")
    )

    class Meta:
        verbose_name = _("épisode d'accompagnement")
        verbose_name_plural = _("épisodes d'accompagnement")
        ordering = ["youth", "started_on"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=models.F("started_on")),
                name="episode_end_after_start",
                violation_error_message=_("La fin d'un accompagnement ne peut précéder son début."),
            ),
            models.UniqueConstraint(
                fields=["youth"],
                condition=Q(ended_on__isnull=True),
                name="episode_one_open_per_youth",
                violation_error_message=_("Ce jeune a déjà un accompagnement en cours."),
            ),
            models.CheckConstraint(
                condition=Q(level__in=[c.value for c in Level]),
                name="episode_level_valid",
                violation_error_message=_("Niveau d'accompagnement inconnu."),
            ),
        ]
        indexes = [
            models.Index(fields=["youth", "started_on", "ended_on"], name="episode_youth_dates_idx"),
            # Whether an episode of a scope begins after a day (`reports.builders.youths.year_facts_apply`).
            models.Index(fields=["started_on"], name="episode_started_idx"),
        ]

    def __str__(self):
        return f"{self.get_level_display()} ({self.started_on:%d/%m/%Y})"

    def clean(self):
        super().clean()
        if self.youth_id and self.started_on:
            far = self.ended_on or self.started_on.replace(year=9999)
            overlapping = (
                SupportEpisode.objects.filter(youth_id=self.youth_id, started_on__lte=far)
                .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=self.started_on))
                .exclude(pk=self.pk)
            )
            if overlapping.exists():
                raise ValidationError(_("Cet accompagnement chevauche un autre accompagnement du même jeune."))


class SituationRecord(models.Model):
    """The situation of a youth from a date on, until the next record."""

    youth = models.ForeignKey(Youth, on_delete=models.PROTECT, related_name="situations", verbose_name=_("jeune"))
    situation = models.ForeignKey(Situation, on_delete=models.PROTECT, verbose_name=_("situation"))
    started_on = models.DateField(_("depuis le"))

    class Meta:
        verbose_name = _("situation datée")
        verbose_name_plural = _("historique des situations")
        ordering = ["youth", "started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["youth", "started_on"],
                name="situation_one_per_youth_and_date",
                violation_error_message=_("Une situation est déjà enregistrée à cette date pour ce jeune."),
            )
        ]
        indexes = [models.Index(fields=["started_on"], name="situation_started_idx")]

    def __str__(self):
        return f"{self.situation} ({self.started_on:%d/%m/%Y})"


class YouthYearFacts(models.Model):
    """What the youth tables count of one youth in one calendar year in which they were in relation with
    the team (first met that year, an intervention that year, or a collective action taken part in).

    Level and situation are those of the whole year (`youths.rules`: the level over 1 January to
    31 December, the situation in force on 31 December); the rest is copied from the youth. Written by
    `actions.summaries` from those rules, brought up to date before they are read; `TeamYearFacts`
    counts them per team and year.
    """

    youth = copied_key(Youth, _("jeune"), null=False)
    year = models.PositiveSmallIntegerField(_("année"))
    team = copied_key(Team, _("équipe"), null=False)
    level = models.CharField(_("niveau"), max_length=10, null=True)
    situation = copied_key(Situation, _("situation"))
    is_new = models.BooleanField(_("rencontré pour la première fois"))
    sex = models.CharField(_("sexe"), max_length=2, blank=True)
    origin = copied_key(Origin, _("origine de la rencontre"))
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"), null=True)
    birth_month = models.PositiveSmallIntegerField(_("mois de naissance"), null=True)
    commune = copied_key(Commune, _("commune"), null=False)
    quartier = copied_key(Quartier, _("quartier"))

    class Meta:
        verbose_name = _("année d'un jeune en relation")
        verbose_name_plural = _("années des jeunes en relation")
        default_permissions = ()
        constraints = [models.UniqueConstraint(fields=["youth", "year"], name="youth_year_facts_unique")]

    def __str__(self):
        return f"{self.youth_id} {self.year}"


# What identifies a TeamYearFacts row: its team, year and breakdown, and the breakdown's columns.
TEAM_YEAR_FACTS_KEYS = (
    "team",
    "year",
    "breakdown",
    "level",
    "is_new",
    "birth_year",
    "birth_month",
    "sex",
    "origin_key",
    "situation_key",
    "commune_key",
    "quartier_key",
)


class TeamYearFacts(models.Model):
    """How many youths of a team were in relation with it in a calendar year, by one breakdown of their
    `YouthYearFacts`: the youth tables of a whole year (or of 1 January to today) read a few hundred of
    these rows per team instead of one row per youth.

    Each breakdown keeps its own columns and leaves the others at their blank value ("" or 0; 0 also
    stands for "not recorded"). Written by `actions.summaries` for each team and year it touches.
    """

    class Breakdown(models.IntegerChoices):
        LEVEL = 0, _("niveau et nouveauté")
        BIRTH = 1, _("naissance et sexe")
        ORIGIN = 2, _("origine et sexe")
        SITUATION = 3, _("situation et sexe")
        PLACE = 4, _("commune, quartier et niveau")

    team = copied_key(Team, _("équipe"), null=False)
    year = models.PositiveSmallIntegerField(_("année"))
    breakdown = models.PositiveSmallIntegerField(_("ventilation"), choices=Breakdown.choices)
    level = models.CharField(_("niveau"), max_length=10, blank=True)
    is_new = models.BooleanField(_("rencontré pour la première fois"))
    birth_year = models.PositiveSmallIntegerField(_("année de naissance"))
    birth_month = models.PositiveSmallIntegerField(_("mois de naissance"))
    sex = models.CharField(_("sexe"), max_length=2, blank=True)
    origin_key = models.IntegerField(_("origine de la rencontre"))
    situation_key = models.IntegerField(_("situation"))
    commune_key = models.IntegerField(_("commune"))
    quartier_key = models.IntegerField(_("quartier"))
    youths = models.IntegerField(_("jeunes"))

    class Meta:
        verbose_name = _("jeunes d'une équipe dans l'année")
        verbose_name_plural = _("jeunes des équipes par année")
        default_permissions = ()
        constraints = [
            models.UniqueConstraint(
                fields=list(TEAM_YEAR_FACTS_KEYS),
                name="team_year_facts_unique",
            )
        ]

    def __str__(self):
        return f"{self.team_id} {self.year} {self.breakdown}: {self.youths}"
