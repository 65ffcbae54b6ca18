"""Creations sent by the phone's outbox: each key recorded once, refusals in French, the offline shells."""

import datetime
import json
import uuid

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from actions.models import CollectiveAction, Intervention, PresenceSession
from emps import outbox
from emps.models import AccessLog
from tests.actions.factories import PresenceSessionFactory
from tests.actions.test_views import TODAY, _intervention_data, _presence_data, login, text
from youths.models import Youth

LATER = {"HTTP_X_EMPS_OUTBOX": "later"}


def _post(client, name, data, key, **headers):
    return client.post(reverse(name), {**data, "client_key": str(key)}, **headers)


@time_machine.travel(TODAY)
def test_an_intervention_sent_twice_is_recorded_once_per_youth(client, educator, youth, youth2):
    key = uuid.uuid4()
    login(client, educator)
    first = _post(client, "actions:intervention_create", _intervention_data(youth, youth2), key, **LATER)
    assert first.status_code == 200 and first.json()["ok"]
    again = _post(client, "actions:intervention_create", _intervention_data(youth, youth2), key, **LATER)
    assert again.status_code == 200 and again.json()["ok"]
    assert Intervention.objects.filter(client_key=key).count() == 2  # one per youth, not four
    assert AccessLog.objects.filter(action="create", object_type="intervention").count() == 2
    # Sent in the background: no message waits for a later page.
    assert "Intervention enregistrée" not in text(client.get(reverse("home")))


@time_machine.travel(TODAY)
def test_a_replay_answers_even_when_the_entry_is_no_longer_valid(client, educator, youth):
    """The entry was valid when it was recorded: the replay of a lost response finds it, it is not refused."""
    key = uuid.uuid4()
    login(client, educator)
    _post(client, "actions:intervention_create", _intervention_data(youth), key, **LATER)
    Youth.objects.filter(pk=youth.pk).update(anonymised_at=timezone.now())
    again = _post(client, "actions:intervention_create", _intervention_data(youth), key, **LATER)
    assert again.json()["id"] == Intervention.objects.get().pk


@time_machine.travel(TODAY)
def test_a_refused_entry_gets_the_french_message_in_json(client, educator, youth):
    Youth.objects.filter(pk=youth.pk).update(anonymised_at=timezone.now())
    login(client, educator)
    response = _post(client, "actions:intervention_create", _intervention_data(youth), uuid.uuid4(), **LATER)
    data = response.json()
    assert data["ok"] is False
    assert data["errors"]["youths"] == ["Ce jeune n'est pas suivi par votre équipe."]
    assert "Ce jeune n'est pas suivi par votre équipe." in data["message"]
    assert not Intervention.objects.exists()


@time_machine.travel(TODAY)
def test_a_form_sent_by_the_page_itself_shows_the_usual_message(client, educator, team):
    login(client, educator)
    response = _post(
        client, "actions:presence_create", _presence_data(team, [educator]), uuid.uuid4(), HTTP_X_EMPS_OUTBOX="form"
    )
    assert response.json()["url"] == reverse("home")
    assert "Présence sociale du 14/03/2024 enregistrée : 2 h 30." in text(client.get(reverse("home")))


@time_machine.travel(TODAY)
def test_a_presence_session_posted_twice_without_the_script_is_recorded_once(client, educator, team):
    key = uuid.uuid4()
    login(client, educator)
    assert _post(client, "actions:presence_create", _presence_data(team, [educator]), key).status_code == 302
    again = _post(client, "actions:presence_create", _presence_data(team, [educator]), key)
    assert again.status_code == 302
    assert PresenceSession.objects.get().client_key == key
    assert "Cette saisie était déjà enregistrée" in text(client.get(again["Location"]))


@time_machine.travel(TODAY)
def test_a_collective_action_sent_twice_is_recorded_once(client, educator, team):
    quartier = team.communes.get().quartiers.get()
    data = {"kind": "atelier", "carrying": "initiee", "date": "2024-03-14", "sector": f"q{quartier.pk}"}
    key = uuid.uuid4()
    login(client, educator)
    first = _post(client, "actions:action_create", data, key, **LATER)
    again = _post(client, "actions:action_create", data, key, **LATER)
    assert first.json()["id"] == again.json()["id"] == CollectiveAction.objects.get(client_key=key).pk


@time_machine.travel(TODAY)
def test_a_youth_sent_twice_is_recorded_once_and_answers_its_id(client, educator, team):
    quartier = team.communes.get().quartiers.get()
    data = {"first_name": "Nour", "age_or_year": "15", "first_met_on": "2024-03-14", "sector": f"q{quartier.pk}"}
    key = uuid.uuid4()
    login(client, educator)
    first = _post(client, "youths:create", data, key, **LATER).json()
    again = _post(client, "youths:create", data, key, **LATER).json()
    nour = Youth.objects.get(first_name="Nour")
    assert first["id"] == again["id"] == nour.pk and nour.client_key == key
    assert nour.episodes.count() == 1


