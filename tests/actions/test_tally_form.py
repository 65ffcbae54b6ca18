"""The tally of the people met on the street-presence form: counted or not, refused negatives, large counts
confirmed, figures kept on an edit, nothing typed lost, French errors; without any script."""

import datetime
import html

import pytest
import time_machine
from django.urls import reverse

from actions.models import TALLY_COUNTERS, PresenceSession
from tests.actions.factories import PresenceSessionFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 15)


def text(response):
    return html.unescape(response.content.decode())


def presence_data(team, present, **overrides):
    quartier = team.communes.get().quartiers.get()
    data = {
        "date": "2024-03-14",
        "start_time": "17:30",
        "duration": "2 h",
        "place": "rue",
        "sector": f"q{quartier.pk}",
        "educators": [u.pk for u in present],
        "note": "",
        **dict.fromkeys(TALLY_COUNTERS, "0"),
    }
    data.update(overrides)
    return data


def post_new(client, educator, team, **overrides):
    client.force_login(educator)
    return client.post(reverse("actions:presence_create"), presence_data(team, [educator], **overrides))


@time_machine.travel(TODAY)
def test_a_session_left_untouched_is_not_counted(client, educator, team):
    assert post_new(client, educator, team).status_code == 302
    session = PresenceSession.objects.get()
    assert not session.counted and session.youths_met == 0


@time_machine.travel(TODAY)
def test_the_plain_form_offers_a_tick_box_and_a_number_for_each_counter(client, educator, team):
    client.force_login(educator)
    content = text(client.get(reverse("actions:presence_create")))
    assert "Personnes rencontrées" in content
    assert 'name="counted"' in content
    for name in TALLY_COUNTERS:
        assert f'name="{name}"' in content and f'id="id_{name}"' in content
    assert '<span class="visually-hidden">Garçons, </span>12–17 ans</label>' in content
    assert "js/tally.js" in content


@time_machine.travel(TODAY)
def test_a_tally_is_saved_and_counted_when_a_counter_is_filled(client, educator, team):
    response = post_new(client, educator, team, boys_12_17="4", girls_12_17="2", parents="1")
    assert response.status_code == 302
    session = PresenceSession.objects.get()
    assert session.counted
    assert (session.boys_12_17, session.girls_12_17, session.parents, session.youths_met, session.adults_met) == (
        4,
        2,
        1,
        6,
        1,
    )


@time_machine.travel(TODAY)
def test_counted_with_nobody_met_is_zero_not_non_compte(client, educator, team):
    assert post_new(client, educator, team, counted="on").status_code == 302
    session = PresenceSession.objects.get()
    assert session.counted and session.youths_met == 0


@time_machine.travel(TODAY)
def test_empty_counters_mean_zero(client, educator, team):
    response = post_new(client, educator, team, counted="on", boys_12_17="", girls_12_17="3")
    assert response.status_code == 302
    assert PresenceSession.objects.get().boys_12_17 == 0


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "typed, message",
    [
        pytest.param("-2", "Un nombre de personnes ne peut pas être négatif.", id="negative"),
        pytest.param("deux", "Écrivez un nombre entier, par exemple 3.", id="words"),
        pytest.param("100000", "Nombre invraisemblable pour un seul temps de présence.", id="huge"),
    ],
)
def test_a_wrong_count_is_refused_in_french_and_nothing_typed_is_lost(client, educator, team, typed, message):
    response = post_new(client, educator, team, girls_12_17=typed, boys_12_17="4", note="Devant le city stade")
    assert response.status_code == 200
    assert response.context["form"].errors["girls_12_17"] == [message]
    content = text(response)
    assert f'value="{typed}"' in content and 'name="boys_12_17" id="id_boys_12_17" value="4"' in content
    assert "Devant le city stade" in content and 'value="17:30"' in content
    assert 'class="tally mb-3 is-open"' in content  # the tally shows open on its error
    assert not PresenceSession.objects.exists()


@time_machine.travel(TODAY)
def test_more_than_two_hundred_in_one_counter_asks_for_confirmation(client, educator, team):
    response = post_new(client, educator, team, girls_12_17="250")
    assert response.status_code == 200
    assert response.context["form"].errors["girls_12_17"] == [
        "Plus de 200 personnes : vérifiez le nombre, puis cochez « Je confirme ce nombre »."
    ]
    content = text(response)
    assert "Je confirme ce nombre" in content and "data-tally-confirm hidden" not in content
    assert 'value="250"' in content
    assert not PresenceSession.objects.exists()

    response = post_new(client, educator, team, girls_12_17="250", confirm_count="on")
    assert response.status_code == 302
    assert PresenceSession.objects.get().girls_12_17 == 250


@time_machine.travel(TODAY)
def test_two_hundred_needs_no_confirmation(client, educator, team):
    assert post_new(client, educator, team, residents="200").status_code == 302
    content = text(client.get(reverse("actions:presence_create")))
    assert "data-tally-confirm hidden" in content


@time_machine.travel(TODAY)
def test_editing_a_session_keeps_its_figures(client, educator, team):
    session = PresenceSessionFactory(team=team, author=educator, counted=True, boys_12_17=4, girls_12_17=2, parents=1)
    session.educators.set([educator])
    client.force_login(educator)
    content = text(client.get(reverse("actions:presence_update", args=[session.pk])))
    assert 'name="boys_12_17" id="id_boys_12_17" value="4"' in content
    assert 'class="tally mb-3 is-open"' in content

    # The duration changes; the tally comes back as it was shown.
    form = client.get(reverse("actions:presence_update", args=[session.pk])).context["form"]
    data = presence_data(team, [educator], duration="3", version="1", counted="on")
    data.update({name: str(form[name].value()) for name in TALLY_COUNTERS})
    assert client.post(reverse("actions:presence_update", args=[session.pk]), data).status_code == 302

    session.refresh_from_db()
    assert session.duration_minutes == 180
    assert (session.counted, session.boys_12_17, session.girls_12_17, session.parents) == (True, 4, 2, 1)


@time_machine.travel(TODAY)
def test_editing_a_session_not_counted_keeps_it_not_counted(client, educator, team):
    session = PresenceSessionFactory(team=team, author=educator)
    session.educators.set([educator])
    client.force_login(educator)
    content = text(client.get(reverse("actions:presence_update", args=[session.pk])))
    assert 'class="tally mb-3"' in content
    data = presence_data(team, [educator], version="1")
    assert client.post(reverse("actions:presence_update", args=[session.pk]), data).status_code == 302
    session.refresh_from_db()
    assert not session.counted
