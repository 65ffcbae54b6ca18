"""Reference data: the territory (teams, communes, quartiers) and the partners."""

from collections import defaultdict
from functools import cached_property

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from emps.models import Commune, Partner, Quartier, Team
from emps.permissions import can_change_shared_territory, can_manage_shared_lists, is_administrator
from transfer.columns import Column
from transfer.resources.base import TransferResource, column
from transfer.text import normalise, tidy
from transfer.widgets import LookupWidget, TextWidget, YesNoWidget


class TerritoryResource(TransferResource):
    """One row per quartier (or per commune without quartier). The only kind that creates reference data.

    A coordinator creates communes and quartiers for their teams and changes those only their teams
    use; linking a commune another team covers, or changing a quartier of such a commune (which moves
    that team's QPV figures), is an administrator's (or a server command's) work: such rows are refused.
    """

    kind = "territoires"
    label = gettext_lazy("Territoires")
    description = gettext_lazy(
        "Équipes, communes et quartiers (QPV ou non). À importer en premier : c'est le seul fichier qui crée "
        "des communes et des quartiers. Une commune déjà couverte par une autre équipe, et les quartiers "
        "qu'une autre équipe utilise, ne se rattachent et ne se modifient que par un administrateur."
    )
    needs_team = False
    columns = (
        Column(
            "equipe",
            False,
            gettext_lazy("Nom de l'équipe. Vide : l'équipe choisie à l'import."),
            "EMPS Hénin-Beaumont",
            ("équipe", "team"),
        ),
        Column("commune", True, gettext_lazy("Nom de la commune."), "Hénin-Beaumont", ("ville",)),
        Column(
            "quartier",
            False,
            gettext_lazy("Nom du quartier. Vide : la ligne déclare la commune seule."),
            "Darcy",
        ),
        Column(
            "qpv",
            False,
            gettext_lazy("oui si le quartier est un quartier prioritaire de la politique de la ville, sinon non."),
            "oui",
        ),
        Column("code_qpv", False, gettext_lazy("Code du QPV, par exemple QN06207M."), "QN06207M", ("code",)),
    )

    equipe = column("equipe", "import_team", LookupWidget(lambda ctx, row: ctx.team_lookup))
    commune = column("commune", "import_commune", TextWidget(120))
    quartier = column("quartier", "import_quartier", TextWidget(120))
    qpv = column("qpv", "import_qpv", YesNoWidget())
    code_qpv = column("code_qpv", "import_qpv_code", TextWidget(20))

    class Meta:
        model = Commune
        fields = ("equipe", "commune", "quartier", "qpv", "code_qpv")
        force_init_instance = False

    def __init__(self, *, context):
        super().__init__(context=context)
        self._seen: dict[tuple, int] = {}

    def before_import_row(self, row, **kwargs):
        self.context.row_team = self.context.resolve_team(row.get("equipe")) if "equipe" in row else self.context.team

    def get_or_init_instance(self, instance_loader, row):
        name = tidy(row.get("commune"))
        existing = self.context.all_communes.find(name) if name else None
        if existing is not None:
            return existing, False
        return Commune(name=name[:120]), True

    def check_row(self, instance, row):
        errors = {}
        team = getattr(instance, "import_team", None) or self.context.team
        quartier = getattr(instance, "import_quartier", "")
        qpv = getattr(instance, "import_qpv", None)
        code = getattr(instance, "import_qpv_code", "")
        if team is None:
            errors["import_team"] = _("Précisez l'équipe de cette commune (colonne « equipe »).")
        if not quartier and (qpv or code):
            errors["import_quartier"] = _("Un QPV est un quartier : indiquez le nom du quartier.")
        if qpv is False and code:
            errors["import_qpv_code"] = _("Un code QPV n'est possible que pour un quartier QPV (qpv = oui).")
        if team is not None:
            key = (team.pk, normalise(instance.import_commune), normalise(quartier))
            line = row.get("__ligne")
            if key in self._seen:
                errors["import_quartier" if quartier else "import_commune"] = _(
                    "Déjà déclaré ligne %(line)s de ce fichier."
                ) % {"line": self._seen[key]}
            else:
                self._seen[key] = line
        if not errors:
            errors.update(self._shared_territory_errors(instance, team))
        if errors:
            raise ValidationError(errors)
        instance.import_team = team

    @cached_property
    def _covering(self) -> dict[int, list[Team]]:
        """The teams covering each existing commune, read once per file."""
        covering = defaultdict(list)
        for team in Team.objects.prefetch_related("communes"):
            for commune in team.communes.all():
                covering[commune.pk].append(team)
        return covering

    def _shared_territory_errors(self, commune: Commune, team: Team) -> dict:
        user = self.context.user
        if commune.pk is None or user is None or is_administrator(user):
            return {}
        own_teams = self.context.teams
        covering = self._covering.get(commune.pk, [])
        others = ", ".join(f"« {t.name} »" for t in covering if t.pk not in {o.pk for o in own_teams})
        commune.import_team = team
        link, _create, _quartier, changes = self._plan(commune)
        if link and covering and not can_change_shared_territory(user, covering, own_teams):
            return {
                "import_commune": _(
                    "La commune « %(commune)s » est déjà couverte par l'équipe %(teams)s : seul un "
                    "administrateur peut la rattacher à une autre équipe."
                )
                % {"commune": commune.name, "teams": others}
            }
        if changes and not can_change_shared_territory(user, covering, own_teams):
            return {
                "import_quartier": _(
                    "Le quartier « %(quartier)s » sert aussi à l'équipe %(teams)s : seul un administrateur "
                    "peut le modifier."
                )
                % {"quartier": commune.import_quartier, "teams": others}
            }
        return {}

    def _plan(self, commune: Commune) -> tuple[bool, bool, Quartier | None, dict]:
        """What a row changes: (link commune to team, create quartier, quartier to update, its changes)."""
        team = commune.import_team
        linked = commune.pk is not None and team.pk is not None and self.context.communes_of(team).find(commune.name)
        name = getattr(commune, "import_quartier", "")
        if not name:
            return not linked, False, None, {}
        quartier = self.context.quartiers_of(commune).find(name) if commune.pk else None
        if quartier is None:
            return not linked, True, None, {}
        changes = {}
        qpv = getattr(commune, "import_qpv", None)
        code = getattr(commune, "import_qpv_code", "")
        if qpv is not None and qpv != quartier.is_qpv:
            changes["is_qpv"] = qpv
            if not qpv:
                changes["qpv_code"] = ""
        if code and code != quartier.qpv_code:
            changes["qpv_code"] = code
        return not linked, False, quartier, changes

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors:
            return False
        link, create_quartier, _quartier, changes = self._plan(instance)
        if instance.pk is None or create_quartier:
            self._outcome = "new"
        elif link or changes:
            self._outcome = "update"
        return self._outcome is None

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        if import_validation_errors:
            raise ValidationError(import_validation_errors)
        if instance.pk is None:
            instance.full_clean(validate_unique=False)

    def save_instance(self, instance, is_create, row, **kwargs):
        context = self.context
        with transaction.atomic():
            link, create_quartier, quartier, changes = self._plan(instance)
            team: Team = instance.import_team
            if is_create:
                instance.save()
                context.all_communes.add(instance)
            if link:
                team.communes.add(instance)
                context.communes_of(team).add(instance)
            if create_quartier:
                quartier = Quartier(
                    commune=instance,
                    name=instance.import_quartier,
                    is_qpv=bool(getattr(instance, "import_qpv", False)),
                    qpv_code=getattr(instance, "import_qpv_code", ""),
                )
                quartier.full_clean()
                quartier.save()
                context.quartiers_of(instance).add(quartier)
            elif changes:
                for name, value in changes.items():
                    setattr(quartier, name, value)
                quartier.full_clean()
                quartier.save(update_fields=list(changes))

    # Export ----------------------------------------------------------------------------------

    @classmethod
    def export_queryset(cls, context):
        return Commune.objects.filter(teams=context.team).order_by("name")

    def export_rows(self):
        team = self.context.team
        quartiers = {}
        for quartier in Quartier.objects.filter(commune__teams=team).order_by("name"):
            quartiers.setdefault(quartier.commune_id, []).append(quartier)
        yes_no = self.fields["qpv"].widget
        for commune in self.export_queryset(self.context):
            items = quartiers.get(commune.pk)
            if not items:
                yield [team.name, commune.name, "", "", ""]
            for quartier in items or ():
                yield [team.name, commune.name, quartier.name, yes_no.render(quartier.is_qpv), quartier.qpv_code]

    @classmethod
    def example_row(cls, context=None):
        row = [c.example for c in cls.columns]
        if context is not None and context.team is not None:
            row[0] = context.team.name
        return row


