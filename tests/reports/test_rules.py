"""Each counting rule of the bilan, on small hand-made cases."""

import datetime
from decimal import Decimal

import pytest

from actions.enums import ActionKind, Carrying, MeetingKind, Place
from actions.models import Domain
from reports.builders import (
    Scope,
    average,
    build_activity_by_commune,
    build_age_sex,
    build_bilan,
    build_domains,
    build_genre,
    build_meetings,
    build_origin_sex,
    build_presence,
    build_public,
    build_situation_sex,
    percent,
)
from reports.document import bilan_document
from tests.actions.factories import (
    CollectiveActionFactory,
    InterventionFactory,
    PartnerMeetingFactory,
    PresenceSessionFactory,
)
from tests.emps.factories import CommuneFactory, TeamFactory
from tests.reports.conftest import day
from tests.youths.factories import SituationRecordFactory, SupportEpisodeFactory, YouthFactory
from youths.enums import Level
from youths.models import Situation

pytestmark = pytest.mark.django_db

START, END = day("2023-05-09"), day("2023-12-31")


@pytest.fixture
def scope(team):
    return Scope.for_team(team)


def public(scope, start=START, end=END):
    return build_public(scope=scope, start=start, end=end)


def domain(code):
    return Domain.objects.get(code=code)


# --- Who counts ----------------------------------------------------------------------------------


def test_a_youth_counts_when_first_met_in_the_period_bounds_included(team, scope):
    YouthFactory(team=team, first_met_on=START, with_episode=True)
    YouthFactory(team=team, first_met_on=END, with_episode=True)
    YouthFactory(team=team, first_met_on=START - datetime.timedelta(days=1), with_episode=True)
    YouthFactory(team=team, first_met_on=END + datetime.timedelta(days=1), with_episode=True)
    assert public(scope).total == 2


def test_a_youth_met_before_counts_through_an_intervention_in_the_period_only(team, scope):
    inside = YouthFactory(team=team, first_met_on=day("2022-01-10"), with_episode=True)
    InterventionFactory(youth=inside, date=END)
    outside = YouthFactory(team=team, first_met_on=day("2022-01-10"), with_episode=True)
    InterventionFactory(youth=outside, date=START - datetime.timedelta(days=1))
    InterventionFactory(youth=outside, date=END + datetime.timedelta(days=1))
    summary = public(scope)
    assert (summary.total, summary.new, summary.continuing) == (1, 0, 1)


@pytest.mark.parametrize(
    ("start", "end"),
    [pytest.param(START, END, id="a period within a year"), pytest.param(day("2023-01-01"), END, id="a whole year")],
)
def test_a_youth_first_met_after_the_period_is_not_new_in_it(team, start, end):
    """A first-meeting date edited to after the period (a typo put right) does not make the youth « new »
    in a period in which they had an intervention: the bilan of any period and the yearly counts agree."""
    youth = YouthFactory(team=team, first_met_on=day("2023-06-01"), with_episode=True)
    InterventionFactory(youth=youth, date=day("2023-09-01"))
    youth.first_met_on = day("2024-02-01")
    youth.save()
    bilan = build_bilan(scope=Scope.for_team(team), start=start, end=end)
    assert (bilan.public.total, bilan.public.new, bilan.public.continuing) == (1, 0, 1)
    assert sum(month.new_youths for month in bilan.monthly) == 0


def test_a_youth_met_only_through_a_collective_action_counts(team, scope):
    youth = YouthFactory(team=team, first_met_on=day("2022-03-01"), with_episode=True)
    CollectiveActionFactory(team=team, date=day("2023-07-14"), participants=[youth], anonymous_participants=12)
    CollectiveActionFactory(
        team=team, date=day("2024-01-02"), participants=[YouthFactory(team=team, first_met_on=day("2022-03-01"))]
    )
    assert public(scope).total == 1  # anonymous participants are not youths of the bilan


def test_each_youth_counts_once_whatever_their_activity(team, scope):
    youth = YouthFactory(team=team, first_met_on=START, with_episode=True)
    for date in ("2023-06-01", "2023-07-01", "2023-08-01"):
        InterventionFactory(youth=youth, date=day(date))
        CollectiveActionFactory(team=team, date=day(date), participants=[youth])
    bilan = build_bilan(scope=scope, start=START, end=END)
    assert bilan.public.total == bilan.age_sex.total.total == bilan.genre.total == bilan.origin_sex.total.total == 1


