"""The tally columns of the `presence` kind: empty means « non compté », any cell filled counts the session;
exported as read, so that export → import → export gives the same file."""

import pytest

from actions.models import TALLY_COUNTERS, PresenceSession
from tests.actions.factories import PresenceSessionFactory
from tests.transfer.helpers import error_texts, run_import
from transfer.resources.activity import TALLY_COLUMNS
from transfer.services import export_file

pytestmark = pytest.mark.django_db

TALLY_HEADER = [name for name, _counter, _help in TALLY_COLUMNS]
HEADER = ["date", "duree", "lieu", "commune", "quartier", "educateurs", "commentaire", *TALLY_HEADER]


def row(date, **tally):
    return [date, "2", "rue", "Hénin-Beaumont", "Darcy", "", "", *(tally.get(name, "") for name in TALLY_HEADER)]


def test_tally_columns_count_a_session_and_empty_ones_leave_it_not_counted(team, territory):
    rows = [
        HEADER,
        row("02/02/2024", garcons_12_17="4", filles_12_17="2", parents="1"),
        row("03/02/2024"),  # every tally cell empty: not counted
        row("04/02/2024", habitants="0"),  # a 0: counted, nobody met
    ]
    report = run_import("presence", rows, team)
    assert report.ok, error_texts(report)

    tallied, untouched, nobody = PresenceSession.objects.order_by("date")
    assert tallied.counted
    assert (tallied.boys_12_17, tallied.girls_12_17, tallied.parents, tallied.youths_met) == (4, 2, 1, 6)
    assert not untouched.counted and untouched.youths_met == 0
    assert nobody.counted and nobody.youths_met == nobody.adults_met == 0


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("-3", "Nombre négatif : « -3 »."),
        ("trois", "« trois » n'est pas un nombre entier."),
        ("2,5", "« 2,5 » n'est pas un nombre entier."),
    ],
)
def test_bad_tally_cells_are_refused_in_french(team, territory, cell, message):
    report = run_import("presence", [HEADER, row("02/02/2024", filles_moins_12=cell)], team)
    assert error_texts(report) == [f"2|filles_moins_12|{cell}|{message}"]
    assert not PresenceSession.objects.exists()


def test_a_file_without_tally_columns_imports_sessions_not_counted(team, territory):
    header = HEADER[:7]
    report = run_import("presence", [header, row("02/02/2024")[:7]], team)
    assert report.ok, error_texts(report)
    assert not PresenceSession.objects.get().counted


def test_export_then_import_keeps_counted_zero_and_not_counted_apart(team, territory):
    darcy = team.communes.get(name="Hénin-Beaumont").quartiers.get(name="Darcy")
    PresenceSessionFactory(team=team, quartier=darcy, counted=True, boys_12_17=4, girls_12_17=2, parents=1)
    PresenceSessionFactory(team=team, quartier=darcy, date="2023-07-12", counted=True)
    PresenceSessionFactory(team=team, quartier=darcy, date="2023-07-13")
    exported = export_file(kind="presence", team=team, fmt="csv").content
    text = exported.decode("utf-8-sig")
    assert ";".join(TALLY_HEADER) in text.splitlines()[0]
    lines = text.splitlines()[1:]
    assert lines[0].endswith(";0;4;0;0;2;0;0;0;0;1;0")
    assert lines[1].endswith(";0;0;0;0;0;0;0;0;0;0;0")
    assert lines[2].endswith(";;;;;;;;;;;")

    # The same file again adds nothing: its rows are recognised, tally included.
    report = run_import("presence", exported, team)
    assert (report.created, report.error_count) == (0, 0), error_texts(report)

    PresenceSession.objects.all().delete()
    report = run_import("presence", exported, team)
    assert report.ok and report.created == 3, error_texts(report)
    assert export_file(kind="presence", team=team, fmt="csv").content == exported
    counted = dict(PresenceSession.objects.order_by("date").values_list("date", "counted"))
    assert list(counted.values()) == [True, True, False]
    assert PresenceSession.objects.filter(counted=False).values(*TALLY_COUNTERS).get() == dict.fromkeys(
        TALLY_COUNTERS, 0
    )


def test_the_template_example_is_a_typical_tally():
    from transfer.resources import KINDS

    examples = {column.name: column.example for column in KINDS["presence"].columns}
    assert (examples["garcons_12_17"], examples["filles_12_17"], examples["parents"]) == ("4", "2", "1")
