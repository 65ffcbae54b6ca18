import pytest
from django.urls import reverse

from reports.models import BilanNarrative
from tests.emps.factories import CommuneFactory
from tests.reports.conftest import day
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2023-05-09", "end": "2023-12-31"}


def params(team, **extra):
    return {"team": team.pk, **PERIOD, **extra}


@pytest.fixture
def users(educator, coordinator, funder, other_educator):
    return {"educator": educator, "coordinator": coordinator, "funder": funder, "other": other_educator}


@pytest.mark.parametrize(
    "who,page,pdf,xlsx,texts",
    [
        pytest.param(None, 302, 302, 302, 302, id="anonymous"),
        pytest.param("funder", 403, 403, 403, 403, id="funder"),
        pytest.param("educator", 200, 403, 403, 403, id="educator"),
        pytest.param("coordinator", 200, 200, 200, 200, id="coordinator"),
    ],
)
def test_permission_matrix(client, team, users, who, page, pdf, xlsx, texts):
    if who:
        client.force_login(users[who])
    query = params(team)
    assert client.get(reverse("reports:bilan"), query).status_code == page
    assert client.get(reverse("reports:bilan_pdf"), query).status_code == pdf
    assert client.get(reverse("reports:bilan_xlsx"), query).status_code == xlsx
    assert client.get(reverse("reports:narrative_edit"), query).status_code == texts


def test_another_teams_bilan_is_out_of_reach(client, team, other_educator):
    YouthFactory(team=team, first_met_on=day("2023-06-01"), first_name="Secret")
    client.force_login(other_educator)
    response = client.get(reverse("reports:bilan"), params(team))
    content = response.content.decode()
    assert "Équipe inconnue ou hors de votre périmètre." in content
    assert "EMPS Test" not in content


def test_a_coordinator_of_another_team_cannot_download_or_write(client, team, other_team):
    from tests.emps.factories import UserFactory

    client.force_login(UserFactory(username="coord-autre", coordinator=True, teams=[other_team]))
    assert client.get(reverse("reports:bilan_pdf"), params(team)).status_code == 400
    response = client.post(reverse("reports:narrative_edit") + f"?team={team.pk}&start=2023-05-09&end=2023-12-31")
    assert response.status_code == 400
    assert not BilanNarrative.objects.exists()


def test_the_nav_links_to_the_bilan_for_staff_only(client, educator, funder):
    client.force_login(educator)
    assert reverse("reports:bilan") in client.get(reverse("home")).content.decode()
    client.force_login(funder)
    assert reverse("reports:bilan") not in client.get(reverse("home")).content.decode()


@pytest.mark.parametrize(
    "query,message",
    [
        pytest.param(
            {"start": "2023-12-31", "end": "2023-05-09"},
            "La fin de la période (09/05/2023) précède son début (31/12/2023).",
            id="start-after-end",
        ),
        pytest.param({"start": "2023-13-45"}, "Saisissez une date valide", id="bad-date"),
        pytest.param({"end": ""}, "Date obligatoire.", id="missing-date"),
        pytest.param({"commune": "999999"}, "Commune inconnue ou hors de votre périmètre.", id="unknown-commune"),
        pytest.param({"team": "999999"}, "Équipe inconnue ou hors de votre périmètre.", id="unknown-team"),
        pytest.param({"start": "1900-01-01"}, "La période ne peut dépasser 10 ans.", id="too-long"),
    ],
)
def test_bad_input_gets_a_clear_french_message(client, team, coordinator, query, message):
    client.force_login(coordinator)
    response = client.get(reverse("reports:bilan"), {**params(team), **query})
    content = response.content.decode()
    assert response.status_code == 200
    assert message in content
    assert 'aria-invalid="true"' in content
    assert "Télécharger le PDF" not in content
    assert client.get(reverse("reports:bilan_pdf"), {**params(team), **query}).status_code == 400


