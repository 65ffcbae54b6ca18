import datetime

import pytest
from django.db import transaction

from demo.seed2023 import END, START, load_seed_2023
from reports.builders import Scope, build_bilan
from tests.emps.factories import TeamFactory, UserFactory

SEED_START = START
SEED_END = END


@pytest.fixture(scope="module")
def seed_team(django_db_setup, django_db_blocker):
    """The 2023 raw records behind the seed bilan, loaded once per module and rolled back after it.

    Tests using it also request `db` (each test runs in a savepoint inside this transaction).
    """
    with django_db_blocker.unblock(), transaction.atomic():
        team = TeamFactory(
            name="EMPS Hénin-Beaumont",
            association="Association Rencontres et Loisirs",
            reference_prefix="HB",
            financial_partners="Agence nationale de la cohésion des territoires (ANCT)",
            communes=[],
        )
        coordinator = UserFactory(username="coordination-seed", coordinator=True, teams=[team])
        educator = UserFactory(username="educateur-seed", teams=[team])
        load_seed_2023(team=team, educators=[educator, coordinator])
        yield team
        transaction.set_rollback(True)


@pytest.fixture
def seed_bilan(seed_team, db):
    return build_bilan(scope=Scope.for_team(seed_team), start=SEED_START, end=SEED_END)


@pytest.fixture
def seed_coordinator(seed_team, db):
    from emps.models import User

    return User.objects.get(username="coordination-seed")


@pytest.fixture
def seed_educator(seed_team, db):
    from emps.models import User

    return User.objects.get(username="educateur-seed")


def day(text: str) -> datetime.date:
    return datetime.date.fromisoformat(text)
