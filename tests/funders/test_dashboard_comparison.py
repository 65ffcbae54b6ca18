"""The funders' dashboard beside the previous period and the agreement's targets (issue 29): every figure,
the previous period's included, rounded to 5; the change and « atteint » read from the rounded figures."""

import datetime

import pytest
from django.urls import reverse

from emps.rounding import FUNDERS_BASE
from reports.models import FundingTarget, TargetKind
from tests.funders.conftest import youths_in

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("funders:dashboard")
API = reverse("funders:api")
YEAR_2023 = {"periode": "personnalisee", "du": "2023-01-01", "au": "2023-12-31"}
QUARTER_2023 = {"periode": "personnalisee", "du": "2023-04-01", "au": "2023-06-30"}


def figure(figures, key):
    return (
        next(f for f in figures if f["key"] == key)
        if isinstance(figures[0], dict)
        else next(f for f in figures if f.key == key)
    )


@pytest.fixture
def two_years(team):
    """13 youths new in 2022 (15 rounded), 9 more in 2023: new ones 13 then 9 (15 then 10)."""
    commune = team.communes.first()
    youths_in(team, commune, 13, first_met_on=datetime.date(2022, 5, 2))
    youths_in(team, commune, 9, first_met_on=datetime.date(2023, 5, 2))
    return team


def test_the_previous_year_is_rounded_and_the_change_is_between_rounded_figures(client, funder, two_years):
    client.force_login(funder)
    response = client.get(DASHBOARD, YEAR_2023)
    comparison = response.context["comparison"]
    assert (comparison.previous.start, comparison.previous.end) == (
        datetime.date(2022, 1, 1),
        datetime.date(2022, 12, 31),
    )
    assert comparison.previous.existed
    new = figure(comparison.key_figures, "nouveaux")
    assert (new.value, new.previous) == (10, 15)  # 9 and 13
    assert new.change == -5  # never −4, the exact difference
    for row in comparison.key_figures:
        if row.value is None:  # street contacts: none counted, « non objectivé »
            continue
        if row.unit == "" and row.key not in (TargetKind.COLLECTIVE_ACTIONS, TargetKind.DSL_ACTIONS):
            assert row.value % FUNDERS_BASE == 0 and row.previous % FUNDERS_BASE == 0, row
            assert row.change == row.value - row.previous
    content = response.content.decode()
    assert "Comparaison avec la période précédente" in content
    assert "01/01/2022 – 31/12/2022" in content
    assert "−5" in content and "−4" not in content


def test_the_json_carries_the_comparison_rounded(client, funder, two_years):
    client.force_login(funder)
    data = client.get(API, YEAR_2023).json()["comparison"]
    assert data["previous"] == {"start": "2022-01-01", "end": "2022-12-31", "existed": True}
    new = figure(data["key_figures"], "nouveaux")
    assert (new["value"], new["previous"], new["change"]) == (10, 15, -5)


def test_a_quarter_is_compared_with_the_quarter_before_and_has_no_target(client, funder, two_years):
    FundingTarget.objects.create(team=two_years, year=2023, kind=TargetKind.YOUTHS, value=20)
    client.force_login(funder)
    comparison = client.get(DASHBOARD, QUARTER_2023).context["comparison"]
    assert (comparison.previous.start, comparison.previous.end) == (
        datetime.date(2023, 1, 1),
        datetime.date(2023, 3, 31),
    )
    assert not comparison.has_targets


def test_a_period_before_the_team_existed_reads_a_dash(client, funder, team):
    youths_in(team, team.communes.first(), 6, first_met_on=datetime.date(2023, 5, 2))
    client.force_login(funder)
    response = client.get(DASHBOARD, YEAR_2023)
    comparison = response.context["comparison"]
    assert not comparison.previous.existed
    assert all(row.previous is None and row.change is None for row in comparison.key_figures)
    assert "n'avait pas commencé son activité" in response.content.decode()
    assert client.get(API, YEAR_2023).json()["comparison"]["previous"]["existed"] is False


def test_the_years_targets_are_met_on_the_rounded_figures(client, funder, two_years):
    """9 youths in 2023 read 10: a target of 10 is met, one of 11 is not (the exact 9 is never compared)."""
    FundingTarget.objects.create(team=two_years, year=2023, kind=TargetKind.YOUTHS, value=10)
    FundingTarget.objects.create(team=two_years, year=2023, kind=TargetKind.PAEI, value=1)
    client.force_login(funder)
    response = client.get(DASHBOARD, YEAR_2023)
    comparison = response.context["comparison"]
    assert comparison.has_targets
    youths = figure(comparison.key_figures, TargetKind.YOUTHS)
    assert (youths.value, youths.target, youths.met) == (10, 10, True)
    paei = figure(comparison.key_figures, TargetKind.PAEI)
    assert (paei.value, paei.target, paei.met) == (0, 1, False)
    assert "Objectifs de la convention" in response.content.decode()
    FundingTarget.objects.filter(kind=TargetKind.YOUTHS).update(value=11)
    youths = figure(client.get(API, YEAR_2023).json()["comparison"]["key_figures"], TargetKind.YOUTHS)
    assert (youths["value"], youths["target"], youths["met"]) == (10, 11, False)


def test_the_dashboard_has_no_partner_meetings_figure(client, funder, two_years):
    client.force_login(funder)
    keys = {row.key for row in client.get(DASHBOARD, YEAR_2023).context["comparison"].key_figures}
    assert "temps-partenariaux" not in keys and TargetKind.YOUTHS in keys
