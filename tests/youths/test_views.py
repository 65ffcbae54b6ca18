import datetime
import html

import pytest
import time_machine
from django.urls import reverse

from emps.models import AccessLog
from tests.actions.factories import CollectiveActionFactory, InterventionFactory
from tests.emps.factories import PartnerFactory, UserFactory
from tests.youths.factories import SupportEpisodeFactory, YouthFactory
from youths.enums import Level
from youths.models import EndReason, Origin, Situation, SupportEpisode, Youth
from youths.rules import age_on

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2024, 3, 15)

YOUTH_PAGES = ["youths:detail", "youths:update", "youths:change_level", "youths:add_situation", "youths:close_support"]


def text(response):
    return html.unescape(response.content.decode())


def login(client, user):
    client.force_login(user)
    return client


# Permissions: by role and by team.


@pytest.mark.parametrize(
    "who, expected",
    [
        pytest.param("educator", 200, id="educator"),
        pytest.param("teammate", 200, id="teammate"),
        pytest.param("coordinator", 200, id="coordinator"),
        pytest.param("other_educator", 404, id="other-team"),
        pytest.param("funder", 403, id="funder"),
    ],
)
@pytest.mark.parametrize("page", YOUTH_PAGES)
def test_youth_pages_by_role_and_team(client, request, youth, who, expected, page):
    login(client, request.getfixturevalue(who))
    assert client.get(reverse(page, args=[youth.pk])).status_code == expected


@pytest.mark.parametrize("page", ["youths:list", "youths:create", "youths:search"])
def test_funders_are_refused_the_youth_pages(client, funder, page):
    assert login(client, funder).get(reverse(page)).status_code == 403


@pytest.mark.parametrize("page", ["youths:list", "youths:create"])
def test_anonymous_users_are_sent_to_log_in(client, page):
    response = client.get(reverse(page))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_youth_of_another_team_cannot_be_changed_either(client, educator, stranger):
    login(client, educator)
    response = client.post(reverse("youths:change_level", args=[stranger.pk]), {"level": "paei", "on": "2024-01-01"})
    assert response.status_code == 404
    assert stranger.episodes.count() == 1


# The list: search, filters, sorting, pagination.


def test_the_list_shows_only_the_youths_of_my_teams(client, educator, youth, stranger):
    content = login(client, educator).get(reverse("youths:list")).content.decode()
    assert "Yanis" in content and youth.reference in content
    assert "Zora" not in content


@pytest.mark.parametrize(
    "query, expected",
    [
        pytest.param({"q": "yan"}, {"Yanis"}, id="first-name"),
        pytest.param({"q": "Titi"}, {"Titi"}, id="nickname"),
        pytest.param({"q": "HB-0099"}, {"Lina"}, id="reference"),
        pytest.param({"level": "paei"}, {"Lina"}, id="level"),
        pytest.param({"status": "inactifs"}, {"Ancien"}, id="inactive"),
        pytest.param({"status": ""}, {"Yanis", "Titi", "Lina", "Ancien"}, id="all"),
        pytest.param({}, {"Yanis", "Titi", "Lina"}, id="active-by-default"),
    ],
)
def test_search_and_filters(client, educator, teammate, team, youth, darcy, query, expected):
    YouthFactory(team=team, first_name="Titi", with_episode=True, quartier=darcy, referent=teammate)
    lina = YouthFactory(team=team, first_name="Lina", reference="HB-0099", with_episode=True)
    SupportEpisode.objects.filter(youth=lina).update(ended_on=datetime.date(2023, 7, 1))
    SupportEpisodeFactory(youth=lina, level=Level.PAEI, started_on=datetime.date(2023, 7, 2))
    YouthFactory(team=team, first_name="Ancien")  # no open support episode
    response = login(client, educator).get(reverse("youths:list"), query)
    assert {y.first_name for y in response.context["youths"]} == expected


def test_filters_by_quartier_and_referent(client, educator, teammate, team, youth, darcy):
    YouthFactory(team=team, first_name="Titi", with_episode=True, quartier=darcy, referent=teammate)
    login(client, educator)
    by_quartier = client.get(reverse("youths:list"), {"quartier": darcy.pk}).context["youths"]
    by_referent = client.get(reverse("youths:list"), {"referent": educator.pk}).context["youths"]
    assert [y.first_name for y in by_quartier] == ["Titi"]
    assert [y.first_name for y in by_referent] == ["Yanis"]


