"""The seed bilan (EMPS Hénin-Beaumont, 9 May - 31 December 2023), figure for figure, from the raw records."""

from dataclasses import replace
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from actions.summaries import summaries_bring_up_to_date
from reports.builders import (
    Scope,
    build_age_sex,
    build_bilan,
    build_genre,
    build_origin_sex,
    build_public,
    build_qpv_share,
    build_quartiers,
    build_situation_sex,
)
from reports.document import bilan_document
from tests.reports.conftest import SEED_END, SEED_START

pytestmark = pytest.mark.django_db

# Seed: "Domaines travaillés" (label, Total, Jeunes, %), in the seed's order.
SEED_DOMAINS = [
    ("Loisir / Sport / Culture", 67, 29, 24),
    ("Scolarité", 64, 29, 23),
    ("Santé / Bien être", 40, 17, 14),
    ("Insertion pro", 30, 12, 11),
    ("Logement / Hébergement", 27, 8, 10),
    ("Famille", 27, 17, 10),
    ("Mobilité", 9, 5, 3),
    ("Comportement", 6, 3, 2),
    ("Aide d'urgence", 5, 1, 2),
    ("Administratif", 4, 1, 1),
    ("Justice", 2, 2, 1),
    ("Formation", 1, 1, 0),
]
# Seed: "Répartition du public accompagné par âge et par sexe" (label, Nombre, H, F, NB, %).
SEED_AGES = [
    ("6 - 9 ans", 4, 2, 2, 0, 7),
    ("10 - 11 ans", 12, 6, 6, 0, 20),
    ("12 - 15 ans", 27, 20, 7, 0, 45),
    ("16 - 17 ans", 5, 4, 1, 0, 8),
    ("18 - 20 ans", 11, 5, 6, 0, 18),
    ("21 - 24 ans", 1, 0, 1, 0, 2),
]
SEED_ORIGINS = [
    ("Présence sociale", 45, 25, 20, 0, 75),
    ("Partenaire", 9, 7, 2, 0, 15),
    ("Tiers", 6, 5, 1, 0, 10),
]
SEED_SITUATIONS = [
    ("Scolarisé", 49, 32, 17, 0, 82),
    ("En rupture (NEET ou déscolarisé)", 9, 4, 5, 0, 15),
    ("En emploi", 2, 1, 1, 0, 3),
]


def rows(table, n=None):
    return [(r.label, r.total, r.h, r.f, r.nb, int(r.percent)) for r in table.rows][:n]


def test_public_is_60_youths_20_paei_25_asep_15_en_accroche(seed_bilan):
    public = seed_bilan.public
    assert (public.total, public.paei, public.asep, public.accroche, public.level_unknown) == (60, 20, 25, 15, 0)
    assert (public.new, public.continuing) == (60, 0)


def test_every_breakdown_counts_each_youth_once(seed_bilan):
    totals = {
        seed_bilan.age_sex.total.total,
        seed_bilan.origin_sex.total.total,
        seed_bilan.situation_sex.total.total,
        seed_bilan.genre.total,
        seed_bilan.levels.total,
        seed_bilan.quartiers.total,
        seed_bilan.qpv.total,
    }
    assert totals == {60}


def test_age_by_sex_table_is_the_seeds(seed_bilan):
    assert rows(seed_bilan.age_sex) == SEED_AGES
    total = seed_bilan.age_sex.total
    assert (total.total, total.h, total.f, total.nb, total.unknown) == (60, 37, 23, 0, 0)
    assert not seed_bilan.age_sex.has_unknown_sex


def test_genre_table_has_the_seeds_average_ages_and_shares(seed_bilan):
    genre = [(r.label, r.count, r.average_age, int(r.percent)) for r in seed_bilan.genre.rows]
    assert genre == [("Homme", 37, Decimal("13.5"), 62), ("Femme", 23, Decimal("14.3"), 38)]


