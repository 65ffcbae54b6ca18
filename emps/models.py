from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import connections, models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from emps.enums import Role

DEFAULT_AGE_BRACKETS = [[6, 9], [10, 11], [12, 15], [16, 17], [18, 20], [21, 24]]


class TeamScopedQuerySet(models.QuerySet):
    """Records of the teams the user belongs to; funders read none (they see aggregates only).

    Subclasses name the path to the team in `team_field` when the record holds no team itself.
    """

    team_field = "team"

    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if user.is_funder:
            return self.none()
        return self.filter(**{f"{self.team_field}__in": user.teams.values("pk")})


class TeamQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Teams a user may see: their own; a funder's also through their communes."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if user.role == Role.FUNDER:
            # Two sets of ids rather than a join with the communes and a DISTINCT on every column.
            covering = Team.communes.through.objects.filter(commune__in=user.communes.values("pk")).values("team")
            return self.filter(Q(pk__in=user.teams.values("pk")) | Q(pk__in=covering))
        return self.filter(pk__in=user.teams.values("pk"))


class Team(models.Model):
    name = models.CharField(_("nom"), max_length=120, unique=True)
    association = models.CharField(_("association"), max_length=200, blank=True)
    subtitle = models.CharField(
        _("sous-titre"), max_length=200, blank=True, default="Équipe Mobile de Prévention Spécialisée"
    )
    reference_prefix = models.CharField(
        _("préfixe des références"),
        max_length=8,
        blank=True,
        help_text=_("Préfixe des références générées pour les jeunes, par exemple « HB »."),
    )
    age_brackets = models.JSONField(
        _("tranches d'âge"),
        default=list,
        blank=True,
        help_text=_(
            "Liste de paires [âge min, âge max], par exemple [[6, 9], [10, 11]]. Vide : tranches du bilan type."
        ),
    )
    communes = models.ManyToManyField("Commune", verbose_name=_("communes"), related_name="teams", blank=True)
    started_on = models.DateField(
        _("début d'activité"),
        null=True,
        blank=True,
        help_text=_(
            "Vide : la date de la première activité enregistrée. Avant elle, la comparaison avec la période "
            "précédente affiche « — »."
        ),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)

    objects = TeamQuerySet.as_manager()

    class Meta:
        verbose_name = _("équipe")
        verbose_name_plural = _("équipes")
        ordering = ["name"]

    def __str__(self):
        return self.name

    def get_age_brackets(self):
        return [tuple(b) for b in (self.age_brackets or DEFAULT_AGE_BRACKETS)]


class CommuneQuerySet(models.QuerySet):
    def visible_to(self, user):
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if user.role == Role.FUNDER:
            return self.filter(Q(teams__in=user.teams.values("pk")) | Q(pk__in=user.communes.values("pk"))).distinct()
        return self.filter(teams__in=user.teams.values("pk")).distinct()


class Commune(models.Model):
    name = models.CharField(_("nom"), max_length=120, unique=True)
    insee_code = models.CharField(_("code INSEE"), max_length=5, blank=True)

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = ["name"]

    def __str__(self):
        return self.name


