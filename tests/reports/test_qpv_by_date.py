"""QPV geography by date: each bilan counts a quartier as a QPV by the status in force on its last day."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from emps.models import QpvPeriod
from reports.builders import Scope, build_bilan, build_qpv_share, build_quartiers, build_street_public
from tests.actions.factories import InterventionFactory, PresenceSessionFactory
from tests.emps.factories import QuartierFactory, TeamFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

END_2023 = datetime.date(2023, 12, 31)


@pytest.fixture
def redrawn(db):
    """A team with two quartiers: « Darcy » left the QPV list on 1 January 2024, « Kennedy » joined it."""
    team = TeamFactory()
    commune = team.communes.get()
    darcy = QuartierFactory(commune=commune, name="Darcy", is_qpv=False)
    QpvPeriod.objects.create(quartier=darcy, valid_until=END_2023, is_qpv=True, qpv_code="QP062012")
    kennedy = QuartierFactory(commune=commune, name="Kennedy", is_qpv=True, qpv_code="QN06201M")
    QpvPeriod.objects.create(quartier=kennedy, valid_until=END_2023, is_qpv=False)
    for quartier, n in ((darcy, 3), (kennedy, 1)):
        for _i in range(n):
            youth = YouthFactory(team=team, quartier=quartier, first_met_on=datetime.date(2023, 6, 1))
            InterventionFactory(youth=youth, date=datetime.date(2024, 3, 1))
        PresenceSessionFactory(
            team=team, quartier=quartier, date=datetime.date(2023, 10, 2), counted=True, boys_12_17=n
        )
        PresenceSessionFactory(team=team, quartier=quartier, date=datetime.date(2024, 3, 2), counted=True, boys_12_17=n)
    return team


@pytest.mark.parametrize(
    ("start", "end", "in_qpv"),
    [
        pytest.param(datetime.date(2023, 1, 1), END_2023, 3, id="2023-whole-year"),
        pytest.param(datetime.date(2023, 5, 9), END_2023, 3, id="2023-part-of-the-year"),
        pytest.param(datetime.date(2024, 1, 1), datetime.date(2024, 12, 31), 1, id="2024-whole-year"),
        pytest.param(datetime.date(2023, 7, 1), datetime.date(2024, 6, 30), 1, id="across-the-change"),
    ],
)
def test_youths_count_in_the_qpv_in_force_on_the_periods_last_day(redrawn, start, end, in_qpv):
    share = build_qpv_share(scope=Scope.for_team(redrawn), start=start, end=end)
    assert (share.total, share.in_qpv, share.outside_qpv) == (4, in_qpv, 4 - in_qpv)


def test_the_whole_bilan_agrees_on_the_qpv_of_each_quartier(redrawn):
    bilan = build_bilan(scope=Scope.for_team(redrawn), start=datetime.date(2023, 1, 1), end=END_2023)
    assert {row.quartier: row.is_qpv for row in bilan.quartiers.rows} == {"Darcy": True, "Kennedy": False}
    assert {row.quartier: row.is_qpv for row in bilan.street_public.by_quartier} == {"Darcy": True, "Kennedy": False}
    assert bilan.street_public.in_qpv == 3
    later = build_quartiers(
        scope=Scope.for_team(redrawn), start=datetime.date(2024, 1, 1), end=datetime.date(2024, 5, 1)
    )
    assert {row.quartier: row.is_qpv for row in later.rows} == {"Darcy": False, "Kennedy": True}


def test_street_contacts_follow_the_same_rule(redrawn):
    street = build_street_public(
        scope=Scope.for_team(redrawn), start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)
    )
    assert (street.contacts, street.in_qpv) == (4, 1)


def test_a_later_change_of_the_list_leaves_a_2023_bilan_as_it_was(redrawn):
    scope, start = Scope.for_team(redrawn), datetime.date(2023, 1, 1)
    before = build_qpv_share(scope=scope, start=start, end=END_2023)
    # Recorded in 2025: Kennedy leaves the list from 2026 on; 2023 stays counted as it was.
    kennedy = redrawn.communes.get().quartiers.get(name="Kennedy")
    QpvPeriod.objects.create(quartier=kennedy, valid_from=datetime.date(2026, 1, 1), is_qpv=False)
    assert build_qpv_share(scope=scope, start=start, end=END_2023) == before


def test_a_dated_status_needs_a_date_and_ordered_bounds(db):
    quartier = QuartierFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        QpvPeriod.objects.create(quartier=quartier, is_qpv=True)
    with pytest.raises(IntegrityError), transaction.atomic():
        QpvPeriod.objects.create(
            quartier=quartier, valid_from=datetime.date(2024, 1, 1), valid_until=datetime.date(2023, 1, 1)
        )


def test_two_dated_statuses_of_a_quartier_may_not_overlap(db):
    quartier = QuartierFactory()
    QpvPeriod.objects.create(quartier=quartier, valid_until=END_2023, is_qpv=True)
    overlapping = QpvPeriod(quartier=quartier, valid_from=datetime.date(2023, 6, 1), is_qpv=False)
    with pytest.raises(ValidationError, match="déjà un statut QPV daté"):
        overlapping.full_clean()
    QpvPeriod(quartier=quartier, valid_from=datetime.date(2024, 1, 1), is_qpv=False).full_clean()
