import datetime
import gzip
import io
import json
import os
import stat

import pytest
from django.apps import apps
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django_otp.plugins.otp_totp.models import TOTPDevice

from actions.models import InterventionMonth, YouthYearDomain
from actions.summaries import summaries_differences
from demo.team import create_demo
from emps.journal import Action, log_access
from emps.models import AccessLog, User
from privacy.backup import EXCLUDED, settle_deferred_constraints
from tests.privacy.figures import period_figures
from youths.models import Youth

pytestmark = pytest.mark.django_db

REBUILT = (ContentType, Permission)


def _backed_up_models():
    excluded_apps = {label for label in EXCLUDED if "." not in label}
    excluded_models = {label for label in EXCLUDED if "." in label}
    for model in apps.get_models(include_auto_created=True):
        opts = model._meta
        if opts.app_label in excluded_apps or opts.label_lower in excluded_models:
            continue
        yield model


def _comparable(value, field):
    """Content types and permissions are rebuilt by migrate with other ids: compare them by natural key.
    Django's JSON serialiser keeps timestamps to the millisecond."""
    if value is not None and field.is_relation and field.related_model in REBUILT:
        return field.related_model.objects.get(pk=value).natural_key()
    if isinstance(value, datetime.datetime):
        return value.replace(microsecond=value.microsecond // 1000 * 1000)
    return value


def snapshot() -> dict:
    """Every row of every backed-up table; many-to-many links without their own id (they get new ones)."""
    tables = {}
    for model in _backed_up_models():
        opts = model._meta
        fields = [f for f in opts.concrete_fields if not (opts.auto_created and f.primary_key)]
        rows = [tuple(_comparable(getattr(obj, f.attname), f) for f in fields) for obj in model._base_manager.all()]
        tables[opts.label] = sorted(rows, key=repr)
    return tables


@pytest.fixture
def small_database(youth, coordinator, educator):
    log_access(user=educator, action=Action.VIEW, obj=youth)
    log_access(user=coordinator, action=Action.EXPORT, obj=youth)
    youth.last_name = "Martin-Durand"
    youth.save()
    TOTPDevice.objects.create(user=coordinator, name="téléphone", confirmed=True)
    LogEntry.objects.create(
        user=coordinator,
        content_type=ContentType.objects.get_for_model(Youth),
        object_id=str(youth.pk),
        object_repr=str(youth),
        action_flag=CHANGE,
    )
    return youth.team


@pytest.fixture
def full_database(small_database):
    return create_demo(today=datetime.date(2024, 12, 31))


def test_backup_and_restore_give_back_the_same_database(full_database, tmp_path):
    archive = tmp_path / "sauvegarde.json.gz"
    before = snapshot()
    figures = period_figures(team=full_database, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31))
    assert sum(len(rows) for rows in before.values()) > 2000
    assert len(before["actions.HistoricalInterventionDomain"]) > 100

    out = io.StringIO()
    call_command("backup_data", output=str(archive), stdout=out)
    assert "Sauvegarde écrite" in out.getvalue()
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600

    settle_deferred_constraints()
    call_command("flush", interactive=False, verbosity=0)
    assert not Youth.objects.exists() and not AccessLog.objects.exists() and not User.objects.exists()

    out = io.StringIO()
    call_command("restore_data", str(archive), interactive=False, stdout=out)
    assert "nombres vérifiés table par table" in out.getvalue()
    after = snapshot()
    assert {label: len(rows) for label, rows in after.items()} == {label: len(rows) for label, rows in before.items()}
    assert after == before
    restored_figures = period_figures(
        team=full_database, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 12, 31)
    )
    assert restored_figures == figures
    # The summaries are not in the archive: the triggers wrote them again as the interventions came back.
    assert InterventionMonth.objects.exists() and YouthYearDomain.objects.exists()
    assert summaries_differences() == {}
    # New rows continue after the restored ones.
    log_access(action=Action.LOGIN, user=User.objects.get(username="coordination"))


def test_a_restore_replaces_whatever_the_database_held(small_database, tmp_path):
    archive = tmp_path / "sauvegarde.json.gz"
    call_command("backup_data", output=str(archive), stdout=io.StringIO())
    before = snapshot()
    Youth.objects.filter(pk=Youth.objects.order_by("pk").first().pk).update(first_name="Changé après la sauvegarde")
    log_access(action=Action.LOGIN, user=User.objects.get(username="coordination"))
    call_command("restore_data", str(archive), interactive=False, stdout=io.StringIO())
    assert snapshot() == before


def test_a_damaged_archive_changes_nothing(small_database, tmp_path):
    archive = tmp_path / "sauvegarde.json.gz"
    call_command("backup_data", output=str(archive), stdout=io.StringIO())
    with gzip.open(archive, "rt", encoding="utf-8") as stream:
        objects = json.load(stream)
    objects.append({"model": "youths.youth", "pk": 999999, "fields": {"team": 424242, "first_name": "x"}})
    with gzip.open(archive, "wt", encoding="utf-8") as stream:
        json.dump(objects, stream)
    before = snapshot()
    with pytest.raises(Exception):  # noqa: B017 - whatever the database reports, nothing is changed
        call_command("restore_data", str(archive), interactive=False, stdout=io.StringIO())
    assert snapshot() == before


def test_restore_asks_for_a_confirmation(small_database, tmp_path, monkeypatch):
    archive = tmp_path / "sauvegarde.json.gz"
    call_command("backup_data", output=str(archive), stdout=io.StringIO())
    monkeypatch.setattr("builtins.input", lambda prompt: "non")
    with pytest.raises(CommandError, match="Restauration annulée"):
        call_command("restore_data", str(archive))


def test_backup_refuses_to_overwrite_a_file(tmp_path):
    archive = tmp_path / "sauvegarde.json.gz"
    archive.write_bytes(b"")
    with pytest.raises(CommandError, match="existe déjà"):
        call_command("backup_data", output=str(archive))


@pytest.mark.parametrize("kept", [0.5, 0.99])
def test_a_truncated_archive_gets_a_french_message_and_changes_nothing(small_database, tmp_path, kept):
    archive = tmp_path / "sauvegarde.json.gz"
    call_command("backup_data", output=str(archive), stdout=io.StringIO())
    content = archive.read_bytes()
    archive.write_bytes(content[: int(len(content) * kept)])
    before = snapshot()
    with pytest.raises(CommandError, match="L'archive sauvegarde.json.gz est incomplète ou abîmée"):
        call_command("restore_data", str(archive), interactive=False, stdout=io.StringIO())
    assert snapshot() == before


def test_the_archive_is_private_before_anything_is_written_in_it(tmp_path, monkeypatch):
    """Not written first and restricted after: another user could open it in between and keep reading."""
    import privacy.backup

    archive = tmp_path / "sauvegarde.json.gz"
    modes = []
    real_call_command = privacy.backup.call_command

    def dumpdata_watched(name, *args, **kwargs):
        modes.append(stat.S_IMODE(archive.stat().st_mode))  # the file as dumpdata finds it
        return real_call_command(name, *args, **kwargs)

    monkeypatch.setattr(privacy.backup, "call_command", dumpdata_watched)
    previous = os.umask(0o022)
    try:
        call_command("backup_data", output=str(archive), stdout=io.StringIO())
    finally:
        os.umask(previous)
    assert modes == [0o600]
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600
