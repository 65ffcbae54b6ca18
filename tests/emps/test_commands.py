import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from actions.models import CollectiveAction, Intervention, PresenceSession
from demo.team import recent_period
from emps.models import Team, User
from reports.models import PublishedBilan
from youths.models import Youth

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.django_db
def test_seed_demo_creates_the_demo_team_once(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    counts = (Youth.objects.count(), Intervention.objects.count(), CollectiveAction.objects.count())
    assert Team.objects.get().name == "EMPS Hénin-Beaumont"
    # Last year and this one (62 youths a year) and the 2023 activity of the seed bilan (exactly 60 youths).
    recent = recent_period(timezone.localdate())
    assert counts[0] == 60 + recent.per_year(62) and 60 + 62 <= counts[0] <= 60 + 2 * 62
    assert counts[1] > 150 and counts[2] > 50
    assert PresenceSession.objects.exists()
    assert set(User.objects.values_list("username", "role")) >= {
        ("educateur", "educator"),
        ("coordination", "coordinator"),
        ("financeur", "funder"),
    }
    assert User.objects.get(username="educateur").check_password("demo")
    # The 2023 bilan is published for the demo funder.
    assert PublishedBilan.objects.get().team.name == "EMPS Hénin-Beaumont"

    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    assert "existe déjà" in out.getvalue()
    assert (Youth.objects.count(), Intervention.objects.count(), CollectiveAction.objects.count()) == counts
    assert PublishedBilan.objects.count() == 1


@pytest.mark.django_db
def test_seed_demo_is_refused_when_debug_is_off(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG"):
        call_command("seed_demo")
    assert not User.objects.filter(username="educateur").exists()


@pytest.mark.django_db
def test_create_account_reads_the_password_from_stdin(team, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("un mot de passe solide 2024\n"))
    call_command(
        "create_account", "nadia", role="educator", team=[team.name], password_stdin=True, stdout=io.StringIO()
    )
    user = User.objects.get(username="nadia")
    assert user.role == "educator" and list(user.teams.all()) == [team]
    assert user.check_password("un mot de passe solide 2024")


@pytest.mark.django_db
def test_create_account_scopes_a_funder_to_communes(team, monkeypatch):
    monkeypatch.setattr("sys.stdin", io.StringIO("un mot de passe solide 2024\n"))
    commune = team.communes.get()
    call_command(
        "create_account", "ville", role="funder", commune=[commune.name], password_stdin=True, stdout=io.StringIO()
    )
    assert list(User.objects.get(username="ville").communes.all()) == [commune]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "options,password,message",
    [
        pytest.param({"team": ["Inconnue"]}, "un mot de passe solide 2024", "Équipe inconnue", id="unknown-team"),
        pytest.param({"team": ["EMPS Test"]}, "court", "Mot de passe refusé", id="weak-password"),
        pytest.param({}, "un mot de passe solide 2024", "au moins une équipe", id="no-scope"),
    ],
)
def test_create_account_refuses_bad_input(team, monkeypatch, options, password, message):
    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    with pytest.raises(CommandError, match=message):
        call_command("create_account", "x", role="educator", password_stdin=True, **options)
    assert not User.objects.filter(username="x").exists()


def test_production_settings_refuse_to_start_without_secret_key():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "DEBUG")}
    env["DJANGO_SETTINGS_MODULE"] = "config.settings.base"
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup()"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_settings_are_safe_by_default():
    overridden = {"DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "ALLOWED_HOSTS"}
    env = {k: v for k, v in os.environ.items() if k not in overridden}
    env.update(DJANGO_SETTINGS_MODULE="config.settings.base", SECRET_KEY="x" * 60)
    code = (
        "from django.conf import settings as s; import django; django.setup();"
        "print(s.DEBUG, s.SESSION_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.ALLOWED_HOSTS)"
    )
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split()[:4] == ["False", "True", "True", "[]"]
