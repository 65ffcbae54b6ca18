import datetime

from reports.builders.activity import (
    build_actions_by_theme,
    build_activity_by_commune,
    build_diagnostics,
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
from reports.builders.types import Bilan, Header, HeaderLogo, Scope
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
from reports.models import BilanLogo, FinancialPartner


def build_header(*, scope: Scope) -> Header:
    """Association, team, communes, financial partners and logos, as printed at the top of the bilan.

    Two queries whatever the number of teams: the partners with their logos, the associations' logos.
    """

    def distinct(values):
        return tuple(dict.fromkeys(v.strip() for v in values if v and v.strip()))

    team_ids = [team.pk for team in scope.teams]
    partners = list(
        FinancialPartner.objects.filter(team__in=team_ids).select_related("logo").order_by("team__name", "order", "pk")
    )
    names = distinct(partner.name for partner in partners)
    partner_logos, seen = [], set()
    for partner in partners:
        logo = getattr(partner, "logo", None)
        if logo is not None and logo.sha256 not in seen:
            seen.add(logo.sha256)
            partner_logos.append(_header_logo(partner.name, logo))
    associations = {team.pk: team.association or team.name for team in scope.teams}
    association_logos = {}
    for logo in BilanLogo.objects.filter(team__in=team_ids, financial_partner__isnull=True).order_by("team__name"):
        association_logos.setdefault(logo.sha256, _header_logo(associations[logo.team_id], logo))
    return Header(
        associations=distinct(team.association for team in scope.teams),
        teams=distinct(team.name for team in scope.teams),
        subtitles=distinct(team.subtitle for team in scope.teams),
        communes=tuple(name for _pk, name in scope_communes(scope)),
        financial_partners=names,
        is_whole_team=scope.communes is None,
        association_logos=tuple(association_logos.values()),
        partner_logos=tuple(partner_logos),
    )


def _header_logo(name, logo) -> HeaderLogo:
    return HeaderLogo(name=name, sha256=logo.sha256, width=logo.width, height=logo.height, png=bytes(logo.png))


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
        diagnostics=build_diagnostics(scope=scope, start=start, end=end),
    )