def test_the_list_sorts_by_last_contact_and_paginates(client, educator, team):
    for n in range(30):
        youth = YouthFactory(team=team, first_name=f"Jeune{n:02d}", with_episode=True)
        InterventionFactory(youth=youth, date=datetime.date(2023, 7, 1) + datetime.timedelta(days=n))
    login(client, educator)
    first_page = client.get(reverse("youths:list"), {"o": "-last_contact"})
    assert [y.first_name for y in first_page.context["youths"]][:2] == ["Jeune29", "Jeune28"]
    assert len(first_page.context["youths"]) == 25
    second_page = client.get(reverse("youths:list"), {"o": "-last_contact", "page": 2})
    assert [y.first_name for y in second_page.context["youths"]][-1] == "Jeune00"
    assert "Page 2 sur 2" in second_page.content.decode()
    assert '<th scope="col" aria-sort="descending"><a href="?o=last_contact">' in second_page.content.decode()


def _populate(team, count):
    partner = PartnerFactory()
    for n in range(count):
        youth = YouthFactory(team=team, first_name=f"J{n}", with_episode=True)
        intervention = InterventionFactory(youth=youth)
        intervention.partners.set([partner])
        CollectiveActionFactory(team=team, participants=[youth])


def test_the_list_runs_a_constant_number_of_queries(client, educator, team, django_assert_max_num_queries):
    login(client, educator)
    _populate(team, 3)
    with django_assert_max_num_queries(12) as few:
        response = client.get(reverse("youths:list"), {"o": "level"})
    assert len(response.context["youths"]) == 3
    _populate(team, 27)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(reverse("youths:list"), {"o": "level"})
    assert len(many.captured_queries) == len(few.captured_queries)
    assert len(response.context["youths"]) == 25  # one page


# Creating a youth at the first meeting.


def _create_data(team, **overrides):
    quartier = team.communes.get().quartiers.get()
    data = {
        "first_name": "Kenza",
        "sex": "F",
        "age_or_year": "14",
        "sector": f"q{quartier.pk}",
        "origin": Origin.objects.get(code="presence").pk,
        "first_met_on": "2024-03-14",
        "referent": "",
    }
    data.update(overrides)
    return data


@time_machine.travel(TODAY)
def test_creating_a_youth_from_what_the_first_meeting_gives(client, educator, team):
    response = login(client, educator).post(reverse("youths:create"), _create_data(team))
    youth = Youth.objects.get(first_name="Kenza")
    assert response.status_code == 302 and response["Location"] == youth.get_absolute_url()
    assert (youth.team, youth.sex, youth.quartier.name, youth.commune.name) == (team, "F", "Darcy", "Hénin-Beaumont")
    # 14 years old in March 2024, the birth taken as 1 July: born in 2009, estimated.
    age = age_on(youth.birth_year, youth.birth_month, TODAY)
    assert (youth.birth_year, youth.age_is_estimated, age) == (2009, True, 14)
    assert youth.reference == "HB-0001"
    episode = youth.episodes.get()
    assert (episode.level, episode.started_on, episode.ended_on) == (Level.ACCROCHE, datetime.date(2024, 3, 14), None)
    assert AccessLog.objects.filter(action="create", object_type="youth", object_id=str(youth.pk)).exists()


@time_machine.travel(TODAY)
def test_a_birth_year_is_taken_as_such(client, educator, team):
    login(client, educator).post(reverse("youths:create"), _create_data(team, age_or_year="2010"))
    youth = Youth.objects.get(first_name="Kenza")
    assert (youth.birth_year, youth.age_is_estimated) == (2010, False)


