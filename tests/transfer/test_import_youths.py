"""The « jeunes » file: support episodes and situations, idempotent re-import, updates, and bad rows."""

import datetime

import pytest

from emps.models import AccessLog
from tests.emps.factories import TeamFactory
from tests.transfer.helpers import YOUTH_HEADER, error_texts, run_import, youth_row
from youths.enums import Level
from youths.models import SituationRecord, SupportEpisode, Youth

pytestmark = pytest.mark.django_db


def snapshot(team):
    youths = list(Youth.objects.filter(team=team).order_by("reference").values())
    episodes = list(SupportEpisode.objects.filter(youth__team=team).order_by("pk").values())
    situations = list(SituationRecord.objects.filter(youth__team=team).order_by("pk").values())
    return youths, episodes, situations, Youth.history.count()


def test_a_youth_row_creates_the_youth_an_episode_at_its_level_and_a_situation(team, territory, coordinator):
    rows = [YOUTH_HEADER, youth_row(), youth_row("HB-0002", "Lina", sexe="F", niveau="", situation="")]
    report = run_import("jeunes", rows, team, user=coordinator)
    assert report.ok, error_texts(report)
    assert (report.created, report.updated, report.unchanged) == (2, 0, 0)

    yanis = Youth.objects.get(team=team, reference="HB-0001")
    assert (yanis.first_name, yanis.sex, yanis.birth_year, yanis.birth_month) == ("Yanis", "H", 2010, 3)
    assert (yanis.commune.name, yanis.quartier.name, yanis.origin.label) == (
        "Hénin-Beaumont",
        "Darcy",
        "Présence sociale",
    )
    assert yanis.first_met_on == datetime.date(2023, 9, 12)
    episode = yanis.episodes.get()
    assert (episode.level, episode.started_on, episode.ended_on) == (Level.ASEP, datetime.date(2023, 9, 12), None)
    assert episode.created_by == coordinator
    assert yanis.situations.get().situation.label == "Scolarisé"

    lina = Youth.objects.get(reference="HB-0002")
    assert lina.episodes.get().level == Level.ACCROCHE
    assert not lina.situations.exists()


def test_imported_youths_have_a_creation_line_in_their_history_by_the_importer(team, territory, coordinator):
    run_import("jeunes", [YOUTH_HEADER, youth_row(), youth_row("HB-0002", "Lina")], team, user=coordinator)
    line = Youth.objects.get(reference="HB-0002").history.get()
    assert (line.history_type, line.history_user, line.first_name) == ("+", coordinator, "Lina")


def test_a_youth_import_costs_the_same_queries_for_10_or_300_rows(team, territory, django_assert_max_num_queries):
    def rows(count, start=0):
        return [YOUTH_HEADER] + [
            youth_row(f"HB-{n:04d}", f"J{n}", date_fin="20/12/2023" if n % 2 else "")
            for n in range(start, start + count)
        ]

    with django_assert_max_num_queries(60) as few:
        assert run_import("jeunes", rows(10), team).created == 10
    with django_assert_max_num_queries(60) as many:
        assert run_import("jeunes", rows(300, start=10), team).created == 300
    # A query (or a savepoint) per row would add hundreds; bulk inserts add a few (SQLite splits them in
    # batches of 999 parameters: a few dozen youths a query).
    assert len(many.captured_queries) < len(few.captured_queries) + 30
    assert SupportEpisode.objects.filter(youth__team=team, ended_on__isnull=False).count() == 155
    assert SituationRecord.objects.filter(youth__team=team).count() == 310


def test_the_import_is_journaled_without_any_value(team, territory, coordinator):
    run_import("jeunes", [YOUTH_HEADER, youth_row()], team, user=coordinator, filename="jeunes-2023.csv")
    entry = AccessLog.objects.get(action=AccessLog.Action.IMPORT)
    assert (entry.user, entry.object_type, entry.team) == (coordinator, "jeunes", team)
    assert entry.detail == "fichier jeunes-2023.csv, 1 lignes (1 créées, 0 mises à jour)"
    assert "Yanis" not in entry.detail


def test_date_fin_closes_the_support(team, territory):
    run_import("jeunes", [YOUTH_HEADER, youth_row(date_fin="20/12/2023")], team)
    episode = SupportEpisode.objects.get()
    assert episode.ended_on == datetime.date(2023, 12, 20)


