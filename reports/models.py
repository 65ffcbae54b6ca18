from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from emps.models import Commune, Team, TeamScopedQuerySet

MAX_NARRATIVE_LENGTH = 6000


class BilanNarrativeQuerySet(TeamScopedQuerySet):
    """Narratives of the teams the user belongs to (`visible_to`). Funders read none (dashboards only)."""

    def for_bilan(self, *, team, commune, start, end):
        """The narrative of one bilan: a team, the whole team (commune None) or one commune, a period."""
        return self.filter(team=team, commune=commune, start=start, end=end)


class BilanNarrative(models.Model):
    """The texts a coordinator writes for one bilan (team, optional commune, period).

    The figures are always computed from the records; only these texts are stored.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="bilan_narratives", verbose_name=_("équipe"))
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="bilan_narratives",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        help_text=_("Vide : bilan de toute l'équipe."),
    )
    start = models.DateField(_("début de la période"))
    end = models.DateField(_("fin de la période"))
    introduction = models.TextField(
        _("introduction"),
        blank=True,
        max_length=MAX_NARRATIVE_LENGTH,
        help_text=_("Facultatif : quelques lignes en tête du bilan."),
    )
    setup = models.TextField(
        _("mise en place"),
        blank=True,
        max_length=MAX_NARRATIVE_LENGTH,
        help_text=_("L'équipe, les recrutements et leurs dates. Une ligne commençant par « - » devient une puce."),
    )
    general_action_notes = models.TextField(
        _("action générale : compléments"),
        blank=True,
        max_length=MAX_NARRATIVE_LENGTH,
        help_text=_("Lignes ajoutées après les chiffres calculés (réunions internes, accompagnements spécifiques…)."),
    )
    specific_actions_notes = models.TextField(
        _("actions spécifiques : compléments"),
        blank=True,
        max_length=MAX_NARRATIVE_LENGTH,
        help_text=_("Facultatif : projets et partenariats à souligner, en plus de la liste tirée du journal."),
    )
    perspectives = models.TextField(_("perspectives"), blank=True, max_length=MAX_NARRATIVE_LENGTH)
    added_value = models.TextField(_("plus-value générale"), blank=True, max_length=MAX_NARRATIVE_LENGTH)
    version = models.PositiveIntegerField(_("version"), default=1, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("modifié par"),
        null=True,
        blank=True,
        editable=False,
    )

    objects = BilanNarrativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("textes du bilan")
        verbose_name_plural = _("textes des bilans")
        ordering = ["team", "-end", "-start"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="narrative_end_after_start",
                violation_error_message=_("La fin de la période ne peut précéder son début."),
            ),
            models.UniqueConstraint(
                fields=["team", "start", "end"],
                condition=Q(commune__isnull=True),
                name="narrative_one_per_team_bilan",
                violation_error_message=_("Les textes de ce bilan existent déjà."),
            ),
            models.UniqueConstraint(
                fields=["team", "commune", "start", "end"],
                condition=Q(commune__isnull=False),
                name="narrative_one_per_commune_bilan",
                violation_error_message=_("Les textes de ce bilan existent déjà."),
            ),
        ]

    def __str__(self):
        scope = self.commune.name if self.commune_id else self.team.name
        return f"{scope} – {self.start:%d/%m/%Y} → {self.end:%d/%m/%Y}"


NARRATIVE_FIELDS = [
    "introduction",
    "setup",
    "general_action_notes",
    "specific_actions_notes",
    "perspectives",
    "added_value",
]


# --- The bilan's header: financial partners and logos (team settings) -------------------------------


class FinancialPartnerQuerySet(TeamScopedQuerySet):
    """Financial partners of the teams the user belongs to (`visible_to`), in the bilan's order."""


