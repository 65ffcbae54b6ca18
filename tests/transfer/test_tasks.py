"""Imports as background tasks: cleaning, and real workers (the database queue; RQ on Redis), one killed."""

import datetime
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from tests.transfer.helpers import YOUTH_HEADER, csv_bytes, youth_row
from transfer import jobs, progress
from transfer.models import ImportJob, ImportStatus
from youths.models import Youth

ROOT = Path(__file__).resolve().parents[2]
REDIS_URL = os.environ.get("EMPS_TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@pytest.mark.django_db
def test_clean_tasks_deletes_imports_older_than_a_day_with_their_file(coordinator, team):
    old = ImportJob.objects.create(
        user=coordinator, team=team, kind="jeunes", filename="a.csv", data=b"Yanis", status=ImportStatus.PREVIEWED
    )
    ImportJob.objects.filter(pk=old.pk).update(created_at=timezone.now() - datetime.timedelta(days=1, minutes=1))
    recent = ImportJob.objects.create(
        user=coordinator, team=team, kind="jeunes", filename="b.csv", data=b"Lina", status=ImportStatus.PREVIEWED
    )
    call_command("clean_tasks", stdout=open(os.devnull, "w"))  # noqa: SIM115
    assert list(ImportJob.objects.values_list("pk", flat=True)) == [recent.pk]


# Real workers --------------------------------------------------------------------------------------


def _database_url() -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    name = str(db["NAME"])
    if "memory" in name:
        pytest.skip("SQLite in memory: a worker process cannot open it (run with --reuse-db: a file database)")
    return f"sqlite:///{name}"


def _worker_env(tmp_path, **extra) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    return env | {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": _database_url(),
        "EMPS_PROGRESS_DIR": str(tmp_path / "progress"),
        "AXES_ENABLED": "0",
        **extra,
    }


def _wait(condition, seconds=180.0):
    limit = time.monotonic() + seconds
    while time.monotonic() < limit:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError("timed out")


def _status(job) -> str:
    return ImportJob.objects.values_list("status", flat=True).get(pk=job.pk)


@pytest.fixture
def file_progress(settings, tmp_path):
    """The progress cache shared with the worker process: files, as with `make run`."""
    settings.CACHES = settings.CACHES | {
        "progress": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(tmp_path / "progress"),
        }
    }


ROWS = 4500  # three chunks of rows: the worker is killed once the first is written


def _youths_file() -> bytes:
    return csv_bytes([YOUTH_HEADER] + [youth_row(f"HB-{n:05d}", f"J{n}") for n in range(ROWS)])


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_in_the_middle_of_a_confirmation_writes_nothing(
    settings, tmp_path, file_progress, coordinator, territory, team
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    command = [sys.executable, "manage.py", "db_worker", "--no-reload", "--no-startup-delay", "--interval", "0.1"]
    env = _worker_env(tmp_path)
    worker = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        job = jobs.start_preview(
            user=coordinator,
            team=team,
            kind="jeunes",
            filename="jeunes.csv",
            data=_youths_file(),
            create_partners=False,
            may_create_teams=False,
        )
        assert job.status == ImportStatus.PREVIEW_QUEUED  # queued, not run in the request
        _wait(lambda: _status(job) == ImportStatus.PREVIEWED)
        assert jobs.confirm(job=job)
        _wait(lambda: progress.read(job.pk)["written"] > 0)
        worker.kill()
        worker.wait()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
    assert progress.read(job.pk)["written"] < ROWS
    assert not Youth.objects.filter(team=team).exists()  # the transaction was never committed

    settings.EMPS_TASK_STALE_SECONDS = 0
    time.sleep(0.01)
    assert jobs.expire_stale() == 1
    job.refresh_from_db()
    assert job.status == ImportStatus.FAILED and "rien n'a été enregistré" in job.failure
    assert job.data is not None  # the file is still there, and importable

    settings.EMPS_TASK_STALE_SECONDS = 600
    assert jobs.confirm(job=job)
    completed = subprocess.run([*command, "--batch"], cwd=ROOT, env=env, capture_output=True, timeout=600)
    assert completed.returncode == 0, completed.stderr.decode()[-2000:]
    assert _status(job) == ImportStatus.IMPORTED
    assert Youth.objects.filter(team=team).count() == ROWS


def _redis_or_skip():
    try:
        import redis

        redis.Redis.from_url(REDIS_URL).ping()
    except Exception as error:  # noqa: BLE001 - any failure means no Redis here
        if os.environ.get("EMPS_REQUIRE_REDIS") == "1":
            raise AssertionError(f"Redis is required (EMPS_REQUIRE_REDIS=1) but unreachable at {REDIS_URL}") from error
        pytest.skip(f"no Redis at {REDIS_URL} (EMPS_REQUIRE_REDIS=1 makes this a failure)")
    return redis.Redis.from_url(REDIS_URL)


@pytest.mark.django_db(transaction=True)
def test_the_rq_queue_on_redis_runs_a_preview_and_an_import(settings, tmp_path, coordinator, territory, team):
    client = _redis_or_skip()
    client.flushdb()
    settings.TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    settings.RQ_QUEUES = {"default": {"URL": REDIS_URL}}
    settings.CACHES = settings.CACHES | {
        "progress": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
    env = _worker_env(tmp_path, TASKS_REDIS_URL=REDIS_URL)
    command = [sys.executable, "manage.py", "rqworker", "default", "--burst", "--job-class", "django_tasks_rq.Job"]
    data = csv_bytes([YOUTH_HEADER, youth_row(), youth_row("HB-0002", "Lina")])
    job = jobs.start_preview(
        user=coordinator,
        team=team,
        kind="jeunes",
        filename="j.csv",
        data=data,
        create_partners=False,
        may_create_teams=False,
    )
    assert job.status == ImportStatus.PREVIEW_QUEUED
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert completed.returncode == 0, completed.stderr.decode()[-2000:]
    assert _status(job) == ImportStatus.PREVIEWED
    assert progress.read(job.pk)["checked"] == 2  # the worker's progress, read from Redis
    assert jobs.confirm(job=job)
    completed = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=300)
    assert completed.returncode == 0, completed.stderr.decode()[-2000:]
    assert _status(job) == ImportStatus.IMPORTED
    assert set(Youth.objects.filter(team=team).values_list("reference", flat=True)) == {"HB-0001", "HB-0002"}
    client.flushdb()
