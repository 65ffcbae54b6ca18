import datetime

import pytest
import time_machine
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.urls import reverse

from emps.models import AccessLog, User
from tests.emps.factories import UserFactory

pytestmark = pytest.mark.django_db

STRONG = "le chat dort sur le radiateur"


# Passwords -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password,message",
    [
        pytest.param("Xq7!vB2$kLm", "Il doit contenir au minimum 12 caractères.", id="11-characters"),
        pytest.param("qwerty123456", "Ce mot de passe est trop courant.", id="common"),
        pytest.param("739184627305", "Ce mot de passe est entièrement numérique.", id="numeric"),
        pytest.param("alice.dupont.2024", "Le mot de passe est trop semblable", id="like-the-user"),
        pytest.param("motdepasse123", "Ce mot de passe est un mot trop courant.", id="french-word"),
        pytest.param("azertyuiopqs", "suit les touches du clavier", id="keyboard-walk"),
        pytest.param("aaaaaaaaaaaa", "répète trop les mêmes caractères", id="repeated"),
    ],
)
def test_weak_passwords_are_refused_with_a_french_message(password, message):
    user = User(username="alice.dupont", first_name="Alice", last_name="Dupont")
    with pytest.raises(ValidationError) as error:
        validate_password(password, user=user)
    assert any(message in m for m in error.value.messages), error.value.messages


def test_the_demo_password_is_refused_at_log_in_unless_debug_is_on(client, settings):
    UserFactory(username="educateur", password="demo")
    response = client.post(reverse("login"), {"username": "educateur", "password": "demo"})
    assert response.status_code == 200
    assert "Le mot de passe de démonstration est refusé" in response.content.decode()
    assert "_auth_user_id" not in client.session
    settings.DEBUG = True
    response = client.post(reverse("login"), {"username": "educateur", "password": "demo"})
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_manage_py_does_not_hash_passwords_with_md5():
    """Only the test suite hashes with MD5, for speed: `manage.py` (dev settings) uses Django's default."""
    import os
    import subprocess
    import sys

    from django.conf import settings

    env = {k: v for k, v in os.environ.items() if k not in {"DJANGO_SETTINGS_MODULE", "DEBUG"}}
    script = "from django.conf import settings; print(settings.PASSWORD_HASHERS[0])"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=settings.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert "MD5" not in result.stdout and "PBKDF2" in result.stdout, result.stdout


def test_twelve_characters_are_enough():
    validate_password("Xq7!vB2$kLm9", user=User(username="alice"))


def test_changing_ones_password_applies_the_rules_and_is_journaled(client, educator):
    client.force_login(educator)
    url = reverse("accounts:password_change")
    data = {"old_password": "correct-horse-battery-staple", "new_password1": "court", "new_password2": "court"}
    refused = client.post(url, data)
    assert "au minimum 12 caractères" in refused.content.decode()
    data.update(new_password1=STRONG, new_password2=STRONG)
    assert client.post(url, data)["Location"] == reverse("accounts:detail")
    educator.refresh_from_db()
    assert educator.check_password(STRONG)
    assert AccessLog.objects.filter(action="update", detail="mot de passe modifié", username="alice").exists()
    assert client.get(reverse("home")).status_code == 200  # still logged in


# Sessions ------------------------------------------------------------------------------------