@pytest.mark.parametrize(
    ("cell", "year", "month"),
    [
        pytest.param("17/03/2010", 2010, 3, id="day-dropped"),
        pytest.param("2010-03-17", 2010, 3, id="iso"),
        pytest.param("03/2010", 2010, 3, id="month-year"),
        pytest.param("2010", 2010, None, id="year-only"),
        pytest.param("", None, None, id="unknown"),
    ],
)
def test_birth_dates_keep_only_month_and_year(team, territory, cell, year, month):
    report = run_import("jeunes", [YOUTH_HEADER, youth_row(date_naissance=cell)], team)
    assert report.ok, error_texts(report)
    youth = Youth.objects.get()
    assert (youth.birth_year, youth.birth_month) == (year, month)


def test_importing_the_same_file_twice_changes_nothing(team, territory):
    rows = [YOUTH_HEADER, youth_row(), youth_row("HB-0002", "Lina", sexe="F", date_fin="01/02/2024")]
    assert run_import("jeunes", rows, team).created == 2
    before = snapshot(team)

    report = run_import("jeunes", rows, team)
    assert report.ok
    assert (report.created, report.updated, report.unchanged) == (0, 0, 2)
    assert snapshot(team) == before


def test_matching_is_tolerant_on_re_import(team, territory):
    run_import("jeunes", [YOUTH_HEADER, youth_row()], team)
    before = snapshot(team)
    same = youth_row("hb-0001", commune="HENIN BEAUMONT", quartier="darcy", niveau="asep", situation="scolarise")
    report = run_import("jeunes", [YOUTH_HEADER, same], team)
    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert snapshot(team) == before


def test_a_changed_row_updates_the_youth_and_a_new_level_opens_a_new_episode(team, territory, frozen_today):
    run_import("jeunes", [YOUTH_HEADER, youth_row()], team)
    youth = Youth.objects.get()
    version = youth.version

    changed = youth_row(first_name="Yanis B.", quartier="Kennedy", niveau="PAEI", situation="En formation")
    report = run_import("jeunes", [YOUTH_HEADER, changed], team)
    assert report.ok, error_texts(report)
    assert (report.created, report.updated, report.unchanged) == (0, 1, 0)

    youth.refresh_from_db()
    assert (youth.first_name, youth.quartier.name) == ("Yanis B.", "Kennedy")
    assert youth.version == version + 1
    first, second = youth.episodes.order_by("started_on")
    assert (first.level, first.ended_on, first.end_reason.code) == (
        Level.ASEP,
        frozen_today - datetime.timedelta(1),
        "changement-niveau",
    )
    assert (second.level, second.started_on, second.ended_on) == (Level.PAEI, frozen_today, None)
    assert [r.situation.label for r in youth.situations.order_by("started_on")] == ["Scolarisé", "En formation"]
    assert youth.situations.order_by("started_on").last().started_on == frozen_today


def test_a_blank_level_on_re_import_keeps_the_history(team, territory):
    run_import("jeunes", [YOUTH_HEADER, youth_row()], team)
    report = run_import("jeunes", [YOUTH_HEADER, youth_row(niveau="", situation="")], team)
    assert report.unchanged == 1
    assert SupportEpisode.objects.get().level == Level.ASEP


def test_optional_columns_absent_from_the_file_are_left_alone(team, territory):
    run_import("jeunes", [YOUTH_HEADER, youth_row(nom="Dupont")], team)
    report = run_import(
        "jeunes",
        [["reference", "prenom", "commune", "date_debut"], ["HB-0001", "Yanis", "Hénin-Beaumont", "12/09/2023"]],
        team,
    )
    assert report.unchanged == 1
    youth = Youth.objects.get()
    assert (youth.last_name, youth.quartier.name, youth.birth_year) == ("Dupont", "Darcy", 2010)


