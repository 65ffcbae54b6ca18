"""The bilan as a yearly instrument: the previous period beside this one, and the agreement's targets."""

import datetime
import html

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from reports.builders import Scope, build_bilan
from reports.builders.comparison import previous_period, target_met
from reports.models import FundingTarget, TargetKind
from tests.actions.factories import CollectiveActionFactory, PresenceSessionFactory
from tests.emps.factories import TeamFactory, UserFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.mark.parametrize(
    ("start", "end", "previous"),
    [
        pytest.param(D(2024, 1, 1), D(2024, 12, 31), (D(2023, 1, 1), D(2023, 12, 31)), id="calendar-year"),
        pytest.param(D(2024, 1, 1), D(2024, 7, 31), (D(2023, 6, 1), D(2023, 12, 31)), id="7-months"),
        pytest.param(D(2024, 3, 1), D(2024, 3, 31), (D(2024, 2, 1), D(2024, 2, 29)), id="one-month-leap"),
        pytest.param(D(2023, 5, 9), D(2023, 12, 31), (D(2022, 9, 14), D(2023, 5, 8)), id="the-seeds-237-days"),
    ],
)
def test_the_previous_period_has_the_same_length_just_before(start, end, previous):
    assert previous_period(start, end) == previous
    if start.day != 1:
        assert (end - start) == (previous[1] - previous[0])


def test_target_met_at_or_above_the_value():
    assert (target_met(60, 60), target_met(59, 60), target_met(None, 60), target_met(12, None)) == (
        True,
        False,
        None,
        None,
    )


@pytest.fixture
def two_years(db):
    """A team at work since 2023: 3 youths met in 2023, 2 more in 2024; actions and presence both years."""
    team = TeamFactory(started_on=D(2023, 5, 9))
    for month in (6, 7, 8):
        YouthFactory(team=team, first_met_on=D(2023, month, 1))
    for month in (2, 3):
        YouthFactory(team=team, first_met_on=D(2024, month, 1))
    CollectiveActionFactory(team=team, date=D(2023, 7, 1))
    for month in (4, 5, 6):
        CollectiveActionFactory(team=team, date=D(2024, month, 1))
    PresenceSessionFactory(team=team, date=D(2023, 9, 1), duration_minutes=90)
    PresenceSessionFactory(team=team, date=D(2024, 9, 1), duration_minutes=60)
    return team


def figures(bilan):
    return {f.key: (f.value, f.previous, f.change, f.target, f.met) for f in bilan.key_figures}


def test_each_key_figure_beside_last_years_with_its_change(two_years, django_assert_max_num_queries):
    with django_assert_max_num_queries(70):  # the summaries written first, then two periods
        bilan = build_bilan(scope=Scope.for_team(two_years), start=D(2024, 1, 1), end=D(2024, 12, 31), compare=True)
    assert bilan.previous.existed
    rows = figures(bilan)
    assert rows["jeunes"][:3] == (2, 3, -1)
    assert rows["actions"][:3] == (3, 1, 2)
    assert rows["heures-presence"][:3] == (1, 1.5, -0.5)


def test_a_period_before_the_team_started_shows_a_dash_not_zeros(two_years, client):
    bilan = build_bilan(scope=Scope.for_team(two_years), start=D(2023, 1, 1), end=D(2023, 12, 31), compare=True)
    assert not bilan.previous.existed
    assert all(f.previous is None and f.change is None for f in bilan.key_figures)
    coordinator = UserFactory(coordinator=True, teams=[two_years])
    client.force_login(coordinator)
    response = client.get(
        reverse("reports:bilan"), {"team": two_years.pk, "start": "2023-01-01", "end": "2023-12-31", "compare": "1"}
    )
    content = html.unescape(response.content.decode())
    assert "Chiffres clés et évolution" in content
    assert "n'avait pas commencé son activité" in content
    assert ">—<" in content


def test_without_a_start_date_the_first_activity_decides(db):
    team = TeamFactory()
    YouthFactory(team=team, first_met_on=D(2024, 2, 1))
    scope = Scope.for_team(team)
    assert not build_bilan(scope=scope, start=D(2024, 1, 1), end=D(2024, 12, 31), compare=True).previous.existed
    assert build_bilan(scope=scope, start=D(2024, 3, 1), end=D(2024, 3, 31), compare=True).previous.existed


def test_targets_of_the_year_with_whether_each_is_met(two_years):
    FundingTarget.objects.create(team=two_years, year=2024, kind=TargetKind.YOUTHS, value=2)
    FundingTarget.objects.create(team=two_years, year=2024, kind=TargetKind.COLLECTIVE_ACTIONS, value=10)
    FundingTarget.objects.create(team=two_years, year=2023, kind=TargetKind.YOUTHS, value=100)
    bilan = build_bilan(scope=Scope.for_team(two_years), start=D(2024, 1, 1), end=D(2024, 12, 31))
    rows = figures(bilan)
    assert bilan.previous is None and bilan.has_targets
    assert rows["jeunes"] == (2, None, None, 2, True)
    assert rows["actions"] == (3, None, None, 10, False)
    assert rows["paei"][3:] == (None, None)
    commune = two_years.communes.get()
    by_commune = build_bilan(scope=Scope.for_team(two_years, commune), start=D(2024, 1, 1), end=D(2024, 12, 31))
    assert not by_commune.has_targets


def test_a_target_without_a_year_or_negative_is_refused_by_the_database(two_years):
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingTarget.objects.create(team=two_years, year=None, kind=TargetKind.YOUTHS, value=3)
    with pytest.raises(IntegrityError), transaction.atomic():
        FundingTarget.objects.create(team=two_years, year=2024, kind=TargetKind.YOUTHS, value=-1)


def test_the_coordinator_enters_targets_and_bad_input_writes_nothing(client, two_years):
    coordinator = UserFactory(coordinator=True, teams=[two_years])
    client.force_login(coordinator)
    url = reverse("reports:targets_edit")
    data = {"team": two_years.pk, "year": "2024", "jeunes": "60", "jeunes-qpv": "-3", "heures-presence": "400"}
    response = client.post(url, data)
    assert response.status_code == 200
    assert "Un objectif ne peut pas être négatif." in html.unescape(response.content.decode())
    assert not FundingTarget.objects.exists()
    response = client.post(url, {**data, "year": ""})
    assert "Indiquez l'année de la convention." in html.unescape(response.content.decode())
    assert not FundingTarget.objects.exists()
    response = client.post(url, {**data, "jeunes-qpv": "36"})
    assert response.status_code == 302
    assert dict(FundingTarget.objects.values_list("kind", "value")) == {
        "jeunes": 60,
        "jeunes-qpv": 36,
        "heures-presence": 400,
    }
    # Emptied: no target any more.
    client.post(url, {**data, "jeunes-qpv": "", "heures-presence": ""})
    assert dict(FundingTarget.objects.values_list("kind", "value")) == {"jeunes": 60}


def test_another_teams_targets_are_out_of_reach(client, two_years):
    stranger = UserFactory(coordinator=True, teams=[TeamFactory()])
    client.force_login(stranger)
    response = client.post(reverse("reports:targets_edit"), {"team": two_years.pk, "year": "2024", "jeunes": "1"})
    assert response.status_code == 200
    assert "hors de votre périmètre" in html.unescape(response.content.decode())
    assert not FundingTarget.objects.exists()
