import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import load_workbook

from tests.emps.factories import CommuneFactory
from tests.youths.factories import YouthFactory

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
PERIOD = ["--from", "2023-05-09", "--to", "2023-12-31"]


def run(*args):
    out = io.StringIO()
    call_command("bilan", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def two_communes(team):
    team.communes.add(CommuneFactory(name="Montigny-en-Gohelle"))
    for commune in team.communes.all():
        YouthFactory(team=team, commune=commune, first_met_on="2023-06-01", with_episode=True)
    return team


@pytest.mark.parametrize("fmt", ["json", "html", "xlsx", "pdf"])
def test_the_command_writes_each_format(two_communes, tmp_path, fmt):
    output = tmp_path / f"bilan.{fmt}"
    message = run(*PERIOD, "--format", fmt, "--output", str(output))
    assert "2 jeunes" in message
    content = output.read_bytes()
    if fmt == "json":
        assert json.loads(content)["public"]["total"] == 2
    elif fmt == "html":
        assert "Bilan d'activité" in content.decode() and "<style>" in content.decode()
    elif fmt == "xlsx":
        assert load_workbook(io.BytesIO(content))["Bilan"]["A1"].value == "Rubrique"
    else:
        assert content.startswith(b"%PDF")


def test_the_format_follows_the_file_extension_and_the_commune_narrows_the_scope(two_communes, tmp_path):
    output = tmp_path / "montigny.json"
    run(*PERIOD, "--team", "emps test", "--commune", "montigny-en-gohelle", "--output", str(output))
    data = json.loads(output.read_text())
    assert data["public"]["total"] == 1
    assert data["header"]["communes"] == ["Montigny-en-Gohelle"]


def test_json_goes_to_standard_output_with_a_dash(two_communes):
    assert json.loads(run(*PERIOD, "--output", "-"))["public"]["total"] == 2


@pytest.mark.parametrize(
    "args,message",
    [
        pytest.param(["--from", "2023-12-31", "--to", "2023-05-09"], "La période est à l'envers", id="reversed"),
        pytest.param(["--from", "31/02/2023", "--to", "2023-12-31"], "Date invalide pour --from", id="bad-date"),
        pytest.param([*PERIOD, "--team", "Inconnue"], "Équipe inconnue : « Inconnue »", id="unknown-team"),
        pytest.param([*PERIOD, "--commune", "Lens"], "Commune inconnue pour l'équipe EMPS Test", id="unknown-commune"),
        pytest.param([*PERIOD, "--format", "docx"], "Format inconnu : « docx »", id="bad-format"),
        pytest.param([*PERIOD, "--format", "pdf", "--output", "-"], "s'écrit dans un fichier", id="pdf-to-stdout"),
    ],
)
def test_bad_input_gets_a_french_error(team, tmp_path, args, message):
    if "--output" not in args:
        args = [*args, "--output", str(tmp_path / "bilan.json")]
    with pytest.raises(CommandError, match=message):
        run(*args)


def test_several_teams_need_team(team, other_team, tmp_path):
    with pytest.raises(CommandError, match="Plusieurs équipes existent : précisez laquelle avec --team."):
        run(*PERIOD, "--output", str(tmp_path / "b.json"))


def test_an_unwritable_output_is_reported(team, tmp_path):
    with pytest.raises(CommandError, match="Impossible d'écrire"):
        run(*PERIOD, "--output", str(tmp_path / "absent" / "b.json"))


def test_an_empty_period_writes_a_bilan_of_zeros(team, tmp_path):
    output = tmp_path / "vide.json"
    run("--from", "2031-01-01", "--to", "2031-01-31", "--output", str(output))
    data = json.loads(output.read_text())
    assert data["public"]["total"] == 0 and data["domains"]["total"] == 0


def test_the_command_exits_non_zero_without_a_traceback(tmp_path):
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": f"sqlite:///{tmp_path}/db"}
    result = subprocess.run(
        [sys.executable, "manage.py", "bilan", "--from", "2023-12-31", "--to", "2023-01-01", "--output", "x.json"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode != 0
    assert "La période est à l'envers" in result.stderr
    assert "Traceback" not in result.stderr