class PartnerResource(TransferResource):
    kind = "partenaires"
    label = gettext_lazy("Partenaires")
    description = gettext_lazy(
        "Les partenaires mobilisés (Mission Locale, collège, bailleur…) et leur catégorie. La liste est commune "
        "à toutes les équipes : la coordination y ajoute des partenaires ; changer la catégorie d'un nom déjà "
        "connu revient à un administrateur."
    )
    needs_team = False
    columns = (
        Column(
            "nom",
            True,
            gettext_lazy("Nom du partenaire, tel qu'il sera écrit dans les autres fichiers."),
            "Mission Locale Hénin",
            ("partenaire",),
        ),
        Column(
            "categorie",
            True,
            gettext_lazy("Catégorie du partenaire, parmi la liste de référence."),
            "Insertion et emploi",
            ("catégorie",),
        ),
    )

    nom = column("nom", "name", TextWidget(200))
    categorie = column("categorie", "category", LookupWidget(lambda ctx, row: ctx.partner_categories))

    class Meta:
        model = Partner
        fields = ("nom", "categorie")
        force_init_instance = False

    def __init__(self, *, context):
        super().__init__(context=context)
        self._seen: dict[str, int] = {}

    def get_or_init_instance(self, instance_loader, row):
        existing = self.context.partners.find(row.get("nom", ""))
        if existing is not None:
            existing._before = (existing.name, existing.category_id)
            return existing, False
        return Partner(), True

    def check_row(self, instance, row):
        key = normalise(instance.name)
        if key in self._seen:
            raise ValidationError(
                {"name": _("Partenaire déjà présent ligne %(line)s de ce fichier.") % {"line": self._seen[key]}}
            )
        self._seen[key] = row.get("__ligne")
        user = self.context.user
        changed = instance.pk is not None and instance._before != (instance.name, instance.category_id)
        if changed and user is not None and not can_manage_shared_lists(user):
            # The list is every team's: a new partner adds a choice, a changed one rewrites their bilans.
            raise ValidationError(
                {
                    "category": _(
                        "Le partenaire « %(name)s » est commun à toutes les équipes : seul un administrateur peut "
                        "changer son nom ou sa catégorie."
                    )
                    % {"name": instance._before[0]}
                }
            )

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if import_validation_errors or instance.pk is None:
            return False
        return instance._before == (instance.name, instance.category_id)

    def save_instance(self, instance, is_create, row, **kwargs):
        self.do_instance_save(instance, is_create)
        if is_create:
            self.context.partners.add(instance)

    @classmethod
    def export_queryset(cls, context):
        return Partner.objects.select_related("category").order_by("name")