def test_a_session_expires_after_two_idle_hours_but_not_while_in_use(client, educator):
    start = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery-staple"})
        for _n in range(4):  # active for 7 h 40 min, never 2 h idle
            traveller.shift(datetime.timedelta(hours=1, minutes=55))
            assert client.get(reverse("accounts:detail")).status_code == 200
        traveller.shift(datetime.timedelta(hours=2, minutes=1))
        response = client.get(reverse("accounts:detail"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_session_cookie_ends_with_the_browser(client, educator, settings):
    response = client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery-staple"})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""
    assert cookie["httponly"] is True
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60 and settings.SESSION_SAVE_EVERY_REQUEST


# Lock-out ------------------------------------------------------------------------------------


def test_five_failed_log_ins_lock_the_account_with_a_french_page(client, educator, axes_on):
    for _n in range(4):
        response = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
        assert response.status_code == 200
    locked = client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert locked.status_code == 429
    content = locked.content.decode()
    assert "Trop de tentatives de connexion" in content and "Après 5 essais erronés" in content
    assert "Réessayez dans 1 heure." in content
    # Even the right password is refused now.
    again = client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery-staple"})
    assert again.status_code == 429
    assert client.get(reverse("home")).status_code == 302
    assert AccessLog.objects.filter(action="login_failed", username="alice").count() == 6
    assert AccessLog.objects.filter(detail="compte verrouillé après trop d'échecs").exists()


def test_the_lock_out_limit_is_configurable(client, educator, axes_on, settings):
    settings.AXES_FAILURE_LIMIT = 2
    client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    assert client.post(reverse("login"), {"username": "alice", "password": "wrong"}).status_code == 429


def test_a_success_before_the_limit_resets_the_count(client, educator, axes_on):
    for _n in range(4):
        client.post(reverse("login"), {"username": "alice", "password": "wrong"})
    client.post(reverse("login"), {"username": "alice", "password": "correct-horse-battery-staple"})
    client.post(reverse("logout"))
    for _n in range(4):
        assert client.post(reverse("login"), {"username": "alice", "password": "wrong"}).status_code == 200


# Deactivation --------------------------------------------------------------------------------


def test_a_coordinator_deactivates_a_member_who_leaves(client, coordinator, teammate):
    other_browser = client.__class__()
    other_browser.force_login(teammate)
    client.force_login(coordinator)
    page = client.get(reverse("accounts:team"))
    assert "bob" in page.content.decode()

    response = client.post(reverse("accounts:deactivate", args=[teammate.pk]), follow=True)
    assert "est désactivé" in response.content.decode()
    teammate.refresh_from_db()
    assert teammate.is_active is False and User.objects.filter(pk=teammate.pk).exists()
    # The open session ends and a new log-in is refused.
    assert other_browser.get(reverse("home")).status_code == 302
    refused = client.__class__().post(reverse("login"), {"username": "bob", "password": "correct-horse-battery-staple"})
    assert refused.status_code == 200 and "Saisissez un nom d’utilisateur" in refused.content.decode()
    entry = AccessLog.objects.get(detail__startswith="compte désactivé")
    assert (entry.username, entry.object_type, entry.object_id) == ("coordination", "user", str(teammate.pk))
    assert entry.team == teammate.teams.get() and entry.detail.endswith(f"(équipes : {entry.team.name})")

    client.post(reverse("accounts:reactivate", args=[teammate.pk]))
    teammate.refresh_from_db()
    assert teammate.is_active is True


def test_a_coordinator_cannot_deactivate_themself_nor_another_teams_member(client, coordinator, other_educator):
    client.force_login(coordinator)
    response = client.post(reverse("accounts:deactivate", args=[coordinator.pk]), follow=True)
    assert "Vous ne pouvez pas désactiver votre propre compte." in response.content.decode()
    assert client.post(reverse("accounts:deactivate", args=[other_educator.pk])).status_code == 404
    coordinator.refresh_from_db()
    other_educator.refresh_from_db()
    assert coordinator.is_active and other_educator.is_active


def test_accounts_cannot_be_deleted_even_by_an_administrator(client, educator):
    admin = UserFactory(username="admin", is_superuser=True, is_staff=True)
    client.force_login(admin)
    assert client.get(reverse("admin:emps_user_delete", args=[educator.pk])).status_code == 403
    changelist = client.get(reverse("admin:emps_user_changelist")).content.decode()
    assert "delete_selected" not in changelist


def test_the_team_accounts_page_runs_a_fixed_number_of_queries(
    client, coordinator, team, other_team, django_assert_max_num_queries
):
    for n in range(12):
        UserFactory(username=f"membre{n}", teams=[team, other_team])
    client.force_login(coordinator)
    with django_assert_max_num_queries(10):
        response = client.get(reverse("accounts:team"))
    assert len(response.context["members"]) == 13
