"""The tally columns of the `actions` kind, named as the presence ones: the participants without a file by sex
and age band (they make nb_participants minus the named ones) and the families reached."""

import datetime

import pytest

from actions.models import CollectiveAction
from tests.actions.factories import CollectiveActionFactory
from tests.transfer.helpers import error_texts, run_import
from tests.youths.factories import YouthFactory
from transfer.resources import KINDS
from transfer.resources.activity import TALLY_COLUMNS
from transfer.services import export_file

pytestmark = pytest.mark.django_db

TALLY_HEADER = [name for name, _counter, _help in TALLY_COLUMNS]
HEADER = ["date", "titre", "type", "portage", "commune", "quartier", "partenaires", "participants", "nb_participants"]


@pytest.fixture
def youths(team, territory):
    return [
        YouthFactory(team=team, reference=f"HB-000{n}", first_met_on=datetime.date(2023, 1, 2), with_episode=True)
        for n in (1, 2)
    ]


def row(date, participants="", total="", **tally):
    cells = [date, "Sortie familles", "sortie", "", "Hénin-Beaumont", "Darcy", "", participants, total]
    return [*cells, *(tally.get(name, "") for name in TALLY_HEADER)]


def test_actions_carry_the_same_tally_columns_as_presence():
    columns = [column.name for column in KINDS["actions"].columns]
    assert columns[-len(TALLY_HEADER) :] == TALLY_HEADER
    examples = {column.name: column.example for column in KINDS["actions"].columns}
    # The template's example row holds together: 8 participants, 2 named, 4 + 2 without a file.
    assert (examples["nb_participants"], examples["garcons_12_17"], examples["filles_12_17"]) == ("8", "4", "2")


def test_the_breakdown_makes_the_participants_without_a_file(team, youths):
    rows = [
        [*HEADER, *TALLY_HEADER],
        row("02/02/2024", "HB-0001; HB-0002", "8", garcons_12_17="4", filles_12_17="2", parents="3"),
        row("03/02/2024", "HB-0001", "", filles_moins_12="2", parents="5"),  # empty total: named + breakdown
        row("04/02/2024", "", "7"),  # no tally cell: a bare number, not broken down
        row("05/02/2024", "", "", parents="6"),  # families only, no young people
    ]
    report = run_import("actions", rows, team)
    assert report.ok, error_texts(report)

    broken_down, from_breakdown, bare, families = CollectiveAction.objects.order_by("date")
    assert broken_down.counted
    assert (broken_down.anonymous_participants, broken_down.boys_12_17, broken_down.girls_12_17) == (6, 4, 2)
    assert broken_down.parents == 3
    assert (from_breakdown.anonymous_participants, from_breakdown.youths_met, from_breakdown.parents) == (2, 2, 5)
    assert (bare.counted, bare.anonymous_participants, bare.parents) == (False, 7, 0)
    assert (families.counted, families.anonymous_participants, families.parents) == (True, 0, 6)


def test_a_breakdown_that_does_not_add_up_is_refused_in_french(team, youths):
    rows = [[*HEADER, *TALLY_HEADER], row("02/02/2024", "HB-0001", "8", garcons_12_17="4")]
    report = run_import("actions", rows, team)
    assert error_texts(report) == [
        "2|nb_participants|8|Le nombre total de participants (8) moins les jeunes nommés (1) devrait faire "
        "les 4 jeunes sans fiche détaillés par sexe et âge."
    ]
    assert not CollectiveAction.objects.exists()


def test_a_negative_count_is_refused(team, youths):
    rows = [[*HEADER, *TALLY_HEADER], row("02/02/2024", "", "", parents="-1")]
    assert error_texts(run_import("actions", rows, team)) == ["2|parents|-1|Nombre négatif : « -1 »."]


def test_export_then_import_gives_the_same_file(team, youths):
    darcy = team.communes.get(name="Hénin-Beaumont").quartiers.get(name="Darcy")
    CollectiveActionFactory(
        team=team,
        quartier=darcy,
        participants=youths,
        anonymous_participants=6,
        counted=True,
        boys_12_17=4,
        girls_12_17=2,
        parents=3,
    )
    CollectiveActionFactory(team=team, quartier=darcy, date="2023-07-12", counted=True)
    CollectiveActionFactory(team=team, quartier=darcy, date="2023-07-13", anonymous_participants=5)
    exported = export_file(kind="actions", team=team, fmt="csv").content
    lines = exported.decode("utf-8-sig").splitlines()
    assert ";".join(TALLY_HEADER) in lines[0]
    assert lines[1].endswith(';"HB-0001; HB-0002";8;;réalisée;;;0;4;0;0;2;0;0;0;0;3;0')
    assert lines[2].endswith(";0;;réalisée;;;0;0;0;0;0;0;0;0;0;0;0")
    assert lines[3].endswith(";5;;réalisée;;" + ";" * 11)

    report = run_import("actions", exported, team)
    assert (report.created, report.error_count) == (0, 0), error_texts(report)

    CollectiveAction.objects.all().delete()
    report = run_import("actions", exported, team)
    assert report.ok and report.created == 3, error_texts(report)
    assert export_file(kind="actions", team=team, fmt="csv").content == exported
    assert list(CollectiveAction.objects.order_by("date").values_list("counted", flat=True)) == [True, True, False]
