"""The bilan page and downloads on the seed's records (module-scoped data: no `team` fixture here)."""

import pytest
from django.urls import reverse

from emps.models import AccessLog

pytestmark = pytest.mark.django_db

PERIOD = {"start": "2023-05-09", "end": "2023-12-31"}


def params(team, **extra):
    return {"team": team.pk, **PERIOD, **extra}


def test_the_page_shows_every_table_of_the_seed(client, seed_team, seed_coordinator, django_assert_max_num_queries):
    client.force_login(seed_coordinator)
    with django_assert_max_num_queries(50):
        response = client.get(reverse("reports:bilan"), params(seed_team))
    content = response.content.decode()
    assert response.status_code == 200
    assert "INVALID_VARIABLE" not in content
    for text in [
        "Bilan d'activité",
        "du 9 mai 2023 au 31 décembre 2023",
        "Agence nationale de la cohésion des territoires (ANCT)",
        "Mise en place",
        "Action générale",
        "Ils sont en contact avec 60 jeunes dont 15 en accroche, 25 en accompagnement ponctuel et 20 en "
        "accompagnement individuel.",
        "22 ateliers et 38 sorties",
        "23 initiées et 15 en associé",
        "165 heures",
        "Domaines travaillés",
        "Répartition du public accompagné par âge et par sexe",
        "13,5 ans",
        "14,3 ans",
        "Répartition du public accompagné par origine de la rencontre et par situation",
        "Actions spécifiques",
        "De la rue à l'accompagnement",
        '<th scope="row">Contacts dans la rue</th><td class="num">Non objectivé</td>',
        "Perspectives",
        "Plus-value générale",
        "Méthode de calcul",
        "Télécharger le PDF",
    ]:
        assert text in content, text
    # Charts are inline SVG; tables are real tables with header cells.
    assert content.count("<svg") == 3 and 'role="img"' in content
    assert '<th scope="row">Loisir / Sport / Culture</th>' in content
    # The Content-Security-Policy forbids inline styles and scripts.
    assert "style=" not in content
    assert "<script>" not in content


def test_educators_read_the_bilan_without_the_coordinators_actions(client, seed_team, seed_educator):
    client.force_login(seed_educator)
    content = client.get(reverse("reports:bilan"), params(seed_team)).content.decode()
    assert "Recrutement le 9 mai 2023" in content
    assert "Télécharger le PDF" not in content and "Modifier les textes" not in content
    assert "Consultation" in content


def test_downloads_are_journaled(client, seed_team, seed_coordinator):
    client.force_login(seed_coordinator)
    response = client.get(reverse("reports:bilan_xlsx"), params(seed_team))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert 'filename="bilan-emps-henin-beaumont-20230509-20231231.xlsx"' in response["Content-Disposition"]
    entry = AccessLog.objects.get(action="export")
    assert (entry.object_type, entry.team, entry.user) == ("bilan", seed_team, seed_coordinator)