def test_origin_and_situation_by_sex_are_the_seeds(seed_bilan):
    assert rows(seed_bilan.origin_sex) == SEED_ORIGINS
    assert rows(seed_bilan.situation_sex, 3) == SEED_SITUATIONS
    # The other situations of the reference list are there, at zero.
    assert [(r.label, r.total) for r in seed_bilan.situation_sex.rows[3:]] == [("En formation", 0), ("Autre", 0)]


def test_domains_are_the_seeds_with_282_interventions_tags_summing_to_101_percent(seed_bilan):
    domains = seed_bilan.domains
    assert [(r.label, r.total, r.youths, int(r.percent)) for r in domains.rows] == SEED_DOMAINS
    assert domains.total == 282
    assert sum(r.percent for r in domains.rows) == 101
    # Some interventions carry two domains: fewer interventions than tags.
    assert domains.interventions < 282


def test_activity_table_is_the_seeds(seed_bilan):
    activity = seed_bilan.activity
    assert (activity.paei, activity.asep, activity.accroche) == (20, 25, 15)
    assert (activity.workshops, activity.outings) == (22, 38)
    assert (activity.dsl_initiated, activity.dsl_joined) == (23, 15)
    assert activity.presence_hours == 165
    assert activity.communal_events_joined == 15
    assert activity.after_needs_assessment == 60
    assert activity.presence_person_hours > activity.presence_hours


def test_the_funnel_keeps_the_seeds_non_objective_street_then_60_youths_15_25_20(seed_bilan):
    """No presence session of 2023 was counted: the funnel's first step says « Non objectivé »."""
    funnel = seed_bilan.funnel
    assert [(step.key, step.count, step.percent) for step in funnel.steps] == [
        ("contacts", None, None),
        ("known", 60, None),
        ("accroche", 15, Decimal(25)),
        ("asep", 25, Decimal(42)),
        ("paei", 20, Decimal(33)),
    ]


def test_partners_mobilised_are_grouped_by_category(seed_bilan):
    groups = {g.category: g.partners for g in seed_bilan.activity.partners}
    assert "Mission Locale Hénin" in groups["Insertion et emploi"]
    assert "Collège Jean Macé" in groups["Éducation"]
    support = {p for g in seed_bilan.activity.support_partners for p in g.partners}
    actions = {p for g in seed_bilan.activity.action_partners for p in g.partners}
    assert "Compagnons Bâtisseurs" in actions and "Compagnons Bâtisseurs" not in support
    assert {p for g in seed_bilan.activity.partners for p in g.partners} == support | actions


def test_communes_add_up_to_the_whole_team(seed_bilan):
    communes = seed_bilan.activity_by_commune
    assert [c.commune for c in communes] == ["Hénin-Beaumont", "Montigny-en-Gohelle"]
    for field in ("paei", "asep", "accroche", "workshops", "outings", "dsl_initiated", "dsl_joined"):
        assert sum(getattr(c, field) for c in communes) == getattr(seed_bilan.activity, field), field
    assert sum(c.presence_minutes for c in communes) == 165 * 60


def test_general_action_fills_the_sentence_the_seed_left_blank(seed_bilan):
    lines = bilan_document(seed_bilan).general_action
    assert (
        "Ils sont en contact avec 60 jeunes dont 15 en accroche, 25 en accompagnement ponctuel et "
        "20 en accompagnement individuel." in lines
    )
    assert "Ils ont participé à 15 événements initiés par les communes en y amenant des jeunes." in lines
    assert "Ils ont réalisé 60 actions après étude de besoin." in lines
    assert "Ils ont réalisé 3 diagnostics territoriaux partagés." in lines


