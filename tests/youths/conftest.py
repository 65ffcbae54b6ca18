import datetime

import pytest

from emps.models import Quartier
from tests.youths.factories import YouthFactory


@pytest.fixture
def darcy(team):
    return Quartier.objects.get(commune__teams=team, name="Darcy")


@pytest.fixture
def youth(team, educator):
    """An active youth of alice's team, alice being the referent."""
    return YouthFactory(
        team=team, first_name="Yanis", with_episode=True, referent=educator, first_met_on=datetime.date(2023, 6, 1)
    )


@pytest.fixture
def stranger(other_team):
    """A youth of another team: every page about them answers 404 to alice."""
    return YouthFactory(team=other_team, first_name="Zora", with_episode=True)
