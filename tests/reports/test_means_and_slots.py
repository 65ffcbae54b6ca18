"""The team's means (« Mise en place », « Moyens ») and street presence by day and time slot."""

import datetime
import html
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from reports.builders import Scope, build_bilan
from reports.builders.activity import build_presence_slots
from reports.document import bilan_document
from reports.models import StaffMember
from tests.actions.factories import PresenceSessionFactory
from tests.emps.factories import CommuneFactory, TeamFactory, UserFactory

pytestmark = pytest.mark.django_db

D = datetime.date


@pytest.fixture
def team(db):
    return TeamFactory(communes=[CommuneFactory(name="Hénin-Beaumont"), CommuneFactory(name="Montigny-en-Gohelle")])


def test_the_setup_is_written_from_the_recruitments_and_departures(team):
    henin, montigny = team.communes.order_by("name")
    StaffMember.objects.create(team=team, name="Monsieur Jérôme Chavatte", started_on=D(2023, 5, 9), referent_of=henin)
    StaffMember.objects.create(
        team=team, name="Monsieur Thomas Normand", started_on=D(2023, 5, 11), referent_of=montigny
    )
    StaffMember.objects.create(
        team=team,
        name="Madame Léa Roux",
        job="psychologue",
        fte=Decimal("0.5"),
        started_on=D(2023, 6, 1),
        ended_on=D(2023, 10, 31),
    )
    StaffMember.objects.create(team=team, name="Ancien poste", started_on=D(2020, 1, 1), ended_on=D(2022, 12, 31))
    bilan = build_bilan(scope=Scope.for_team(team), start=D(2023, 5, 9), end=D(2023, 12, 31))
    assert (bilan.means.headcount, bilan.means.fte) == (2, Decimal("2.00"))
    assert [row.name for row in bilan.means.staff] == [
        "Monsieur Jérôme Chavatte",
        "Monsieur Thomas Normand",
        "Madame Léa Roux",
    ]
    assert bilan_document(bilan).setup == (
        "Recrutement le 9 mai 2023 de Monsieur Jérôme Chavatte, éducateur spécialisé, référent de la commune de "
        "Hénin-Beaumont.",
        "Recrutement le 11 mai 2023 de Monsieur Thomas Normand, éducateur spécialisé, référent de la commune de "
        "Montigny-en-Gohelle.",
        "Recrutement le 1er juin 2023 de Madame Léa Roux, psychologue.",
        "Départ le 31 octobre 2023 de Madame Léa Roux.",
    )


def test_a_post_leaves_after_it_arrives_and_within_one_fte(team):
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMember.objects.create(team=team, name="X", started_on=D(2023, 5, 9), ended_on=D(2023, 5, 1))
    with pytest.raises(IntegrityError), transaction.atomic():
        StaffMember.objects.create(team=team, name="X", started_on=D(2023, 5, 9), fte=Decimal("1.5"))


def test_the_coordinator_keeps_the_posts_and_bad_input_writes_nothing(client, team):
    client.force_login(UserFactory(coordinator=True, teams=[team]))
    url = reverse("reports:means_edit") + f"?team={team.pk}"
    assert client.get(url).status_code == 200
    form = {
        "postes-TOTAL_FORMS": "1",
        "postes-INITIAL_FORMS": "0",
        "postes-0-name": "Monsieur Jérôme Chavatte",
        "postes-0-job": "éducateur spécialisé",
        "postes-0-fte": "1",
        "postes-0-started_on": "2023-05-09",
        "postes-0-ended_on": "2023-05-01",
        "postes-0-referent_of": "",
    }
    response = client.post(url, form)
    assert response.status_code == 200
    assert "Le départ ne peut précéder l'arrivée." in html.unescape(response.content.decode())
    assert not StaffMember.objects.exists()
    assert client.post(url, {**form, "postes-0-ended_on": ""}).status_code == 302
    assert StaffMember.objects.get().team == team


def test_another_teams_means_answer_404(client, team):
    client.force_login(UserFactory(coordinator=True, teams=[TeamFactory()]))
    assert client.get(reverse("reports:means_edit") + f"?team={team.pk}").status_code == 404


def test_presence_by_day_and_time_slot(team, django_assert_max_num_queries):
    # Monday 2 October 2023: a day session at 14:00 and an evening one at 18:00; Saturday 7: no start time.
    PresenceSessionFactory(team=team, date=D(2023, 10, 2), start_time=datetime.time(14, 0), duration_minutes=120)
    PresenceSessionFactory(team=team, date=D(2023, 10, 2), start_time=datetime.time(18, 0), duration_minutes=90)
    PresenceSessionFactory(team=team, date=D(2023, 10, 3), start_time=datetime.time(17, 59), duration_minutes=60)
    PresenceSessionFactory(team=team, date=D(2023, 10, 7), start_time=None, duration_minutes=30)
    with django_assert_max_num_queries(1):
        slots = build_presence_slots(scope=Scope.for_team(team), start=D(2023, 10, 1), end=D(2023, 10, 31))
    monday, tuesday, *_rest, saturday, sunday = slots.rows
    assert (monday.label, monday.day_hours, monday.evening_hours) == ("Lundi", 2, Decimal("1.5"))
    assert (tuesday.day_sessions, tuesday.evening_sessions) == (1, 0)
    assert (saturday.unknown_sessions, sunday.sessions) == (1, 0)
    assert (slots.total.sessions, slots.total.hours, slots.has_unknown) == (4, Decimal("5"), True)
