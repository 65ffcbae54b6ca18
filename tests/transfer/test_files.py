"""Reading files: encodings, delimiters, headers, and every kind of bad file, each with a clear French message."""

import io
import zipfile

import pytest

from tests.transfer.helpers import csv_bytes, error_texts, run_import, xlsx_bytes
from transfer.columns import header_key
from transfer.text import neutralise_formula, normalise, restore_formula, split_list, unknown_message

pytestmark = pytest.mark.django_db

PARTNER_ROWS = [["nom", "categorie"], ["Médiathèque Hénin", "Sport et culture"], ["Maisons et Cités", "Logement"]]


def test_matching_ignores_case_accents_and_punctuation():
    assert normalise("Hénin-Beaumont") == normalise("HENIN BEAUMONT") == normalise("henin_beaumont")
    assert normalise("Scolarisé") == normalise("scolarise")
    assert header_key("Date de naissance") == header_key("date_naissance") == header_key("DATE NAISSANCE")
    assert header_key("Éducateurs") == header_key("educateur")


def test_an_unknown_value_suggests_the_closest_valid_one():
    message = unknown_message("Scolarte", ["Loisir / Sport / Culture", "Scolarité", "Santé / Bien être"])
    assert message == "« Scolarte » inconnu : vouliez-vous dire « Scolarité » ?"
    assert "Valeurs possibles : « oui », « non »" in unknown_message("peut-être", ["oui", "non"])


def test_lists_in_a_cell_split_on_semicolons_and_on_commas_only_when_no_name_has_one():
    assert split_list("Scolarité; Famille ;;Santé / Bien être") == ["Scolarité", "Famille", "Santé / Bien être"]
    from transfer.text import list_separator

    assert split_list("A, B | C", list_separator(["A", "B", "C"])) == ["A", "B", "C"]
    assert split_list("Dupont, Durand", list_separator(["Dupont, Durand"])) == ["Dupont, Durand"]


@pytest.mark.parametrize("text", ["=1+1", "+33 6", "-2", "@SUM(A1)", "\tx", "\rx"])
def test_formula_neutralisation_round_trips(text):
    assert neutralise_formula(text) == "'" + text
    assert restore_formula(neutralise_formula(text)) == text
    assert neutralise_formula("Mission Locale") == "Mission Locale"
    assert restore_formula("'ordinaire") == "'ordinaire"


@pytest.mark.parametrize(
    ("encoding", "delimiter"),
    [
        pytest.param("utf-8-sig", ";", id="utf8-bom-semicolon"),
        pytest.param("utf-8", ",", id="utf8-comma"),
        pytest.param("cp1252", ";", id="windows-1252-semicolon"),
        pytest.param("cp1252", ",", id="windows-1252-comma"),
        pytest.param("utf-16", "\t", id="excel-unicode-text"),
    ],
)
def test_csv_encodings_and_delimiters_are_detected(encoding, delimiter):
    report = run_import("partenaires", csv_bytes(PARTNER_ROWS, delimiter=delimiter, encoding=encoding))
    assert report.ok, (report.file_error, error_texts(report))
    assert report.created == 2
    from emps.models import Partner

    assert Partner.objects.filter(name="Médiathèque Hénin", category__label="Sport et culture").exists()


def test_excel_sep_hint_line_is_understood():
    data = b"sep=,\r\n" + csv_bytes(PARTNER_ROWS, delimiter=",", encoding="utf-8")
    report = run_import("partenaires", data)
    assert report.ok and report.created == 2


def test_headers_match_without_case_accents_or_order():
    rows = [["CATÉGORIE", "Nom"], ["logement", "Maisons et Cités"]]
    report = run_import("partenaires", rows)
    assert report.ok and report.created == 1


def test_unknown_columns_are_ignored_with_a_warning():
    rows = [["nom", "categorie", "adresse"], ["Maisons et Cités", "Logement", "1 rue X"]]
    report = run_import("partenaires", rows)
    assert report.ok
    assert report.warnings == ["Colonne ignorée (inconnue) : « adresse »."]


def test_missing_required_headers_are_named():
    report = run_import("interventions", [["reference", "commentaire"], ["HB-0001", "x"]], team=None)
    assert report.file_error == "Colonnes obligatoires absentes : date, domaines."


def test_a_misspelt_header_gets_a_hint():
    report = run_import("partenaires", [["nom", "categroie"], ["X", "Logement"]])
    assert "Colonne obligatoire absente : categorie." in report.file_error
    assert "« categroie » pour « categorie » ?" in report.file_error


def test_a_file_of_another_kind_says_no_column_was_recognised():
    report = run_import("partenaires", [["date", "duree"], ["01/02/2024", "2"]])
    assert report.file_error.startswith("La première ligne doit contenir les en-têtes des colonnes")


def test_a_column_given_twice_is_refused():
    report = run_import("partenaires", [["nom", "Nom", "categorie"], ["A", "B", "Logement"]])
    assert report.file_error == "La colonne « nom » apparaît deux fois (colonnes 1 et 2)."


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        pytest.param(b"", "vide.csv", "Le fichier est vide.", id="empty"),
        pytest.param(b"\r\n  \r\n", "blanc.csv", "Le fichier est vide.", id="blank"),
        pytest.param(
            csv_bytes([["nom", "categorie"]]),
            "entetes.csv",
            "Le fichier ne contient aucune ligne de données sous les en-têtes.",
            id="headers-only",
        ),
        pytest.param(bytes(range(256)) * 8, "binaire.csv", "contenu binaire", id="binary"),
        pytest.param(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "vieux.xls", "(.xls)", id="old-xls"),
        pytest.param(b"%PDF-1.4 ...", "bilan.pdf", "C'est un PDF", id="pdf"),
        pytest.param(xlsx_bytes(PARTNER_ROWS)[:1500], "tronque.xlsx", "Le fichier Excel est illisible", id="truncated"),
        pytest.param(b"PK\x03\x04garbage", "faux.xlsx", "Le fichier Excel est illisible", id="fake-zip"),
        pytest.param(b"nom;categorie\r\nA;B", "texte.xlsx", "Le fichier Excel est illisible", id="text-named-xlsx"),
    ],
)
def test_bad_files_get_a_clear_message_and_write_nothing(data, filename, message):
    report = run_import("partenaires", data, filename=filename)
    assert message in report.file_error
    assert not report.imported


