import datetime

import pytest

from tests.actions.factories import CollectiveActionFactory, InterventionFactory, PresenceSessionFactory
from tests.youths.factories import YouthFactory


@pytest.fixture
def youth(team, educator):
    return YouthFactory(team=team, first_name="Yanis", with_episode=True, referent=educator)


@pytest.fixture
def youth2(team):
    return YouthFactory(team=team, first_name="Lina", sex="F", with_episode=True)


@pytest.fixture
def stranger(other_team):
    return YouthFactory(team=other_team, first_name="Zora", with_episode=True)


@pytest.fixture
def records(team, other_team, educator, youth, stranger):
    """One intervention, session and action of alice's, and the same of another team."""
    return {
        "intervention": InterventionFactory(youth=youth, author=educator, date=datetime.date(2023, 7, 1)),
        "presence": PresenceSessionFactory(team=team, author=educator),
        "action": CollectiveActionFactory(team=team, author=educator),
        "other_intervention": InterventionFactory(youth=stranger, date=datetime.date(2023, 7, 1)),
        "other_presence": PresenceSessionFactory(team=other_team),
        "other_action": CollectiveActionFactory(team=other_team),
    }