@time_machine.travel(TODAY)
def test_the_create_form_defaults_to_today_and_to_the_current_user_as_referent(client, educator):
    form = login(client, educator).get(reverse("youths:create")).context["form"]
    assert form["first_met_on"].value() == TODAY
    assert form["referent"].value() == educator.pk
    assert form["origin"].value() == Origin.objects.get(code="presence").pk


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "typed, age", [pytest.param("3", 3, id="3-years-old"), pytest.param("1983", 40, id="born-1983")]
)
def test_an_implausible_age_asks_for_confirmation_and_then_saves(client, educator, team, typed, age):
    login(client, educator)
    response = client.post(reverse("youths:create"), _create_data(team, age_or_year=typed))
    assert response.status_code == 200
    content = response.content.decode()
    assert f"Le jeune aurait {age} an(s)" in content and "Je confirme cet âge" in content
    assert 'value="Kenza"' in content  # nothing typed is lost
    assert not Youth.objects.exists()
    response = client.post(reverse("youths:create"), _create_data(team, age_or_year=typed, confirm_age="on"))
    assert response.status_code == 302
    assert age_on(*Youth.objects.values_list("birth_year", "birth_month").get(), TODAY) == age


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "overrides, field, message",
    [
        pytest.param({"first_name": ""}, "first_name", "Indiquez un prénom ou un surnom.", id="no-name"),
        pytest.param({"sector": ""}, "sector", "Indiquez le quartier où vit le jeune.", id="no-quartier"),
        pytest.param(
            {"age_or_year": "2031"}, "age_or_year", "L'année de naissance 2031 est dans le futur.", id="future"
        ),
        pytest.param({"age_or_year": "quinze"}, "age_or_year", "Indiquez un âge en chiffres", id="words"),
        pytest.param({"first_met_on": "2024-03-16"}, "first_met_on", "ne peut pas être dans le futur", id="met-later"),
        pytest.param(
            {"first_met_on": "0001-01-01"}, "first_met_on", "Date invraisemblable : 01/01/0001", id="year-one"
        ),
        pytest.param({"first_met_on": "1999-12-31"}, "first_met_on", "avant le 01/01/2000", id="before-2000"),
    ],
)
def test_bad_input_gets_a_french_message_and_keeps_what_was_typed(client, educator, team, overrides, field, message):
    response = login(client, educator).post(reverse("youths:create"), _create_data(team, **overrides))
    assert response.status_code == 200
    form = response.context["form"]
    assert any(message in error for error in form.errors[field])
    assert "L'enregistrement n'a pas pu se faire" in text(response)
    assert form["sex"].value() == "F" and form["origin"].value() == str(Origin.objects.get(code="presence").pk)
    assert not Youth.objects.exists()


def test_a_quartier_of_another_team_cannot_be_chosen(client, educator, team, other_team):
    lens = other_team.communes.get()
    response = login(client, educator).post(reverse("youths:create"), _create_data(team, sector=f"c{lens.pk}"))
    assert "sector" in response.context["form"].errors
    assert not Youth.objects.exists()


@time_machine.travel(TODAY)
def test_creating_from_the_intervention_form_returns_there_with_the_youth(client, educator, team):
    next_url = reverse("actions:intervention_create")
    response = login(client, educator).post(reverse("youths:create"), {**_create_data(team), "next": next_url})
    assert response["Location"] == f"{next_url}?jeune={Youth.objects.get().pk}"


@time_machine.travel(TODAY)
def test_a_user_of_two_teams_chooses_the_team(client, team, other_team):
    both = UserFactory(username="dora", teams=[team, other_team])
    login(client, both)
    data = _create_data(team)
    response = client.post(reverse("youths:create"), data)
    assert "team" in response.context["form"].errors
    response = client.post(reverse("youths:create"), {**data, "team": other_team.pk})
    assert "sector" in response.context["form"].errors  # Darcy is not on the other team's territory
    assert client.post(reverse("youths:create"), {**data, "team": team.pk}).status_code == 302
    assert Youth.objects.get().team == team


# The youth file.


def test_the_youth_file_shows_the_ladder_the_timeline_and_the_partners(client, educator, youth, team):
    partner = PartnerFactory(name="Mission Locale Hénin")
    SupportEpisode.objects.filter(youth=youth).update(ended_on=datetime.date(2023, 6, 30))
    SupportEpisodeFactory(youth=youth, level=Level.ASEP, started_on=datetime.date(2023, 7, 1))
    intervention = InterventionFactory(youth=youth, date=datetime.date(2023, 7, 3), note="Rendez-vous pris.")
    intervention.partners.set([partner])
    CollectiveActionFactory(team=team, title="Sortie à Olhain", participants=[youth], date=datetime.date(2023, 8, 2))
    response = login(client, educator).get(youth.get_absolute_url())
    content = text(response)
    assert "Parcours d'accompagnement" in content
    assert "du 01/06/2023 au 30/06/2023" in content and "depuis le 01/07/2023 · en cours" in content
    assert "Rendez-vous pris." in content and "Sortie à Olhain" in content
    assert "Mission Locale Hénin" in content and "1 fois" in content
    kinds = [kind for kind, _date, _record in response.context["timeline"]]
    assert kinds == ["action", "intervention"]  # newest first
    assert AccessLog.objects.filter(action="view", object_type="youth", object_id=str(youth.pk)).exists()


