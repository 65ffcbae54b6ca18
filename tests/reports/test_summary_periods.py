"""The bilan's figures read from the interventions' summaries equal a plain count of the interventions, for
every kind of period: whole years, several years, a bound in the middle of a month, a period inside one
youth's first and last dates of a year (the rows that must be checked against the interventions).

Both databases; whole teams (which also read the monthly counts) and a commune's scope.
"""

import datetime
import random

import pytest
from django.db import transaction

from actions.models import Domain, Intervention, InterventionDomain
from reports.builders import Scope, build_domains, build_monthly, youths_in_period
from reports.builders.summaries import whole_months, year_is_inside
from tests.actions.factories import InterventionFactory
from tests.emps.factories import CommuneFactory, TeamFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

D = datetime.date
PERIODS = [
    pytest.param(D(2023, 1, 1), D(2023, 12, 31), id="a-year"),
    pytest.param(D(2022, 1, 1), D(2024, 12, 31), id="three-years"),
    pytest.param(D(2023, 5, 9), D(2023, 12, 31), id="the-seed-bilan"),
    pytest.param(D(2023, 3, 15), D(2023, 4, 10), id="inside-a-year-mid-month"),
    pytest.param(D(2022, 11, 20), D(2023, 2, 5), id="across-new-year"),
    pytest.param(D(2023, 6, 15), D(2023, 6, 15), id="one-day"),
    pytest.param(D(2023, 2, 1), D(2023, 2, 28), id="a-whole-month"),
]


