"""What an import or export runs against: who, which teams, today's date, and the reference
lookups, each loaded from the database once (a handful of queries for a whole file)."""

import datetime
from collections import defaultdict
from functools import cached_property

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from actions.models import ActionTheme, Domain
from emps.enums import Role
from emps.models import Commune, Partner, PartnerCategory, Quartier, Team, User
from transfer.lookups import Lookup
from transfer.text import tidy
from youths.models import Origin, Situation, Youth

UNCLASSIFIED_CATEGORY = ("a-classer", "À classer")


def reference_keys(item):
    return (item.label, item.code)


def user_label(user) -> str:
    return user.get_full_name() or user.username


def user_keys(user):
    return (user.username, user.get_full_name(), f"{user.last_name} {user.first_name}")


class TransferContext:
    """One import or export run. `team` is the chosen team; `teams` those the user may write to."""

    def __init__(
        self,
        *,
        user=None,
        team: Team | None = None,
        teams=(),
        today: datetime.date | None = None,
        create_partners: bool = False,
        may_create_teams: bool = False,
        report=None,
    ):
        self.user = user if user is not None and user.is_authenticated else None
        self.team = team
        self.teams = list(teams) or ([team] if team else [])
        self.today = today or timezone.localdate()
        self.create_partners = create_partners
        self.may_create_teams = may_create_teams
        self.report = report
        self.row_team = team
        self.created_partners: list[str] = []
        self.created_teams: list[str] = []
        self._team_communes: dict[int, Lookup] = {}
        self._educators: dict[int, Lookup] = {}
        self._youths: dict[int, Lookup] = {}

    # Teams -----------------------------------------------------------------------------------

    @cached_property
    def team_lookup(self) -> Lookup:
        return Lookup(
            self.teams,
            keys=lambda t: (t.name,),
            label=lambda t: t.name,
            unknown=_("Équipe « %(value)s » inconnue ou hors de votre périmètre"),
            create=self._create_team if self.may_create_teams else None,
        )

    def _create_team(self, name: str) -> Team:
        with transaction.atomic():
            team = Team.objects.create(name=tidy(name)[:120])
        self.teams.append(team)
        self.created_teams.append(team.name)
        return team

    def resolve_team(self, value) -> Team | None:
        """The team a row names, or the default team; None when the cell names no known team."""
        if value in (None, "") or (isinstance(value, str) and not value.strip()):
            return self.team
        try:
            return self.team_lookup.get(value)
        except ValueError:
            return None

    # Territory -------------------------------------------------------------------------------

    @cached_property
    def all_communes(self) -> Lookup:
        return Lookup(
            Commune.objects.all(),
            keys=lambda c: (c.name,),
            label=lambda c: c.name,
            unknown=_("Commune « %(value)s » inconnue"),
        )

    def communes_of(self, team: Team | None) -> Lookup:
        """Communes covered by `team` (youths, sessions and actions must be in one of them)."""
        if team is None:
            return Lookup(keys=lambda c: (c.name,), unknown=_("Commune « %(value)s » : équipe à préciser d'abord"))
        if team.pk not in self._team_communes:
            self._team_communes[team.pk] = Lookup(
                team.communes.all(),
                keys=lambda c: (c.name,),
                label=lambda c: c.name,
                unknown=_("Commune « %(value)s » inconnue ou non couverte par l'équipe « %(team)s »").replace(
                    "%(team)s", team.name.replace("%", "%%")
                ),
            )
        return self._team_communes[team.pk]

    @cached_property
    def _quartiers(self) -> dict[int, Lookup]:
        by_commune = defaultdict(list)
        for quartier in Quartier.objects.all():
            by_commune[quartier.commune_id].append(quartier)
        return {commune_id: self._quartier_lookup(items) for commune_id, items in by_commune.items()}

    @staticmethod
    def _quartier_lookup(items=()) -> Lookup:
        return Lookup(
            items,
            keys=lambda q: (q.name, q.qpv_code),
            label=lambda q: q.name,
            unknown=_("Quartier « %(value)s » inconnu dans cette commune"),
        )

    def quartiers_of(self, commune: Commune | None) -> Lookup:
        if commune is None:
            return Lookup(keys=lambda q: (), unknown=_("Quartier « %(value)s » : corrigez d'abord la commune"))
        if commune.pk is None:
            return self._quartier_lookup()
        return self._quartiers.setdefault(commune.pk, self._quartier_lookup())

    def row_commune(self, row) -> Commune | None:
        return self.communes_of(self.row_team).find(row.get("commune", ""))

    # Reference lists ---------------------------------------------------------------------------

    @cached_property
    def domains(self) -> Lookup:
        return Lookup(Domain.objects.all(), keys=reference_keys, label=str, unknown=_("Domaine « %(value)s » inconnu"))

    @cached_property
    def action_themes(self) -> Lookup:
        return Lookup(
            ActionTheme.objects.all(), keys=reference_keys, label=str, unknown=_("Thème « %(value)s » inconnu")
        )

    @cached_property
    def origins(self) -> Lookup:
        return Lookup(Origin.objects.all(), keys=reference_keys, label=str, unknown=_("Origine « %(value)s » inconnue"))

    @cached_property
    def situations(self) -> Lookup:
        return Lookup(
            Situation.objects.all(), keys=reference_keys, label=str, unknown=_("Situation « %(value)s » inconnue")
        )

    @cached_property
    def partner_categories(self) -> Lookup:
        return Lookup(
            PartnerCategory.objects.all(),
            keys=reference_keys,
            label=str,
            unknown=_("Catégorie de partenaire « %(value)s » inconnue"),
        )

    @cached_property
    def partners(self) -> Lookup:
        return Lookup(
            Partner.objects.all(),
            keys=lambda p: (p.name,),
            label=lambda p: p.name,
            unknown=_("Partenaire « %(value)s » inconnu (cochez « créer les partenaires inconnus » pour l'ajouter)")
            if not self.create_partners
            else _("Partenaire « %(value)s » inconnu"),
            create=self._create_partner if self.create_partners else None,
        )

    def _create_partner(self, name: str) -> Partner:
        name = tidy(name)
        if len(name) > 200:
            raise ValueError(
                _("Nom de partenaire trop long : %(length)s caractères pour 200 au plus.") % {"length": len(name)}
            )
        category, _created = PartnerCategory.objects.get_or_create(
            code=UNCLASSIFIED_CATEGORY[0], defaults={"label": UNCLASSIFIED_CATEGORY[1], "order": 999}
        )
        with transaction.atomic():
            partner = Partner.objects.create(name=name, category=category)
        self.created_partners.append(name)
        return partner

    # People of a team ------------------------------------------------------------------------

    def educators_of(self, team: Team | None) -> Lookup:
        key = team.pk if team else 0
        if key not in self._educators:
            members = (
                User.objects.filter(teams=team).exclude(role=Role.FUNDER).order_by("username")
                if team
                else User.objects.none()
            )
            self._educators[key] = Lookup(
                members,
                keys=user_keys,
                label=user_label,
                unknown=_("Éducateur·rice « %(value)s » inconnu·e dans l'équipe"),
            )
        return self._educators[key]

    def youths_of(self, team: Team | None) -> Lookup:
        """Youths of `team` by reference (anonymised records have none)."""
        key = team.pk if team else 0
        if key not in self._youths:
            if team and connection.in_atomic_block:
                # In an import, the rows about to be written concern some of them, chunk after chunk:
                # take the team's youths first, in one go (see YouthQuerySet.lock), so that an educator's
                # write waits for the import instead of deadlocking with it.
                Youth.objects.filter(team=team).lock()
            youths = (
                Youth.objects.filter(team=team, anonymised_at__isnull=True).only(
                    "id", "team_id", "reference", "first_name", "anonymised_at"
                )
                if team
                else Youth.objects.none()
            )
            self._youths[key] = Lookup(
                youths,
                keys=lambda y: (y.reference,),
                label=lambda y: y.reference,
                unknown=_("Référence « %(value)s » inconnue dans l'équipe : importez d'abord le fichier des jeunes"),
                # A close reference is another young person: never suggest it.
                suggest=False,
            )
        return self._youths[key]