def test_several_teams_rows_name_their_team(team, territory, coordinator):
    other = TeamFactory(name="EMPS Lens", communes=[territory.communes.get(name="Hénin-Beaumont")])
    header = [*YOUTH_HEADER, "equipe"]
    rows = [header, [*youth_row(), "emps test"], [*youth_row(), "EMPS Lens"], [*youth_row("HB-0003"), ""]]
    report = run_import("jeunes", rows, None, teams=[team, other])
    assert error_texts(report) == ["4|equipe||Précisez l'équipe du jeune : vous avez accès à plusieurs équipes."]

    rows[3][-1] = "Équipe inconnue"
    report = run_import("jeunes", rows, None, teams=[team, other])
    assert error_texts(report)[0].startswith(
        "4|equipe|Équipe inconnue|Équipe « Équipe inconnue » inconnue ou hors de votre périmètre"
    )

    rows.pop()
    report = run_import("jeunes", rows, None, teams=[team, other])
    assert report.ok and report.created == 2
    assert set(Youth.objects.values_list("team__name", flat=True)) == {"EMPS Test", "EMPS Lens"}


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        pytest.param(
            {"date_debut": "31/02/2023"},
            "date_debut|31/02/2023|Date impossible : « 31/02/2023 » n'existe pas.",
            id="impossible-date",
        ),
        pytest.param(
            {"date_debut": "01/01/2999"}, "date_debut|01/01/2999|Date dans le futur : 01/01/2999.", id="future"
        ),
        pytest.param(
            {"date_debut": "12/09/23"},
            "date_debut|12/09/23|Date « 12/09/23 » : écrivez l'année sur 4 chiffres (JJ/MM/AAAA).",
            id="two-digit-year",
        ),
        pytest.param(
            {"date_debut": "septembre"},
            "date_debut|septembre|Date « septembre » illisible : écrivez-la JJ/MM/AAAA (par exemple 15/06/2023).",
            id="unreadable-date",
        ),
        pytest.param(
            {"date_naissance": "2999"},
            "date_naissance|2999|Date de naissance dans le futur : 2999.",
            id="born-in-future",
        ),
        pytest.param(
            {"niveau": "PAE"}, "niveau|PAE|Niveau « PAE » inconnu : vouliez-vous dire « PAEI » ?", id="unknown-level"
        ),
        pytest.param(
            {"situation": "Scolarite"},
            "situation|Scolarite|Situation « Scolarite » inconnue : vouliez-vous dire « Scolarisé » ?",
            id="unknown-situation",
        ),
        pytest.param(
            {"commune": "Henin Beaumon"},
            "commune|Henin Beaumon|Commune « Henin Beaumon » inconnue ou non couverte par l'équipe « EMPS Test » : "
            "vouliez-vous dire « Hénin-Beaumont » ?",
            id="unknown-commune",
        ),
        pytest.param(
            {"quartier": "Bourg"},
            "quartier|Bourg|Quartier « Bourg » inconnu dans cette commune. Valeurs possibles : « Darcy », « Kennedy ».",
            id="quartier-of-another-commune",
        ),
        pytest.param(
            {"sexe": "X"},
            "sexe|X|Sexe « X » inconnu. Valeurs possibles : « H », « F », « NB ».",
            id="unknown-sex",
        ),
        pytest.param(
            {"prenom": ""}, "prenom||Cellule vide : la colonne « prenom » est obligatoire.", id="blank-required"
        ),
        pytest.param(
            {"date_fin": "01/09/2023"},
            "date_fin|01/09/2023|La date de fin précède la date de début.",
            id="end-before-start",
        ),
        pytest.param(
            {"prenom": "x" * 61}, f"prenom|{'x' * 61}|Texte trop long : 61 caractères pour 60 au plus.", id="too-long"
        ),
    ],
)
def test_bad_cells_are_reported_by_line_column_and_value(team, territory, overrides, expected):
    report = run_import("jeunes", [YOUTH_HEADER, youth_row("HB-0000"), youth_row(**overrides)], team)
    assert error_texts(report) == [f"3|{expected}"]
    assert not Youth.objects.exists()


def test_duplicate_references_in_one_file_are_errors(team, territory):
    rows = [YOUTH_HEADER, youth_row("HB-0001"), youth_row("HB-0002"), youth_row("hb-0001", "Autre")]
    report = run_import("jeunes", rows, team)
    assert error_texts(report) == ["4|reference|hb-0001|Référence en double : déjà présente ligne 2 de ce fichier."]
    assert not Youth.objects.exists()


def test_one_bad_row_among_many_writes_nothing(team, territory):
    rows = [YOUTH_HEADER] + [youth_row(f"HB-{n:04d}") for n in range(1, 40)] + [youth_row("HB-0999", commune="Lens")]
    report = run_import("jeunes", rows, team)
    assert (report.rows, report.created, report.error_count) == (40, 39, 1)
    assert not report.imported
    assert not Youth.objects.exists() and not SupportEpisode.objects.exists() and not SituationRecord.objects.exists()
    assert not AccessLog.objects.filter(action=AccessLog.Action.IMPORT).exists()


def test_a_dry_run_writes_nothing(team, territory):
    report = run_import("jeunes", [YOUTH_HEADER, youth_row()], team, dry_run=True)
    assert report.ok and report.created == 1 and not report.imported
    assert not Youth.objects.exists()


def test_youths_of_another_team_are_not_touched(team, territory, other_team):
    other_commune = other_team.communes.get()
    Youth.objects.create(
        team=other_team,
        reference="HB-0001",
        first_name="Autre",
        commune=other_commune,
        first_met_on=datetime.date(2023, 1, 1),
    )
    report = run_import("jeunes", [YOUTH_HEADER, youth_row()], team)
    assert report.created == 1
    assert Youth.objects.get(team=other_team).first_name == "Autre"