def test_a_commune_of_another_team_is_refused(client, team, coordinator, other_team):
    client.force_login(coordinator)
    lens = other_team.communes.get()
    team_commune = CommuneFactory(name="Montigny-en-Gohelle")
    team.communes.add(team_commune)
    response = client.get(reverse("reports:bilan"), params(team, commune=lens.pk))
    assert "Commune inconnue ou hors de votre périmètre." in response.content.decode()
    response = client.get(reverse("reports:bilan"), params(team, commune=team_commune.pk))
    assert "Commune de Montigny-en-Gohelle" in response.content.decode()


def test_a_commune_outside_the_chosen_team_is_explained(client, team, other_team):
    from tests.emps.factories import UserFactory

    both = UserFactory(username="coord-deux", coordinator=True, teams=[team, other_team])
    client.force_login(both)
    response = client.get(reverse("reports:bilan"), params(team, commune=other_team.communes.get().pk))
    assert "La commune Lens n&#x27;est pas couverte par l&#x27;équipe EMPS Test." in response.content.decode()


def test_an_empty_period_shows_a_bilan_of_zeros(client, team, coordinator):
    client.force_login(coordinator)
    response = client.get(reverse("reports:bilan"), {"team": team.pk, "start": "2031-01-01", "end": "2031-03-31"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Aucune activité n'est enregistrée sur cette période" in content
    assert "Ils sont en contact avec 0 jeune dont 0 en accroche" in content  # French: 0 is singular


def test_the_page_without_parameters_opens_the_current_year(client, team, coordinator, time_machine):
    time_machine.move_to("2025-03-10 10:00:00+01:00")
    client.force_login(coordinator)
    content = client.get(reverse("reports:bilan")).content.decode()
    assert "du 1er janvier 2025 au 31 décembre 2025" in content


def test_a_coordinator_writes_the_texts_and_finds_them_in_the_bilan(client, team, coordinator):
    client.force_login(coordinator)
    url = reverse("reports:narrative_edit") + f"?team={team.pk}&start=2023-05-09&end=2023-12-31"
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"setup": "- Recrutement de Karim.\n- Recrutement de Julie.", "perspectives": "Ouvrir un local."}
    )
    assert response.status_code == 302
    narrative = BilanNarrative.objects.get()
    assert (narrative.team, narrative.commune, narrative.updated_by) == (team, None, coordinator)
    page = client.get(response["Location"]).content.decode()
    assert "Textes du bilan enregistrés." in page
    assert "<ul><li>Recrutement de Karim.</li><li>Recrutement de Julie.</li></ul>" in page
    assert "<p>Ouvrir un local.</p>" in page
    # A commune's bilan has its own texts.
    assert (
        "Recrutement de Karim"
        not in client.get(reverse("reports:bilan"), params(team, commune=team.communes.get().pk)).content.decode()
    )


def test_texts_are_escaped(client, team, coordinator):
    client.force_login(coordinator)
    url = reverse("reports:narrative_edit") + f"?team={team.pk}&start=2023-05-09&end=2023-12-31"
    client.post(url, {"added_value": "<script>alert(1)</script>"})
    page = client.get(reverse("reports:bilan"), params(team)).content.decode()
    assert "<script>alert(1)</script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_a_concurrent_edit_of_the_texts_is_refused_without_losing_anything(client, team, coordinator):
    client.force_login(coordinator)
    url = reverse("reports:narrative_edit") + f"?team={team.pk}&start=2023-05-09&end=2023-12-31"
    client.post(url, {"perspectives": "Version 1"})
    narrative = BilanNarrative.objects.get()
    client.post(url, {"perspectives": "Version 2 (Sophie)", "version": narrative.version})
    response = client.post(url, {"perspectives": "Version 2 (Karim)", "version": narrative.version})
    assert response.status_code == 200
    assert "Quelqu&#x27;un d&#x27;autre a enregistré cette fiche" in response.content.decode()
    narrative.refresh_from_db()
    assert narrative.perspectives == "Version 2 (Sophie)"
