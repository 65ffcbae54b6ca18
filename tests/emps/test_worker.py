"""A real `db_worker` process runs a background job, on SQLite as on PostgreSQL, in the normal suite.

The worker is another process: on PostgreSQL it opens the test database; SQLite's test database is in
memory, so the test copies it to a file (SQLite's backup API, a few milliseconds), lets the worker run on
that file, and copies the file back before reading the result with the ORM.
"""

import datetime
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from emps.models import BackgroundJob, JobStatus
from reports.tasks import start_teams_bilan
from tests.emps.factories import UserFactory

ROOT = Path(__file__).resolve().parents[2]


def _database_url(tmp_path) -> str:
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
    return f"sqlite:///{tmp_path / 'worker.sqlite3'}"


def _run_worker(tmp_path) -> subprocess.CompletedProcess:
    """`manage.py db_worker --batch`: run every queued task, then stop."""
    env = {key: value for key, value in os.environ.items() if not key.startswith(("PYTEST", "DJANGO_SETTINGS"))}
    env.pop("TASKS_REDIS_URL", None)
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings.dev",
        "DATABASE_URL": _database_url(tmp_path),
        "EMPS_PROGRESS_DIR": str(tmp_path / "progress"),
        "AXES_ENABLED": "0",
    }
    command = [sys.executable, "manage.py", "db_worker", "--batch", "--no-reload", "--no-startup-delay"]
    return subprocess.run(command, cwd=ROOT, env=env, capture_output=True, timeout=300)


@pytest.mark.django_db(transaction=True)
def test_a_db_worker_renders_the_bilan_of_several_teams(settings, tmp_path, team, other_team):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
    user = UserFactory(username="federation", role="coordinator", teams=[team, other_team])
    job = start_teams_bilan(
        user=user, teams=[team, other_team], start=datetime.date(2023, 1, 1), end=datetime.date(2023, 12, 31)
    )
    assert job.status == JobStatus.QUEUED  # queued, not run in the request

    sqlite = connection.vendor == "sqlite"
    if sqlite:
        connection.ensure_connection()
        with sqlite3.connect(tmp_path / "worker.sqlite3") as copy:
            connection.connection.backup(copy)
    completed = _run_worker(tmp_path)
    assert completed.returncode == 0, completed.stderr.decode()[-2000:]
    if sqlite:
        with sqlite3.connect(tmp_path / "worker.sqlite3") as copy:
            copy.backup(connection.connection)

    job = BackgroundJob.objects.get(pk=job.pk)
    assert job.status == JobStatus.DONE, job.failure
    assert bytes(job.result).startswith(b"%PDF") and job.result_name == "bilan-2-equipes-20230101-20231231.pdf"
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=bytes(job.result), capture_output=True, check=True
    ).stdout.decode()
    assert team.name in text and other_team.name in text