def test_other_teams_and_other_communes_do_not_count(team, other_team):
    second = CommuneFactory(name="Montigny-en-Gohelle")
    team.communes.add(second)
    here = team.communes.get(name="Hénin-Beaumont")
    YouthFactory(team=team, commune=here, first_met_on=START, with_episode=True)
    there = YouthFactory(team=team, commune=second, first_met_on=START, with_episode=True)
    YouthFactory(team=other_team, first_met_on=START, with_episode=True)
    # A youth of Montigny taking part in an action held in Hénin-Beaumont counts in Montigny.
    CollectiveActionFactory(team=team, commune=here, date=day("2023-07-01"), participants=[there])
    assert public(Scope.for_team(team)).total == 2
    assert public(Scope.for_team(team, here)).total == 1
    assert public(Scope.for_team(team, second)).total == 1
    assert public(Scope.of(teams=[team, other_team])).total == 3
    assert public(Scope.of(teams=[team, other_team], communes=[second])).total == 1


# --- Level ---------------------------------------------------------------------------------------


def level_of(youth, scope, start=START, end=END):
    summary = public(scope, start, end)
    found = [lvl for lvl in ("paei", "asep", "accroche", "level_unknown") if getattr(summary, lvl)]
    assert summary.total == 1
    return found[0]


def test_level_is_the_highest_among_episodes_overlapping_the_period(team, scope):
    youth = YouthFactory(team=team, first_met_on=day("2023-01-10"))
    SupportEpisodeFactory(youth=youth, level=Level.ACCROCHE, started_on=day("2023-01-10"), ended_on=day("2023-06-30"))
    SupportEpisodeFactory(youth=youth, level=Level.ASEP, started_on=day("2023-07-01"), ended_on=day("2023-09-30"))
    SupportEpisodeFactory(youth=youth, level=Level.ACCROCHE, started_on=day("2023-10-01"))
    InterventionFactory(youth=youth, date=day("2023-06-15"))
    InterventionFactory(youth=youth, date=day("2023-11-15"))
    assert level_of(youth, scope) == "asep"
    # A period that ends before the ASEP began sees only the first accroche.
    assert level_of(youth, scope, day("2023-05-09"), day("2023-06-30")) == "accroche"


def test_an_episode_starting_after_the_period_does_not_count(team, scope):
    youth = YouthFactory(team=team, first_met_on=day("2023-11-10"))
    SupportEpisodeFactory(youth=youth, level=Level.ACCROCHE, started_on=day("2023-11-10"), ended_on=day("2024-01-04"))
    SupportEpisodeFactory(youth=youth, level=Level.PAEI, started_on=day("2024-01-05"))
    assert level_of(youth, scope) == "accroche"


def test_without_an_overlapping_episode_the_latest_begun_before_the_end_counts(team, scope):
    youth = YouthFactory(team=team, first_met_on=day("2021-02-01"))
    SupportEpisodeFactory(youth=youth, level=Level.PAEI, started_on=day("2021-02-01"), ended_on=day("2021-12-31"))
    SupportEpisodeFactory(youth=youth, level=Level.ASEP, started_on=day("2022-01-01"), ended_on=day("2022-12-31"))
    InterventionFactory(youth=youth, date=day("2023-06-01"))
    assert level_of(youth, scope) == "asep"


def test_a_youth_without_episode_goes_to_non_renseigne(team, scope):
    YouthFactory(team=team, first_met_on=START)
    bilan = build_bilan(scope=scope, start=START, end=END)
    assert bilan.public.level_unknown == 1
    assert [(r.label, r.count) for r in bilan.levels.rows][-1] == ("Non renseigné", 1)
    assert bilan.activity.level_unknown == 1
    contact = next(line for line in bilan_document(bilan).general_action if line.startswith("Ils sont en contact"))
    assert contact.endswith("0 en accompagnement individuel ; 1 jeune n'a pas de niveau d'accompagnement renseigné.")


# --- Age -----------------------------------------------------------------------------------------


def ages(scope, end, start=None):
    table = build_age_sex(scope=scope, start=start or day("2000-01-01"), end=end)
    return {r.label: r.total for r in table.rows if r.total}