class FinancialPartner(models.Model):
    """A funder printed on the bilan's first page, in the team's order, with its logo when it has one."""

    team = models.ForeignKey(
        Team, on_delete=models.PROTECT, related_name="bilan_financial_partners", verbose_name=_("équipe")
    )
    name = models.CharField(_("nom"), max_length=200)
    order = models.PositiveSmallIntegerField(_("ordre"), default=1)

    objects = FinancialPartnerQuerySet.as_manager()

    class Meta:
        verbose_name = _("partenaire financier")
        verbose_name_plural = _("partenaires financiers")
        ordering = ["team", "order", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "name"],
                name="financial_partner_unique_name_per_team",
                violation_error_message=_("Ce partenaire financier figure déjà dans la liste de l'équipe."),
            ),
        ]

    def __str__(self):
        return self.name


class BilanLogoQuerySet(TeamScopedQuerySet):
    """Logos of the teams the user belongs to: served to the staff who may read the team's bilan."""


class BilanLogo(models.Model):
    """A logo of the bilan's first page: the association's (no partner) or one financial partner's.

    Only PNG bytes re-encoded by Pillow are stored (reports/logos.py), in the database rather than as
    media files: backups hold them with the rest, no public URL serves them, and a published bilan copies
    them into its frozen HTML and PDF.
    """

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="bilan_logos", verbose_name=_("équipe"))
    financial_partner = models.OneToOneField(
        FinancialPartner,
        on_delete=models.PROTECT,
        related_name="logo",
        verbose_name=_("partenaire financier"),
        null=True,
        blank=True,
        help_text=_("Vide : logo de l'association."),
    )
    png = models.BinaryField(_("image PNG"))
    sha256 = models.CharField(_("empreinte SHA-256"), max_length=64)
    width = models.PositiveIntegerField(_("largeur"))
    height = models.PositiveIntegerField(_("hauteur"))
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("modifié par")
    )

    objects = BilanLogoQuerySet.as_manager()

    class Meta:
        verbose_name = _("logo du bilan")
        verbose_name_plural = _("logos du bilan")
        ordering = ["team", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["team"],
                condition=Q(financial_partner__isnull=True),
                name="bilan_logo_one_association_logo_per_team",
                violation_error_message=_("L'association a déjà un logo."),
            ),
            models.CheckConstraint(condition=Q(width__gte=1, height__gte=1), name="bilan_logo_has_pixels"),
        ]

    def __str__(self):
        owner = self.financial_partner.name if self.financial_partner_id else self.team.association
        return f"{owner} ({self.width} × {self.height})"

    def get_absolute_url(self):
        return reverse("reports:logo", kwargs={"pk": self.pk}) + "?v=" + self.sha256[:12]


# --- The funding agreement's targets -------------------------------------------------------------


class TargetKind(models.TextChoices):
    """What a funding agreement sets a yearly target on; each is a figure of the bilan (`reports.comparison`)."""

    YOUTHS = "jeunes", _("Jeunes accompagnés")
    YOUTHS_QPV = "jeunes-qpv", _("dont jeunes résidant en QPV")
    PAEI = "paei", _("Jeunes en accompagnement individuel (PAEI)")
    PRESENCE_HOURS = "heures-presence", _("Heures de présence sociale")
    COLLECTIVE_ACTIONS = "actions", _("Actions collectives (ateliers et sorties)")
    DSL_ACTIONS = "actions-dsl", _("Actions DSL")
    STREET_CONTACTS = "contacts", _("Contacts comptés dans la rue")


class FundingTargetQuerySet(TeamScopedQuerySet):
    pass


