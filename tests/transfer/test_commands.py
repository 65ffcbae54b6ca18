"""`import_data` and `export_data`: the same imports and exports, for migrations and scripts."""

import io

import pytest
from django.core.management import CommandError, call_command

from emps.models import AccessLog
from tests.transfer.helpers import YOUTH_HEADER, csv_bytes, youth_row
from youths.models import Youth

pytestmark = pytest.mark.django_db


@pytest.fixture
def youth_file(tmp_path):
    path = tmp_path / "jeunes.csv"
    path.write_bytes(csv_bytes([YOUTH_HEADER, youth_row(), youth_row("HB-0002", "Lina")]))
    return path


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def test_import_data_imports_and_reports(territory, youth_file):
    out, _err = run("import_data", "jeunes", str(youth_file))
    assert "Import terminé. 2 lignes : 2 créées, 0 mises à jour" in out
    assert Youth.objects.count() == 2
    entry = AccessLog.objects.get(action=AccessLog.Action.IMPORT)
    assert (entry.user, entry.object_type, entry.team) == (None, "jeunes", territory)


def test_import_data_dry_run_writes_nothing(territory, youth_file):
    out, _err = run("import_data", "jeunes", str(youth_file), "--dry-run")
    assert "Vérification réussie, rien n'a été écrit. 2 lignes : 2 créées" in out
    assert not Youth.objects.exists()


def test_import_data_prints_row_errors_and_fails(territory, tmp_path):
    path = tmp_path / "jeunes.csv"
    path.write_bytes(csv_bytes([YOUTH_HEADER, youth_row(), youth_row("HB-0002", date_debut="31/02/2023")]))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 erreur\\(s\\) dans 1 ligne\\(s\\) sur 2 : rien n'a été importé."):
        call_command("import_data", "jeunes", str(path), stderr=err, stdout=io.StringIO())
    assert "Ligne 3, colonne « date_debut », valeur « 31/02/2023 » : Date impossible" in err.getvalue()
    assert not Youth.objects.exists()


def test_import_data_with_a_team_among_several(territory, other_team, youth_file):
    with pytest.raises(CommandError, match="Précisez l'équipe"):
        run("import_data", "jeunes", str(youth_file))
    with pytest.raises(CommandError, match="Équipe inconnue : « Personne »."):
        run("import_data", "jeunes", str(youth_file), "--team", "Personne")
    run("import_data", "jeunes", str(youth_file), "--team", "emps test")
    assert set(Youth.objects.values_list("team__name", flat=True)) == {"EMPS Test"}


def test_import_data_bad_file(territory, tmp_path):
    path = tmp_path / "vide.csv"
    path.write_bytes(b"")
    with pytest.raises(CommandError, match="vide.csv : Le fichier est vide. Rien n'a été importé."):
        run("import_data", "jeunes", str(path))
    with pytest.raises(CommandError, match="Fichier introuvable"):
        run("import_data", "jeunes", str(tmp_path / "absent.csv"))


def test_territories_from_the_command_may_create_a_team(db, tmp_path):
    path = tmp_path / "territoires.csv"
    path.write_bytes(csv_bytes([["equipe", "commune", "quartier"], ["EMPS Nouvelle", "Lens", "Grande Résidence"]]))
    out, _err = run("import_data", "territoires", str(path))
    assert "1 créées" in out
    from emps.models import Team

    assert list(Team.objects.get(name="EMPS Nouvelle").communes.values_list("name", flat=True)) == ["Lens"]


def test_export_data_writes_the_file_and_journals_it(territory, youth_file, tmp_path):
    run("import_data", "jeunes", str(youth_file))
    output = tmp_path / "export.xlsx"
    out, _err = run("export_data", "jeunes", "--output", str(output))
    assert "2 lignes exportées" in out
    assert output.read_bytes().startswith(b"PK")
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, object_type="jeunes").count() == 1

    csv_output = tmp_path / "export.txt"
    run("export_data", "jeunes", "--format", "csv", "--output", str(csv_output))
    assert csv_output.read_bytes().startswith("\ufeffreference;prenom".encode())


def test_export_data_needs_a_known_team(territory, other_team, tmp_path):
    with pytest.raises(CommandError, match="Précisez l'équipe avec --team."):
        run("export_data", "jeunes", "--output", str(tmp_path / "x.csv"))
    run("export_data", "partenaires", "--output", str(tmp_path / "p.csv"))
    assert (tmp_path / "p.csv").exists()


def test_exit_status_is_zero_when_imported_and_non_zero_when_not(db, tmp_path):
    # manage.py turns a CommandError into its return code (sys.exit) after printing it on stderr.
    path = tmp_path / "partenaires.csv"
    path.write_bytes(csv_bytes([["nom"], ["Sans catégorie"]]))
    with pytest.raises(CommandError, match="Colonne obligatoire absente : categorie.") as error:
        run("import_data", "partenaires", str(path))
    assert error.value.returncode == 1

    path.write_bytes(csv_bytes([["nom", "categorie"], ["Club de boxe", "Sport et culture"]]))
    out, _err = run("import_data", "partenaires", str(path))
    assert "Import terminé." in out
