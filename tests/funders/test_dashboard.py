"""The funders' dashboard page, its periods and scopes, and the JSON endpoint."""

import datetime
import json

import pytest
from django.urls import reverse

from actions.enums import Place
from actions.summaries import summaries_bring_up_to_date
from reports.builders import Scope, build_monthly
from reports.dashboards.api import api_token_create, hash_key
from reports.dashboards.builders import build_dashboard
from reports.dashboards.masking import mask
from reports.models import ApiToken
from tests.actions.factories import CollectiveActionFactory, InterventionFactory, PresenceSessionFactory
from tests.emps.factories import PartnerFactory, TeamFactory, UserFactory
from tests.funders.conftest import funder, youths_in

pytestmark = pytest.mark.django_db

DASHBOARD = reverse("funders:dashboard")
API = reverse("funders:api")
YEAR_2023 = {"periode": "personnalisee", "du": "2023-01-01", "au": "2023-12-31"}
START_2023, END_2023 = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)


@pytest.fixture
def today(time_machine):
    time_machine.move_to("2024-03-15 10:00:00+01:00")
    return datetime.date(2024, 3, 15)


@pytest.mark.parametrize(
    "who,status",
    [
        pytest.param(None, 302, id="anonymous"),
        pytest.param("funder", 200, id="funder"),
        pytest.param("coordinator", 200, id="coordinator"),
        pytest.param("educator", 200, id="educator"),
        pytest.param("other-team-educator", 200, id="other-team"),
    ],
)
def test_permission_matrix(client, funder, coordinator, educator, other_educator, who, status):
    users = {"funder": funder, "coordinator": coordinator, "educator": educator, "other-team-educator": other_educator}
    if who:
        client.force_login(users[who])
    response = client.get(DASHBOARD)
    assert response.status_code == status
    if status == 302:
        assert response["Location"].startswith(reverse("login"))


