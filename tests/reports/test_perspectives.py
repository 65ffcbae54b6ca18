"""« Perspectives » as planned actions, and next year's bilan saying what became of each."""

import datetime
import html

import pytest
from django.urls import reverse

from actions.enums import ActionStatus
from actions.models import CollectiveAction
from reports.builders import Scope, build_bilan
from reports.document import bilan_document
from tests.emps.factories import PartnerFactory, QuartierFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date
QUERY_2023 = {"start": "2023-01-01", "end": "2023-12-31"}


@pytest.fixture
def team(db):
    team = TeamFactory(started_on=D(2023, 1, 1))
    QuartierFactory(commune=team.communes.get(), name="Kennedy")
    return team


@pytest.fixture
def coordinator(team, client):
    user = UserFactory(coordinator=True, teams=[team])
    client.force_login(user)
    return user


def add(client, team, **data):
    kennedy = team.communes.get().quartiers.get(name="Kennedy")
    form = {"title": "Chasse aux œufs", "kind": "dsl", "sector": f"q{kennedy.pk}", "month": "2024-04", **data}
    return client.post(reverse("reports:perspectives_edit") + f"?team={team.pk}&start=2023-01-01&end=2023-12-31", form)


def test_a_perspective_is_a_planned_action_of_the_bilan_counted_nowhere(client, team, coordinator):
    partner = PartnerFactory(name="Centre Social")
    assert add(client, team, partners=[partner.pk]).status_code == 302
    action = CollectiveAction.objects.get()
    assert (action.status, action.date, action.announced_on, action.team) == (
        ActionStatus.PLANNED,
        D(2024, 4, 1),
        D(2023, 12, 31),
        team,
    )
    bilan = build_bilan(scope=Scope.for_team(team), start=D(2023, 1, 1), end=D(2023, 12, 31))
    [item] = bilan.perspectives.announced
    assert (item.title, item.quartier, item.month, item.partners) == (
        "Chasse aux œufs",
        "Kennedy",
        D(2024, 4, 1),
        ("Centre Social",),
    )
    next_year = build_bilan(scope=Scope.for_team(team), start=D(2024, 1, 1), end=D(2024, 12, 31))
    assert next_year.activity.dsl_initiated == 0  # planned, not done
    response = client.get(reverse("reports:bilan"), {"team": team.pk, **QUERY_2023})
    assert "Chasse aux œufs" in html.unescape(response.content.decode())


@pytest.mark.parametrize(
    ("data", "message"),
    [
        pytest.param({"month": "2023-11"}, "après la fin du bilan", id="before-the-bilans-end"),
        pytest.param({"month": ""}, "Indiquez le mois prévu.", id="no-month"),
        pytest.param({"title": ""}, "Donnez un titre", id="no-title"),
        pytest.param({"sector": ""}, "Indiquez le quartier", id="no-quartier"),
    ],
)
def test_bad_input_writes_nothing(client, team, coordinator, data, message):
    response = add(client, team, **data)
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not CollectiveAction.objects.exists()


def test_next_years_bilan_says_what_became_of_each(client, team, coordinator):
    for title in ("Chasse aux œufs", "Fête des voisins", "Atelier bricolage", "Projet Graff"):
        add(client, team, title=title)
    actions = {a.title: a for a in CollectiveAction.objects.all()}
    CollectiveAction.objects.filter(pk=actions["Chasse aux œufs"].pk).update(
        status=ActionStatus.DONE, date=D(2024, 4, 6)
    )
    CollectiveAction.objects.filter(pk=actions["Fête des voisins"].pk).update(
        status=ActionStatus.CANCELLED, outcome="faute de salle"
    )
    ludique = CollectiveAction.objects.create(
        team=team, title="Atelier ludique", kind="atelier", commune=team.communes.get(), date=D(2024, 5, 2)
    )
    CollectiveAction.objects.filter(pk=actions["Atelier bricolage"].pk).update(
        status=ActionStatus.REPLACED, replaced_by=ludique, outcome="compte tenu du temps"
    )
    bilan = build_bilan(scope=Scope.for_team(team), start=D(2024, 1, 1), end=D(2024, 12, 31))
    followed = {item.title: item.status for item in bilan.perspectives.followed}
    assert followed == {
        "Chasse aux œufs": "realisee",
        "Fête des voisins": "annulee",
        "Atelier bricolage": "remplacee",
        "Projet Graff": "prevue",
    }
    assert bilan.perspectives.followed_done == 1
    assert bilan.activity.dsl_initiated == 1  # the done one counts, as any done action
    response = client.get(reverse("reports:bilan"), {"team": team.pk, "start": "2024-01-01", "end": "2024-12-31"})
    content = html.unescape(response.content.decode())
    assert "ce qu'elles sont devenues" in content
    assert "Perspectives réalisées : 1 sur 4." in content
    assert "réalisée le 6 avril 2024" in content
    assert "remplacée par Atelier ludique compte tenu du temps" in content
    assert "annulée faute de salle" in content
    assert bilan_document(bilan).bilan.perspectives.announced == ()


def test_only_a_planned_perspective_can_be_withdrawn(client, team, coordinator):
    add(client, team)
    action = CollectiveAction.objects.get()
    CollectiveAction.objects.filter(pk=action.pk).update(status=ActionStatus.DONE)
    url = reverse("reports:perspectives_edit") + f"?team={team.pk}&start=2023-01-01&end=2023-12-31"
    assert client.post(url, {"remove": action.pk}).status_code == 404
    CollectiveAction.objects.filter(pk=action.pk).update(status=ActionStatus.PLANNED)
    assert client.post(url, {"remove": action.pk}).status_code == 302
    assert not CollectiveAction.objects.exists()