def _history(youth, team, count, partners, first_day):
    for n in range(count):
        intervention = InterventionFactory(youth=youth, date=first_day + datetime.timedelta(days=n))
        intervention.partners.set(partners)
        action = CollectiveActionFactory(team=team, participants=[youth], date=first_day + datetime.timedelta(days=n))
        action.partners.set(partners[:1])


def test_the_youth_file_runs_a_constant_number_of_queries(client, educator, youth, team, django_assert_max_num_queries):
    partners = [PartnerFactory() for _ in range(3)]
    login(client, educator)
    _history(youth, team, 2, partners, datetime.date(2023, 7, 1))
    with django_assert_max_num_queries(16) as few:
        response = client.get(youth.get_absolute_url())
    assert response.context["intervention_count"] == 2
    _history(youth, team, 40, partners, datetime.date(2023, 8, 1))
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(youth.get_absolute_url())
    assert len(many.captured_queries) == len(few.captured_queries)
    assert (response.context["intervention_count"], response.context["action_count"]) == (42, 42)


def test_a_long_history_is_shown_page_by_page_newest_first(client, educator, youth, team):
    partner = PartnerFactory(name="Mission Locale Hénin")
    first_day = datetime.date(2023, 1, 2)
    for n in range(45):
        intervention = InterventionFactory(youth=youth, date=first_day + datetime.timedelta(days=n), note=f"Note {n}.")
        if n % 3 == 0:
            intervention.partners.set([partner])
    CollectiveActionFactory(team=team, title="Sortie à Olhain", participants=[youth], date=datetime.date(2023, 1, 5))
    login(client, educator)
    response = client.get(youth.get_absolute_url())
    content = text(response)
    timeline = response.context["timeline"]
    assert [record.note for _kind, _date, record in timeline] == [f"Note {n}." for n in range(44, 14, -1)]
    assert "45 interventions" in content and "1 action" in content and "Page 1 sur 2" in content
    assert "Mission Locale Hénin" in content and "15 fois · 13/02/2023" in content  # the whole history, not the page
    older = text(client.get(youth.get_absolute_url(), {"page": 2}))
    assert "Note 15." not in older and "Page 2 sur 2" in older
    # The same day, the intervention comes before the collective action.
    assert older.index("Note 4.") < older.index("Note 3.") < older.index("Sortie à Olhain") < older.index("Note 2.")


@time_machine.travel(TODAY)
def test_changing_level_closes_the_episode_and_opens_the_next(client, educator, youth):
    reason = EndReason.objects.get(code="changement-niveau")
    response = login(client, educator).post(
        reverse("youths:change_level", args=[youth.pk]), {"level": "paei", "on": "2024-03-01", "reason": reason.pk}
    )
    assert response.status_code == 302
    first, second = youth.episodes.order_by("started_on")
    assert (first.level, first.ended_on, first.end_reason) == (Level.ACCROCHE, datetime.date(2024, 2, 29), reason)
    assert (second.level, second.started_on, second.ended_on, second.created_by) == (
        Level.PAEI,
        datetime.date(2024, 3, 1),
        None,
        educator,
    )


@time_machine.travel(TODAY)
@pytest.mark.parametrize(
    "data, message",
    [
        pytest.param({"level": "paei", "on": "2023-06-01"}, "doit commencer après le début", id="not-after-start"),
        pytest.param({"level": "paei", "on": "2024-04-01"}, "ne peut pas être dans le futur", id="future"),
        pytest.param({"level": "accroche", "on": "2024-03-01"}, "Sélectionnez un choix valide", id="same-level"),
    ],
)
def test_changing_level_refuses_bad_dates(client, educator, youth, data, message):
    response = login(client, educator).post(reverse("youths:change_level", args=[youth.pk]), data)
    assert response.status_code == 200
    assert message in text(response)
    assert youth.episodes.count() == 1


