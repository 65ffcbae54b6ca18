from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from emps.models import Commune, Team

MAX_NARRATIVE_LENGTH = 6000


class BilanNarrativeQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Narratives of the teams the user belongs to. Funders read none (dashboards only)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self
        if user.is_funder:
            return self.none()
        return self.filter(team__in=user.teams.values("pk"))

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