class Quartier(models.Model):
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="quartiers", verbose_name=_("commune"))
    name = models.CharField(_("nom"), max_length=120)
    is_qpv = models.BooleanField(
        _("QPV"), default=False, help_text=_("Quartier prioritaire de la politique de la ville")
    )
    qpv_code = models.CharField(_("code QPV"), max_length=20, blank=True)

    # A quartier's QPV flag moves the bilans of every team covering its commune: who changed it, when.
    history = HistoricalRecords()

    class Meta:
        verbose_name = _("quartier")
        verbose_name_plural = _("quartiers")
        ordering = ["commune__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["commune", "name"], name="quartier_unique_name_per_commune"),
            models.CheckConstraint(
                condition=Q(is_qpv=True) | Q(qpv_code=""),
                name="quartier_qpv_code_only_if_qpv",
                violation_error_message=_("Un code QPV n'est possible que pour un quartier QPV."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.commune.name})"


class QpvPeriodQuerySet(models.QuerySet):
    def in_force_on(self, day):
        """The dated statuses covering `day` (bounds included; an open bound runs for ever)."""
        return self.filter(
            Q(valid_from__isnull=True) | Q(valid_from__lte=day), Q(valid_until__isnull=True) | Q(valid_until__gte=day)
        )


class QpvPeriod(models.Model):
    """A quartier's QPV status and code over dated period, as the priority-neighbourhood list stood then.

    The list was redrawn on 1 January 2024: a quartier that left it, or whose code changed, keeps its
    former status on a period ending on 31 December 2023. Outside every dated period, the quartier's own
    status applies (`emps.rules.QPV_IN_FORCE`).
    """

    quartier = models.ForeignKey(
        Quartier, on_delete=models.PROTECT, related_name="qpv_periods", verbose_name=_("quartier")
    )
    valid_from = models.DateField(_("en vigueur du"), null=True, blank=True, help_text=_("Vide : depuis toujours."))
    valid_until = models.DateField(_("au"), null=True, blank=True, help_text=_("Vide : sans fin."))
    is_qpv = models.BooleanField(_("QPV"), default=False)
    qpv_code = models.CharField(_("code QPV"), max_length=20, blank=True)

    objects = QpvPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = _("statut QPV daté")
        verbose_name_plural = _("statuts QPV datés")
        ordering = ["quartier", "valid_from"]
        constraints = [
            models.CheckConstraint(
                condition=Q(valid_from__isnull=False) | Q(valid_until__isnull=False),
                name="qpv_period_has_a_date",
                violation_error_message=_("Un statut QPV daté a une date de début ou de fin."),
            ),
            models.CheckConstraint(
                condition=Q(valid_from__isnull=True)
                | Q(valid_until__isnull=True)
                | Q(valid_until__gte=F("valid_from")),
                name="qpv_period_ends_after_start",
                violation_error_message=_("La fin de validité ne peut précéder son début."),
            ),
            models.CheckConstraint(
                condition=Q(is_qpv=True) | Q(qpv_code=""),
                name="qpv_period_code_only_if_qpv",
                violation_error_message=_("Un code QPV n'est possible que pour un quartier QPV."),
            ),
        ]

    def __str__(self):
        start = f"{self.valid_from:%d/%m/%Y}" if self.valid_from else "…"
        end = f"{self.valid_until:%d/%m/%Y}" if self.valid_until else "…"
        return f"{self.quartier_id} {start} → {end}: {'QPV' if self.is_qpv else '-'}"

    def clean(self):
        if self.quartier_id is None:
            return
        others = QpvPeriod.objects.filter(quartier=self.quartier_id).exclude(pk=self.pk)
        if self.valid_until is not None:
            others = others.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=self.valid_until))
        if self.valid_from is not None:
            others = others.filter(Q(valid_until__isnull=True) | Q(valid_until__gte=self.valid_from))
        if others.exists():
            raise ValidationError(_("Ce quartier a déjà un statut QPV daté sur une partie de ces dates."))


