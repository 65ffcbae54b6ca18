import datetime
import html

import pytest
import time_machine
from django.urls import reverse

from actions.models import CollectiveAction, Domain, Intervention, PresenceSession
from emps.models import AccessLog
from tests.actions.factories import CollectiveActionFactory, InterventionFactory, PresenceSessionFactory
from tests.emps.factories import PartnerFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 15)


def text(response):
    return html.unescape(response.content.decode())


def login(client, user):
    client.force_login(user)
    return client


def domains(*codes):
    return [Domain.objects.get(code=code).pk for code in codes]


# Permissions.

EDIT_PAGES = [
    ("actions:intervention_update", "intervention"),
    ("actions:intervention_delete", "intervention"),
    ("actions:presence_update", "presence"),
    ("actions:presence_delete", "presence"),
    ("actions:action_update", "action"),
    ("actions:action_delete", "action"),
]


@pytest.mark.parametrize(
    "who, expected",
    [
        pytest.param("educator", 200, id="author"),
        pytest.param("teammate", 403, id="teammate-not-author"),
        pytest.param("coordinator", 200, id="coordinator"),
        pytest.param("other_educator", 404, id="other-team"),
        pytest.param("funder", 403, id="funder"),
    ],
)
@pytest.mark.parametrize("page, record", EDIT_PAGES)
def test_records_are_edited_by_their_author_and_coordinators(client, request, records, who, expected, page, record):
    login(client, request.getfixturevalue(who))
    assert client.get(reverse(page, args=[records[record].pk])).status_code == expected


@pytest.mark.parametrize("page, record", [(p, f"other_{r}") for p, r in EDIT_PAGES])
def test_a_coordinator_gets_404_on_another_teams_records(client, coordinator, records, page, record):
    assert login(client, coordinator).get(reverse(page, args=[records[record].pk])).status_code == 404


PAGES = [
    "actions:intervention_list",
    "actions:intervention_create",
    "actions:presence_list",
    "actions:presence_create",
    "actions:action_list",
    "actions:action_create",
]


@pytest.mark.parametrize(
    "who, expected",
    [
        pytest.param("educator", 200, id="educator"),
        pytest.param("coordinator", 200, id="coordinator"),
        pytest.param("funder", 403, id="funder"),
    ],
)
@pytest.mark.parametrize("page", PAGES)
def test_pages_by_role(client, request, who, expected, page):
    assert login(client, request.getfixturevalue(who)).get(reverse(page)).status_code == expected


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_users_are_sent_to_log_in(client, page):
    assert client.get(reverse(page))["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "page, key",
    [
        ("actions:intervention_list", "interventions"),
        ("actions:presence_list", "sessions"),
        ("actions:action_list", "actions"),
    ],
)
def test_lists_hold_my_teams_records_only(client, coordinator, records, page, key):
    shown = login(client, coordinator).get(reverse(page), {"qui": "equipe"}).context[key]
    mine = {"interventions": "intervention", "sessions": "presence", "actions": "action"}[key]
    assert [r.pk for r in shown] == [records[mine].pk]


def test_lists_show_mine_by_default_and_the_team_on_demand(client, educator, teammate, team, youth):
    InterventionFactory(youth=youth, author=educator, date=datetime.date(2023, 7, 2))
    InterventionFactory(youth=youth, author=teammate, date=datetime.date(2023, 7, 3))
    login(client, educator)
    assert len(client.get(reverse("actions:intervention_list")).context["interventions"]) == 1
    assert len(client.get(reverse("actions:intervention_list"), {"qui": "equipe"}).context["interventions"]) == 2


def test_my_interventions_are_those_i_wrote_or_took_part_in_each_once(client, educator, teammate, youth):
    wrote = InterventionFactory(youth=youth, author=educator, date=datetime.date(2023, 7, 1))
    wrote.educators.set([educator, teammate])  # written and taken part in: listed once
    took_part = InterventionFactory(youth=youth, author=teammate, date=datetime.date(2023, 7, 2))
    took_part.educators.set([educator, teammate])
    InterventionFactory(youth=youth, author=teammate, date=datetime.date(2023, 7, 3)).educators.set([teammate])
    response = login(client, educator).get(reverse("actions:intervention_list"))
    assert [i.pk for i in response.context["interventions"]] == [took_part.pk, wrote.pk]
    assert response.context["page"].paginator.count == 2