def test_beyond_the_seed_qpv_quartiers_presence_and_months(seed_bilan):
    qpv = seed_bilan.qpv
    assert (qpv.in_qpv, qpv.outside_qpv, qpv.unknown) == (42, 11, 7)
    assert qpv.in_qpv_percent == 70
    assert sum(r.count for r in seed_bilan.quartiers.rows) == 60
    assert sum(r.minutes for r in seed_bilan.presence.by_place) == 165 * 60
    assert sum(r.minutes for r in seed_bilan.presence.by_quartier) == 165 * 60
    assert len(seed_bilan.monthly) == 8
    assert sum(m.new_youths for m in seed_bilan.monthly) == 60
    assert sum(m.interventions for m in seed_bilan.monthly) == seed_bilan.domains.interventions
    assert sum(m.collective_actions for m in seed_bilan.monthly) == 22 + 38 + 23 + 15


def test_specific_actions_come_from_the_action_log_grouped_by_type(seed_bilan):
    groups = {g.label: g for g in seed_bilan.specific_actions}
    assert (groups["Ateliers"].count, groups["Sorties"].count) == (22, 38)
    assert groups["Actions DSL sur les quartiers"].count + groups["Événements des communes"].count == 38
    cooking = next(i for i in groups["Ateliers"].items if i.title == "Atelier cuisine")
    assert cooking.times == 6 and cooking.partners == ("Centre Social Hénin",)


def test_a_commune_bilan_counts_its_own_youths_and_places(seed_team, db):
    henin = seed_team.communes.get(name="Hénin-Beaumont")
    bilan = build_bilan(scope=Scope.for_team(seed_team, henin), start=SEED_START, end=SEED_END)
    assert bilan.public.total == 38
    assert bilan.activity == replace(bilan.activity_by_commune[0], commune=None)
    assert bilan.activity.dsl_joined == 15
    assert bilan.header.communes == ("Hénin-Beaumont",) and not bilan.header.is_whole_team


def test_the_number_of_queries_does_not_grow_with_the_data(seed_team, db, django_assert_max_num_queries):
    from tests.actions.factories import InterventionFactory
    from tests.youths.factories import YouthFactory

    scope = Scope.for_team(seed_team)
    with django_assert_max_num_queries(35) as captured:
        build_bilan(scope=scope, start=SEED_START, end=SEED_END)
    before = len(captured.captured_queries)
    commune = seed_team.communes.first()
    for _n in range(40):
        youth = YouthFactory(team=seed_team, commune=commune, first_met_on=SEED_START, with_episode=True)
        InterventionFactory(youth=youth, date=SEED_END)
    summaries_bring_up_to_date()  # the writes' summaries (tests/actions/test_summaries.py counts that part)
    with django_assert_max_num_queries(before) as captured:
        bilan = build_bilan(scope=scope, start=SEED_START, end=SEED_END)
    assert len(captured.captured_queries) == before
    assert bilan.public.total == 100


def test_the_youth_tables_of_a_bilan_share_one_query_and_match_the_builders_alone(seed_team, db):
    """Inside build_bilan the youth tables are sums over one grouped query; alone, each builder runs its
    own small query. Both give the seed's figures: the shared rows change the cost, never a figure."""
    scope = Scope.for_team(seed_team)
    with CaptureQueriesContext(connection) as captured:
        bilan = build_bilan(scope=scope, start=SEED_START, end=SEED_END)
    # The level subquery (on support episodes) and the situation subquery each run in one query only.
    assert sum("youths_supportepisode" in q["sql"] for q in captured.captured_queries) == 1
    assert sum("youths_situationrecord" in q["sql"] for q in captured.captured_queries) == 1
    period = {"scope": scope, "start": SEED_START, "end": SEED_END}
    assert bilan.public == build_public(**period)
    assert bilan.age_sex == build_age_sex(**period)
    assert bilan.genre == build_genre(**period)
    assert bilan.origin_sex == build_origin_sex(**period)
    assert bilan.situation_sex == build_situation_sex(**period)
    assert bilan.qpv == build_qpv_share(**period)
    assert bilan.quartiers == build_quartiers(**period)