class FundingTarget(models.Model):
    """One yearly target of a team's funding agreement (convention, CPOM), entered by its coordinator."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="funding_targets", verbose_name=_("équipe"))
    year = models.PositiveSmallIntegerField(_("année"))
    kind = models.CharField(_("objectif"), max_length=20, choices=TargetKind.choices)
    value = models.PositiveIntegerField(_("valeur visée"))
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("modifié par"),
        null=True,
        blank=True,
        editable=False,
    )

    objects = FundingTargetQuerySet.as_manager()

    class Meta:
        verbose_name = _("objectif de la convention")
        verbose_name_plural = _("objectifs de la convention")
        ordering = ["team", "-year", "kind"]
        constraints = [
            models.UniqueConstraint(
                fields=["team", "year", "kind"],
                name="target_one_per_team_year_kind",
                violation_error_message=_("Cet objectif existe déjà pour cette équipe et cette année."),
            ),
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100),
                name="target_year_plausible",
                violation_error_message=_("L'année de l'objectif doit être comprise entre 2000 et 2100."),
            ),
            models.CheckConstraint(
                condition=Q(value__gte=0),
                name="target_value_not_negative",
                violation_error_message=_("Un objectif ne peut pas être négatif."),
            ),
        ]

    def __str__(self):
        return f"{self.team} {self.year} – {self.get_kind_display()} : {self.value}"


# --- The team's means: its posts over dates ----------------------------------------------------------


class StaffMemberQuerySet(TeamScopedQuerySet):
    def present_during(self, start, end):
        """The posts held at some point of the period (arrived by its end, not gone before its start)."""
        return self.filter(Q(ended_on__isnull=True) | Q(ended_on__gte=start), started_on__lte=end)


class StaffMember(models.Model):
    """A post of the team over dates: who holds it, the job, the full-time equivalent, the commune they are
    the referent of. The bilan's « Moyens » section and its « Mise en place » lines are written from them."""

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="staff", verbose_name=_("équipe"))
    name = models.CharField(
        _("nom"), max_length=120, help_text=_("Tel qu'il figure au bilan, par exemple « Monsieur Jérôme Chavatte ».")
    )
    job = models.CharField(_("fonction"), max_length=120, default="éducateur spécialisé")
    fte = models.DecimalField(
        _("ETP"), max_digits=3, decimal_places=2, default=1, help_text=_("Équivalent temps plein, de 0,1 à 1.")
    )
    started_on = models.DateField(_("arrivée le"))
    ended_on = models.DateField(_("départ le"), null=True, blank=True)
    referent_of = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="referents",
        verbose_name=_("référent de la commune"),
        null=True,
        blank=True,
    )

    objects = StaffMemberQuerySet.as_manager()

    class Meta:
        verbose_name = _("poste de l'équipe")
        verbose_name_plural = _("postes de l'équipe")
        ordering = ["team", "started_on", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gt=0, fte__lte=1),
                name="staff_fte_within_one",
                violation_error_message=_("L'ETP est compris entre 0 (exclu) et 1."),
            ),
            models.CheckConstraint(
                condition=Q(ended_on__isnull=True) | Q(ended_on__gte=F("started_on")),
                name="staff_leaves_after_arriving",
                violation_error_message=_("Le départ ne peut précéder l'arrivée."),
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.team})"


# --- Published bilans and the funders' API tokens (reports.dashboards) ---------------------------


class PublishedBilanQuerySet(models.QuerySet):
    def within(self, rights):
        """Published bilans allowed by already computed figure rights (`figure_rights(user)`)."""
        if rights.is_empty:
            return self.none()
        return self.filter(rights.published_filter())

    def of_bilan(self, *, team, commune, start, end):
        """Every version of one bilan: a team (whole when `commune` is None) or one commune, a period."""
        return self.filter(team=team, commune=commune, start=start, end=end)

    def update(self, **kwargs):
        raise PermissionError("Un bilan publié est figé : publiez une nouvelle version.")

    def delete(self):
        raise PermissionError("Un bilan publié est figé : publiez une nouvelle version.")