@pytest.fixture(scope="module")
def activity(django_db_setup, django_db_blocker):
    """Youths of two communes and another team, each seen on random days of three years.

    Built once for the module, whose tests only read it, and rolled back after it; tests using it also
    request `db` (each runs in a savepoint inside this transaction).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        rng = random.Random(11)
        first, second = CommuneFactory(name="Carvin"), CommuneFactory(name="Montigny-en-Gohelle")
        team = TeamFactory(name="EMPS Périodes", reference_prefix="PE", communes=[first, second])
        other_team = TeamFactory(name="EMPS Voisine", reference_prefix="VO", communes=[CommuneFactory(name="Lens")])
        domains = list(Domain.objects.order_by("order")[:4])
        youths = [YouthFactory(team=team, commune=rng.choice([first, second])) for _ in range(8)]
        youths.append(YouthFactory(team=other_team))
        for _ in range(400):
            InterventionFactory(
                youth=rng.choice(youths),
                date=D(2022, 1, 1) + datetime.timedelta(days=rng.randrange(3 * 365)),
                domains=rng.sample(domains, rng.randint(0, 3)),
            )
        yield team, second
        transaction.set_rollback(True)


def plain_counts(scope: Scope, start: datetime.date, end: datetime.date) -> dict:
    """The figures counted from the interventions and tags themselves, in Python."""
    interventions = [
        i
        for i in Intervention.objects.select_related("youth")
        if i.youth.team_id in scope.team_ids
        and start <= i.date <= end
        and (scope.communes is None or i.youth.commune_id in scope.commune_ids)
    ]
    tags = InterventionDomain.objects.filter(intervention__in=interventions).select_related("domain")
    by_domain: dict = {}
    for tag in tags:
        total, youths = by_domain.get(tag.domain.code, (0, set()))
        by_domain[tag.domain.code] = (total + 1, youths | {tag.youth_id})
    months: dict = {}
    for i in interventions:
        months[i.date.replace(day=1)] = months.get(i.date.replace(day=1), 0) + 1
    return {
        "interventions": len(interventions),
        "youths": len({i.youth_id for i in interventions}),
        "domains": {code: (total, len(youths)) for code, (total, youths) in by_domain.items()},
        "months": months,
        "met": {i.youth_id for i in interventions},
    }


@pytest.mark.parametrize(("start", "end"), PERIODS)
def test_summaries_give_the_plain_counts(activity, start, end):
    team, second = activity
    for scope in (Scope.for_team(team), Scope.for_team(team, second)):
        expected = plain_counts(scope, start, end)
        table = build_domains(scope=scope, start=start, end=end)
        assert (table.interventions, table.youths) == (expected["interventions"], expected["youths"])
        # Counts, not PostgreSQL's numeric sums (Django's plural forms refuse a Decimal count).
        assert {type(figure) for row in table.rows for figure in (row.total, row.youths)} | {
            type(table.interventions),
            type(table.total),
        } == {int}
        assert {row.code: (row.total, row.youths) for row in table.rows if row.total} == expected["domains"]
        monthly = {row.month: row.interventions for row in build_monthly(scope=scope, start=start, end=end)}
        assert {month: n for month, n in monthly.items() if n} == expected["months"]
        # Every youth with an intervention in the period is in it (others may be, first met or in an action).
        assert expected["met"] <= set(youths_in_period(scope, start, end).values_list("pk", flat=True))
    assert plain_counts(Scope.for_team(team), start, end)["interventions"] or start == end  # not vacuous


def test_a_year_to_date_reads_the_team_year_sums_when_nothing_follows_it(activity):
    """1 January to a day after which the team logged nothing that year: the per-team sums decide; one
    intervention later in the year, and the youth-year rows do. Both give the plain counts."""
    team, _second = activity
    scope = Scope.for_team(team)
    last = Intervention.objects.filter(team=team, date__year=2023).latest("date").date
    for end, summed in ((last, True), (last - datetime.timedelta(days=1), False)):
        assert year_is_inside(scope, D(2023, 1, 1), end) is summed
        expected = plain_counts(scope, D(2023, 1, 1), end)
        table = build_domains(scope=scope, start=D(2023, 1, 1), end=end)
        assert (table.interventions, table.youths) == (expected["interventions"], expected["youths"])
        assert {row.code: (row.total, row.youths) for row in table.rows if row.total} == expected["domains"]
        assert {type(table.interventions), type(table.youths)} | {type(row.youths) for row in table.rows} == {int}
    # A commune's scope, or a period across two years, never reads them.
    assert not year_is_inside(Scope.for_team(team, _second), D(2023, 1, 1), D(2023, 12, 31))
    assert not year_is_inside(scope, D(2022, 12, 1), D(2023, 11, 30))


def test_youths_in_period_is_exactly_those_with_an_intervention_without_other_relation(team):
    """A youth seen before and after a period, not during it: the only case read from the interventions."""
    youth = YouthFactory(team=team, first_met_on=D(2020, 1, 1))
    InterventionFactory(youth=youth, date=D(2023, 2, 1))
    InterventionFactory(youth=youth, date=D(2023, 11, 1))
    scope = Scope.for_team(team)
    assert not youths_in_period(scope, D(2023, 3, 1), D(2023, 10, 31)).exists()
    assert build_domains(scope=scope, start=D(2023, 3, 1), end=D(2023, 10, 31)).youths == 0
    InterventionFactory(youth=youth, date=D(2023, 7, 14))
    assert list(youths_in_period(scope, D(2023, 3, 1), D(2023, 10, 31))) == [youth]
    assert build_domains(scope=scope, start=D(2023, 3, 1), end=D(2023, 10, 31)).interventions == 1


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (D(2023, 1, 1), D(2023, 12, 31), (D(2023, 1, 1), D(2023, 12, 1))),
        (D(2023, 1, 15), D(2023, 3, 31), (D(2023, 2, 1), D(2023, 3, 1))),
        (D(2023, 1, 15), D(2023, 3, 30), (D(2023, 2, 1), D(2023, 2, 1))),
        (D(2023, 1, 15), D(2023, 2, 27), None),
        (D(2024, 2, 1), D(2024, 2, 29), (D(2024, 2, 1), D(2024, 2, 1))),
        (D(2023, 12, 2), D(2024, 1, 31), (D(2024, 1, 1), D(2024, 1, 1))),
    ],
)
def test_whole_months_of_a_period(start, end, months):
    assert whole_months(start, end) == months
