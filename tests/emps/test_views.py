import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.db import connection
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_anonymous_users_are_sent_to_the_login_page(client):
    response = client.get(reverse("home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_login_page_is_in_french_and_serves_local_assets_only(client):
    response = client.get(reverse("login"))
    content = response.content.decode()
    assert response.status_code == 200
    assert "Se connecter" in content and 'lang="fr"' in content
    assert "https://" not in content.replace("https://www.w3.org", "")


def test_a_user_logs_in_and_lands_on_the_home_page(client, educator):
    response = client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery-staple"})
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200


def test_a_wrong_password_gets_a_french_message(client, educator):
    response = client.post(reverse("login"), {"username": "alice", "password": "nope"})
    assert response.status_code == 200
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in response.content.decode()


def test_health_endpoint_is_public(client):
    assert client.get(reverse("health")).json() == {"status": "ok", "database": "ok"}


# The next two run the application in a process of their own, with a DATABASE_URL of the test's choosing:
# a database that does not answer is a real one, not a mock.
SCRIPT = """
from wsgiref.util import setup_testing_defaults

import psycopg
from django.core.handlers.wsgi import WSGIHandler
from django.db import connection

# The WSGI handler as gunicorn calls it: Django's test client skips the connection checks of each request.
application = WSGIHandler()


def get(path):
    environ = {"PATH_INFO": path}
    setup_testing_defaults(environ)
    statuses = []
    b"".join(application(environ, lambda status, headers: statuses.append(status)))
    return statuses[0].split()[0]


for step in STEPS:
    if step == "kill":
        pid = connection.connection.info.backend_pid
        with psycopg.connect(URL, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", [pid])
    else:
        print("status", get("/sante/"))
"""


def _run(database_url: str, *steps: str) -> list[str]:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": database_url}
    env["CONN_MAX_AGE"] = "60"
    script = f"URL = {database_url!r}\nSTEPS = {list(steps)!r}\n{SCRIPT}"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    return [line.split()[1] for line in result.stdout.splitlines() if line.startswith("status ")]


def test_health_reports_a_database_that_does_not_answer():
    """Port 1 of the local machine: nothing listens there, the connection is refused."""
    assert _run("postgres://postgres@127.0.0.1:1/emps", "get") == ["503"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL server's restart")
def test_the_first_request_after_a_lost_database_connection_succeeds():
    """A persistent connection killed on the server's side (as by a restart) is replaced, not used."""
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@{database['HOST']}:{database['PORT'] or 5432}/{database['NAME']}"
    assert _run(url, "get", "kill", "get") == ["200", "200"]
