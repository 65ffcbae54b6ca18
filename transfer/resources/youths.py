"""Young people: one row per youth, keyed by the team's reference."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from transfer.columns import Column
from transfer.resources.base import TransferResource, column
from transfer.text import normalise, tidy
from transfer.widgets import BirthWidget, ChoiceWidget, DateWidget, LookupWidget, TextWidget, is_blank
from transfer.youth_writes import youth_update_from_import, youths_create_from_import
from youths.enums import Level, Sex
from youths.models import SituationRecord, SupportEpisode, Youth, take_several_teams_turn

SEX_OPTIONS = [
    (Sex.MALE, "H", ("homme", "garçon", "masculin", "M", Sex.MALE.label)),
    (Sex.FEMALE, "F", ("femme", "fille", "féminin", Sex.FEMALE.label)),
    (Sex.NON_BINARY, "NB", ("non-binaire", "non binaire", Sex.NON_BINARY.label)),
]
LEVEL_OPTIONS = [
    (Level.ACCROCHE, "accroche", ("en accroche", Level.ACCROCHE.label)),
    (Level.ASEP, "ASEP", ("accompagnement socio-éducatif ponctuel", Level.ASEP.label)),
    (Level.PAEI, "PAEI", ("projet d'accompagnement éducatif individualisé", Level.PAEI.label)),
]
IDENTITY_FIELDS = (
    "first_name",
    "last_name",
    "sex",
    "birth_year",
    "birth_month",
    "commune_id",
    "quartier_id",
    "origin_id",
    "first_met_on",
)


def _identity(youth) -> dict:
    return {name: getattr(youth, name) for name in IDENTITY_FIELDS}


class YouthResource(TransferResource):
    kind = "jeunes"
    label = gettext_lazy("Jeunes")
    description = gettext_lazy(
        "Une ligne par jeune. La référence est la clé : réimporter le même fichier ne change rien, "
        "une ligne modifiée met la fiche à jour."
    )
    nominative = True
    columns = (
        Column(
            "reference",
            True,
            gettext_lazy("Référence du jeune, unique dans l'équipe (par exemple HB-0001)."),
            "HB-0001",
            ("référence", "ref", "code"),
        ),
        Column(
            "prenom",
            True,
            gettext_lazy("Prénom ou surnom : un surnom suffit (anonymat)."),
            "Yanis",
            ("prénom", "surnom", "prenom ou surnom"),
        ),
        Column("nom", False, gettext_lazy("Nom de famille, facultatif."), "", ("nom de famille",)),
        Column("sexe", False, gettext_lazy("H, F, NB (non-binaire) ou vide."), "H", ("genre",)),
        Column(
            "date_naissance",
            False,
            gettext_lazy(
                "MM/AAAA, AAAA, JJ/MM/AAAA ou AAAA-MM-JJ. Seuls le mois et l'année sont conservés : "
                "le jour est abandonné à l'import."
            ),
            "03/2010",
            ("naissance", "né le", "date de naissance"),
        ),
        Column(
            "commune", True, gettext_lazy("Commune de résidence, couverte par l'équipe."), "Hénin-Beaumont", ("ville",)
        ),
        Column("quartier", False, gettext_lazy("Quartier de cette commune, facultatif."), "Darcy"),
        Column(
            "origine",
            False,
            gettext_lazy("Origine de la rencontre : présence sociale, partenaire ou tiers."),
            "Présence sociale",
            ("origine de la rencontre",),
        ),
        Column(
            "situation",
            False,
            gettext_lazy("Situation actuelle : Scolarisé, En formation, En emploi, En rupture, Autre."),
            "Scolarisé",
        ),
        Column(
            "niveau",
            False,
            gettext_lazy("accroche, ASEP ou PAEI. Vide : accroche pour un nouveau jeune."),
            "ASEP",
            ("niveau d'accompagnement", "accompagnement"),
        ),
        Column(
            "date_debut",
            True,
            gettext_lazy("Date de la première rencontre, JJ/MM/AAAA : ouvre l'accompagnement à ce niveau."),
            "12/09/2023",
            ("date de début", "début", "premiere rencontre", "date de premiere rencontre"),
        ),
        Column(
            "date_fin",
            False,
            gettext_lazy("Fin de l'accompagnement, JJ/MM/AAAA, facultative."),
            "",
            ("date de fin", "fin"),
        ),
        Column(
            "equipe",
            False,
            gettext_lazy("Équipe du jeune ; facultative quand vous n'avez qu'une équipe."),
            "",
            ("équipe",),
        ),
    )

    reference = column("reference", "reference", TextWidget(30))
    prenom = column("prenom", "first_name", TextWidget(60))
    nom = column("nom", "last_name", TextWidget(60))
    sexe = column("sexe", "sex", ChoiceWidget(SEX_OPTIONS, unknown=gettext_lazy("Sexe « %(value)s » inconnu")))
    date_naissance = column("date_naissance", "import_birth", BirthWidget())
    commune = column("commune", "commune", LookupWidget(lambda ctx, row: ctx.communes_of(ctx.row_team)))
    quartier = column("quartier", "quartier", LookupWidget(lambda ctx, row: ctx.quartiers_of(ctx.row_commune(row))))
    origine = column("origine", "origin", LookupWidget(lambda ctx, row: ctx.origins))
    situation = column("situation", "import_situation", LookupWidget(lambda ctx, row: ctx.situations))
    niveau = column(
        "niveau", "import_level", ChoiceWidget(LEVEL_OPTIONS, unknown=gettext_lazy("Niveau « %(value)s » inconnu"))
    )
    date_debut = column("date_debut", "first_met_on", DateWidget())
    date_fin = column("date_fin", "import_end", DateWidget())
    equipe = column("equipe", "import_team", LookupWidget(lambda ctx, row: ctx.team_lookup))

    context_fields = ("team",)
    extra_error_columns = {"birth_year": "date_naissance", "birth_month": "date_naissance", "team": "equipe"}

    class Meta:
        model = Youth
        fields = (
            "reference",
            "prenom",
            "nom",
            "sexe",
            "date_naissance",
            "commune",
            "quartier",
            "origine",
            "situation",
            "niveau",
            "date_debut",
            "date_fin",
            "equipe",
        )
        force_init_instance = False

    def __init__(self, *, context):
        super().__init__(context=context)
        self._youths: dict[int, dict[str, Youth]] = {}
        self._episodes: dict[int, list[SupportEpisode]] = defaultdict(list)
        self._situations: dict[int, SituationRecord] = {}
        self._seen: dict[tuple[int, str], int] = {}
        self._new: list[Youth] = []

    # Existing records, loaded once per team ---------------------------------------------------

    def _team_youths(self, team) -> dict[str, Youth]:
        if team.pk not in self._youths:
            Youth.objects.filter(team=team).lock()  # written chunk after chunk: see TransferContext.youths_of
            youths = Youth.objects.filter(team=team, anonymised_at__isnull=True)
            self._youths[team.pk] = {normalise(y.reference): y for y in youths}
            for episode in SupportEpisode.objects.filter(youth__team=team).order_by("youth_id", "started_on"):
                self._episodes[episode.youth_id].append(episode)
            for record in SituationRecord.objects.filter(youth__team=team).order_by("youth_id", "started_on"):
                self._situations[record.youth_id] = record
        return self._youths[team.pk]

    # Import ----------------------------------------------------------------------------------

    def before_chunks(self, columns: list[str]) -> None:
        """Files that name several teams (column « equipe ») are imported one at a time: such a file takes
        each team's youths when its rows first reach the team, and two of them at once could each hold
        a team the other needs next (see `take_several_teams_turn`)."""
        if "equipe" in columns:
            take_several_teams_turn(alone=True)

    def before_import_row(self, row, **kwargs):
        self.context.row_team = self.context.resolve_team(row.get("equipe")) if "equipe" in row else self.context.team

    def get_or_init_instance(self, instance_loader, row):
        team = self.context.row_team
        reference = tidy(row.get("reference"))
        if team is not None and reference:
            youth = self._team_youths(team).get(normalise(reference))
            if youth is not None:
                youth._before = _identity(youth)
                return youth, False
        return Youth(team=team) if team else Youth(), True

    def import_instance(self, instance, row, **kwargs):
        if self.context.row_team is None:
            # Communes and references belong to a team: without one, only the team is worth reporting.
            message = None
            try:
                self.context.team_lookup.get(row.get("equipe", ""))
            except ValueError as error:
                message = str(error) if not is_blank(row.get("equipe")) else None
            raise ValidationError(
                {"import_team": message or _("Précisez l'équipe du jeune : vous avez accès à plusieurs équipes.")}
            )
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        # A duplicate is reported whatever else is wrong with the row.
        key = (self.context.row_team.pk, normalise(row.get("reference", "")))
        if key[1] and key in self._seen:
            message = _("Référence en double : déjà présente ligne %(line)s de ce fichier.") % {"line": self._seen[key]}
            errors.setdefault("reference", []).insert(0, ValidationError(message))
        elif key[1]:
            self._seen[key] = row.get("__ligne")
        if errors:
            raise ValidationError(errors)

    def check_row(self, instance, row):
        errors = {}
        if "date_naissance" in row:
            instance.birth_year, instance.birth_month = getattr(instance, "import_birth", None) or (None, None)
        end = getattr(instance, "import_end", None)
        if end and instance.first_met_on and end < instance.first_met_on:
            errors["import_end"] = _("La date de fin précède la date de début.")
        if (
            instance.birth_year
            and instance.first_met_on
            and (instance.birth_year, instance.birth_month or 1)
            > (
                instance.first_met_on.year,
                instance.first_met_on.month,
            )
        ):
            errors["first_met_on"] = _("La première rencontre précède la naissance.")
        moved = instance.pk and instance._before["first_met_on"] != instance.first_met_on
        if moved and len(self._episodes[instance.pk]) > 1:
            errors["first_met_on"] = _(
                "La date de première rencontre enregistrée est le %(date)s et le jeune a changé de niveau depuis : "
                "corrigez-la dans sa fiche plutôt que par import."
            ) % {"date": instance._before["first_met_on"].strftime("%d/%m/%Y")}
        if errors:
            raise ValidationError(errors)

    def _changes(self, youth) -> dict:
        """What the row changes on an existing youth; empty when the row matches the record."""
        fields = [name.removesuffix("_id") for name, value in youth._before.items() if getattr(youth, name) != value]
        episodes = self._episodes[youth.pk]
        latest = episodes[-1] if episodes else None
        level = getattr(youth, "import_level", "")
        end = getattr(youth, "import_end", None)
        situation = getattr(youth, "import_situation", None)
        current_situation = self._situations.get(youth.pk)
        changes = {}
        if fields:
            changes["fields"] = fields
        if level and (latest is None or latest.level != level):
            changes["level"] = level
        if end and (latest is None or latest.ended_on != end):
            changes["ended_on"] = end
        if situation and (current_situation is None or current_situation.situation_id != situation.pk):
            changes["situation"] = situation
        return changes

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        instance._import_changes = self._changes(instance)
        return not instance._import_changes

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        if instance.team_id is None:
            instance.team = self.context.row_team
        if instance.pk is not None:
            instance.full_clean(exclude=self._clean_exclude - {"team"})
        else:
            # A new youth is written in bulk with its chunk (`after_import`): its fields are checked here,
            # in Python. The lookups already kept the commune to the team's and the quartier to the commune's,
            # the file's references are unique (`_seen`) and new to the team (`_team_youths`), and the
            # database's constraints stay the last word. Django's constraint checks would cost a query and a
            # savepoint each, per row, and PostgreSQL slows down as a transaction's savepoints pile up.
            instance.clean_fields(exclude=self._clean_exclude)

    def save_instance(self, instance, is_create, row, **kwargs):
        if is_create:
            self._new.append(instance)
            return
        with transaction.atomic():
            youth_update_from_import(
                youth=instance, on=self.context.today, by=self.context.user, **instance._import_changes
            )

    def after_import(self, dataset, result, **kwargs):
        """Write the chunk's new youths, their support episodes and situations, a few queries for all."""
        new, self._new = self._new, []
        if not new:
            return
        with transaction.atomic():
            youths_create_from_import(youths=new, by=self.context.user)
        for youth in new:
            self._youths[youth.team_id][normalise(youth.reference)] = youth

    # Export ----------------------------------------------------------------------------------

    @classmethod
    def export_queryset(cls, context):
        return (
            Youth.objects.filter(team=context.team, anonymised_at__isnull=True)
            .select_related("commune", "quartier", "origin", "team")
            .order_by("reference")
        )

    def prepare_export(self):
        team = self.context.team
        self._latest_episode = {}
        for episode in SupportEpisode.objects.filter(youth__team=team).order_by("youth_id", "started_on"):
            self._latest_episode[episode.youth_id] = episode
        self._current_situation = {}
        for record in (
            SituationRecord.objects.filter(youth__team=team)
            .select_related("situation")
            .order_by("youth_id", "started_on")
        ):
            self._current_situation[record.youth_id] = record.situation

    def dehydrate_date_naissance(self, youth):
        return self.fields["date_naissance"].widget.render((youth.birth_year, youth.birth_month))

    def dehydrate_niveau(self, youth):
        episode = self._latest_episode.get(youth.pk)
        return self.fields["niveau"].widget.render(episode.level if episode else "")

    def dehydrate_date_fin(self, youth):
        episode = self._latest_episode.get(youth.pk)
        return episode.ended_on if episode else None

    def dehydrate_situation(self, youth):
        situation = self._current_situation.get(youth.pk)
        return situation.label if situation else ""

    def dehydrate_equipe(self, youth):
        return youth.team.name
