"""The bilan PDF of several teams: asked for in the browser, rendered by a task (inline here), downloaded."""

import datetime
import subprocess

import pytest
from django.urls import reverse

from emps.models import BackgroundJob, JobStatus
from tests.emps.factories import TeamFactory, UserFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

URL = reverse("reports:teams_bilan")


@pytest.fixture
def federation(team, other_team):
    """A coordinator of two teams, each with youths met in 2023."""
    YouthFactory(team=team, first_met_on=datetime.date(2023, 3, 1))
    YouthFactory(team=other_team, first_met_on=datetime.date(2023, 4, 1))
    return UserFactory(username="federation", role="coordinator", teams=[team, other_team])


def test_a_coordinator_of_two_teams_gets_one_pdf_counting_both(client, federation, team, other_team):
    client.force_login(federation)
    page = client.get(URL).content.decode()
    assert team.name in page and other_team.name in page
    response = client.post(URL, {"teams": [team.pk, other_team.pk], "start": "2023-01-01", "end": "2023-12-31"})
    job = BackgroundJob.objects.get()
    assert response["Location"] == reverse("jobs:detail", kwargs={"pk": job.pk})
    assert job.status == JobStatus.DONE and job.result_name == "bilan-2-equipes-20230101-20231231.pdf"
    assert "Télécharger bilan-2-equipes" in client.get(response["Location"]).content.decode()
    download = client.get(reverse("jobs:download", kwargs={"pk": job.pk}))
    assert download["Content-Type"] == "application/pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=download.content, capture_output=True, check=True
    ).stdout.decode()
    assert "Bilan d'activité" in text and team.name in text and other_team.name in text


def test_only_the_users_teams_can_be_chosen(client, federation, team):
    stranger = TeamFactory(name="Équipe d'ailleurs")
    client.force_login(federation)
    response = client.post(URL, {"teams": [team.pk, stranger.pk], "start": "2023-01-01", "end": "2023-12-31"})
    assert response.status_code == 200 and not BackgroundJob.objects.exists()
    assert "Équipe inconnue ou hors de votre périmètre." in response.content.decode()


def test_a_reversed_period_is_refused_in_french(client, federation, team, other_team):
    client.force_login(federation)
    response = client.post(URL, {"teams": [team.pk, other_team.pk], "start": "2023-12-31", "end": "2023-01-01"})
    assert "La fin de la période (01/01/2023) précède son début (31/12/2023)." in response.content.decode()
    assert not BackgroundJob.objects.exists()


def test_a_coordinator_of_one_team_and_an_educator_cannot_ask(client, coordinator, educator):
    for user in (coordinator, educator):
        client.force_login(user)
        assert client.get(URL).status_code == 403