def test_a_funder_lands_on_the_dashboard_of_their_team(client, funder, team, today):
    youths_in(team, team.communes.first(), 4, first_met_on=datetime.date(2024, 2, 1))
    client.force_login(funder)
    response = client.get(reverse("home"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "EMPS Test" in content
    assert "Activité du 1er janvier 2024 au 15 mars 2024" in content
    assert 'class="dash-kpi-value">5<' in content  # 4 youths, rounded to 5 for the funders
    assert "Bilans publiés" in content
    assert "<svg" in content and "style=" not in content.split("<main", 1)[1]


def test_a_funder_of_many_teams_reads_their_number_as_the_title_and_the_names_below(client, today):
    teams = [TeamFactory(name=f"Équipe du secteur {n}") for n in range(1, 5)]
    client.force_login(funder("departement", teams=teams))
    content = client.get(DASHBOARD).content.decode()
    title = content.split('<h1 class="dash-title">', 1)[1].split("</h1>", 1)[0]
    assert title == "4 équipes"
    teams_list = content.split('class="dash-details dash-teams"', 1)[1].split("</details>", 1)[0]
    assert all(f"Équipe du secteur {n}" in teams_list for n in range(1, 5))
    client.force_login(funder("agglomeration", teams=teams[:3]))
    content = client.get(DASHBOARD).content.decode()
    assert "Équipe du secteur 1, Équipe du secteur 2, Équipe du secteur 3</h1>" in content
    assert "dash-teams" not in content


def test_a_funder_without_team_nor_commune_gets_a_message_not_an_error(client):
    client.force_login(funder("personne"))
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Aucune équipe ni commune n'est rattachée à votre compte" in response.content.decode()
    assert client.get(API).status_code == 403


@pytest.mark.parametrize(
    "preset,start,end",
    [
        pytest.param("annee", "1er janvier 2024", "15 mars 2024", id="this-year"),
        pytest.param("annee-precedente", "1er janvier 2023", "31 décembre 2023", id="last-year"),
        pytest.param("trimestre", "1er janvier 2024", "15 mars 2024", id="this-quarter"),
        pytest.param("trimestre-precedent", "1er octobre 2023", "31 décembre 2023", id="last-quarter"),
        pytest.param("mois", "1er mars 2024", "15 mars 2024", id="this-month"),
        pytest.param("mois-precedent", "1er février 2024", "29 février 2024", id="last-month"),
    ],
)
def test_period_presets(client, funder, today, preset, start, end):
    client.force_login(funder)
    content = client.get(DASHBOARD, {"periode": preset}).content.decode()
    assert f"Activité du {start} au {end}" in content
    assert f'class="dash-preset active" href="{DASHBOARD}?periode={preset}"' in content


def test_a_custom_period_and_the_presets_keep_the_chosen_commune(client, territory, activity):
    user = funder("departement", teams=[territory["north"]])
    client.force_login(user)
    response = client.get(DASHBOARD, {**YEAR_2023, "commune": territory["montigny"].pk})
    content = response.content.decode()
    assert "Activité du 1er janvier 2023 au 31 décembre 2023" in content
    assert "EMPS Nord · Montigny-en-Gohelle" in content
    assert 'class="dash-kpi-value">10<' in content  # 5 H and 3 F in Montigny: 8, rounded to 10
    assert f"?commune={territory['montigny'].pk}&amp;periode=annee-precedente" in content


@pytest.mark.parametrize(
    "params,message",
    [
        pytest.param(
            {"periode": "personnalisee", "du": "2023-12-31", "au": "2023-01-01"},
            "La fin de la période (01/01/2023) précède son début (31/12/2023).",
            id="reversed",
        ),
        pytest.param({"periode": "personnalisee", "du": "2023-01-01"}, "Indiquez la fin de la période.", id="no-end"),
        pytest.param(
            {"periode": "personnalisee", "du": "hier", "au": "2023-01-01"},
            "Saisissez une date valide, par exemple 31/12/2023.",
            id="not-a-date",
        ),
        pytest.param(
            {"periode": "personnalisee", "du": "2023-01-01", "au": "2023-03-15"},
            "Les chiffres des financeurs portent sur un mois, un trimestre ou une année civile entiers",
            id="day-range",
        ),
        pytest.param(
            {"periode": "personnalisee", "du": "2023-02-01", "au": "2023-04-30"},
            "Les chiffres des financeurs portent sur un mois, un trimestre ou une année civile entiers",
            id="three-months-not-a-quarter",
        ),
        pytest.param(
            {"periode": "personnalisee", "du": "2099-01-01", "au": "2099-12-31"},
            "Cette période n&#x27;a pas encore commencé.",
            id="future",
        ),
        pytest.param({"periode": "siecle"}, "Période inconnue : choisissez-en une dans la liste.", id="bad-preset"),
        pytest.param({"equipe": "999999"}, "Équipe inconnue ou hors de votre périmètre.", id="unknown-team"),
    ],
)
def test_bad_input_gets_a_clear_message(client, funder, params, message):
    client.force_login(funder)
    response = client.get(DASHBOARD, params)
    assert response.status_code == 200
    assert message in response.content.decode()


def test_another_teams_figures_are_out_of_reach(client, territory, activity):
    client.force_login(funder("ville-lens", communes=[territory["lens"]]))
    content = client.get(DASHBOARD, {**YEAR_2023, "equipe": territory["north"].pk}).content.decode()
    assert "Équipe inconnue ou hors de votre périmètre." in content
    assert "Hénin-Beaumont" not in content
    content = client.get(DASHBOARD, {**YEAR_2023, "commune": territory["avion"].pk}).content.decode()
    assert "Commune inconnue ou hors de votre périmètre." in content
    content = client.get(DASHBOARD, YEAR_2023).content.decode()
    assert 'class="dash-kpi-value">15<' in content  # Lens: 10 youths of the south team, 6 of the east team


def test_small_counts_show_rounded_with_the_footnote(client, funder, team):
    """Funders read every count rounded to 5 (issue 26): one non-binary youth reads 0, nothing is « ≤ 2 »."""
    commune = team.communes.first()
    youths_in(team, commune, 1, sex="NB", first_met_on=datetime.date(2023, 5, 2))
    youths_in(team, commune, 9, sex="H", first_met_on=datetime.date(2023, 5, 2))
    youths_in(team, commune, 7, sex="F", first_met_on=datetime.date(2023, 5, 2))
    client.force_login(funder)
    response = client.get(DASHBOARD, YEAR_2023)
    content = response.content.decode()
    by_sex = response.context["dashboard"].age_sex.total
    assert (by_sex.h, by_sex.f, by_sex.nb) == (10, 5, 0)
    assert response.context["dashboard"].public.total == 15  # 17
    assert "dash-masked" not in content
    assert "Secret statistique" in content
    assert "INVALID_VARIABLE" not in content
    assert "est arrondi au multiple de 5 le plus proche" in content
    assert "Arrondi des effectifs pour les financeurs" in content  # the rule, in the method


def test_the_dashboard_runs_a_constant_number_of_queries(client, territory, django_assert_max_num_queries):
    user = funder("departement", teams=[territory["north"], territory["south"]])
    client.force_login(user)
    client.get(DASHBOARD, YEAR_2023)  # warm the session and content types
    with django_assert_max_num_queries(40) as few:
        assert client.get(DASHBOARD, YEAR_2023).status_code == 200
    for team, commune in [(territory["north"], territory["henin"]), (territory["south"], territory["lievin"])]:
        youths_in(team, commune, 25, first_met_on=datetime.date(2023, 3, 1))
    summaries_bring_up_to_date()  # the writes' summaries (tests/actions/test_summaries.py counts that part)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        assert client.get(DASHBOARD, YEAR_2023).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_funder_home_runs_a_constant_number_of_queries(client, territory, today, django_assert_max_num_queries):
    """The landing page computes this year's dashboard: its queries do not grow with the records."""
    user = funder("departement-accueil", teams=[territory["north"], territory["south"]])
    client.force_login(user)

    def record(count):
        for team, commune in [(territory["north"], territory["henin"]), (territory["south"], territory["lievin"])]:
            for youth in youths_in(team, commune, count, first_met_on=datetime.date(2024, 1, 8)):
                intervention = InterventionFactory(youth=youth, date=datetime.date(2024, 2, 1))
                intervention.partners.set([PartnerFactory()])
                CollectiveActionFactory(
                    team=team, commune=commune, participants=[youth], date=datetime.date(2024, 2, 2)
                )

    record(3)
    client.get(reverse("home"))  # warm the session and content types, bring the summaries up to date
    with django_assert_max_num_queries(45) as few:
        response = client.get(reverse("home"))
    assert response.context["dashboard"].public.total == 5  # 6 youths, rounded for the funders
    record(27)
    summaries_bring_up_to_date()  # the writes' summaries (tests/actions/test_summaries.py counts that part)
    with django_assert_max_num_queries(len(few.captured_queries)) as many:
        response = client.get(reverse("home"))
    assert len(many.captured_queries) == len(few.captured_queries)
    assert response.context["dashboard"].public.total == 60


def test_the_dashboard_page_skips_the_partner_lists_it_does_not_show(
    client, team, funder, django_assert_max_num_queries
):
    """The page shows no partner names, so it does not pay for them; the JSON keeps them."""
    commune = team.communes.first()
    partner = PartnerFactory(name="Mission Locale de l'Artois")
    for youth in youths_in(team, commune, 3, first_met_on=datetime.date(2023, 5, 2)):
        InterventionFactory(youth=youth, date=datetime.date(2023, 6, 1)).partners.set([partner])
    client.force_login(funder)
    client.get(DASHBOARD, YEAR_2023)  # warm the session and content types
    with django_assert_max_num_queries(40) as page:
        response = client.get(DASHBOARD, YEAR_2023)
    assert response.context["dashboard"].public.total == 5  # 3 youths, rounded for the funders
    assert not any("intervention_partners" in query["sql"] for query in page.captured_queries)
    figures = client.get(API, YEAR_2023).json()["figures"]
    assert "Mission Locale de l'Artois" in json.dumps(figures["activity"], ensure_ascii=False)


# --- Street contacts and the funnel ------------------------------------------------------------------


def counted_session(team, commune=None, **tally):
    return PresenceSessionFactory(team=team, commune=commune or team.communes.first(), counted=True, **tally)


def test_the_dashboard_shows_the_street_contacts_and_the_funnel(client, team, funder):
    youths_in(team, team.communes.first(), 10, first_met_on=datetime.date(2023, 5, 2))
    youths_in(team, team.communes.first(), 5, level="asep", first_met_on=datetime.date(2023, 5, 2))
    counted_session(team, boys_12_17=30, girls_12_17=10, parents=4)
    PresenceSessionFactory(team=team)  # not counted
    client.force_login(funder)

    content = client.get(DASHBOARD, YEAR_2023).content.decode()

    assert "Contacts dans la rue : 40, comptés sur 1 des 2 temps de présence." in content
    assert "De la rue à l&#x27;accompagnement" in content
    assert '<th scope="row">Contacts dans la rue</th><td class="num">40</td>' in content
    assert '<th scope="row">Jeunes connus</th><td class="num">15</td>' in content
    assert '<th scope="row">En accroche</th><td class="num">10</td><td class="num">67\u202f%</td>' in content
    assert "pas des jeunes distincts" in content
    assert content.count('class="bilan-chart bilan-chart-funnel"') == 1
    assert "INVALID_VARIABLE" not in content
    funnel = client.get(API, YEAR_2023).json()["figures"]["funnel"]
    assert [(step["key"], step["count"]) for step in funnel["steps"]] == [
        ("contacts", 40),
        ("known", 15),
        ("accroche", 10),
        ("asep", 5),
        ("paei", 0),
    ]


def test_without_a_counted_session_the_dashboards_contacts_are_non_objective(client, team, funder):
    youths_in(team, team.communes.first(), 5, first_met_on=datetime.date(2023, 5, 2))
    PresenceSessionFactory(team=team)
    client.force_login(funder)

    content = client.get(DASHBOARD, YEAR_2023).content.decode()

    assert "Contacts dans la rue : non objectivé, aucun temps de présence n'a été compté." in content
    assert '<th scope="row">Contacts dans la rue</th><td class="num">Non objectivé</td>' in content
    figures = client.get(API, YEAR_2023).json()["figures"]
    assert figures["activity"]["presence_contacts_counted"] is None
    assert figures["funnel"]["steps"][0]["count"] is None


def test_a_small_street_contacts_count_reads_0_on_the_page_and_in_the_json(client, team, funder):
    youths_in(team, team.communes.first(), 12, first_met_on=datetime.date(2023, 5, 2))
    counted_session(team, girls_under_12=1, parents=6)
    client.force_login(funder)

    content = client.get(DASHBOARD, YEAR_2023).content.decode()

    assert "Contacts dans la rue : 0, comptés sur 1 des 1 temps de présence." in content
    assert '<th scope="row">Contacts dans la rue</th><td class="num is-zero">0</td>' in content
    figures = client.get(API, YEAR_2023).json()["figures"]
    assert figures["activity"]["presence_contacts"] == 0
    assert figures["activity"]["presence_contacts_counted"] == 0
    assert figures["funnel"]["steps"][0]["count"] == 0
    assert figures["funnel"]["steps"][1]["count"] == 10  # 12, rounded for the funders


def test_a_communes_small_contacts_count_is_masked_with_another_to_protect_it(territory):
    north = territory["north"]
    counted_session(north, territory["henin"], boys_12_17=30)
    counted_session(north, territory["montigny"], boys_18_25=1)

    dashboard = mask(build_dashboard(scope=Scope.for_team(north), start=START_2023, end=END_2023))

    contacts = {table.commune: str(table.presence_contacts_counted) for table in dashboard.activity_by_commune}
    assert contacts == {"Hénin-Beaumont": "s", "Montigny-en-Gohelle": "≤ 2"}
    assert dashboard.activity.presence_contacts_counted == 31
    assert dashboard.funnel.steps[0].count == 31


# --- The JSON endpoint -----------------------------------------------------------------------------


def test_the_json_carries_the_dashboard_figures_rounded(client, team, funder):
    commune = team.communes.first()
    youths_in(team, commune, 1, sex="F", first_met_on=datetime.date(2023, 5, 2))
    youths_in(team, commune, 12, sex="H", first_met_on=datetime.date(2023, 5, 2))
    client.force_login(funder)
    response = client.get(API, YEAR_2023)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    assert data["scope"] == {"teams": ["EMPS Test"], "communes": None}
    assert data["period"] == {"start": "2023-01-01", "end": "2023-12-31", "preset": "personnalisee"}
    assert data["rounding_base"] == 5
    assert data["rounding"] == "Chaque effectif est arrondi au multiple de 5 le plus proche : 0 signifie de 0 à 2."
    figures = data["figures"]
    assert figures["public"]["total"] == 15  # 13, rounded for the funders
    assert figures["age_sex"]["total"]["f"] == 0  # 1
    assert figures["age_sex"]["total"]["h"] == 10  # 12
    assert set(figures) >= {"levels", "origin_sex", "situation_sex", "domains", "presence_months", "qpv", "monthly"}


def test_the_json_with_a_token(client, team, funder, coordinator):
    youths_in(team, team.communes.first(), 5, first_met_on=datetime.date(2023, 5, 2))
    token, key = api_token_create(user=funder, by=coordinator)
    assert token.key_hash == hash_key(key) and key not in json.dumps(list(ApiToken.objects.values()), default=str)
    response = client.get(API, YEAR_2023, HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 200
    assert response.json()["figures"]["public"]["total"] == 5
    token.refresh_from_db()
    assert token.last_used_at is not None


@pytest.mark.parametrize(
    "header",
    [
        pytest.param("Token emps_not-a-key", id="unknown-key"),
        pytest.param("Bearer whatever", id="other-scheme"),
        pytest.param("", id="none"),
    ],
)
def test_the_json_refuses_a_missing_or_wrong_token(client, funder, coordinator, header):
    api_token_create(user=funder, by=coordinator)
    extra = {"HTTP_AUTHORIZATION": header} if header else {}
    response = client.get(API, YEAR_2023, **extra)
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Token realm="emps"'
    assert "figures" not in response.json()


def test_a_revoked_or_replaced_token_stops_working(client, funder, coordinator):
    _token, first = api_token_create(user=funder, by=coordinator)
    _token, second = api_token_create(user=funder, by=coordinator)
    assert client.get(API, HTTP_AUTHORIZATION=f"Token {first}").status_code == 401
    assert client.get(API, HTTP_AUTHORIZATION=f"Token {second}").status_code == 200
    funder.is_active = False
    funder.save()
    assert client.get(API, HTTP_AUTHORIZATION=f"Token {second}").status_code == 401


def test_tokens_are_for_funders_only(coordinator, educator):
    with pytest.raises(ValueError):
        api_token_create(user=educator, by=coordinator)


def test_the_json_rejects_bad_parameters_with_the_messages(client, funder):
    client.force_login(funder)
    response = client.get(API, {"periode": "personnalisee", "du": "2023-12-31", "au": "2023-01-01"})
    assert response.status_code == 400
    assert response.json()["errors"]["au"][0]["message"].startswith("La fin de la période")


def test_the_json_of_a_funder_never_reaches_another_team(client, territory, activity):
    client.force_login(funder("ville-lens", communes=[territory["lens"]]))
    assert client.get(API, {**YEAR_2023, "equipe": territory["north"].pk}).status_code == 400
    data = client.get(API, YEAR_2023).json()
    assert data["scope"] == {"teams": ["EMPS Est", "EMPS Sud"], "communes": ["Lens"]}


# --- Coordinators: API keys ------------------------------------------------------------------------


def test_a_coordinator_creates_a_key_shown_once_and_revokes_it(client, coordinator, funder, team):
    client.force_login(coordinator)
    page = client.get(reverse("funders:api_tokens")).content.decode()
    assert "financeur" in page and "Créer une clé" in page
    response = client.post(reverse("funders:api_tokens"), {"user": funder.pk, "action": "create"})
    content = response.content.decode()
    token = ApiToken.objects.get(user=funder)
    assert "INVALID_VARIABLE" not in content
    key = content.split('<code class="dash-key">', 1)[1].split("</code>", 1)[0]
    assert hash_key(key) == token.key_hash and token.created_by == coordinator
    assert key not in client.get(reverse("funders:api_tokens")).content.decode()
    client.post(reverse("funders:api_tokens"), {"user": funder.pk, "action": "revoke"})
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_a_coordinator_cannot_make_keys_for_funders_of_other_teams(client, coordinator, other_team):
    stranger = funder("autre-financeur", teams=[other_team])
    client.force_login(coordinator)
    assert "autre-financeur" not in client.get(reverse("funders:api_tokens")).content.decode()
    assert client.post(reverse("funders:api_tokens"), {"user": stranger.pk}).status_code == 404
    assert not ApiToken.objects.exists()


@pytest.mark.parametrize("who", [pytest.param("funder", id="funder"), pytest.param("educator", id="educator")])
def test_only_coordinators_manage_keys(client, funder, educator, who):
    client.force_login({"funder": funder, "educator": educator}[who])
    assert client.get(reverse("funders:api_tokens")).status_code == 403


def test_a_superuser_sees_every_funder(client, funder):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    assert "financeur" in client.get(reverse("funders:api_tokens")).content.decode()


def test_the_months_presence_hours_are_those_of_the_bilans_monthly_table(team):
    """The dashboard takes each month's presence from its months by place (one query fewer): the
    months must read as the bilan's own monthly table counts them, on every place and month."""
    sessions = [
        (datetime.date(2023, 1, 31), 90, Place.STREET),
        (datetime.date(2023, 2, 1), 45, Place.STREET),
        (datetime.date(2023, 2, 14), 120, Place.STREET),
        (datetime.date(2023, 2, 20), 30, list(Place)[-1]),
        (datetime.date(2023, 12, 31), 60, Place.STREET),
    ]
    for day, minutes, place in sessions:
        PresenceSessionFactory(team=team, date=day, duration_minutes=minutes, place=place)
    scope, start, end = Scope.for_team(team), datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)
    dashboard = build_dashboard(scope=scope, start=start, end=end)
    by_month = {row.month: row.presence_minutes for row in dashboard.monthly}
    assert by_month == {row.month: row.presence_minutes for row in build_monthly(scope=scope, start=start, end=end)}
    assert by_month[datetime.date(2023, 1, 1)] == 90
    assert by_month[datetime.date(2023, 2, 1)] == 195
    assert by_month[datetime.date(2023, 12, 1)] == 60
    assert sum(by_month.values()) == 345


# --- Public rencontré en présence sociale ------------------------------------------------------------


def street_lines(street):
    """Each line of the table whose total is shown: (its parts, its total)."""
    bands = ("under_12", "from_12_to_17", "from_18_to_25")
    rows = (*street.by_sex, street.total)
    yield from (([getattr(row, band) for band in bands], row.total) for row in rows)
    yield from (([getattr(row, band) for row in street.by_sex], getattr(street.total, band)) for band in bands)
    yield [row.total for row in street.by_sex], street.contacts
    yield [street.parents, street.residents], street.adults
    yield [row.contacts for row in street.by_quartier], street.contacts
    yield [row.adults for row in street.by_quartier], street.adults


def masked_cells(cells):
    return sum(1 for cell in cells if getattr(cell, "is_masked", False))


def test_the_dashboard_shows_the_public_met_in_street_presence(client, team, funder):
    counted_session(team, boys_12_17=30, girls_12_17=10, boys_18_25=8, girls_18_25=6, parents=4, residents=5)
    client.force_login(funder)

    content = client.get(DASHBOARD, YEAR_2023).content.decode()

    assert "Public rencontré en présence sociale" in content
    girls = '<th scope="row">Filles</th><td class="num is-zero">0</td><td class="num">10</td><td class="num">5</td>'
    assert f'{girls}<td class="num">15</td>' in content  # 16, rounded for the funders
    assert "Adultes rencontrés : 10 (5 parents, 5 habitants)." in content
    assert "INVALID_VARIABLE" not in content
    street = client.get(API, YEAR_2023).json()["figures"]["street_public"]
    assert street["by_sex"][0] | {"label": ""} == {
        "key": "boys",
        "label": "",
        "under_12": 0,
        "from_12_to_17": 30,
        "from_18_to_25": 10,
        "total": 40,
    }
    assert (street["contacts"], street["adults"]) == (55, 10)


def test_a_small_street_cell_reads_rounded_on_the_page_and_in_the_json(client, team, funder):
    """One girl under 12 met reads 0, and every other cell is rounded on its own: nothing gives her away."""
    counted_session(team, girls_under_12=1, boys_under_12=5, boys_12_17=30, girls_12_17=10)
    counted_session(team, boys_18_25=8, girls_18_25=6, parents=4, residents=5)
    client.force_login(funder)

    content = client.get(DASHBOARD, YEAR_2023).content.decode()

    girls = '<th scope="row">Filles</th><td class="num is-zero">0</td><td class="num">10</td>'
    assert f'{girls}<td class="num">5</td><td class="num">15</td>' in content
    assert '<th scope="row">Garçons</th><td class="num">5</td><td class="num">30</td>' in content
    street = client.get(API, YEAR_2023).json()["figures"]["street_public"]
    boys, girls, _others = street["by_sex"]
    assert (girls["under_12"], girls["from_12_to_17"], girls["total"]) == (0, 10, 15)
    assert (boys["under_12"], boys["from_12_to_17"]) == (5, 30)
    assert street["total"]["under_12"] == 5 and street["contacts"] == 60


@pytest.mark.parametrize(
    "tally",
    [
        pytest.param({"girls_under_12": 1, "boys_12_17": 14, "parents": 1}, id="one-girl-one-parent"),
        pytest.param({"girls_under_12": 1, "boys_under_12": 5, "boys_12_17": 30, "girls_18_25": 6}, id="one-girl"),
        pytest.param({"others_18_25": 2, "boys_12_17": 9, "girls_12_17": 7, "residents": 12}, id="two-others"),
    ],
)
def test_no_masked_street_cell_is_recoverable_from_its_total(territory, tally):
    north = territory["north"]
    counted_session(north, territory["henin"], **tally)
    counted_session(north, territory["montigny"], boys_12_17=20, girls_18_25=1, residents=2)

    dashboard = mask(build_dashboard(scope=Scope.for_team(north), start=START_2023, end=END_2023))

    street = dashboard.street_public
    assert masked_cells(cell for row in street.by_sex for cell in (row.under_12, row.total)) > 0
    for parts, total in street_lines(street):
        assert masked_cells([*parts, total]) != 1, (parts, total)
