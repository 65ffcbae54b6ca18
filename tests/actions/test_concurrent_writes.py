"""Writes that touch the same youths at once never deadlock (PostgreSQL would cancel one: an error for
an educator). Writing an intervention, an episode or a participation only appends a mark for the
summaries (`actions.marks`), which locks no youth; writes that update several youths' own rows take them
all first, in id order (YouthQuerySet.lock), so that two of them wait for each other.

Each test writes about one youth in a transaction (as an intervention or a chunk of an import does),
lets the other write start, then writes about a second youth that the other write also touches: both
must land, with no error.
"""

import datetime

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import Client
from django.urls import reverse

from actions.models import CollectiveAction, Intervention
from actions.services import intervention_record
from tests.actions.factories import CollectiveActionFactory, InterventionFactory
from tests.concurrency import start_other_transaction
from tests.emps.factories import UserFactory
from tests.youths.factories import YouthFactory
from transfer.services import import_file
from youths.models import Youth

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="two transactions at once: PostgreSQL"),
]

D = datetime.date


@pytest.fixture
def youths(team):
    """Two youths of the team, in id order."""
    return tuple(YouthFactory(team=team, reference=f"HB-000{i}", first_met_on=D(2022, 1, 1)) for i in (1, 2))


def _while_holding(first, second, other_write) -> list:
    """Write about `first` (an intervention), start `other_write` in another transaction, then write about
    `second`; return the other write's errors once both are done."""
    with transaction.atomic():
        InterventionFactory(youth=first, date=D(2024, 3, 1))
        writer, errors = start_other_transaction(other_write)
        writer.join(1.5)  # PostgreSQL's deadlock_timeout is 1 s: a deadlock would have been found
        InterventionFactory(youth=second, date=D(2024, 3, 2))
    writer.join(10)
    assert not writer.is_alive()
    return errors


def test_one_intervention_for_several_youths_waits_for_a_writer_of_one_of_them(team, youths):
    first, second = youths
    educator = UserFactory(teams=[team])
    errors = _while_holding(
        first,
        second,
        # The form gives the youths in the order they were picked: the second first.
        lambda: intervention_record(youths=[second, first], date=D(2023, 3, 3), domains=[], author=educator),
    )
    assert errors == []
    assert Intervention.objects.filter(date=D(2023, 3, 3)).count() == 2
    assert Intervention.objects.count() == 4


def test_a_collective_action_edit_waits_for_a_writer_of_one_of_its_participants(team, youths):
    first, second = youths
    educator = UserFactory(teams=[team])
    action = CollectiveActionFactory(team=team, author=educator, date=D(2024, 2, 1), participants=[second])
    quartier = team.communes.get().quartiers.get()
    data = {
        "kind": action.kind,
        "carrying": action.carrying,
        "title": "Sortie au stade",
        "date": "2024-03-13",  # the participants' yearly facts are rewritten: the second youth first
        "sector": f"q{quartier.pk}",
        "participants": [first.pk, second.pk],
        "anonymous_participants": "0",
        "partners": [],
        "description": "",
        "version": action.version,
    }

    def edit():
        client = Client()
        client.force_login(educator)
        response = client.post(reverse("actions:action_update", args=[action.pk]), data)
        assert response.status_code == 302, response.content.decode()[:1000]

    errors = _while_holding(first, second, edit)
    assert errors == []
    action = CollectiveAction.objects.get(pk=action.pk)
    assert (action.date, set(action.participants.all())) == (D(2024, 3, 13), {first, second})


def test_an_import_waits_for_a_writer_of_the_team(team, youths, monkeypatch):
    """An import writes chunk after chunk (one row each here): it takes the team's youths first."""
    monkeypatch.setattr("transfer.services.CHUNK_ROWS", 1)
    first, second = youths
    rows = [
        "reference,date,domaines",
        f"{second.reference},04/03/2023,Scolarité",
        f"{first.reference},05/03/2023,Famille",
    ]
    reports = []

    def run_import():
        reports.append(import_file(kind="interventions", data="\n".join(rows).encode(), filename="i.csv", team=team))

    errors = _while_holding(first, second, run_import)
    assert errors == []
    assert reports[0].imported, (reports[0].file_error, reports[0].errors)
    assert Intervention.objects.count() == 4