def test_age_counts_completed_years_on_the_last_day_birth_on_the_first_of_the_month(team, scope):
    YouthFactory(team=team, birth_year=2010, birth_month=3, first_met_on=day("2019-01-01"))
    assert ages(scope, day("2022-02-28")) == {"10 - 11 ans": 1}
    assert ages(scope, day("2022-03-01")) == {"12 - 15 ans": 1}  # birthday on the period's last day


def test_a_birth_year_without_month_is_taken_as_the_first_of_july(team, scope):
    YouthFactory(team=team, birth_year=2010, birth_month=None, first_met_on=day("2019-01-01"))
    assert ages(scope, day("2022-06-30")) == {"10 - 11 ans": 1}
    assert ages(scope, day("2022-07-01")) == {"12 - 15 ans": 1}


def test_out_of_brackets_and_unknown_ages_get_their_own_rows_only_when_not_empty(team, scope):
    YouthFactory(team=team, birth_year=2012, first_met_on=START)
    labels = [r.label for r in build_age_sex(scope=scope, start=START, end=END).rows]
    assert "Hors tranches" not in labels and "Âge inconnu" not in labels
    YouthFactory(team=team, birth_year=1990, birth_month=None, first_met_on=START)
    YouthFactory(team=team, birth_year=None, birth_month=None, first_met_on=START)
    rows = {r.label: r.total for r in build_age_sex(scope=scope, start=START, end=END).rows}
    assert rows["Hors tranches"] == 1 and rows["Âge inconnu"] == 1 and rows["10 - 11 ans"] == 1
    genre = build_genre(scope=scope, start=START, end=END)
    assert genre.rows[0].average_age == Decimal("22.0")  # (11 + 33) / 2, the unknown age left out


def test_brackets_are_configurable_per_team(team, scope):
    team.age_brackets = [[0, 12], [13, 25]]
    team.save()
    YouthFactory(team=team, birth_year=2012, first_met_on=START)
    table = build_age_sex(scope=Scope.for_team(team), start=START, end=END)
    assert [(r.label, r.total) for r in table.rows] == [("0 - 12 ans", 1), ("13 - 25 ans", 0)]


def test_scope_of_teams_with_different_brackets_uses_the_seeds(team, other_team):
    team.age_brackets = [[0, 12], [13, 25]]
    assert [r.label for r in build_age_sex(scope=Scope.of(teams=[team, other_team]), start=START, end=END).rows][
        0
    ] == "6 - 9 ans"


# --- Situation, sex, origin ----------------------------------------------------------------------


def test_situation_is_the_one_in_force_on_the_last_day(team, scope):
    youth = YouthFactory(team=team, first_met_on=day("2023-01-05"))
    SituationRecordFactory(youth=youth, situation=Situation.objects.get(code="scolarise"), started_on=day("2023-01-05"))
    SituationRecordFactory(youth=youth, situation=Situation.objects.get(code="rupture"), started_on=day("2023-11-02"))
    InterventionFactory(youth=youth, date=day("2023-06-01"))

    def situations(end):
        table = build_situation_sex(scope=scope, start=START, end=end)
        return {r.key: r.total for r in table.rows if r.total}

    assert situations(day("2023-11-01")) == {"scolarise": 1}
    assert situations(day("2023-11-02")) == {"rupture": 1}


def test_situation_recorded_after_the_period_is_the_earliest_one(team, scope):
    youth = YouthFactory(team=team, first_met_on=START)
    SituationRecordFactory(youth=youth, situation=Situation.objects.get(code="emploi"), started_on=day("2024-02-01"))
    SituationRecordFactory(youth=youth, situation=Situation.objects.get(code="rupture"), started_on=day("2024-05-01"))
    table = build_situation_sex(scope=scope, start=START, end=END)
    assert {r.key: r.total for r in table.rows if r.total} == {"emploi": 1}


