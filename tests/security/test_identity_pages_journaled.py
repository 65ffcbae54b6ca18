"""Every page that shows youths' identities writes a journal line (issue 26, point 10), and the youth search
survives a NUL character."""

import pytest
from django.urls import reverse

from emps.models import AccessLog
from tests.actions.factories import CollectiveActionFactory, InterventionFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def youth(team):
    return YouthFactory(team=team, first_name="Kenza")


def _entries():
    entries = AccessLog.objects.exclude(action="login").order_by("pk")
    return list(entries.values_list("username", "action", "object_type", "object_id"))


def test_the_youth_search_journals_the_identities_it_shows(client, educator, youth):
    client.force_login(educator)
    assert client.get(reverse("youths:search"), {"q": "zzz"}).json()["results"] == []
    assert _entries() == []  # nobody shown, nothing to journal
    assert [r["id"] for r in client.get(reverse("youths:search"), {"q": "Kenz"}).json()["results"]] == [youth.pk]
    assert _entries() == [("alice", "list", "youth", "")]


@pytest.mark.parametrize("query", ["Ken\x00za", "\x00", "Kenza\x00"])
def test_a_nul_character_in_the_youth_search_is_harmless(client, educator, youth, query):
    client.force_login(educator)
    response = client.get(reverse("youths:search"), {"q": query})
    assert response.status_code == 200
    expected = [] if query == "\x00" else [youth.pk]
    assert [r["id"] for r in response.json()["results"]] == expected
    response = client.get(reverse("youths:list"), {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("kind", ["youth", "intervention", "collectiveaction"])
def test_edit_pages_journal_the_identities_they_show(client, coordinator, team, youth, kind):
    obj = {
        "youth": lambda: youth,
        "intervention": lambda: InterventionFactory(youth=youth),
        "collectiveaction": lambda: CollectiveActionFactory(team=team, participants=[youth]),
    }[kind]()
    url = {
        "youth": reverse("youths:update", args=[obj.pk]),
        "intervention": reverse("actions:intervention_update", args=[obj.pk]),
        "collectiveaction": reverse("actions:action_update", args=[obj.pk]),
    }[kind]
    client.force_login(coordinator)
    response = client.get(url)
    assert response.status_code == 200 and "Kenza" in response.content.decode()
    assert _entries() == [(coordinator.username, "view", kind, str(obj.pk))]
    assert AccessLog.objects.exclude(action="login").get().team == team
