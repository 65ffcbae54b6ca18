import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def _directives(header: str) -> dict[str, list[str]]:
    directives = {}
    for part in header.split(";"):
        name, *values = part.split()
        directives[name] = values
    return directives


@pytest.mark.parametrize("url_name", ["login", "home", "privacy:journal", "accounts:detail"])
def test_every_page_has_a_strict_content_security_policy(client, coordinator, url_name):
    if url_name != "login":
        client.force_login(coordinator)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    directives = _directives(policy)
    assert directives["default-src"] == ["'self'"]
    assert directives["script-src"] == ["'self'"]
    assert directives["style-src"] == ["'self'"]
    assert directives["frame-ancestors"] == ["'none'"]
    assert directives["object-src"] == ["'none'"]
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


@pytest.mark.parametrize("url_name", ["login", "home", "privacy:journal", "privacy:due", "accounts:team"])
def test_pages_load_no_third_party_asset_and_no_inline_script_or_style(client, coordinator, url_name):
    if url_name != "login":
        client.force_login(coordinator)
    content = client.get(reverse(url_name)).content.decode()
    assert not re.search(r'(src|href)="(https?:)?//', content)
    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", content), "inline <script> block"
    assert not re.search(r"\son[a-z]+=", content), "inline event handler"
    assert "<style" not in content and ' style="' not in content


PRODUCTION_PROBE = """
import json, django
django.setup()
from django.conf import settings
from django.test import Client
from django.test.utils import setup_test_environment
setup_test_environment()
# collectstatic has not run here: plain static storage instead of the manifest (no effect on headers).
settings.STORAGES = {**settings.STORAGES, "staticfiles": {
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
client = Client()
insecure = client.get("/sante/")
secure = client.get("/connexion/", secure=True)
print(json.dumps({
    "redirect": [insecure.status_code, insecure.get("Location")],
    "hsts": secure.get("Strict-Transport-Security"),
    "csrf_cookie_secure": secure.cookies["csrftoken"]["secure"],
    "csrf_cookie_samesite": secure.cookies["csrftoken"]["samesite"],
    "session_cookie_secure": settings.SESSION_COOKIE_SECURE,
    "session_cookie_httponly": settings.SESSION_COOKIE_HTTPONLY,
    "frame": secure.get("X-Frame-Options"),
    "csp": secure.get("Content-Security-Policy"),
}))
"""


def test_production_settings_send_hsts_redirect_to_https_and_mark_cookies_secure():
    overridden = {"DEBUG", "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS"}
    env = {k: v for k, v in os.environ.items() if k not in overridden}
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.base",
        SECRET_KEY="production-like-" + "k" * 50,
        ALLOWED_HOSTS="testserver",
        DATABASE_URL="sqlite:///:memory:",
    )
    result = subprocess.run(
        [sys.executable, "-c", PRODUCTION_PROBE], cwd=ROOT, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    probe = json.loads(result.stdout.strip().splitlines()[-1])
    assert probe["redirect"] == [301, "https://testserver/sante/"]
    assert probe["hsts"] == "max-age=31536000; includeSubDomains; preload"
    assert probe["csrf_cookie_secure"] is True and probe["csrf_cookie_samesite"] == "Lax"
    assert probe["session_cookie_secure"] is True and probe["session_cookie_httponly"] is True
    assert probe["frame"] == "DENY"
    assert "unsafe-inline" not in probe["csp"]


def test_the_session_cookie_is_secure_when_the_setting_is_on(client, educator, settings):
    settings.SESSION_COOKIE_SECURE = True
    response = client.post(
        reverse("login"), {"username": "alice", "password": "correct-horse-battery-staple"}, secure=True
    )
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["secure"] is True and cookie["httponly"] is True and cookie["samesite"] == "Lax"


def test_exports_of_personal_data_are_never_cached(client, coordinator, youth):
    client.force_login(coordinator)
    for name in ("privacy:export_json", "privacy:export_pdf"):
        response = client.get(reverse(name, args=[youth.pk]))
        assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.parametrize(
    "url_name", ["home", "youths:list", "actions:intervention_list", "privacy:journal", "accounts:detail"]
)
def test_pages_of_a_signed_in_person_are_never_stored_by_a_cache(client, coordinator, url_name):
    client.force_login(coordinator)
    response = client.get(reverse(url_name))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"no-store", "private"} <= directives


def test_public_responses_keep_their_caching(client):
    assert "no-store" not in client.get(reverse("health")).get("Cache-Control", "")