def test_missing_values_go_to_non_renseigne_rows_and_columns(team, scope):
    YouthFactory(team=team, first_met_on=START, sex="", origin=None)
    YouthFactory(team=team, first_met_on=START, sex="NB")
    situation = build_situation_sex(scope=scope, start=START, end=END)
    assert situation.rows[-1].label == "Non renseigné" and situation.rows[-1].total == 2
    origin = build_origin_sex(scope=scope, start=START, end=END)
    unknown = origin.rows[-1]
    assert (unknown.label, unknown.total, unknown.unknown) == ("Non renseigné", 1, 1)
    assert origin.has_unknown_sex and origin.total.nb == 1
    genre = build_genre(scope=scope, start=START, end=END)
    assert [(r.label, r.count) for r in genre.rows] == [
        ("Homme", 0),
        ("Femme", 0),
        ("Non-binaire", 1),
        ("Non renseigné", 1),
    ]


# --- Domains -------------------------------------------------------------------------------------


def test_domains_total_counts_tags_youths_distinct_and_share_of_all_tags(team, scope):
    first, second = YouthFactory(team=team, first_met_on=START), YouthFactory(team=team, first_met_on=START)
    InterventionFactory(youth=first, date=day("2023-06-01"), domains=[domain("scolarite"), domain("sante")])
    InterventionFactory(youth=first, date=day("2023-06-02"), domains=[domain("scolarite")])
    InterventionFactory(youth=second, date=day("2023-06-03"), domains=[domain("scolarite")])
    InterventionFactory(youth=second, date=day("2023-04-30"), domains=[domain("justice")])  # before the period
    table = build_domains(scope=scope, start=START, end=END)
    figures = {r.code: (r.total, r.youths, int(r.percent)) for r in table.rows}
    assert figures["scolarite"] == (3, 2, 75)
    assert figures["sante"] == (1, 1, 25)
    assert figures["justice"] == (0, 0, 0)
    assert (table.total, table.interventions, table.youths) == (4, 3, 2)
    assert table.rows[0].code == "scolarite"


def test_domains_of_a_commune_count_the_interventions_with_its_youths(team):
    second = CommuneFactory(name="Montigny-en-Gohelle")
    team.communes.add(second)
    InterventionFactory(youth=YouthFactory(team=team, commune=second, first_met_on=START), date=day("2023-06-01"))
    here = Scope.for_team(team, team.communes.get(name="Hénin-Beaumont"))
    assert build_domains(scope=here, start=START, end=END).total == 0
    assert build_domains(scope=Scope.for_team(team, second), start=START, end=END).total == 1


# --- Percentages and averages --------------------------------------------------------------------


@pytest.mark.parametrize(
    "part,whole,expected",
    [
        pytest.param(1, 8, 13, id="12.5-rounds-up"),
        pytest.param(5, 8, 63, id="62.5-rounds-up"),
        pytest.param(1, 282, 0, id="0.35-rounds-down"),
        pytest.param(2, 282, 1, id="0.71-rounds-up"),
        pytest.param(0, 0, 0, id="empty"),
    ],
)
def test_percentages_round_half_up_each_on_its_own(part, whole, expected):
    assert percent(part, whole) == expected


def test_averages_round_half_up_to_one_decimal():
    assert average(1, 4) == Decimal("0.3")  # 0.25; round() would give 0.2
    assert average(499, 37) == Decimal("13.5")
    assert average(None, 0) is None


# --- Actions, presence, meetings -----------------------------------------------------------------


def test_actions_are_counted_where_they_took_place_and_dsl_by_carrying(team):
    second = CommuneFactory(name="Montigny-en-Gohelle")
    team.communes.add(second)
    here = team.communes.get(name="Hénin-Beaumont")
    date = day("2023-07-01")
    CollectiveActionFactory(team=team, commune=here, date=date, kind=ActionKind.WORKSHOP)
    CollectiveActionFactory(team=team, commune=here, date=date, kind=ActionKind.OUTING)
    CollectiveActionFactory(team=team, commune=second, date=date, kind=ActionKind.OUTING)
    CollectiveActionFactory(team=team, commune=here, date=date, kind=ActionKind.DSL, carrying=Carrying.INITIATED)
    CollectiveActionFactory(team=team, commune=here, date=date, kind=ActionKind.DSL, carrying=Carrying.JOINED)
    CollectiveActionFactory(
        team=team, commune=here, date=date, kind=ActionKind.COMMUNAL_EVENT, carrying=Carrying.JOINED
    )
    CollectiveActionFactory(team=team, commune=here, date=date, kind=ActionKind.WORK_PROJECT)
    CollectiveActionFactory(team=team, commune=here, date=day("2024-01-01"), kind=ActionKind.WORKSHOP)
    whole, communes = build_activity_by_commune(scope=Scope.for_team(team), start=START, end=END)
    assert (whole.workshops, whole.outings, whole.dsl_initiated, whole.dsl_joined, whole.work_projects) == (
        1,
        2,
        1,
        2,
        1,
    )
    assert whole.communal_events_joined == 2
    assert whole.after_needs_assessment == 4  # workshops, outings, work project; never DSL
    assert [(c.commune, c.outings) for c in communes] == [("Hénin-Beaumont", 1), ("Montigny-en-Gohelle", 1)]


