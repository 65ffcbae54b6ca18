"""An anonymised youth's file is frozen: no screen lets a user type an identity back or move its figures."""

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from privacy.services import ANONYMOUS_FIRST_NAME, youth_anonymise
from tests.emps.factories import UserFactory
from tests.transfer.helpers import YOUTH_HEADER, error_texts, run_import, youth_row
from youths.models import SituationRecord, SupportEpisode, Youth

pytestmark = pytest.mark.django_db

REFUSAL = "Ce jeune a été anonymisé : sa fiche ne peut plus être modifiée."


@pytest.fixture
def anonymised(youth, coordinator):
    return youth_anonymise(youth=youth, by=coordinator, reason="Demande de la personne")


def _messages(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def _identity(youth):
    youth = Youth.objects.get(pk=youth.pk)
    return (youth.first_name, youth.last_name, youth.reference, youth.birth_month, youth.informed_on, youth.version)


def _update_data(youth, **overrides):
    data = {
        "first_name": "Inès",
        "last_name": "Martin",
        "reference": "HB-0001",
        "sex": "F",
        "birth_year": "2008",
        "birth_month": "10",
        "sector": f"q{youth.quartier_id}",
        "first_met_on": "2023-03-01",
        "informed_on": "2023-03-15",
        "version": str(youth.version),
    }
    data.update(overrides)
    return data


def test_the_edit_page_of_an_anonymised_youth_sends_back_to_the_file_with_a_message(client, educator, anonymised):
    client.force_login(educator)
    response = client.get(reverse("youths:update", args=[anonymised.pk]), follow=True)
    assert response.redirect_chain == [(anonymised.get_absolute_url(), 302)]
    assert REFUSAL in response.content.decode()
    assert 'name="first_name"' not in response.content.decode()


def test_posting_a_name_back_onto_an_anonymised_youth_is_refused(client, educator, anonymised):
    before = _identity(anonymised)
    client.force_login(educator)
    response = client.post(reverse("youths:update", args=[anonymised.pk]), _update_data(anonymised))
    assert response.status_code == 302
    assert response.url == anonymised.get_absolute_url()
    assert _messages(response) == [REFUSAL]
    assert _identity(anonymised) == before
    assert before[0] == ANONYMOUS_FIRST_NAME


def test_the_same_form_still_saves_a_youth_that_is_not_anonymised(client, educator, youth):
    client.force_login(educator)
    response = client.post(reverse("youths:update", args=[youth.pk]), _update_data(youth, first_name="Inés"))
    assert response.status_code == 302
    assert Youth.objects.get(pk=youth.pk).first_name == "Inés"


@pytest.mark.parametrize(
    ("page", "data"),
    [
        pytest.param("youths:change_level", {"level": "asep", "on": "2024-01-10"}, id="level"),
        pytest.param("youths:add_situation", {"situation": "1", "on": "2024-01-10"}, id="situation"),
        pytest.param("youths:close_support", {"on": "2024-01-10", "reason": "1"}, id="close"),
    ],
)
def test_level_situation_and_end_of_support_are_refused_too(client, educator, anonymised, page, data):
    """They would move the statistical fields that anonymisation keeps so that past bilans stay the same."""
    episodes = list(SupportEpisode.objects.filter(youth=anonymised).values())
    situations = list(SituationRecord.objects.filter(youth=anonymised).values())
    client.force_login(educator)
    url = reverse(page, args=[anonymised.pk])
    for response in (client.get(url), client.post(url, data)):
        assert response.status_code == 302
        assert response.url == anonymised.get_absolute_url()
        assert set(_messages(response)) == {REFUSAL}
    assert list(SupportEpisode.objects.filter(youth=anonymised).values()) == episodes
    assert list(SituationRecord.objects.filter(youth=anonymised).values()) == situations


def test_the_file_of_an_anonymised_youth_offers_no_edit_button(client, coordinator, youth):
    client.force_login(coordinator)
    edit_url = reverse("youths:update", args=[youth.pk])
    content = client.get(youth.get_absolute_url()).content.decode()
    assert f'href="{edit_url}"' in content and "Modifier la fiche" in content and "Rectifier" in content

    youth_anonymise(youth=youth, by=coordinator, reason="Demande de la personne")
    content = client.get(youth.get_absolute_url()).content.decode()
    assert edit_url not in content
    assert "Modifier la fiche" not in content and "Rectifier" not in content
    assert reverse("youths:change_level", args=[youth.pk]) not in content


def test_the_admin_shows_an_anonymised_youth_read_only(client, anonymised):
    client.force_login(UserFactory(username="root", is_superuser=True, is_staff=True))
    url = reverse("admin:youths_youth_change", args=[anonymised.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="_save"' not in page.content.decode()
    response = client.post(url, {"first_name": "Inès", "last_name": "Martin", "reference": "HB-0001"})
    assert response.status_code == 403
    assert Youth.objects.get(pk=anonymised.pk).first_name == ANONYMOUS_FIRST_NAME


def test_an_import_row_with_the_former_reference_does_not_touch_the_anonymised_record(team, anonymised):
    before = _identity(anonymised)
    row = youth_row("HB-0001", "Inès", sexe="F", date_naissance="10/2008", quartier="Darcy", origine="", situation="")
    report = run_import("jeunes", [YOUTH_HEADER, row], team)
    assert report.ok, error_texts(report)
    assert (report.created, report.updated) == (1, 0)
    assert _identity(anonymised) == before
    assert Youth.objects.get(reference="HB-0001").pk != anonymised.pk