def test_two_youth_files_of_several_teams_take_turns(team, other_team, youths):
    """A file of youths naming several teams takes each team's youths when its rows first reach the team.
    Here the first file holds the team; the second names the other team first, then the team. Without
    turns, the second would hold the other team's youths while waiting for the team: the first file's
    next write about the other team would deadlock. With them, the second file waits before taking any."""
    first, _second = youths
    stranger = YouthFactory(team=other_team, reference="AU-0001", commune=other_team.communes.get())
    header = ["reference", "prenom", "commune", "date_debut", "equipe"]

    def youth_file(*rows) -> bytes:
        return "\n".join(",".join(row) for row in (header, *rows)).encode()

    teams = [team, other_team]
    reports = []

    def second_file():
        data = youth_file(
            ["AU-0001", stranger.first_name, "Lens", "01/01/2022", other_team.name],
            [first.reference, first.first_name, "Hénin-Beaumont", "01/01/2022", team.name],
        )
        reports.append(import_file(kind="jeunes", data=data, filename="b.csv", teams=teams))

    with transaction.atomic():
        data = youth_file([first.reference, first.first_name, "Hénin-Beaumont", "01/01/2022", team.name])
        assert import_file(kind="jeunes", data=data, filename="a.csv", teams=teams).imported
        writer, errors = start_other_transaction(second_file)
        writer.join(1.5)  # PostgreSQL's deadlock_timeout is 1 s: a deadlock would have been found
        assert writer.is_alive(), errors  # waiting for this transaction
        InterventionFactory(youth=stranger, date=D(2024, 3, 2))  # a write about the other team's youth
    writer.join(10)
    assert not writer.is_alive()
    assert errors == []
    assert reports[0].imported, (reports[0].file_error, reports[0].errors)


def test_an_entry_about_youths_of_two_teams_waits_for_a_file_of_several_teams(team, other_team, youths):
    """An educator of two teams records one intervention for a youth of each, while a file of youths
    naming several teams holds the team. Without waiting its turn, the entry would take the other team's
    youth (the lower id) and wait for the team's: the file's next write about the other team's youth
    would deadlock. With it, the entry waits before taking any youth."""
    stranger = YouthFactory(team=other_team, reference="AU-0001", commune=other_team.communes.get())
    late = YouthFactory(team=team, reference="HB-0009")  # a higher id than the stranger's
    educator = UserFactory(teams=[team, other_team])
    header = "reference,prenom,commune,date_debut,equipe"
    data = f"{header}\n{late.reference},{late.first_name},Hénin-Beaumont,01/01/2022,{team.name}".encode()

    with transaction.atomic():
        assert import_file(kind="jeunes", data=data, filename="a.csv", teams=[team, other_team]).imported
        writer, errors = start_other_transaction(
            lambda: intervention_record(youths=[stranger, late], date=D(2023, 3, 3), domains=[], author=educator)
        )
        writer.join(1.5)  # PostgreSQL's deadlock_timeout is 1 s: a deadlock would have been found
        assert writer.is_alive(), errors  # waiting for this transaction
        InterventionFactory(youth=stranger, date=D(2024, 3, 2))  # the file's write about the other team
    writer.join(10)
    assert not writer.is_alive()
    assert errors == []
    assert Intervention.objects.filter(date=D(2023, 3, 3)).count() == 2


def test_an_import_cancelled_by_a_deadlock_says_so_in_french(team, youths):
    """Should two writes still take the same youths in opposite orders, PostgreSQL cancels one, and a
    coordinator whose import it was reads why in French, not PostgreSQL's English detail. The deadlock
    here is a real one, between two transactions taking the same two youths in opposite orders."""
    from transfer.resources.base import TransferResource

    first, second = youths
    caught = []

    def other_write():
        Youth.objects.select_for_update().get(pk=second.pk)
        Youth.objects.select_for_update().get(pk=first.pk)

    try:
        with transaction.atomic():
            Youth.objects.select_for_update().get(pk=first.pk)
            writer, errors = start_other_transaction(other_write)
            writer.join(0.5)  # the other transaction holds the second youth and waits for the first
            Youth.objects.select_for_update().get(pk=second.pk)
    except DatabaseError as error:
        caught.append(error)
    writer.join(10)
    caught += errors
    assert len(caught) == 1  # PostgreSQL cancelled one of the two
    message = TransferResource.describe_exception(caught[0])
    assert message == (
        "Un autre enregistrement modifiait les mêmes jeunes au même moment : rien n'a été importé. Relancez l'import."
    )
    assert "deadlock" not in message