def test_presence_is_the_sum_of_durations_with_person_hours_beside(team):
    second = CommuneFactory(name="Montigny-en-Gohelle")
    team.communes.add(second)
    PresenceSessionFactory(team=team, date=START, duration_minutes=90, educator_count=2, place=Place.STREET)
    PresenceSessionFactory(team=team, date=END, duration_minutes=45, educator_count=1, place=Place.SCHOOL)
    PresenceSessionFactory(team=team, commune=second, date=END, duration_minutes=60, place=Place.LOCAL)
    PresenceSessionFactory(team=team, date=day("2024-01-01"), duration_minutes=600)
    presence = build_presence(scope=Scope.for_team(team), start=START, end=END)
    assert (presence.sessions, presence.hours, presence.person_hours) == (3, Decimal("3.3"), Decimal("4.8"))
    assert {r.key: r.minutes for r in presence.by_place} == {"rue": 90, "college": 45, "local": 60, "autre": 0}
    here = build_presence(scope=Scope.for_team(team, team.communes.get(name="Hénin-Beaumont")), start=START, end=END)
    assert here.minutes == 135


def test_a_team_wide_meeting_counts_in_every_commune(team):
    second = CommuneFactory(name="Montigny-en-Gohelle")
    team.communes.add(second)
    PartnerMeetingFactory(team=team, date=START, commune=None, title="Réunion CAHC")
    PartnerMeetingFactory(team=team, date=START, commune=second, kind=MeetingKind.BODY, title="CLS")
    PartnerMeetingFactory(team=team, date=START, commune=second, kind=MeetingKind.DIAGNOSTIC, title="Diagnostic")
    here = build_meetings(scope=Scope.for_team(team, team.communes.get(name="Hénin-Beaumont")), start=START, end=END)
    assert here.total == 1
    whole = build_meetings(scope=Scope.for_team(team), start=START, end=END)
    assert (whole.count(MeetingKind.MEETING), whole.count(MeetingKind.BODY), whole.count(MeetingKind.DIAGNOSTIC)) == (
        1,
        1,
        1,
    )


# --- Empty and wrong periods ---------------------------------------------------------------------


def test_an_empty_period_gives_a_valid_bilan_of_zeros(team, scope, django_assert_max_num_queries):
    with django_assert_max_num_queries(35):
        bilan = build_bilan(scope=scope, start=day("2030-01-01"), end=day("2030-01-31"))
    assert bilan.is_empty
    assert bilan.public.total == bilan.domains.total == bilan.presence.minutes == 0
    assert all(r.percent == 0 for r in bilan.age_sex.rows + bilan.domains.rows)
    assert bilan.genre.rows[0].average_age is None
    assert len(bilan.monthly) == 1


def test_a_period_whose_start_is_after_its_end_is_refused(scope):
    with pytest.raises(ValueError):
        build_bilan(scope=scope, start=END, end=START)


def test_a_scope_needs_a_team():
    with pytest.raises(ValueError):
        Scope(teams=())


def test_funders_scope_sums_several_teams(team, other_team):
    YouthFactory(team=team, first_met_on=START, with_episode=True)
    YouthFactory(team=other_team, first_met_on=START, with_episode=True)
    bilan = build_bilan(scope=Scope.of(teams=[team, other_team]), start=START, end=END)
    assert bilan.public.total == 2
    assert bilan.header.teams == ("EMPS Test", "Autre équipe")
    assert set(bilan.header.communes) == {"Hénin-Beaumont", "Lens"}
    unrelated = TeamFactory(name="Sans activité")
    assert build_public(scope=Scope.for_team(unrelated), start=START, end=END).total == 0