@pytest.mark.django_db
def test_two_sends_at_once_record_the_key_once(team, educator):
    """The second send misses the first one's record, then its insert hits the unique constraint: it answers
    with the first one's record, and its savepoint leaves the transaction usable."""
    key = uuid.uuid4()
    first = PresenceSessionFactory(team=team, client_key=key)
    lookups = iter([None, first])
    record, fresh = outbox.record_once(
        key=key, existing=lambda: next(lookups), create=lambda: PresenceSessionFactory(team=team, client_key=key)
    )
    assert (record, fresh) == (first, False)
    assert PresenceSession.objects.filter(client_key=key).count() == 1


# Durations: « 15h » alone is an hour of the day; more than 8 hours is asked.


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "typed, question",
    [
        pytest.param("15h", "« 15h » : 15 heures ?", id="15h"),
        pytest.param("15 h", "« 15 h » : 15 heures ?", id="15 h"),
        pytest.param("9", "Plus de 8 heures de présence (9 h)", id="9"),
        pytest.param("10h30", "Plus de 8 heures de présence (10 h 30)", id="10h30"),
    ],
)
def test_a_doubtful_duration_is_asked_before_it_is_accepted(client, educator, team, typed, question):
    login(client, educator)
    response = client.post(reverse("actions:presence_create"), _presence_data(team, [educator], duration=typed))
    assert response.status_code == 200 and not PresenceSession.objects.exists()
    assert question in text(response)
    assert response.context["form"].duration_doubt()
    confirmed = client.post(
        reverse("actions:presence_create"), _presence_data(team, [educator], duration=typed, confirm_duration="on")
    )
    assert confirmed.status_code == 302 and PresenceSession.objects.count() == 1


@time_machine.travel(TODAY)
@pytest.mark.parametrize("typed", ["8h", "3h", "2 h 30", "8"])
def test_a_plain_duration_is_not_asked(client, educator, team, typed):
    login(client, educator)
    response = client.post(reverse("actions:presence_create"), _presence_data(team, [educator], duration=typed))
    assert response.status_code == 302


@time_machine.travel(TODAY)
def test_editing_a_long_session_without_touching_its_duration_is_not_asked(client, educator, team):
    session = PresenceSessionFactory(team=team, author=educator, duration_minutes=600, date=datetime.date(2024, 3, 1))
    login(client, educator)
    data = _presence_data(team, [educator], duration="10 h", version=session.version, date="2024-03-01")
    response = client.post(reverse("actions:presence_update", args=[session.pk]), data)
    assert response.status_code == 302, response.context["form"].errors


# The installable app.


@pytest.mark.django_db
def test_the_service_worker_is_served_at_the_root_with_its_configuration(client):
    response = client.get(reverse("service_worker"))
    assert response["Content-Type"] == "text/javascript; charset=utf-8"
    assert response["Service-Worker-Allowed"] == "/"
    config = json.loads(response.content.decode().split("self.EMPS_CONFIG = ", 1)[1].split(";\n", 1)[0])
    assert "/activite/interventions/nouvelle/?hors-ligne=1" in config["shells"]
    assert "/jeunes/nouveau/?hors-ligne=1" in config["shells"]
    assert all(url.startswith("/static/") for url in config["assets"])


@pytest.mark.django_db
def test_the_manifest_installs_a_french_app_with_its_icons(client):
    data = client.get(reverse("manifest")).json()
    assert (data["lang"], data["start_url"], data["scope"], data["display"]) == ("fr", "/", "/", "standalone")
    assert {icon["sizes"] for icon in data["icons"]} == {"192x192", "512x512"}
    for icon in data["icons"]:
        assert client.get(icon["src"]).status_code == 200


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "name", ["actions:intervention_create", "actions:presence_create", "actions:action_create", "youths:create"]
)
def test_an_offline_shell_is_marked_and_holds_no_message(client, educator, youth, name):
    login(client, educator)
    client.post(reverse("actions:intervention_create"), _intervention_data(youth))  # a message naming Yanis
    shell = client.get(reverse(name) + f"?{outbox_shell()}&jeune={youth.pk}")
    assert shell["X-EMPS-Offline-Shell"] == "1"
    assert "Yanis" not in text(shell)
    assert "Intervention enregistrée pour Yanis." in text(client.get(reverse("home")))  # kept for the next page
    assert "X-EMPS-Offline-Shell" not in client.get(reverse(name))


def outbox_shell():
    return "hors-ligne=1"


@pytest.mark.django_db
def test_logging_out_clears_what_the_browser_keeps(client, educator):
    login(client, educator)
    response = client.post(reverse("logout"))
    assert response["Clear-Site-Data"] == '"cache", "storage"'
