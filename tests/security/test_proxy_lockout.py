"""Behind the TLS proxy: the client's real address in the journal and django-axes, and a lock-out in two
tiers (account + address, then the account from every address past a higher ceiling)."""

import datetime

import pytest
import time_machine
from django.test import RequestFactory
from django.urls import reverse

from emps.journal import client_ip
from emps.models import AccessLog

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery-staple"
PROXY = "10.0.0.2"


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 1


def from_address(client, address, *, spoofed=""):
    """The proxy appends the address it sees to whatever X-Forwarded-For the client sent."""
    client.defaults["REMOTE_ADDR"] = PROXY
    client.defaults["HTTP_X_FORWARDED_FOR"] = f"{spoofed}, {address}" if spoofed else address
    return client


def fail(client, username="alice"):
    return client.post(reverse("login"), {"username": username, "password": "wrong"})


# The client's address ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "behind,header,expected",
    [
        pytest.param(False, "203.0.113.7", PROXY, id="direct-ignores-the-header"),
        pytest.param(True, "203.0.113.7", "203.0.113.7", id="proxy"),
        pytest.param(True, "6.6.6.6, 203.0.113.7", "203.0.113.7", id="client-written-entry-ignored"),
        pytest.param(True, "", PROXY, id="no-header"),
        pytest.param(True, "not-an-address", PROXY, id="garbage"),
        pytest.param(True, "2001:db8::1", "2001:db8::1", id="ipv6"),
    ],
)
def test_client_address_is_read_from_the_trusted_proxy_only(settings, behind, header, expected):
    settings.BEHIND_TLS_PROXY = behind
    settings.TRUSTED_PROXY_COUNT = 1
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=header)
    assert client_ip(request) == expected


def test_two_trusted_proxies_read_the_second_entry_from_the_right(settings):
    settings.BEHIND_TLS_PROXY = True
    settings.TRUSTED_PROXY_COUNT = 2
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7, 10.0.0.9")
    assert client_ip(request) == "203.0.113.7"


def test_the_journal_records_the_real_address_behind_the_proxy(client, educator, behind_proxy, axes_on):
    from_address(client, "203.0.113.7", spoofed="6.6.6.6")
    fail(client)
    fail(client, username="inconnu")
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    addresses = set(AccessLog.objects.filter(action__in=["login", "login_failed"]).values_list("ip_address", flat=True))
    assert addresses == {"203.0.113.7"}

    from axes.models import AccessAttempt, AccessFailureLog

    assert set(AccessFailureLog.objects.values_list("ip_address", flat=True)) == {"203.0.113.7"}
    # alice's attempts are reset by her success; the unknown account's keeps the real address.
    assert list(AccessAttempt.objects.values_list("username", "ip_address")) == [("inconnu", "203.0.113.7")]


# Lock-out -----------------------------------------------------------------------------------------


def test_five_failures_from_one_address_do_not_lock_a_colleague_out(client, educator, behind_proxy, axes_on):
    attacker = from_address(client, "203.0.113.7")
    for _n in range(5):
        fail(attacker)
    assert fail(attacker).status_code == 429

    colleague = from_address(client.__class__(), "198.51.100.20")
    response = colleague.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    assert response.status_code == 302


def test_one_address_hammering_the_page_does_not_lock_the_account_everywhere(
    client, educator, behind_proxy, axes_on, settings
):
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 20
    attacker = from_address(client, "203.0.113.7")
    for _n in range(30):  # from the 6th on, refused without a password check
        fail(attacker)
    assert fail(attacker).status_code == 429
    colleague = from_address(client.__class__(), "198.51.100.20")
    assert colleague.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 302


def test_a_client_cannot_dodge_the_lock_out_by_writing_the_header(client, educator, behind_proxy, axes_on):
    for n in range(5):
        fail(from_address(client, "203.0.113.7", spoofed=f"6.6.6.{n}"))
    locked = from_address(client, "203.0.113.7", spoofed="6.6.6.99")
    assert locked.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 429


def test_a_guess_spread_over_many_addresses_locks_the_account_for_longer(
    client, educator, behind_proxy, axes_on, settings
):
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 20
    settings.AXES_ACCOUNT_COOLOFF_HOURS = 24
    start = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for n in range(20):  # four tries from each of five addresses: never the per-address limit
            assert fail(from_address(client, f"203.0.113.{n // 4 + 1}")).status_code == 200
        owner = from_address(client.__class__(), "198.51.100.20")
        locked = owner.post(reverse("login"), {"username": "alice", "password": PASSWORD})
        assert locked.status_code == 429
        content = locked.content.decode()
        assert "Après 20 essais erronés depuis plusieurs appareils" in content
        assert "Réessayez dans 24 heures." in content
        assert AccessLog.objects.filter(
            detail="compte verrouillé pour toutes les adresses après trop d'échecs", username="alice"
        ).exists()
        # Another account is not concerned.
        other = owner.post(reverse("login"), {"username": "inconnu", "password": "x"})
        assert other.status_code == 200

        traveller.shift(datetime.timedelta(hours=2))  # the per-address cool-off is over, not the account's
        assert owner.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 429

        traveller.shift(datetime.timedelta(hours=23))
        assert owner.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 302


def test_a_success_starts_the_account_count_again(client, educator, behind_proxy, axes_on, settings):
    settings.AXES_ACCOUNT_FAILURE_LIMIT = 8
    start = datetime.datetime(2026, 3, 10, 8, 0, tzinfo=datetime.UTC)
    with time_machine.travel(start, tick=False) as traveller:
        for n in range(7):
            fail(from_address(client, f"203.0.113.{n + 1}"))
        traveller.shift(datetime.timedelta(minutes=1))
        owner = from_address(client.__class__(), "198.51.100.20")
        assert owner.post(reverse("login"), {"username": "alice", "password": PASSWORD}).status_code == 302
        traveller.shift(datetime.timedelta(minutes=1))
        for n in range(7):
            assert fail(from_address(client, f"192.0.2.{n + 1}")).status_code == 200