def test_the_edit_button_shows_for_my_records_only(client, educator, teammate, team, youth):
    mine = InterventionFactory(youth=youth, author=educator, date=datetime.date(2023, 7, 2))
    theirs = InterventionFactory(youth=youth, author=teammate, date=datetime.date(2023, 7, 3))
    content = text(login(client, educator).get(reverse("actions:intervention_list"), {"qui": "equipe"}))
    assert reverse("actions:intervention_update", args=[mine.pk]) in content
    assert reverse("actions:intervention_update", args=[theirs.pk]) not in content


@pytest.mark.parametrize("count", [2, 20])
@pytest.mark.parametrize(
    "page, queries",
    [
        # One more: the user's team ids, so that the count reads their (team, date) index range.
        ("actions:intervention_list", 12),
        ("actions:presence_list", 11),
        ("actions:action_list", 11),
    ],
)
def test_lists_run_a_constant_number_of_queries(
    client, coordinator, educator, team, count, page, queries, django_assert_max_num_queries
):
    partner = PartnerFactory()
    for n in range(count):
        youth = YouthFactory(team=team, with_episode=True)
        intervention = InterventionFactory(youth=youth, author=educator)
        intervention.partners.set([partner])
        intervention.educators.set([educator])
        session = PresenceSessionFactory(team=team, author=educator, date=datetime.date(2023, 7, 1 + n))
        session.educators.set([educator, coordinator])
        action = CollectiveActionFactory(team=team, author=educator, participants=[youth])
        action.partners.set([partner])
    login(client, educator)
    with django_assert_max_num_queries(queries):
        response = client.get(reverse(page))
    assert response.context["page"].paginator.count == count


# The quick intervention.


def _intervention_data(*youths, **overrides):
    data = {
        "date": "2024-03-14",
        "youths": [y.pk for y in youths],
        "domains": domains("scolarite", "sante"),
        "kind": "entretien",
        "partners": [],
        "note": "Rendez-vous pris au collège.",
        "next": "",
    }
    data.update(overrides)
    return data


@time_machine.travel(TODAY)
def test_one_intervention_is_recorded_per_youth(client, educator, youth, youth2):
    partner = PartnerFactory(name="Mission Locale Hénin")
    next_url = youth.get_absolute_url()
    response = login(client, educator).post(
        reverse("actions:intervention_create"),
        _intervention_data(youth, youth2, partners=[partner.pk], next=next_url),
    )
    assert response.status_code == 302 and response["Location"] == next_url
    interventions = Intervention.objects.order_by("youth__first_name")
    assert [i.youth for i in interventions] == [youth2, youth]
    for intervention in interventions:
        assert intervention.date == datetime.date(2024, 3, 14)
        assert sorted(d.code for d in intervention.domains.all()) == ["sante", "scolarite"]
        assert list(intervention.partners.all()) == [partner]
        assert (intervention.author, list(intervention.educators.all())) == (educator, [educator])
        assert (intervention.kind, intervention.note) == ("entretien", "Rendez-vous pris au collège.")
    assert AccessLog.objects.filter(action="create", object_type="intervention").count() == 2
    message = text(client.get(next_url))
    assert "2 interventions enregistrées, une pour chaque jeune : Lina, Yanis." in message


@time_machine.travel(TODAY)
def test_the_quick_form_defaults_to_today_and_preselects_the_youth(client, educator, youth):
    response = login(client, educator).get(
        reverse("actions:intervention_create") + f"?jeune={youth.pk}", HTTP_REFERER="http://testserver/jeunes/"
    )
    form = response.context["form"]
    assert form["date"].value() == TODAY
    assert [y.pk for y in form.selected_youths()] == [youth.pk]
    content = text(response)
    assert f'<option value="{youth.pk}" selected>Yanis ({youth.reference})</option>' in content
    assert 'name="next" value="/jeunes/"' in content
    assert "le jeune peut la lire sur simple demande" in content