@time_machine.travel(TODAY)
def test_closing_support_and_reopening_it(client, educator, youth):
    login(client, educator)
    reason = EndReason.objects.get(code="fin-adhesion")
    client.post(reverse("youths:close_support", args=[youth.pk]), {"on": "2024-01-10", "reason": reason.pk})
    assert youth.episodes.get().ended_on == datetime.date(2024, 1, 10)
    assert not Youth.objects.active().filter(pk=youth.pk).exists()
    client.post(reverse("youths:change_level", args=[youth.pk]), {"level": "asep", "on": "2024-03-01"})
    assert youth.episodes.filter(ended_on__isnull=True).get().level == Level.ASEP


@time_machine.travel(TODAY)
def test_recording_a_situation(client, educator, youth):
    rupture = Situation.objects.get(code="rupture")
    login(client, educator)
    response = client.post(
        reverse("youths:add_situation", args=[youth.pk]), {"situation": rupture.pk, "on": "2024-02-01"}
    )
    assert response.status_code == 302
    assert youth.situations.get().situation == rupture
    response = client.post(
        reverse("youths:add_situation", args=[youth.pk]), {"situation": rupture.pk, "on": "2020-01-01"}
    )
    assert "précède la première rencontre" in response.content.decode()


@time_machine.travel(TODAY)
def test_editing_the_record_and_a_concurrent_edit(client, educator, teammate, youth, darcy):
    data = {
        "first_name": "Yanis",
        "last_name": "",
        "reference": youth.reference,
        "sex": "H",
        "birth_year": "2010",
        "birth_month": "4",
        "sector": f"q{darcy.pk}",
        "origin": "",
        "origin_partner": "",
        "referent": educator.pk,
        "first_met_on": "2023-06-01",
        "informed_on": "2023-06-02",
        "version": "1",
    }
    login(client, teammate)
    assert client.post(reverse("youths:update", args=[youth.pk]), data).status_code == 302
    youth.refresh_from_db()
    assert (youth.birth_month, youth.quartier, youth.informed_on, youth.version) == (
        4,
        darcy,
        datetime.date(2023, 6, 2),
        2,
    )
    login(client, educator)
    response = client.post(reverse("youths:update", args=[youth.pk]), {**data, "sex": "F"})  # built from version 1
    assert response.status_code == 200
    assert "Quelqu'un d'autre a enregistré cette fiche" in text(response)
    youth.refresh_from_db()
    assert youth.sex == "H"


def test_the_autocomplete_answers_with_my_teams_youths_only(client, educator, youth, stranger):
    login(client, educator)
    results = client.get(reverse("youths:search"), {"q": "a"}).json()["results"]
    labels = [r["label"] for r in results]
    assert f"Yanis ({youth.reference})" in labels
    assert not any("Zora" in label for label in labels)
    assert client.get(reverse("youths:search"), {"q": ""}).json()["results"] == []


def test_an_anonymised_youth_is_not_offered_by_the_autocomplete(client, educator, team, youth):
    YouthFactory(team=team, first_name="Yasmine", reference="HB-0900", anonymised_at="2024-01-01T00:00:00Z")
    login(client, educator)
    assert [r["label"] for r in client.get(reverse("youths:search"), {"q": "Ya"}).json()["results"]] == [
        f"Yanis ({youth.reference})"
    ]


@time_machine.travel(TODAY)
@pytest.mark.parametrize("level", [Level.ASEP, Level.PAEI])
def test_a_youth_referred_by_a_partner_starts_in_asep_or_paei_on_the_first_meeting_day(client, educator, team, level):
    from reports.builders import Scope, build_bilan

    response = login(client, educator).post(reverse("youths:create"), _create_data(team, level=level))
    youth = Youth.objects.get(first_name="Kenza")
    assert response.status_code == 302
    assert f"en {Level.short_label(level)} depuis le 14/03/2024" in text(client.get(response["Location"]))
    episode = youth.episodes.get()
    assert (episode.level, episode.started_on, episode.ended_on) == (level, datetime.date(2024, 3, 14), None)
    # The bilan of the first meeting's day (LEVEL) counts the youth at that level.
    day = datetime.date(2024, 3, 14)
    public = build_bilan(scope=Scope.for_team(team), start=day, end=day).public
    assert (public.total, public.asep, public.paei, public.accroche) == (
        1,
        int(level == Level.ASEP),
        int(level == Level.PAEI),
        0,
    )


@time_machine.travel(TODAY)
def test_an_unknown_level_at_creation_is_refused(client, educator, team):
    response = login(client, educator).post(reverse("youths:create"), _create_data(team, level="expert"))
    assert response.status_code == 200 and "level" in response.context["form"].errors
    assert not Youth.objects.exists()
