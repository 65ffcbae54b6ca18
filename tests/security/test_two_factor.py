import base64
import html
import re
import time

import pytest
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice

from emps.models import AccessLog

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"


def code_for(device: TOTPDevice, offset_steps: int = 0) -> str:
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time() + offset_steps * device.step
    return f"{totp.token():06d}"


def log_in(client, username):
    return client.post(reverse("login"), {"username": username, "password": PASSWORD})


@pytest.fixture
def alice_device(educator):
    return TOTPDevice.objects.create(user=educator, name="téléphone", confirmed=True)


def test_setting_up_two_factor_shows_a_server_rendered_qr_code_and_needs_a_valid_code(client, educator):
    client.force_login(educator)
    page = client.get(reverse("accounts:otp_setup"))
    content = page.content.decode()
    qr = re.search(r'src="data:image/svg\+xml;base64,([^"]+)"', content)
    assert qr is not None
    assert base64.b64decode(qr.group(1)).startswith(b"<svg")
    device = TOTPDevice.objects.get(user=educator, confirmed=False)
    secret = base64.b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in content

    wrong = client.post(
        reverse("accounts:otp_setup"), {"token": "000000" if code_for(device) != "000000" else "111111"}
    )
    assert "Ce code ne correspond pas" in wrong.content.decode()
    letters = client.post(reverse("accounts:otp_setup"), {"token": "12ab56"})
    assert "Le code compte exactement 6 chiffres." in letters.content.decode()
    device.refresh_from_db()
    assert not device.confirmed

    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    response = client.post(reverse("accounts:otp_setup"), {"token": code_for(device)})
    assert response["Location"] == reverse("accounts:detail")
    device.refresh_from_db()
    assert device.confirmed
    assert AccessLog.objects.filter(detail="double authentification activée", username="alice").exists()
    assert "activée" in client.get(reverse("accounts:detail")).content.decode()


def test_a_user_with_a_device_must_enter_a_code_after_the_password(client, educator, alice_device):
    response = log_in(client, "alice")
    assert response.status_code == 302
    home = client.get(reverse("home"))
    assert home["Location"] == reverse("accounts:otp_verify") + "?next=%2F"
    verify_page = client.get(home["Location"]).content.decode()
    assert "Code de connexion" in verify_page and "Mon activité" not in verify_page
    assert client.get(reverse("accounts:team")).status_code == 302

    wrong = client.post(reverse("accounts:otp_verify"), {"token": code_for(alice_device, offset_steps=-20)})
    assert "Ce code n'est pas le bon" in html.unescape(wrong.content.decode())
    assert AccessLog.objects.filter(action="login_failed", detail="code de double authentification erroné").exists()

    alice_device.refresh_from_db()
    alice_device.throttle_reset()
    verified = client.post(reverse("accounts:otp_verify"), {"token": code_for(alice_device), "next": "/"})
    assert verified["Location"] == "/"
    assert client.get(reverse("home")).status_code == 200
    assert AccessLog.objects.filter(action="login", detail="second facteur validé").exists()


def test_repeated_wrong_codes_are_throttled(client, educator, alice_device):
    log_in(client, "alice")
    client.post(reverse("accounts:otp_verify"), {"token": code_for(alice_device, offset_steps=-20)})
    response = client.post(reverse("accounts:otp_verify"), {"token": code_for(alice_device)})
    assert "Trop de codes erronés" in response.content.decode()
    assert client.get(reverse("home")).status_code == 302


def test_logging_out_stays_possible_before_the_second_factor(client, educator, alice_device):
    log_in(client, "alice")
    client.post(reverse("logout"))
    assert client.get(reverse("home"))["Location"].startswith(reverse("login"))


def test_coordinators_must_set_up_two_factor_when_the_setting_is_on(client, coordinator, educator, settings):
    settings.EMPS_REQUIRE_2FA_FOR_COORDINATORS = True
    log_in(client, "coordination")
    response = client.get(reverse("privacy:journal"))
    assert response["Location"] == reverse("accounts:otp_setup") + "?next=%2Fconfidentialite%2Fjournal%2F"
    assert "Votre association demande la double authentification" in client.get(response["Location"]).content.decode()

    educator_client = client.__class__()
    log_in(educator_client, "alice")
    assert educator_client.get(reverse("home")).status_code == 200


def test_without_the_setting_coordinators_may_skip_two_factor(client, coordinator, settings):
    settings.EMPS_REQUIRE_2FA_FOR_COORDINATORS = False
    log_in(client, "coordination")
    assert client.get(reverse("privacy:journal")).status_code == 200


def test_a_user_turns_two_factor_off_with_a_current_code(client, educator, alice_device):
    client.force_login(educator)
    client.post(reverse("accounts:otp_verify"), {"token": code_for(alice_device)})
    refused = client.post(reverse("accounts:otp_disable"), {"token": "abc"}, follow=True)
    assert "Code incorrect" in refused.content.decode()
    alice_device.refresh_from_db()
    alice_device.throttle_reset()
    client.post(reverse("accounts:otp_disable"), {"token": code_for(alice_device, offset_steps=1)})
    assert not TOTPDevice.objects.filter(user=educator).exists()


def test_a_required_second_factor_cannot_be_turned_off(client, coordinator, settings):
    settings.EMPS_REQUIRE_2FA_FOR_COORDINATORS = True
    device = TOTPDevice.objects.create(user=coordinator, name="t", confirmed=True)
    client.force_login(coordinator)
    client.post(reverse("accounts:otp_verify"), {"token": code_for(device)})
    response = client.post(reverse("accounts:otp_disable"), {"token": code_for(device, 1)}, follow=True)
    assert "obligatoire pour votre rôle" in response.content.decode()
    assert TOTPDevice.objects.filter(user=coordinator).exists()


def test_a_coordinator_resets_the_second_factor_of_a_member_who_lost_their_phone(
    client, coordinator, educator, alice_device
):
    alice = client.__class__()
    log_in(alice, "alice")
    assert alice.get(reverse("home")).status_code == 302
    client.force_login(coordinator)
    client.post(reverse("accounts:otp_reset", args=[educator.pk]))
    assert not TOTPDevice.objects.filter(user=educator).exists()
    assert AccessLog.objects.filter(detail__startswith="double authentification réinitialisée").exists()
    # The waiting session goes through: nothing left to verify.
    assert alice.get(reverse("accounts:otp_verify"))["Location"] == reverse("home")
    assert alice.get(reverse("home")).status_code == 200