class PublishedBilan(models.Model):
    """One published version of a bilan: figures, texts, PDF and workbook frozen when published.

    Later changes to the records never change it; publishing the same bilan again makes version n+1.
    """

    class SmallCells(models.TextChoices):
        AS_IS = "as_is", _("affichés tels quels, comme dans le bilan type")
        MASKED = "masked", _("masqués, avec les chiffres qui permettraient de les retrouver")

    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="published_bilans", verbose_name=_("équipe"))
    commune = models.ForeignKey(
        Commune,
        on_delete=models.PROTECT,
        related_name="published_bilans",
        verbose_name=_("commune"),
        null=True,
        blank=True,
        help_text=_("Vide : bilan de toute l'équipe."),
    )
    start = models.DateField(_("début de la période"))
    end = models.DateField(_("fin de la période"))
    version = models.PositiveIntegerField(_("version"))
    small_cells = models.CharField(_("petits effectifs"), max_length=10, choices=SmallCells.choices)
    threshold = models.PositiveSmallIntegerField(_("seuil des petits effectifs"))
    title = models.CharField(_("titre"), max_length=300)
    scope_label = models.CharField(_("périmètre"), max_length=300, blank=True)
    filename_stem = models.CharField(_("nom de fichier"), max_length=200)
    figures = models.JSONField(_("chiffres figés"))
    texts = models.JSONField(_("textes figés"))
    html = models.TextField(_("rendu HTML figé"))
    pdf = models.BinaryField(_("PDF figé"))
    pdf_sha256 = models.CharField(_("empreinte SHA-256 du PDF"), max_length=64)
    xlsx = models.BinaryField(_("classeur XLSX figé"))
    xlsx_sha256 = models.CharField(_("empreinte SHA-256 du classeur"), max_length=64)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("publié par")
    )
    published_at = models.DateTimeField(_("publié le"), auto_now_add=True)

    objects = PublishedBilanQuerySet.as_manager()

    class Meta:
        verbose_name = _("bilan publié")
        verbose_name_plural = _("bilans publiés")
        ordering = ["-end", "-start", "team__name", "commune__name", "-version"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__gte=F("start")),
                name="published_end_after_start",
                violation_error_message=_("La fin de la période ne peut précéder son début."),
            ),
            models.CheckConstraint(condition=Q(version__gte=1), name="published_version_positive"),
            models.UniqueConstraint(
                fields=["team", "start", "end", "version"],
                condition=Q(commune__isnull=True),
                name="published_one_version_per_team_bilan",
                violation_error_message=_("Cette version du bilan existe déjà."),
            ),
            models.UniqueConstraint(
                fields=["team", "commune", "start", "end", "version"],
                condition=Q(commune__isnull=False),
                name="published_one_version_per_commune_bilan",
                violation_error_message=_("Cette version du bilan existe déjà."),
            ),
        ]

    def __str__(self):
        scope = self.commune.name if self.commune_id else self.team.name
        return f"{scope} – {self.start:%d/%m/%Y} → {self.end:%d/%m/%Y} (v{self.version})"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise PermissionError("Un bilan publié est figé : publiez une nouvelle version.")
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("funders:published_detail", kwargs={"pk": self.pk})

    def delete(self, *args, **kwargs):
        raise PermissionError("Un bilan publié est figé : publiez une nouvelle version.")

    @property
    def is_masked(self) -> bool:
        return self.small_cells == self.SmallCells.MASKED


class ApiTokenQuerySet(models.QuerySet):
    def active(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True)


class ApiToken(models.Model):
    """A funder's key to the dashboard's JSON. Only its SHA-256 is stored; the key is shown once."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="api_tokens", verbose_name=_("compte")
    )
    key_hash = models.CharField(_("empreinte de la clé"), max_length=64, unique=True, editable=False)
    prefix = models.CharField(
        _("début de la clé"), max_length=8, editable=False, help_text=_("Pour reconnaître la clé sans la stocker.")
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("créé par")
    )
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("dernière utilisation"), null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("révoqué le"), null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("jeton d'accès à l'API")
        verbose_name_plural = _("jetons d'accès à l'API")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=Q(revoked_at__isnull=True),
                name="api_token_one_active_per_user",
                violation_error_message=_("Ce compte a déjà un jeton actif."),
            )
        ]

    def __str__(self):
        return f"{self.user} ({self.prefix}…)"