@time_machine.travel(TODAY)
def test_saving_returns_to_the_page_the_educator_came_from(client, educator, youth):
    login(client, educator)
    response = client.post(reverse("actions:intervention_create"), _intervention_data(youth, next="/jeunes/"))
    assert response["Location"] == "/jeunes/"
    response = client.post(
        reverse("actions:intervention_create"), _intervention_data(youth, next="https://evil.example/")
    )
    assert response["Location"] == reverse("home")


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "overrides, field, message",
    [
        pytest.param({"youths": []}, "youths", "Choisissez au moins un jeune.", id="no-youth"),
        pytest.param({"domains": []}, "domains", "Cochez au moins un domaine travaillé.", id="no-domain"),
        pytest.param({"date": "2024-03-16"}, "date", "La date ne peut pas être dans le futur", id="future"),
        pytest.param({"date": "1999-12-31"}, "date", "Date invraisemblable : 31/12/1999", id="before-2000"),
        pytest.param({"date": "2023-01-01"}, "date", "l'intervention ne peut pas être antérieure", id="before-meeting"),
        pytest.param({"note": "x" * 501}, "note", "au plus 500 caractères", id="long-note"),
    ],
)
def test_a_failed_save_explains_in_french_and_loses_nothing(client, educator, youth, youth2, overrides, field, message):
    data = _intervention_data(youth, youth2, **overrides)
    response = login(client, educator).post(reverse("actions:intervention_create"), data)
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    content = text(response)
    assert "rien n'est perdu" in content
    if field != "note":
        assert "Rendez-vous pris au collège." in content
    if field != "youths":
        assert f'<option value="{youth2.pk}" selected>Lina ({youth2.reference})</option>' in content
    if field != "domains":
        assert f'value="{domains("sante")[0]}" class="btn-check" id="id_domains_2" checked' in content
    assert not Intervention.objects.exists()


@time_machine.travel(TODAY)
def test_a_youth_of_another_team_cannot_be_slipped_in(client, educator, youth, stranger):
    response = login(client, educator).post(reverse("actions:intervention_create"), _intervention_data(youth, stranger))
    assert "Ce jeune n'est pas suivi par votre équipe." in text(response)
    assert not Intervention.objects.exists()


@time_machine.travel(TODAY)
def test_editing_an_intervention(client, educator, youth, youth2):
    intervention = InterventionFactory(youth=youth, author=educator, date=datetime.date(2024, 3, 1))
    data = {
        "youth": youth2.pk,
        "date": "2024-03-02",
        "domains": domains("famille"),
        "kind": "",
        "partners": [],
        "note": "",
        "version": "1",
    }
    response = login(client, educator).post(reverse("actions:intervention_update", args=[intervention.pk]), data)
    assert response.status_code == 302
    intervention.refresh_from_db()
    assert (intervention.youth, intervention.date, intervention.version) == (youth2, datetime.date(2024, 3, 2), 2)
    assert [d.code for d in intervention.domains.all()] == ["famille"]
    response = client.post(reverse("actions:intervention_update", args=[intervention.pk]), data)  # stale version
    assert "Quelqu'un d'autre a enregistré" in text(response)


def test_deleting_an_intervention(client, educator, youth):
    intervention = InterventionFactory(youth=youth, author=educator)
    login(client, educator)
    response = client.post(reverse("actions:intervention_delete", args=[intervention.pk]))
    assert response["Location"] == reverse("actions:intervention_list")
    assert not Intervention.objects.exists()
    assert AccessLog.objects.filter(action="delete", object_type="intervention").exists()


def test_a_teammate_cannot_delete_my_intervention(client, educator, teammate, youth):
    intervention = InterventionFactory(youth=youth, author=educator)
    assert (
        login(client, teammate).post(reverse("actions:intervention_delete", args=[intervention.pk])).status_code == 403
    )
    assert Intervention.objects.exists()


# Street presence.


def _presence_data(team, present, **overrides):
    quartier = team.communes.get().quartiers.get()
    data = {
        "date": "2024-03-14",
        "start_time": "17:30",
        "duration": "2 h 30",
        "place": "rue",
        "sector": f"q{quartier.pk}",
        "educators": [u.pk for u in present],
        "note": "",
    }
    data.update(overrides)
    return data


