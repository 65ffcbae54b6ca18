"""The collective action's anonymous participants broken down by sex and age band, and the families reached:
the breakdown makes the number of participants without a file (database constraint, French form errors)."""

import datetime
import html

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse

from actions.models import TALLY_COUNTERS, CollectiveAction
from tests.actions.factories import CollectiveActionFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 15)


def text(response):
    return html.unescape(response.content.decode())


def action_data(team, **overrides):
    quartier = team.communes.get().quartiers.get()
    data = {
        "kind": "sortie",
        "carrying": "initiee",
        "title": "Sortie familles",
        "date": "2024-03-13",
        "sector": f"q{quartier.pk}",
        "participants": [],
        "anonymous_participants": "",
        "partners": [],
        "after_needs_assessment": "on",
        "description": "",
        **dict.fromkeys(TALLY_COUNTERS, "0"),
    }
    data.update(overrides)
    return data


def post_new(client, educator, team, **overrides):
    client.force_login(educator)
    return client.post(reverse("actions:action_create"), action_data(team, **overrides))


# --- The model -----------------------------------------------------------------------------------


def test_a_breakdown_must_make_the_participants_without_a_file(team):
    CollectiveActionFactory(team=team, anonymous_participants=6, counted=True, boys_12_17=4, girls_12_17=2)
    CollectiveActionFactory(team=team, anonymous_participants=9)  # a bare number, not broken down
    with pytest.raises(IntegrityError), transaction.atomic():
        CollectiveActionFactory(team=team, anonymous_participants=7, counted=True, boys_12_17=4, girls_12_17=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        CollectiveActionFactory(team=team, anonymous_participants=0, parents=2)  # not counted, yet counting


def test_the_families_are_not_participants(team):
    action = CollectiveActionFactory(team=team, anonymous_participants=0, counted=True, parents=5, residents=1)
    assert (action.youths_met, action.adults_met) == (0, 6)


# --- The form ------------------------------------------------------------------------------------


@time_machine.travel(TODAY)
def test_the_plain_form_offers_the_folded_tally(client, educator, team):
    client.force_login(educator)
    content = text(client.get(reverse("actions:action_create")))
    assert "Personnes rencontrées" in content
    assert 'data-tally data-idle="Non détaillé"' in content
    assert "Ne pas détailler" in content
    assert 'class="tally mb-3 is-open"' not in content
    for name in TALLY_COUNTERS:
        assert f'name="{name}"' in content
    assert "Familles ou parents</label>" in content
    assert "js/tally.js" in content and "data-tally-total" in content


@time_machine.travel(TODAY)
def test_a_number_alone_is_not_broken_down(client, educator, team):
    assert post_new(client, educator, team, anonymous_participants="9").status_code == 302
    action = CollectiveAction.objects.get()
    assert (action.anonymous_participants, action.counted, action.parents) == (9, False, 0)


@time_machine.travel(TODAY)
def test_the_breakdown_and_the_families_are_kept(client, educator, team):
    response = post_new(
        client, educator, team, anonymous_participants="6", boys_12_17="4", girls_12_17="2", parents="3"
    )
    assert response.status_code == 302
    action = CollectiveAction.objects.get()
    assert action.counted
    assert (action.anonymous_participants, action.boys_12_17, action.girls_12_17, action.parents) == (6, 4, 2, 3)


@time_machine.travel(TODAY)
def test_an_empty_number_takes_the_breakdown_total(client, educator, team):
    assert post_new(client, educator, team, others_under_12="2", girls_18_25="1").status_code == 302
    action = CollectiveAction.objects.get()
    assert (action.counted, action.anonymous_participants) == (True, 3)


@time_machine.travel(TODAY)
def test_a_family_outing_counts_parents_without_young_people(client, educator, team):
    assert post_new(client, educator, team, parents="7").status_code == 302
    action = CollectiveAction.objects.get()
    assert (action.counted, action.anonymous_participants, action.parents) == (True, 0, 7)


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        pytest.param(
            {"anonymous_participants": "8", "boys_12_17": "4", "girls_12_17": "2"},
            "anonymous_participants",
            "8 participants sans fiche, mais le détail par sexe et âge en compte 6 : corrigez l'un ou l'autre.",
            id="does-not-add-up",
        ),
        pytest.param(
            {"anonymous_participants": "5", "parents": "2"},
            "anonymous_participants",
            "5 participants sans fiche, mais le détail par sexe et âge en compte 0 : corrigez l'un ou l'autre.",
            id="families-only-with-a-number",
        ),
        pytest.param({"parents": "-1"}, "parents", "Un nombre de personnes ne peut pas être négatif.", id="negative"),
        pytest.param(
            {"parents": "250"},
            "parents",
            "Plus de 200 personnes : vérifiez le nombre, puis cochez « Je confirme ce nombre ».",
            id="unconfirmed-large",
        ),
    ],
)
def test_errors_are_in_french_and_keep_what_was_typed(client, educator, team, overrides, field, message):
    response = post_new(client, educator, team, **overrides)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    content = text(response)
    assert 'class="tally mb-3 is-open"' in content  # the tally stays open with its figures
    for name, value in overrides.items():
        assert f'name="{name}" id="id_{name}" value="{value}"' in content or f'value="{value}"' in content
    assert not CollectiveAction.objects.exists()


@time_machine.travel(TODAY)
def test_a_large_family_event_is_accepted_once_confirmed(client, educator, team):
    response = post_new(client, educator, team, parents="250", confirm_count="on")
    assert response.status_code == 302
    assert CollectiveAction.objects.get().parents == 250


@time_machine.travel(TODAY)
def test_an_edit_keeps_the_breakdown(client, educator, team):
    action = CollectiveActionFactory(
        team=team,
        date=datetime.date(2024, 3, 1),
        author=educator,
        anonymous_participants=6,
        counted=True,
        boys_12_17=4,
        girls_12_17=2,
        parents=3,
    )
    client.force_login(educator)
    url = reverse("actions:action_update", args=[action.pk])
    content = text(client.get(url))
    assert 'class="tally mb-3 is-open"' in content
    form = client.get(url).context["form"]
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    data.update(action_data(team, title="Sortie au Louvre", anonymous_participants="6"))
    data.update(boys_12_17="4", girls_12_17="2", parents="3", counted="on", version=str(action.version))
    assert client.post(url, data).status_code == 302
    action.refresh_from_db()
    assert (action.title, action.anonymous_participants, action.boys_12_17, action.parents) == (
        "Sortie au Louvre",
        6,
        4,
        3,
    )
