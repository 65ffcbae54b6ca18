"""The benchmark's floor (bench/raw_sql.py) computes the same figures as the builders.

`make bench` times the builders beside hand-written SQL and asserts both agree; this keeps that
agreement checked by the suite, on PostgreSQL (the floor's SQL uses arrays and grouping sets).
"""

import datetime
import io
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from emps.models import Team
from reports.builders import Scope

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "bench"))

from raw_sql import builder_figures, raw_figures  # noqa: E402

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="the hand-written floor is PostgreSQL SQL"),
]

END = datetime.date(2026, 6, 30)


@pytest.fixture
def synthetic():
    call_command(
        "generate_synthetic", teams=3, youths=90, interventions=900, years=2, seed=3, end=END, stdout=io.StringIO()
    )
    return list(Team.objects.filter(name__startswith="Synthétique").order_by("pk"))


@pytest.mark.parametrize(
    "start,end",
    [
        pytest.param(datetime.date(2025, 1, 1), datetime.date(2025, 12, 31), id="one-year"),
        pytest.param(datetime.date(2024, 7, 1), END, id="whole-span"),
        pytest.param(datetime.date(2026, 1, 1), END, id="year-to-date"),  # nothing after END: the team-year sums
        pytest.param(datetime.date(2025, 3, 15), datetime.date(2025, 4, 10), id="mid-month-period"),
        pytest.param(datetime.date(2024, 11, 15), datetime.date(2025, 2, 10), id="across-new-year"),
    ],
)
def test_hand_written_sql_gives_the_builders_figures(synthetic, start, end):
    for teams in ([synthetic[0]], synthetic):
        scope = Scope.of(teams=teams)
        built = builder_figures(scope=scope, start=start, end=end)
        ids, brackets = [t.pk for t in teams], scope.brackets()
        # The floor over the summaries (the one the bench times) and over the base tables alone (an oracle).
        from_summaries = raw_figures(team_ids=ids, start=start, end=end, brackets=brackets, summaries=True)
        from_base_tables = raw_figures(team_ids=ids, start=start, end=end, brackets=brackets, summaries=False)
        assert built == from_summaries == from_base_tables
        # Not vacuous: the period holds youths, domains, presence and actions.
        assert built["public"]["total"] and built["domains"] and built["presence_by_place"] and built["actions"]


def test_the_dashboard_floor_leaves_out_only_the_actions_by_title(synthetic):
    """The bench's dashboard floor times the figures the funders' dashboard shares with the bilan: every
    one but the collective actions by title, which the dashboard does not show."""
    scope = Scope.of(teams=synthetic)
    start, end = datetime.date(2025, 1, 1), datetime.date(2025, 12, 31)
    whole = builder_figures(scope=scope, start=start, end=end)
    built = builder_figures(scope=scope, start=start, end=end, with_actions=False)
    raw = raw_figures(
        team_ids=[t.pk for t in synthetic], start=start, end=end, brackets=scope.brackets(), with_actions=False
    )
    assert built == raw == {**whole, "actions": {}}
    assert whole["actions"]


def test_postgresql_connections_run_without_jit_and_with_ssd_page_costs():
    """JIT compilation cost more than the bilan's queries themselves at federation scale, the default
    random_page_cost made the planner scan every intervention rather than walk an index, and the default
    cursor_tuple_fraction planned the exports' cursors for their first rows only (see settings)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
        cursor.execute("SHOW random_page_cost")
        assert float(cursor.fetchone()[0]) == 1.1
        cursor.execute("SHOW cursor_tuple_fraction")
        assert float(cursor.fetchone()[0]) == 1