@time_machine.travel(TODAY)
def test_recording_a_street_presence_session(client, educator, teammate, team):
    login(client, educator)
    form = client.get(reverse("actions:presence_create")).context["form"]
    assert form["educators"].value() == [educator.pk] and form["date"].value() == TODAY
    response = client.post(reverse("actions:presence_create"), _presence_data(team, [educator, teammate]))
    assert response.status_code == 302
    session = PresenceSession.objects.get()
    assert (session.team, session.duration_minutes, session.educator_count, session.author) == (team, 150, 2, educator)
    assert (session.start_time, session.quartier.name, session.commune.name) == (
        datetime.time(17, 30),
        "Darcy",
        "Hénin-Beaumont",
    )
    assert set(session.educators.all()) == {educator, teammate}
    # The quartier is remembered for the next entry.
    assert client.get(reverse("actions:presence_create")).context["form"]["sector"].value() == f"q{session.quartier_id}"


@pytest.mark.parametrize(
    "typed, minutes",
    [
        ("2", 120),
        ("1,5", 90),
        ("1.5", 90),
        ("2h30", 150),
        ("2 heures 30", 150),
        ("1 h 30 min", 90),
        ("2:15", 135),
        ("45 min", 45),
        ("90 mn", 90),
        ("0,25", 15),
        ("24 h", 1440),
    ],
)
def test_durations_are_read_the_way_people_type_them(typed, minutes):
    from actions.forms import DurationField

    assert DurationField().clean(typed) == minutes


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "overrides, field, message",
    [
        pytest.param(
            {"duration": "25"},
            "duration",
            "Durée invraisemblable : « 25 » heures (24 heures au plus). Pour 25 minutes, écrivez 25 min.",
            id="25h",
        ),
        pytest.param(
            {"duration": "1500 min"},
            "duration",
            "Durée invraisemblable : « 1500 min » (24 heures au plus).",
            id="1500min",
        ),
        pytest.param({"duration": "0"}, "duration", "Durée nulle ou négative : « 0 ».", id="zero"),
        pytest.param(
            {"duration": "1h75"}, "duration", "Durée « 1h75 » : les minutes doivent être inférieures à 60.", id="1h75"
        ),
        pytest.param({"duration": "2:75"}, "duration", "les minutes doivent être inférieures à 60", id="2:75"),
        pytest.param({"duration": "nan"}, "duration", "Durée « nan » illisible", id="nan"),
        pytest.param({"duration": "inf"}, "duration", "Durée « inf » illisible", id="inf"),
        pytest.param({"duration": "2 h 99"}, "duration", "les minutes doivent être inférieures à 60", id="2h99"),
        pytest.param(
            {"duration": "beaucoup"},
            "duration",
            "Durée « beaucoup » illisible : écrivez des heures (2, 1,5 ou 1h30) ou des minutes (90 min).",
            id="words",
        ),
        pytest.param({"duration": ""}, "duration", "Indiquez la durée de la présence.", id="missing"),
        pytest.param({"date": "2024-03-20"}, "date", "ne peut pas être dans le futur", id="future"),
        pytest.param({"date": "0001-01-01"}, "date", "Date invraisemblable", id="year-one"),
        pytest.param({"educators": []}, "educators", "Cochez au moins un éducateur présent.", id="nobody"),
        pytest.param({"sector": ""}, "sector", "Indiquez où a eu lieu la présence.", id="nowhere"),
    ],
)
def test_presence_validation(client, educator, team, overrides, field, message):
    response = login(client, educator).post(
        reverse("actions:presence_create"), _presence_data(team, [educator], **overrides)
    )
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert 'value="17:30"' in text(response)
    assert not PresenceSession.objects.exists()


@time_machine.travel(TODAY)
def test_editing_a_session_keeps_its_duration_readable(client, educator, team):
    session = PresenceSessionFactory(team=team, author=educator, duration_minutes=90)
    session.educators.set([educator])
    response = login(client, educator).get(reverse("actions:presence_update", args=[session.pk]))
    assert 'value="1 h 30"' in text(response)
    data = _presence_data(team, [educator], duration="3", version="1")
    assert client.post(reverse("actions:presence_update", args=[session.pk]), data).status_code == 302
    session.refresh_from_db()
    assert session.duration_minutes == 180


# Collective actions.