def test_an_xlsx_without_the_expected_parts_is_unreadable_not_a_crash():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
    report = run_import("partenaires", buffer.getvalue(), filename="vide.xlsx")
    assert "Le fichier Excel est illisible" in report.file_error


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.EMPS_IMPORT_MAX_MB = 1
    data = csv_bytes(PARTNER_ROWS + [[f"Partenaire {i}", "Logement"] for i in range(60_000)])
    assert len(data) > 1024 * 1024
    report = run_import("partenaires", data)
    assert report.file_error.startswith("Le fichier pèse 1,")
    assert "la limite est de 1 Mo" in report.file_error


def test_an_unclosed_quote_is_reported_on_its_line():
    data = b'nom;categorie\r\nA;Logement\r\n"B;Logement\r\n'
    report = run_import("partenaires", data)
    assert error_texts(report) == ["3|categorie||Cellule vide : la colonne « categorie » est obligatoire."]
    assert not report.imported


def test_xlsx_with_native_cells_imports(team, territory, frozen_today):
    import datetime

    rows = [
        ["date", "duree", "lieu", "commune"],
        [datetime.datetime(2024, 2, 1), 1.5, "rue", "Hénin-Beaumont"],
        [datetime.date(2024, 2, 2), datetime.time(1, 30), "Local", "henin beaumont"],
    ]
    report = run_import("presence", xlsx_bytes(rows), team, filename="presence.xlsx")
    assert report.ok, error_texts(report)
    from actions.models import PresenceSession

    assert sorted(PresenceSession.objects.values_list("duration_minutes", flat=True)) == [90, 90]


def test_blank_lines_are_skipped_and_line_numbers_match_the_spreadsheet(team, territory):
    rows = [
        ["date", "duree", "commune"],
        ["01/02/2023", "2", "Hénin-Beaumont"],
        [],
        ["", "", ""],
        ["01/02/2023", "x", "Lens"],
    ]
    report = run_import("presence", rows, team)
    assert report.rows == 2
    assert {e.line for e in report.errors} == {5}


# Files built to exhaust memory (issue #26, finding 5) ---------------------------------------------


def _bomb(member: str, size: int) -> bytes:
    """A valid workbook with one extra member of `size` bytes of spaces: a few kilobytes compressed."""
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(PARTNER_ROWS)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == member:
                content = content + b" " * size
            archive.writestr(item, content, compress_type=zipfile.ZIP_DEFLATED)
    return buffer.getvalue()


def test_an_xlsx_whose_styles_inflate_past_the_bound_is_refused_before_openpyxl(monkeypatch):
    from transfer import parsing

    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open the archive")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    data = _bomb("xl/styles.xml", (parsing.MAX_XLSX_MEMBER_IN_MEMORY_MB + 1) * 1024 * 1024)
    assert len(data) < 200 * 1024
    report = run_import("partenaires", data, filename="bombe.xlsx")
    assert "une fois décompressé" in report.file_error
    assert "Mo" in report.file_error


def test_an_xlsx_whose_sheets_inflate_past_the_total_bound_is_refused(monkeypatch):
    from transfer import parsing

    monkeypatch.setattr(parsing, "MAX_XLSX_UNCOMPRESSED_MB", 2)
    report = run_import("partenaires", _bomb("xl/worksheets/sheet1.xml", 3 * 1024 * 1024), filename="b.xlsx")
    assert "la limite est de 2 Mo" in report.file_error
    # Under the bound, the same workbook imports.
    monkeypatch.setattr(parsing, "MAX_XLSX_UNCOMPRESSED_MB", 10)
    assert run_import("partenaires", _bomb("xl/worksheets/sheet1.xml", 3 * 1024 * 1024), filename="b.xlsx").ok


def test_empty_rows_count_towards_the_row_cap(monkeypatch):
    from transfer import parsing

    monkeypatch.setattr(parsing, "MAX_ROWS", 50)
    rows = [PARTNER_ROWS[0], PARTNER_ROWS[1]] + [["", ""]] * 60 + [PARTNER_ROWS[2]]
    for data, name in ((csv_bytes(rows), "p.csv"), (xlsx_bytes(rows), "p.xlsx")):
        report = run_import("partenaires", data, filename=name)
        assert report.file_error.startswith("Le fichier dépasse 50 lignes (lignes vides comprises)"), name


@pytest.mark.parametrize("where", ["header", "quoted header", "row"])
def test_a_csv_cell_over_the_length_limit_gets_a_french_message_not_a_500(where):
    huge = "x" * (200 * 1024)
    if where == "header":
        data = f"nom;categorie;{huge}\r\nA;Logement;\r\n".encode()
    elif where == "quoted header":
        data = f'nom;categorie;"{huge};{huge}"\r\nA;Logement;\r\n'.encode()
    else:
        data = f'nom;categorie\r\nA;Logement\r\n"{huge}";Logement\r\n'.encode()
    report = run_import("partenaires", data, filename="p.csv")
    assert "une cellule dépasse 32" in report.file_error
    assert ("Ligne 3" if where == "row" else "Ligne 1") in report.file_error
