"""The administration's lists run the same number of queries for 3 rows as for 15: a federation's
administrator lists tens of thousands of youths, sessions and actions (a quartier prints its commune:
without it in `list_select_related`, one query per row)."""

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from emps.journal import Action, log_access
from tests.actions.factories import CollectiveActionFactory, InterventionFactory, PresenceSessionFactory
from tests.emps.factories import CommuneFactory, QuartierFactory, UserFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db


def _rows(team, count: int) -> None:
    for n in range(count):
        commune = CommuneFactory(name=f"Commune {count}-{n}")
        team.communes.add(commune)
        quartier = QuartierFactory(commune=commune)
        youth = YouthFactory(team=team, commune=commune, quartier=quartier)
        InterventionFactory(youth=youth, date=datetime.date(2023, 5, 1 + n))
        PresenceSessionFactory(team=team, commune=commune, quartier=quartier)
        CollectiveActionFactory(team=team, commune=commune, quartier=quartier)
        log_access(request=None, user=None, action=Action.LIST, object_type="youth", team=team, detail="test")


def _queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "model",
    [
        "youths_youth",
        "actions_intervention",
        "actions_presencesession",
        "actions_collectiveaction",
        "emps_accesslog",
    ],
)
def test_admin_lists_run_a_constant_number_of_queries(client, team, model):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    url = reverse(f"admin:{model}_changelist")
    _rows(team, 3)
    few = _queries(client, url)
    _rows(team, 12)
    assert _queries(client, url) == few
