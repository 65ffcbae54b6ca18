"""The youth tables give the same figures alone (one grouped query each) and inside
`shared_youth_facts()` (every grouping from one statement), on both databases."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.builders import (
    Scope,
    build_age_sex,
    build_genre,
    build_origin_sex,
    build_public,
    build_qpv_share,
    build_quartiers,
    build_situation_sex,
)
from reports.builders.youths import SHARED_GROUPINGS, shared_youth_facts, youth_facts
from reports.dashboards.builders import DASHBOARD_GROUPINGS
from tests.reports.conftest import SEED_END, SEED_START

pytestmark = pytest.mark.django_db

YOUTH_TABLES = (
    build_public,
    build_age_sex,
    build_genre,
    build_origin_sex,
    build_situation_sex,
    build_qpv_share,
    build_quartiers,
)
PERIODS = [(SEED_START, SEED_END), (datetime.date(2023, 9, 1), datetime.date(2023, 10, 31))]


def scopes(team):
    return [Scope.for_team(team), *(Scope.for_team(team, commune) for commune in team.communes.all()[:2])]


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_every_youth_table_is_the_same_alone_and_shared(seed_team, start, end):
    for scope in scopes(seed_team):
        alone = [build(scope=scope, start=start, end=end) for build in YOUTH_TABLES]
        with shared_youth_facts():
            shared = [build(scope=scope, start=start, end=end) for build in YOUTH_TABLES]
        assert shared == alone
    assert alone[0].total > 0 and alone[5].in_qpv > 0 and alone[5].outside_qpv > 0  # not empty tables


def test_the_shared_groupings_are_one_query_and_booleans_stay_booleans(seed_team):
    scope, (start, end) = Scope.for_team(seed_team), PERIODS[1]  # some youths met before the period
    with shared_youth_facts(), CaptureQueriesContext(connection) as captured:
        rows = {fields: youth_facts(scope, start, end, fields) for fields in SHARED_GROUPINGS}
    assert len(captured) == 1
    # Booleans, not SQLite's 0 and 1 (which compare equal to them but print as numbers in the exports).
    assert {type(row["is_qpv"]) for row in rows["is_qpv",]} <= {bool, type(None)}
    assert {(type(row["is_new"]), row["is_new"]) for row in rows["level", "is_new"]} == {(bool, True), (bool, False)}
    totals = {fields: sum(row["n"] for row in grouped) for fields, grouped in rows.items()}
    assert len(set(totals.values())) == 1  # every grouping counts every youth once


def test_a_grouping_not_shared_gets_a_query_of_its_own(seed_team):
    scope = Scope.for_team(seed_team)
    with shared_youth_facts():
        rows = youth_facts(scope, SEED_START, SEED_END, ("sex",))
    assert sum(row["n"] for row in rows) == build_public(scope=scope, start=SEED_START, end=SEED_END).total


def test_the_dashboard_shares_its_groupings_without_the_quartiers(seed_team):
    """The funders' dashboard shows no quartier table: its shared statement leaves that grouping out, and
    the tables it shows are the same as alone."""
    scope, (start, end) = Scope.for_team(seed_team), PERIODS[0]
    alone = [build(scope=scope, start=start, end=end) for build in YOUTH_TABLES]
    with shared_youth_facts(DASHBOARD_GROUPINGS), CaptureQueriesContext(connection) as captured:
        shared = [build(scope=scope, start=start, end=end) for build in YOUTH_TABLES]
    assert shared == alone
    statements = [query["sql"] for query in captured]
    assert len([sql for sql in statements if "WITH facts" in sql]) == 1
    assert "quartier_name" not in next(sql for sql in statements if "WITH facts" in sql)
    assert any("quartier_name" in sql for sql in statements)  # build_quartiers alone: a query of its own