class User(AbstractUser):
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices, default=Role.EDUCATOR)
    teams = models.ManyToManyField(Team, verbose_name=_("équipes"), related_name="members", blank=True)
    communes = models.ManyToManyField(
        Commune,
        verbose_name=_("communes"),
        related_name="funders",
        blank=True,
        help_text=_("Pour un financeur : communes dont il voit les chiffres, en plus de ses équipes."),
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["last_name", "first_name", "username"]

    def __str__(self):
        return self.get_full_name() or self.username

    @property
    def is_educator(self):
        return self.role == Role.EDUCATOR

    @property
    def is_coordinator(self):
        return self.role == Role.COORDINATOR

    @property
    def is_funder(self):
        return self.role == Role.FUNDER


class ReferenceItem(models.Model):
    """A value of a reference list shared by every team: administrators manage it, with its history."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    label = models.CharField(_("libellé"), max_length=120, unique=True)
    order = models.PositiveSmallIntegerField(_("ordre"), default=100)
    is_active = models.BooleanField(_("actif"), default=True)

    history = HistoricalRecords(inherit=True)

    class Meta:
        abstract = True
        ordering = ["order", "label"]

    def __str__(self):
        return self.label


class PartnerCategory(ReferenceItem):
    class Meta(ReferenceItem.Meta):
        verbose_name = _("catégorie de partenaire")
        verbose_name_plural = _("catégories de partenaires")


class Partner(models.Model):
    name = models.CharField(_("nom"), max_length=200, unique=True)
    category = models.ForeignKey(
        PartnerCategory, on_delete=models.PROTECT, related_name="partners", verbose_name=_("catégorie")
    )
    is_active = models.BooleanField(_("actif"), default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partenaire")
        verbose_name_plural = _("partenaires")
        ordering = ["name"]

    def __str__(self):
        return self.name


class AccessLogQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise PermissionError("Le journal des accès est en ajout seul : une entrée ne se modifie pas.")

    def delete(self):
        raise PermissionError("Le journal des accès est en ajout seul : seule la purge de rétention supprime.")

    def visible_to(self, user):
        """Coordinators read the journal of their teams; nobody else reads it in the app."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if user.role != Role.COORDINATOR:
            return self.none()
        return self.filter(Q(team__in=user.teams.values("pk")) | Q(user__teams__in=user.teams.values("pk"))).distinct()

    def purge_older_than(self, moment) -> int:
        """The only deletion the journal allows: entries past the retention period.

        On PostgreSQL the database refuses any other deletion; its `emps_journal_purge` function (migration
        0005) deletes entries older than `moment`, provided `moment` is at least six months ago."""
        connection = connections[self.db]
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("SELECT emps_journal_purge(%s)", [moment])
                return cursor.fetchone()[0]
        expired = self.filter(at__lt=moment)
        return expired._raw_delete(expired.db)


class AccessLog(models.Model):
    """Append-only journal of accesses to personal data: who, when, what, which object (no values)."""

    class Action(models.TextChoices):
        VIEW = "view", _("consultation")
        LIST = "list", _("consultation de liste")
        CREATE = "create", _("création")
        UPDATE = "update", _("modification")
        DELETE = "delete", _("suppression")
        EXPORT = "export", _("export")
        IMPORT = "import", _("import")
        ANONYMISE = "anonymise", _("anonymisation")
        RIGHTS = "rights", _("demande d'accès")
        LOGIN = "login", _("connexion")
        LOGIN_FAILED = "login_failed", _("échec de connexion")
        LOGOUT = "logout", _("déconnexion")

    at = models.DateTimeField(_("date et heure"), auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        User, on_delete=models.PROTECT, null=True, blank=True, related_name="access_logs", verbose_name=_("utilisateur")
    )
    username = models.CharField(_("identifiant"), max_length=150, blank=True)
    action = models.CharField(_("opération"), max_length=20, choices=Action.choices)
    object_type = models.CharField(_("type d'objet"), max_length=50, blank=True)
    object_id = models.CharField(_("identifiant de l'objet"), max_length=50, blank=True)
    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, null=True, blank=True, related_name="access_logs", verbose_name=_("équipe")
    )
    detail = models.CharField(_("précision"), max_length=200, blank=True)
    ip_address = models.GenericIPAddressField(_("adresse IP"), null=True, blank=True)

    objects = AccessLogQuerySet.as_manager()

    class Meta:
        verbose_name = _("entrée du journal des accès")
        verbose_name_plural = _("journal des accès")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="accesslog_object_idx")]

    def __str__(self):
        return (
            f"{self.at:%d/%m/%Y %H:%M} {self.username} {self.get_action_display()} {self.object_type} {self.object_id}"
        )

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Le journal des accès est en ajout seul : une entrée ne se modifie pas.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("Le journal des accès est en ajout seul : une entrée ne se supprime pas.")


class JobStatus(models.TextChoices):
    QUEUED = "queued", _("en attente")
    RUNNING = "running", _("en cours")
    DONE = "done", _("terminé")
    FAILED = "failed", _("échoué")


JOB_RUNNING = (JobStatus.QUEUED, JobStatus.RUNNING)


class BackgroundJobQuerySet(models.QuerySet):
    def of_user(self, user):
        """The jobs a user asked for: the only ones they see (the result is theirs)."""
        return self.filter(user=user)

    def expired(self, now):
        return self.filter(created_at__lt=now)


class BackgroundJob(models.Model):
    """Work asked for in a page and done by a worker (emps/jobs.py): a bilan published, a PDF of several
    teams, an export. Its result (a file, or the address of what it made) is kept a day (`clean_tasks`)."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="background_jobs", verbose_name=_("demandé par")
    )
    team = models.ForeignKey(
        Team, on_delete=models.CASCADE, null=True, blank=True, related_name="background_jobs", verbose_name=_("équipe")
    )
    kind = models.CharField(_("type"), max_length=40)
    label = models.CharField(_("libellé"), max_length=300)
    params = models.JSONField(default=dict)
    status = models.CharField(_("état"), max_length=20, choices=JobStatus.choices, default=JobStatus.QUEUED)
    task_id = models.CharField(max_length=64, blank=True)
    # The file made (a PDF, a workbook), or the page of the object made.
    result = models.BinaryField(null=True, editable=False)
    result_name = models.CharField(max_length=255, blank=True)
    result_type = models.CharField(max_length=100, blank=True)
    result_url = models.CharField(max_length=300, blank=True)
    # Why it failed, in French.
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = BackgroundJobQuerySet.as_manager()

    class Meta:
        verbose_name = _("tâche")
        verbose_name_plural = _("tâches")
        ordering = ["-created_at"]
        default_permissions = ()
        indexes = [models.Index(fields=["created_at"], name="background_job_created_idx")]

    def __str__(self):
        return f"{self.kind} {self.label} ({self.status})"

    @property
    def is_running(self) -> bool:
        return self.status in JOB_RUNNING
