import datetime

from reports.builders.activity import (
    build_actions_by_theme,
    build_activity_by_commune,
    build_domains,
    build_meetings,
    build_monthly,
    build_presence,
    build_presence_slots,
    build_specific_actions,
    build_street_public,
    scope_communes,
)
from reports.builders.comparison import Figures, build_key_figures, build_previous, scope_targets
from reports.builders.funnel import build_funnel
from reports.builders.means import build_means
from reports.builders.perspectives import build_perspectives
from reports.builders.types import Bilan, Header, Scope
from reports.builders.youths import (
    build_age_sex,
    build_genre,
    build_origin_sex,
    build_public,
    build_qpv_share,
    build_quartiers,
    build_situation_sex,
    levels_from_public,
    shared_youth_facts,
)


def build_header(*, scope: Scope) -> Header:
    """Association, team, communes and financial partners, as printed at the top of the bilan."""

    def distinct(values):
        return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))

    return Header(
        associations=distinct(team.association for team in scope.teams),
        teams=distinct(team.name for team in scope.teams),
        subtitles=distinct(team.subtitle for team in scope.teams),
        communes=tuple(name for _pk, name in scope_communes(scope)),
        financial_partners=distinct(
            line for team in scope.teams for line in (team.financial_partners or "").splitlines()
        ),
        is_whole_team=scope.communes is None,
    )


def build_bilan(*, scope: Scope, start: datetime.date, end: datetime.date, compare: bool = False) -> Bilan:
    """Every table of the bilan d'activité, computed by grouped queries (a constant number of them); with
    `compare`, its key figures beside the previous period's (`comparison.PREVIOUS_PERIOD`)."""
    if start > end:
        raise ValueError("The period's start is after its end.")
    with shared_youth_facts():
        return _build_bilan(scope=scope, start=start, end=end, compare=compare)


def _build_bilan(*, scope: Scope, start: datetime.date, end: datetime.date, compare: bool) -> Bilan:
    public = build_public(scope=scope, start=start, end=end)
    activity, activity_by_commune = build_activity_by_commune(scope=scope, start=start, end=end, with_contacts=True)
    qpv = build_qpv_share(scope=scope, start=start, end=end)
    meetings = build_meetings(scope=scope, start=start, end=end)
    previous, previous_figures = build_previous(scope=scope, start=start, end=end) if compare else (None, None)
    key_figures = build_key_figures(
        current=Figures(public=public, qpv=qpv, activity=activity, meetings=meetings),
        previous=previous_figures,
        targets=scope_targets(scope, end.year),
    )
    return Bilan(
        scope=scope,
        start=start,
        end=end,
        header=build_header(scope=scope),
        public=public,
        levels=levels_from_public(public),
        age_sex=build_age_sex(scope=scope, start=start, end=end),
        genre=build_genre(scope=scope, start=start, end=end),
        origin_sex=build_origin_sex(scope=scope, start=start, end=end),
        situation_sex=build_situation_sex(scope=scope, start=start, end=end),
        domains=build_domains(scope=scope, start=start, end=end),
        activity=activity,
        activity_by_commune=activity_by_commune,
        presence=build_presence(scope=scope, start=start, end=end),
        street_public=build_street_public(scope=scope, start=start, end=end),
        funnel=build_funnel(public=public, activity=activity),
        specific_actions=build_specific_actions(scope=scope, start=start, end=end),
        actions_by_theme=build_actions_by_theme(scope=scope, start=start, end=end),
        meetings=meetings,
        qpv=qpv,
        quartiers=build_quartiers(scope=scope, start=start, end=end),
        monthly=build_monthly(scope=scope, start=start, end=end),
        key_figures=key_figures,
        previous=previous,
        perspectives=build_perspectives(scope=scope, start=start, end=end),
        means=build_means(scope=scope, start=start, end=end),
        presence_slots=build_presence_slots(scope=scope, start=start, end=end),
    )
