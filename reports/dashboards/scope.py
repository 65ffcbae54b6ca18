"""Which figures a user may see: the one gate of every dashboard, publication and API answer.

Everything a funder can reach (the dashboard, its JSON, the published bilans) asks `figure_rights(user)`
first and only then calls the builders with the `Scope` it returns.
"""

from dataclasses import dataclass

from django.db.models import Q

from emps.models import Commune, Team
from emps.permissions import is_funder
from reports.builders import Scope


@dataclass(frozen=True)
class FigureRights:
    """The (team, commune) pairs whose figures a user may see.

    `whole`: teams seen whole (every commune, including places the team no longer covers).
    `partial`: teams seen in some communes only, with those communes.
    `coverage`: the communes each of these teams covers today, by team id.
    """

    whole: tuple[Team, ...]
    partial: tuple[tuple[Team, tuple[Commune, ...]], ...]
    coverage: dict[int, tuple[Commune, ...]]

    @property
    def is_empty(self) -> bool:
        return not self.whole and not self.partial

    @property
    def teams(self) -> list[Team]:
        return sorted([*self.whole, *(team for team, _communes in self.partial)], key=lambda t: t.name)

    @property
    def communes(self) -> list[Commune]:
        """The communes a user may pick: those of the teams seen whole, and their own communes of the others."""
        found = {c.pk: c for team in self.whole for c in self.coverage[team.pk]}
        found.update({c.pk: c for _team, communes in self.partial for c in communes})
        return sorted(found.values(), key=lambda c: c.name)

    def _partial_communes(self, team: Team) -> tuple[Commune, ...] | None:
        return next((communes for t, communes in self.partial if t.pk == team.pk), None)

    def _is_whole(self, team: Team) -> bool:
        return any(t.pk == team.pk for t in self.whole)

    def allows(self, team: Team, commune: Commune | None) -> bool:
        """Whether the bilan of `team` (whole when `commune` is None, else in `commune`) is within the rights."""
        if self._is_whole(team):
            return True
        communes = self._partial_communes(team)
        return commune is not None and communes is not None and any(c.pk == commune.pk for c in communes)

    def scope(self, *, team: Team | None = None, commune: Commune | None = None) -> Scope | None:
        """The widest exact scope within the rights, narrowed to `team` and/or `commune`; None when empty.

        With a commune: the teams allowed there (seen whole and covering it, or seen in it).
        Without: the chosen team or all teams; teams seen whole count whole; when some teams are
        seen whole and others in some communes only, a team of the second kind that also covers a
        commune of the first kind outside its allowed communes is left out of the combined view (it
        would otherwise bring its figures there); it remains reachable on its own or by commune.
        """
        if team is not None and not (self._is_whole(team) or self._partial_communes(team)):
            return None
        candidates = [team] if team is not None else self.teams
        if commune is not None:
            teams = [
                t
                for t in candidates
                if (self._is_whole(t) and any(c.pk == commune.pk for c in self.coverage[t.pk]))
                or any(c.pk == commune.pk for c in self._partial_communes(t) or ())
            ]
            return Scope.of(teams=teams, communes=[commune]) if teams else None
        whole = [t for t in candidates if self._is_whole(t)]
        partial = [(t, self._partial_communes(t)) for t in candidates if not self._is_whole(t)]
        if not partial:
            return Scope.of(teams=whole) if whole else None
        whole_communes = {c.pk: c for t in whole for c in self.coverage[t.pk]}
        kept = [
            (t, communes)
            for t, communes in partial
            if not ({c.pk for c in self.coverage[t.pk]} & set(whole_communes)) - {c.pk for c in communes}
        ]
        communes = dict(whole_communes)
        communes.update({c.pk: c for _t, cs in kept for c in cs})
        teams = whole + [t for t, _cs in kept]
        if not teams:
            return None
        return Scope.of(teams=teams, communes=sorted(communes.values(), key=lambda c: c.name))

    def published_filter(self) -> Q:
        """A filter on published bilans (fields `team` and `commune`) matching `allows`."""
        condition = Q(team__in=[t.pk for t in self.whole])
        for team, communes in self.partial:
            condition |= Q(team=team.pk, commune__in=[c.pk for c in communes])
        return condition


def figure_rights(user) -> FigureRights:
    """The teams and communes whose figures `user` may see, and how they combine.

    - Educators and coordinators: their teams, whole. Superusers: every team, whole.
    - A funder's own teams (`user.teams`): whole, every commune of the team.
    - A funder's communes (`user.communes`): the activity of the teams covering each of these
      communes, restricted to these communes; a commune adds to the teams, it never narrows them.
      So a funder with communes only sees those communes of the teams covering them, and nothing
      of those teams elsewhere.
    - Anyone else (anonymous, a funder with neither): nothing.

    Every figure shown to a funder goes through the returned object: `.scope(...)` for the
    dashboards and the API, `.allows(...)` and `.published_filter()` for published bilans.
    """
    if not user.is_authenticated:
        return FigureRights(whole=(), partial=(), coverage={})
    teams = list(Team.objects.visible_to(user).order_by("name"))
    # The teams' communes in one query of their links (prefetch_related builds a manager and a queryset
    # per team, on every page and API call of a funder).
    links = Team.communes.through.objects.filter(team__in=teams).select_related("commune").order_by("commune__name")
    coverage: dict = {team.pk: () for team in teams}
    for link in links:
        coverage[link.team_id] += (link.commune,)
    if not is_funder(user):
        return FigureRights(whole=tuple(teams), partial=(), coverage=coverage)
    own = set(user.teams.values_list("pk", flat=True))
    funded = set(user.communes.values_list("pk", flat=True))
    whole = tuple(t for t in teams if t.pk in own)
    partial = tuple(
        (t, tuple(c for c in coverage[t.pk] if c.pk in funded))
        for t in teams
        if t.pk not in own and any(c.pk in funded for c in coverage[t.pk])
    )
    return FigureRights(whole=whole, partial=partial, coverage=coverage)