def _action_data(team, participants=(), **overrides):
    quartier = team.communes.get().quartiers.get()
    data = {
        "kind": "sortie",
        "carrying": "initiee",
        "title": "",
        "date": "2024-03-13",
        "sector": f"q{quartier.pk}",
        "participants": [y.pk for y in participants],
        "anonymous_participants": "4",
        "partners": [],
        "after_needs_assessment": "on",
        "description": "",
    }
    data.update(overrides)
    return data


@time_machine.travel(TODAY)
def test_recording_a_collective_action(client, educator, team, youth, youth2):
    partner = PartnerFactory(name="UFOLEP")
    response = login(client, educator).post(
        reverse("actions:action_create"),
        _action_data(team, [youth, youth2], partners=[partner.pk], carrying="associee"),
    )
    assert response.status_code == 302
    action = CollectiveAction.objects.get()
    assert (action.team, action.kind, action.carrying, action.title) == (team, "sortie", "associee", "Sortie")
    assert (action.anonymous_participants, action.author, action.quartier.name) == (4, educator, "Darcy")
    assert set(action.participants.all()) == {youth, youth2}
    assert list(action.partners.all()) == [partner]
    assert youth in CollectiveAction.objects.get().participants.all()


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "overrides, field, message",
    [
        pytest.param({"kind": ""}, "kind", "Choisissez le type d'action.", id="no-kind"),
        pytest.param({"date": "2024-04-01"}, "date", "ne peut pas être dans le futur", id="future"),
        pytest.param(
            {"anonymous_participants": "-2"}, "anonymous_participants", "supérieure ou égale à 0", id="negative"
        ),
        pytest.param({"anonymous_participants": "900"}, "anonymous_participants", "vérifiez le nombre", id="too-many"),
    ],
)
def test_action_validation(client, educator, team, youth, overrides, field, message):
    response = login(client, educator).post(reverse("actions:action_create"), _action_data(team, [youth], **overrides))
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert f'<option value="{youth.pk}" selected>' in text(response)
    assert not CollectiveAction.objects.exists()


@pytest.mark.parametrize(
    ("create", "update", "delete", "record"),
    [
        pytest.param(
            "actions:intervention_create",
            "actions:intervention_update",
            "actions:intervention_delete",
            "intervention",
            id="intervention",
        ),
        pytest.param(
            "actions:presence_create", "actions:presence_update", "actions:presence_delete", "presence", id="presence"
        ),
        pytest.param("actions:action_create", "actions:action_update", "actions:action_delete", "action", id="action"),
    ],
)
def test_the_edit_forms_offer_deletion_and_every_form_cancels_back(
    client, educator, records, create, update, delete, record
):
    login(client, educator)
    pk = records[record].pk
    creation = text(client.get(reverse(create), {"next": "/jeunes/"}))
    assert 'href="/jeunes/">Annuler</a>' in creation and ">Supprimer</a>" not in creation
    edition = text(client.get(reverse(update, args=[pk])))
    assert f'href="{reverse("home")}">Annuler</a>' in edition
    assert f'href="{reverse(delete, args=[pk])}">Supprimer</a>' in edition


@time_machine.travel(TODAY)
def test_a_planned_action_may_be_dated_later_with_its_theme(client, educator, team, youth):
    from actions.models import ActionTheme

    sport = ActionTheme.objects.get(code="sport-loisirs")
    data = _action_data(team, [youth], date="2024-06-21", status="prevue", theme=sport.pk, title="Fête du sport")
    assert login(client, educator).post(reverse("actions:action_create"), data).status_code == 302
    action = CollectiveAction.objects.get()
    assert (action.status, action.theme, action.date) == ("prevue", sport, datetime.date(2024, 6, 21))


@time_machine.travel(TODAY)
def test_only_a_replaced_action_names_its_replacement(client, educator, team, youth):
    other = CollectiveActionFactory(team=team, title="Atelier ludique", date=datetime.date(2024, 3, 1))
    data = _action_data(team, [youth], replaced_by=other.pk)
    response = login(client, educator).post(reverse("actions:action_create"), data)
    assert response.status_code == 200
    assert "Seule une action remplacée" in response.context["form"].errors["replaced_by"][0]
    data["status"] = "remplacee"
    assert client.post(reverse("actions:action_create"), data).status_code == 302
    assert CollectiveAction.objects.get(replaced_by=other).status == "remplacee"
